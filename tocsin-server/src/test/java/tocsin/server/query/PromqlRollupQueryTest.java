package tocsin.server.query;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;
import tocsin.query.Points;
import tocsin.query.promql.PromqlEngine;
import tocsin.query.promql.PromqlResult;

import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static tocsin.server.query.RollupFixture.DAY;
import static tocsin.server.query.RollupFixture.HOUR;
import static tocsin.server.query.RollupFixture.T0;

/**
 * PromQL range queries answered through the TSDB's end-inclusive rollups give the answers of the same queries over raw
 * samples (the same store read without rollups): samples exactly on bucket boundaries, counter resets, gaps and NaNs
 * included; and a long one reads far less.
 */
class PromqlRollupQueryTest {
    static final long MINUTE = 60_000L;
    static final List<String> FUNCTIONS = List.of("max_over_time", "min_over_time", "sum_over_time",
            "count_over_time", "avg_over_time", "rate", "last_over_time");
    static final List<String> SELECTORS = List.of("cpu", "requests", "temp", "temp{host=\"h0\"}",
            "{__name__=~\"cpu\", host=~\"h0|h2\"}");
    /** Mostly multiples of 5 minutes or an hour (rollups answer), some not (raw samples answer). */
    static final long[] RANGES = {5 * MINUTE, 10 * MINUTE, HOUR, 2 * HOUR, 6 * HOUR, DAY, 7 * MINUTE, 90_000};
    static final long[] STEPS = {5 * MINUTE, 15 * MINUTE, HOUR, 3 * HOUR, DAY, 7 * MINUTE, 100_000};

    /** Random long ranges, steps, windows and offsets over three days, of which the first two are compacted. */
    @Property(tries = 4)
    void overTimeFromRollupsAnswersAsFromSamples(@ForAll long seed) {
        Random random = new Random(seed);
        try (RollupFixture f = new RollupFixture(seed, 3, 3, 40_000, true)) {
            PromqlEngine rollups = PromqlEngine.over(f.withRollups());
            PromqlEngine raw = PromqlEngine.over(f.withoutRollups());
            long rollupChunks = 0;
            for (int i = 0; i < 40; i++) {
                long step = STEPS[random.nextInt(STEPS.length)];
                long start = T0 + (long) (random.nextDouble() * (f.end - T0 - DAY));
                if (random.nextInt(4) != 0) {
                    start = start / step * step;
                }
                long end = start + DAY + (long) (random.nextDouble() * (f.end + HOUR - start - DAY));
                String function = FUNCTIONS.get(random.nextInt(FUNCTIONS.size()));
                String selector = SELECTORS.get(random.nextInt(SELECTORS.size()));
                long range = RANGES[random.nextInt(RANGES.length)];
                String offset = random.nextInt(4) == 0 ? " offset 1h" : "";
                String query = "%s(%s[%ds]%s)".formatted(function, selector, range / 1000, offset);
                String what = query + " from " + start + " to " + end + " step " + step + " (seed " + seed + ")";
                f.store.takeCounts();
                PromqlResult.Matrix a = rollups.rangeQuery(query, start, end, step);
                rollupChunks += f.store.takeCounts()[2];
                assertSameMatrix(a, raw.rangeQuery(query, start, end, step), function, what);
            }
            assertThat(rollupChunks).as("some queries read stored rollups").isPositive();
        }
    }

    /** Three hosts scraped every 15–22 s for ten days, nine of them compacted; hourly and daily windows. */
    @Test
    void tenDaysAtHourlyStepsReadFarLessFromRollupsForTheSameAnswer() {
        try (RollupFixture f = new RollupFixture(11, 10, 3, 15_000)) {
            PromqlEngine rollups = PromqlEngine.over(f.withRollups());
            PromqlEngine raw = PromqlEngine.over(f.withoutRollups());
            for (String query : List.of("max_over_time(cpu[1h])", "avg_over_time(cpu[1d])",
                    "sum by (host) (count_over_time(requests[1h]))")) {
                f.store.takeCounts();
                PromqlResult.Matrix a = rollups.rangeQuery(query, T0 + HOUR, f.end, HOUR);
                long[] fromRollups = f.store.takeCounts();
                PromqlResult.Matrix b = raw.rangeQuery(query, T0 + HOUR, f.end, HOUR);
                long[] fromRaw = f.store.takeCounts();
                System.out.printf("%s over 10 days: rollups %d chunks, %d bytes; raw %d chunks, %d bytes%n", query,
                        fromRollups[0], fromRollups[1], fromRaw[0], fromRaw[1]);
                assertSameMatrix(a, b, query, query);
                assertThat(a.series()).hasSize(3);
                assertThat(fromRollups[2]).as("rollup chunks read").isPositive();
                assertThat(fromRollups[0]).as("chunks read").isLessThan(fromRaw[0] / 4);
                assertThat(fromRollups[1]).as("bytes read").isLessThan(fromRaw[1] / 3);
            }
        }
    }

    /**
     * Same series, same timestamps; counts, minima and maxima (and everything read from samples) identical, sums and
     * means up to float rounding (the buckets' sums are added, not the samples).
     */
    static void assertSameMatrix(PromqlResult.Matrix a, PromqlResult.Matrix b, String function, String what) {
        boolean exact = !function.startsWith("sum") && !function.startsWith("avg");
        assertThat(a.series()).as(what).extracting(PromqlResult.Series::metric)
                .containsExactlyElementsOf(b.series().stream().map(PromqlResult.Series::metric).toList());
        for (int s = 0; s < a.series().size(); s++) {
            Points x = a.series().get(s).points();
            Points y = b.series().get(s).points();
            String series = what + " " + a.series().get(s).metric();
            assertThat(x.size()).as(series).isEqualTo(y.size());
            for (int p = 0; p < x.size(); p++) {
                String point = series + " at " + x.timestamp(p);
                assertThat(x.timestamp(p)).as(point).isEqualTo(y.timestamp(p));
                double u = x.value(p);
                double v = y.value(p);
                if (exact || !Double.isFinite(v)) {
                    assertThat(Double.valueOf(u)).as(point).isEqualTo(Double.valueOf(v)); // NaN equals NaN, -0 not 0
                } else {
                    assertThat(u).as(point).isCloseTo(v, within(1e-9 * Math.max(1, Math.abs(v))));
                }
            }
        }
    }
}
