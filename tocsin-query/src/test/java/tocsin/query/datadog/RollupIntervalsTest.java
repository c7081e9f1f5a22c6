package tocsin.query.datadog;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

class RollupIntervalsTest {

    /** Datadog's documented "Rollup Interval, API" column, plus ranges between and beyond its rows. */
    @ParameterizedTest(name = "{0} s -> {1} s")
    @CsvSource({
            "3600, 20",      // past hour
            "14400, 60",     // past four hours
            "86400, 300",    // past day
            "172800, 600",   // past two days
            "604800, 3600",  // past week
            "2592000, 14400", // past month (30 days)
            "2678400, 14400", // past month (31 days)
            "300, 1",
            "900, 5",
            "2700, 10",      // 45 minutes: agent points every 15 s stay unaggregated
            "43200, 300",
            "31536000, 172800",
    })
    void defaultIntervals(long rangeSeconds, long intervalSeconds) {
        assertThat(RollupIntervals.defaultSeconds(rangeSeconds * 1000)).isEqualTo(intervalSeconds);
    }

    @ParameterizedTest(name = "rollup({0}) over {1} s -> {2} s")
    @CsvSource({
            "60, 86400, 60",       // 1440 points: allowed
            "20, 86400, 60",       // 4320 points: coarsened
            "7200, 3600, 7200",    // wider than the range: one point
            "10, 2592000, 1800",
    })
    void customIntervals(long requested, long rangeSeconds, long intervalSeconds) {
        assertThat(RollupIntervals.customSeconds(requested, rangeSeconds * 1000)).isEqualTo(intervalSeconds);
    }
}
