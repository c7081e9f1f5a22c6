package tocsin.query.datadog;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static tocsin.query.datadog.Fixture.list;
import static tocsin.query.datadog.Fixture.seconds;
import static tocsin.query.datadog.Fixture.values;

/**
 * Each function on one hand-made series, 20 s buckets: {@code f{host:a}} is 1, -2, 4, (empty), 8 at 0, 20, 40, 60 and
 * 80 s.
 */
class FunctionsTest {
    private final Fixture f = new Fixture();

    @BeforeEach
    void data() {
        f.gauge("f{host:a}", 0, 1, 20, -2, 40, 4, 80, 8);
        f.gauge("pos{host:a}", 0, 1, 20, 2, 40, 4, 60, 8);
        f.gauge("ten{host:a}", 0, 1, 20, 10, 40, 100);
    }

    private List<Double> eval(String query) {
        return values(f.one(query));
    }

    @Test
    void pointwise() {
        assertThat(eval("f{*}")).isEqualTo(list(1.0, -2.0, 4.0, null, 8.0));
        assertThat(eval("abs(f{*})")).isEqualTo(list(1.0, 2.0, 4.0, null, 8.0));
        assertThat(eval("log2(pos{*})")).containsExactly(0.0, 1.0, 2.0, 3.0);
        assertThat(eval("log10(ten{*})")).containsExactly(0.0, 1.0, 2.0);
        assertThat(eval("log2(f{*})")).as("log of a negative is null").isEqualTo(list(0.0, null, 2.0, null, 3.0));
        assertThat(eval("clamp_min(f{*}, 0)")).isEqualTo(list(1.0, 0.0, 4.0, null, 8.0));
        assertThat(eval("clamp_max(f{*}, 3)")).isEqualTo(list(1.0, -2.0, 3.0, null, 3.0));
        assertThat(eval("cutoff_min(f{*}, 1)")).as("equal values stay").isEqualTo(list(1.0, null, 4.0, null, 8.0));
        assertThat(eval("cutoff_max(f{*}, 4)")).isEqualTo(list(1.0, -2.0, 4.0));
        assertThat(eval("throughput(f{*})")).isEqualTo(list(0.05, -0.1, 0.2, null, 0.4));
    }

    @Test
    void differencesLookBackToThePreviousValue() {
        QuerySeries diff = f.one("diff(f{*})");
        assertThat(seconds(diff)).containsExactly(20L, 40L, 60L, 80L);
        assertThat(values(diff)).isEqualTo(list(-3.0, 6.0, null, 4.0));
        assertThat(eval("monotonic_diff(f{*})")).isEqualTo(list(6.0, null, 4.0));
        assertThat(eval("derivative(f{*})")).isEqualTo(list(-0.15, 0.3, null, 0.1));
        assertThat(eval("per_second(f{*})")).isEqualTo(list(-0.15, 0.3, null, 0.1));
        assertThat(eval("per_minute(f{*})")).isEqualTo(list(-9.0, 18.0, null, 6.0));
        assertThat(eval("per_hour(f{*})")).isEqualTo(list(-540.0, 1080.0, null, 360.0));
    }

    @Test
    void accumulations() {
        assertThat(eval("cumsum(f{*})")).isEqualTo(list(1.0, -1.0, 3.0, null, 11.0));
        // trapezoids: 20*(1-2)/2 = -10, 20*(-2+4)/2 = 20, 40*(4+8)/2 = 240
        assertThat(eval("integral(f{*})")).isEqualTo(list(0.0, -10.0, 10.0, null, 250.0));
    }

    @Test
    void smoothing() {
        // alpha = 2 / (3 + 1) = 0.5
        assertThat(eval("ewma_3(f{*})")).isEqualTo(list(1.0, -0.5, 1.75, null, 4.875));
        assertThat(eval("median_3(f{*})")).isEqualTo(list(1.0, -0.5, 1.0, null, 6.0));
        assertThat(eval("ewma_10(pos{*})").getFirst()).isEqualTo(1.0);
        assertThat(eval("median_5(pos{*})")).containsExactly(1.0, 1.5, 2.0, 3.0);
    }

    @Test
    void defaultZeroFillsTheWholeWindow() {
        QuerySeries s = f.one("default_zero(f{*})");
        assertThat(values(s).subList(0, 6)).containsExactly(1.0, -2.0, 4.0, 0.0, 8.0, 0.0);
        assertThat(s.length()).isEqualTo(181);
    }

    @Test
    void countsAcrossSeries() {
        f.gauge("g{host:b}", 0, 0, 20, 5);
        f.gauge("g{host:c}", 0, 3);
        // buckets where no series has a value count 0
        assertThat(eval("count_nonzero(g{*} by {host})").subList(0, 3)).containsExactly(1.0, 1.0, 0.0);
        assertThat(eval("count_not_null(g{*} by {host})").subList(0, 3)).containsExactly(2.0, 1.0, 0.0);
        QuerySeries s = f.one("count_not_null(g{*} by {host})");
        assertThat(s.tagSet()).isEmpty();
        assertThat(s.expression()).isEqualTo("count_not_null(g{*})");
    }

    @Test
    void topAndBottomRankSeries() {
        for (int i = 1; i <= 6; i++) {
            f.gauge("r{host:h" + i + "}", 0, i, 20, 10 - i);
        }
        // h<i> is i then 10 - i: every mean is 5, so rank by max (h1 9, h2 8, ...) and last (h1 9 ... h6 4)
        assertThat(f.hour("top(r{*} by {host}, 2, 'max', 'desc')").series()).extracting(QuerySeries::tagSet)
                .containsExactly(List.of("host:h1"), List.of("host:h2"));
        assertThat(f.hour("top(r{*} by {host}, 2, 'last', 'asc')").series()).extracting(QuerySeries::tagSet)
                .containsExactly(List.of("host:h6"), List.of("host:h5"));
        assertThat(f.hour("bottom(r{*} by {host}, 1, 'min')").series()).extracting(QuerySeries::tagSet)
                .containsExactly(List.of("host:h1"));
        assertThat(f.hour("top5_max(r{*} by {host})").series()).hasSize(5);
        assertThat(f.hour("bottom5_last(r{*} by {host})").series().getFirst().tagSet())
                .containsExactly("host:h6");
        assertThat(f.hour("top(r{*} by {host}, 3, 'l2norm')").series().getFirst().tagSet())
                .containsExactly("host:h1");
        assertThat(f.hour("top(r{*} by {host})").series()).hasSize(6);
    }

    @Test
    void functionsComposeWithArithmetic() {
        assertThat(eval("abs(f{*}) * 2 - f{*}")).isEqualTo(list(1.0, 6.0, 4.0, null, 8.0));
        assertThat(eval("cumsum(abs(f{*}))")).isEqualTo(list(1.0, 3.0, 7.0, null, 15.0));
        assertThat(f.one("abs(f{*}) * 2").expression()).isEqualTo("abs(f{*}) * 2");
        assertThat(f.one("abs(f{*}) * 2").metric()).isEqualTo("f");
    }
}
