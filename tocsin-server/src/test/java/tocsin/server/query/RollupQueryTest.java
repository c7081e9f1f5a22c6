package tocsin.server.query;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;
import tocsin.query.datadog.DatadogQueryEngine;
import tocsin.query.datadog.QueryResponse;

import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static tocsin.server.query.RollupFixture.DAY;
import static tocsin.server.query.RollupFixture.HOUR;
import static tocsin.server.query.RollupFixture.T0;

/**
 * Datadog queries answered through the TSDB's rollups give the answers of the same queries over raw points, and read
 * far less for long ranges.
 */
class RollupQueryTest {
    static final List<String> QUERIES = List.of(
            "avg:cpu{*}",
            "sum:cpu{*} by {host}",
            "max:cpu{*}.rollup(max, 3600)",
            "min:cpu{host:h1}.rollup(min, 600)",
            "avg:cpu{*} by {host}.rollup(count, 900)",
            "sum:cpu{*}.rollup(avg, 300)",
            "sum:requests{*} by {host}.rollup(sum, 1800)",
            "avg:requests{*}",
            "avg:requests{*}.rollup(count, 3600)",
            "max:requests{*}.rollup(max, 3600)",
            "sum:hits{*}.as_count()",
            "sum:hits{*} by {host}.as_rate().rollup(sum, 300)",
            "hour_before(avg:cpu{*})",
            "timeshift(avg:cpu{*}, -450)");

    /** Random ranges (2 hours to 3 days, some aligned) over three days, of which the first two are compacted. */
    @Property(tries = 5)
    void queriesFromRollupsAnswerAsFromPoints(@ForAll long seed) {
        Random random = new Random(seed);
        try (RollupFixture f = new RollupFixture(seed, 3, 3, 40_000)) {
            DatadogQueryEngine rollups = DatadogQueryEngine.over(f.withRollups());
            DatadogQueryEngine raw = DatadogQueryEngine.over(f.withoutRollups());
            long rollupChunks = 0;
            for (int i = 0; i < 30; i++) {
                long from = T0 + (long) (random.nextDouble() * (f.end - T0 - 2 * HOUR));
                if (random.nextBoolean()) {
                    from = from / HOUR * HOUR;
                }
                long to = from + 2 * HOUR + (long) (random.nextDouble() * (f.end - from - 2 * HOUR));
                String query = QUERIES.get(random.nextInt(QUERIES.size()));
                String what = query + " from " + from + " to " + to + " (seed " + seed + ")";
                f.store.takeCounts();
                QueryResponse fromRollups = rollups.query(query, from, to, f.end);
                rollupChunks += f.store.takeCounts()[2];
                RollupFixture.assertSameAnswer(fromRollups, raw.query(query, from, to, f.end), what);
            }
            assertThat(rollupChunks).as("some queries read stored rollups").isPositive();
        }
    }

    /** Three hosts scraped every 15–22 s for 30 days: 1.2 M samples, of which 29 days are compacted. */
    @Test
    void aMonthAtHourlyStepsReadsFarLessFromRollupsForTheSameAnswer() {
        try (RollupFixture f = new RollupFixture(7, 30, 3, 15_000)) {
            DatadogQueryEngine rollups = DatadogQueryEngine.over(f.withRollups());
            DatadogQueryEngine raw = DatadogQueryEngine.over(f.withoutRollups());
            for (String query : List.of("avg:cpu{*} by {host}.rollup(avg, 3600)", "sum:requests{*}.rollup(sum, 3600)",
                    "max:cpu{*}.rollup(max, 3600)")) {
                f.store.takeCounts();
                QueryResponse a = rollups.query(query, T0, f.end, f.end);
                long[] fromRollups = f.store.takeCounts();
                QueryResponse b = raw.query(query, T0, f.end, f.end);
                long[] fromRaw = f.store.takeCounts();
                System.out.printf("%s over 30 days: rollups %d chunks, %d bytes; raw %d chunks, %d bytes%n", query,
                        fromRollups[0], fromRollups[1], fromRaw[0], fromRaw[1]);
                RollupFixture.assertSameAnswer(a, b, query);
                assertThat(a.series().getFirst().length()).isEqualTo((int) (30 * DAY / HOUR));
                assertThat(fromRollups[2]).as("rollup chunks read").isPositive();
                assertThat(fromRollups[0]).as("chunks read").isLessThan(fromRaw[0] / 4);
                assertThat(fromRollups[1]).as("bytes read").isLessThan(fromRaw[1] / 4);
            }
        }
    }
}
