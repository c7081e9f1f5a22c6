package tocsin.server.query;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import tocsin.query.datadog.DatadogQueryEngine;
import tocsin.query.promql.PromqlEngine;

import java.util.Arrays;

import static tocsin.server.query.RollupFixture.HOUR;
import static tocsin.server.query.RollupFixture.T0;

/**
 * A 30-day query at 1-hour steps (Datadog's, then PromQL's {@code *_over_time}), answered from rollups and from raw
 * points on the same store: prints the median
 * and best wall time of each, their ratio, and what each read. Not part of the test run (no timing is asserted);
 * run with {@code ./mvnw -o -B test -pl tocsin-server -am -Dtest=RollupQueryBenchmark -Dtocsin.bench=true
 * -Dsurefire.failIfNoSpecifiedTests=false}; {@code -Dbench.hosts=N} (default 10) sets the number of hosts, each
 * with a gauge, a counter and a count scraped every 15–22 s.
 */
@EnabledIfSystemProperty(named = "tocsin.bench", matches = "true")
class RollupQueryBenchmark {
    private static final int WARMUP = 5;
    private static final int RUNS = 15;

    @Test
    void thirtyDaysAtHourlyStepsFromRollupsAndFromRawPoints() {
        int hosts = Integer.getInteger("bench.hosts", 10);
        long started = System.nanoTime();
        try (RollupFixture f = new RollupFixture(11, 30, hosts, 15_000)) {
            System.out.printf("loaded %d hosts × 3 series × 30 days in %.1f s%n", hosts,
                    (System.nanoTime() - started) / 1e9);
            for (String query : new String[]{"avg:cpu{*} by {host}.rollup(avg, 3600)",
                    "sum:requests{*}.rollup(sum, 3600)"}) {
                DatadogQueryEngine rollups = DatadogQueryEngine.over(f.withRollups());
                DatadogQueryEngine raw = DatadogQueryEngine.over(f.withoutRollups());
                double[] a = time(() -> rollups.query(query, T0, f.end, f.end));
                long[] readA = readsOfOne(f, () -> rollups.query(query, T0, f.end, f.end));
                double[] b = time(() -> raw.query(query, T0, f.end, f.end));
                long[] readB = readsOfOne(f, () -> raw.query(query, T0, f.end, f.end));
                System.out.printf("%s, 30 days:%n  rollups: median %.1f ms, best %.1f ms, %d chunks, %d bytes%n"
                                + "  raw:     median %.1f ms, best %.1f ms, %d chunks, %d bytes%n"
                                + "  rollups are ×%.1f faster (median), read ×%.1f fewer bytes%n", query, a[0], a[1],
                        readA[0], readA[1], b[0], b[1], readB[0], readB[1], b[0] / a[0],
                        (double) readB[1] / readA[1]);
            }
            for (String query : new String[]{"avg_over_time(cpu[1h])", "max_over_time(requests[1h])"}) {
                PromqlEngine rollups = PromqlEngine.over(f.withRollups());
                PromqlEngine raw = PromqlEngine.over(f.withoutRollups());
                Runnable fromRollups = () -> rollups.rangeQuery(query, T0 + HOUR, f.end, HOUR);
                Runnable fromRaw = () -> raw.rangeQuery(query, T0 + HOUR, f.end, HOUR);
                report("PromQL " + query, time(fromRollups), readsOfOne(f, fromRollups), time(fromRaw),
                        readsOfOne(f, fromRaw));
            }
        }
    }

    private static void report(String query, double[] a, long[] readA, double[] b, long[] readB) {
        System.out.printf("%s, 30 days:%n  rollups: median %.1f ms, best %.1f ms, %d chunks, %d bytes%n"
                        + "  raw:     median %.1f ms, best %.1f ms, %d chunks, %d bytes%n"
                        + "  rollups are ×%.1f faster (median), read ×%.1f fewer bytes%n", query, a[0], a[1],
                readA[0], readA[1], b[0], b[1], readB[0], readB[1], b[0] / a[0], (double) readB[1] / readA[1]);
    }

    private static long[] readsOfOne(RollupFixture f, Runnable query) {
        f.store.takeCounts();
        query.run();
        return f.store.takeCounts();
    }

    /** Median and best milliseconds over {@link #RUNS} runs after {@link #WARMUP}. */
    private static double[] time(Runnable query) {
        for (int i = 0; i < WARMUP; i++) {
            query.run();
        }
        double[] ms = new double[RUNS];
        for (int i = 0; i < RUNS; i++) {
            long t = System.nanoTime();
            query.run();
            ms[i] = (System.nanoTime() - t) / 1e6;
        }
        Arrays.sort(ms);
        return new double[]{ms[RUNS / 2], ms[0]};
    }
}
