package tocsin.query.promql;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import tocsin.core.metric.MetricKind;
import tocsin.core.metric.SeriesKey;
import tocsin.query.QueryException;
import tocsin.query.QuerySyntaxException;

import java.time.Instant;
import java.time.InstantSource;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

/** Whatever arrives, the answer is a Prometheus-shaped error or result, never a crash. */
class BadInputTest {
    private static final PromFixture DATA = new PromFixture()
            .every("x{a=\"1\"}", 0, 15, 1, 2, 3)
            .every("x{a=\"2\"}", 0, 15, 4, 5, 6)
            .put("h_bucket{le=\"1\"}", 30, 1).put("h_bucket{le=\"+Inf\"}", 30, 2);

    @Provide
    Arbitrary<String> noise() {
        Arbitrary<String> pieces = Arbitraries.of("x", "h_bucket", "sum", "by", "(", ")", "[", "]", "{", "}", "a",
                "=", "=~", "!=", "\"1\"", "'", "\"", ",", "5m", ":", "1", "-", "+", "*", "/", "^", "==", "bool", "on",
                "group_left", "offset", "@", "rate", "topk", "histogram_quantile", "0.5", "\\", "#", "\n", "`",
                "NaN", "Inf", "and", "or", " ", "le", "1e400", "0x", "label_replace");
        return pieces.list().ofMinSize(0).ofMaxSize(14).map(l -> String.join("", l));
    }

    @Property(tries = 1000)
    void anyTextParsesOrFailsAsAQueryException(@ForAll("noise") String query) {
        try {
            DATA.engine.instantQuery(query, PromFixture.T0 + 30_000);
        } catch (QueryException expected) {
            assertThat(expected.getMessage()).isNotBlank();
        }
    }

    @Property(tries = 300)
    void anyUnicodeTextParsesOrFailsAsAQueryException(@ForAll String query) {
        try {
            PromqlEngine.validate(query);
        } catch (QueryException expected) {
            assertThat(expected.getMessage()).isNotBlank();
        }
    }

    @Test
    void deepNestingIsRefusedNotCrashing() {
        String deep = "(".repeat(100_000) + "x" + ")".repeat(100_000);
        assertThatThrownBy(() -> PromqlEngine.validate(deep)).isInstanceOf(QuerySyntaxException.class)
                .hasMessage("1:1: parse error: expression nested too deeply");
        String longChain = "x" + " + x".repeat(200_000);
        PromApi api = PromApi.over(DATA.source, InstantSource.fixed(Instant.ofEpochMilli(PromFixture.T0)));
        ApiResponse r = api.query(longChain, null);
        assertThat(r.status()).isIn(200, 422);
    }

    @Test
    void nanAndInfinityFlowThroughAndRender() {
        PromFixture f = new PromFixture().put("v{k=\"nan\"}", 0, Double.NaN).put("v{k=\"inf\"}", 0,
                Double.POSITIVE_INFINITY).put("v{k=\"ninf\"}", 0, Double.NEGATIVE_INFINITY);
        assertThat(f.one("sum(v{k=~\"inf|ninf\"})", 0)).isNaN();
        assertThat(f.one("sum(v{k=\"inf\"}) + 1", 0)).isEqualTo(Double.POSITIVE_INFINITY);
        String json = f.at("v", 0).toJson();
        assertThat(json).contains("\"NaN\"", "\"+Inf\"", "\"-Inf\"");
        PromFixture c = new PromFixture().every("c", 0, 15, 0, Double.POSITIVE_INFINITY, 1);
        assertThat(c.at("rate(c[1m])", 30).toJson()).contains("\"resultType\":\"vector\"");
    }

    @Test
    void oddLabelValuesSurviveToJson() {
        PromFixture f = new PromFixture();
        f.source.add(SeriesKey.of("odd", "path:/a\"b\\c\n<d>", "emoji:\u2603"), MetricKind.GAUGE, PromFixture.T0, 1);
        assertThat(f.vector("odd{path=\"/a\\\"b\\\\c\\n<d>\"}", 0)).hasSize(1);
        assertThat(f.at("odd", 0).toJson()).contains("\"emoji\":\"\u2603\"",
                "\"path\":\"/a\\\"b\\\\c\\n\\u003cd\\u003e\"");
    }

    @Test
    void extremeTimesAndSteps() {
        PromApi api = PromApi.over(DATA.source, InstantSource.fixed(Instant.ofEpochMilli(PromFixture.T0)));
        assertThat(api.query("x", "1e300").status()).isEqualTo(400);
        assertThat(api.query("x", "NaN").status()).isEqualTo(400);
        assertThat(api.query("x", "-1").status()).isEqualTo(200);
        assertThat(api.query("x", "9999-12-31T23:59:59Z").status()).isEqualTo(200);
        assertThat(api.queryRange("x", "0", "1e9", "1e-3").status()).isEqualTo(400);
        assertThat(api.queryRange("x", "0", "1", "1e30").status()).isEqualTo(400);
        assertThat(api.queryRange("x", "0", "1", "-5s").status()).isEqualTo(400);
        assertThat(api.query("x[100y]", Long.toString(PromFixture.T0 / 1000 + 60)).status()).isEqualTo(200);
        assertThat(api.query("rate(x[1ms])", null).status()).isEqualTo(200);
    }

    @Test
    void selectorsThatMatchNothingAreEmpty() {
        assertThat(DATA.vector("nothing", 30)).isEmpty();
        assertThat(DATA.vector("x{a=\"3\"}", 30)).isEmpty();
        assertThat(DATA.vector("x{a=~\"[0-9]+\", a!~\"1|2\"}", 30)).isEmpty();
        assertThat(DATA.vector("histogram_quantile(0.5, x)", 30)).isEmpty();
        assertThat(DATA.vector("histogram_quantile(0.5, h_bucket)", 30)).containsExactly(entry("{}", 1.0));
        assertThat(DATA.range("x", 100_000, 100_060, 15).series()).isEqualTo(List.of());
    }
}
