package tocsin.query.datadog;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Scale;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;
import tocsin.core.metric.MetricKind;
import tocsin.core.metric.Sketch;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static tocsin.query.datadog.Fixture.T0;
import static tocsin.query.datadog.Fixture.key;
import static tocsin.query.datadog.Fixture.values;

/** Queries of distribution metrics, answered from merged sketches. One-hour queries have 20 s buckets. */
class DistributionQueryTest {
    private final Fixture f = new Fixture();

    private static double[] range(int from, int to) {
        double[] v = new double[to - from + 1];
        for (int i = 0; i < v.length; i++) {
            v[i] = from + i;
        }
        return v;
    }

    /** host a observed 1..100, host b 101..200, both at T0 + 5 s (the first 20 s bucket). */
    private void twoHosts() {
        f.source.addSketch(key("latency{host:a,env:prod}"), T0 + 5_000, Sketch.of(range(1, 100)));
        f.source.addSketch(key("latency{host:b,env:prod}"), T0 + 5_000, Sketch.of(range(101, 200)));
    }

    private static double first(QuerySeries s) {
        return values(s).getFirst();
    }

    private static void assertAccurate(double got, double exact) {
        assertThat(got).isCloseTo(exact, within(exact * Sketch.RELATIVE_ACCURACY * (1 + 1e-9)));
    }

    @Test
    void percentilesMergeEveryHost() {
        twoHosts();
        assertAccurate(first(f.one("p50:latency{*}")), 100);   // rank floor(0.5 * 199) = 99 of 1..200
        assertAccurate(first(f.one("p95:latency{env:prod}")), 190);
        assertAccurate(first(f.one("p99:latency{*}")), 198);
        assertAccurate(first(f.one("p99.9:latency{*}")), 199);
        assertThat(f.one("p50:latency{*}").aggr()).isEqualTo("p50");
        assertThat(f.one("p50:latency{*}").length()).as("buckets after the last value are left out").isEqualTo(1);
    }

    @Test
    void percentilesByTagKeepEachGroupApart() {
        twoHosts();
        List<QuerySeries> by = f.hour("p50:latency{*} by {host}").series();
        assertThat(by).extracting(QuerySeries::tagSet).containsExactly(List.of("host:a"), List.of("host:b"));
        assertAccurate(first(by.get(0)), 50);
        assertAccurate(first(by.get(1)), 150);
        assertThat(f.hour("p50:latency{host:b}").series()).singleElement()
                .satisfies(s -> assertAccurate(first(s), 150));
    }

    @Test
    void countSumAvgMinMaxAreExactFromTheSketches() {
        twoHosts();
        assertThat(first(f.one("count:latency{*}"))).isEqualTo(200);
        assertThat(first(f.one("sum:latency{*}"))).isEqualTo(20_100);
        assertThat(first(f.one("avg:latency{*}"))).isEqualTo(100.5);
        assertThat(first(f.one("latency{*}"))).as("avg by default").isEqualTo(100.5);
        assertThat(first(f.one("min:latency{*}"))).isEqualTo(1);
        assertThat(first(f.one("max:latency{*}"))).isEqualTo(200);
        assertThat(first(f.one("count:latency{*}.as_rate()"))).isEqualTo(10); // 200 in a 20 s bucket
    }

    @Test
    void rollupIntervalsMergeBuckets() {
        // one value per 10 s bucket for ten minutes on host a: 1, 2, ..., 60
        for (int i = 0; i < 60; i++) {
            f.source.addSketch(key("latency{host:a}"), T0 + i * 10_000L, Sketch.of(i + 1));
        }
        QuerySeries s = f.one("max:latency{*}.rollup(60)");
        assertThat(s.intervalSeconds()).isEqualTo(60);
        assertThat(values(s).subList(0, 10)).containsExactly(6.0, 12.0, 18.0, 24.0, 30.0, 36.0, 42.0, 48.0, 54.0,
                60.0);
        QuerySeries p = f.one("p50:latency{*}.rollup(avg, 600)");
        assertAccurate(first(p), 30); // rank floor(0.5 * 59) = 29 of 1..60
        assertThat(values(f.one("count:latency{*}.rollup(sum, 60)")).subList(0, 2)).containsExactly(6.0, 6.0);
    }

    @Test
    void fillAppliesToDistributionSeries() {
        f.source.addSketch(key("latency{host:a}"), T0, Sketch.of(1));
        f.source.addSketch(key("latency{host:a}"), T0 + 60_000, Sketch.of(4));
        assertThat(values(f.one("max:latency{*}.fill(zero)")).subList(0, 4)).containsExactly(1.0, 0.0, 0.0, 4.0);
        assertThat(values(f.one("max:latency{*}")).subList(0, 4)).containsExactly(1.0, null, null, 4.0);
    }

    @Test
    void aDistributionWinsOverPlainPointsOfTheSameName() {
        f.put("latency{host:a}", MetricKind.GAUGE, 0, 1000);
        f.source.addSketch(key("latency{host:a}"), T0, Sketch.of(1, 2, 3));
        assertThat(first(f.one("avg:latency{*}"))).isEqualTo(2);
    }

    /** However values are spread over hosts and 10 s buckets, p-quantiles of the hour are those of all values. */
    @Property(tries = 60)
    void aPercentileAcrossRandomHostsAndBucketsIsWithinTheAccuracyOfTheExactOne(
            @ForAll @Size(min = 1, max = 400) List<@DoubleRange(min = 0.001, max = 1e6) @Scale(6) Double> values,
            @ForAll @IntRange(min = 1, max = 6) int hosts, @ForAll long seed,
            @ForAll @IntRange(min = 1, max = 99) int percentile) {
        Fixture fixture = new Fixture();
        Random random = new Random(seed);
        List<List<Sketch.Builder>> perHost = new ArrayList<>();
        for (int h = 0; h < hosts; h++) {
            List<Sketch.Builder> buckets = new ArrayList<>();
            for (int b = 0; b < 360; b++) {
                buckets.add(Sketch.builder());
            }
            perHost.add(buckets);
        }
        for (double v : values) {
            perHost.get(random.nextInt(hosts)).get(random.nextInt(360)).add(v);
        }
        for (int h = 0; h < hosts; h++) {
            for (int b = 0; b < 360; b++) {
                Sketch.Builder builder = perHost.get(h).get(b);
                if (!builder.isEmpty()) {
                    fixture.source.addSketch(key("lat{host:h" + h + "}"), T0 + b * 10_000L, builder.build());
                }
            }
        }
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        double exact = sorted[(int) Math.floor(percentile / 100.0 * (sorted.length - 1))];
        QuerySeries s = fixture.one("p" + percentile + ":lat{*}.rollup(3600)");
        assertThat(s.length()).isEqualTo(1);
        assertAccurate(first(s), exact);
        assertThat(first(fixture.one("count:lat{*}.rollup(3600)"))).isEqualTo(sorted.length);
        assertThat(first(fixture.one("sum:lat{*}.rollup(3600)")))
                .isCloseTo(Arrays.stream(sorted).sum(), within(1e-9 * Arrays.stream(sorted).sum()));
    }
}
