package tocsin.server.query;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tocsin.core.metric.MetricBatch;
import tocsin.core.metric.MetricKind;
import tocsin.core.metric.SeriesKey;
import tocsin.query.MetricSource;
import tocsin.query.Points;
import tocsin.query.SourceSelection;
import tocsin.query.SourceSeries;
import tocsin.query.TagFilter;
import tocsin.query.promql.PromqlEngine;
import tocsin.query.promql.PromqlResult;
import tocsin.tsdb.Tsdb;
import tocsin.tsdb.TsdbOptions;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A dashboard's {@code sum by (region)} over a fleet of 3,000 series, the case where the aggregation reads each series
 * from the store only as it folds it, block by block on every core ({@code SourceSelection}): it answers to the last
 * bit what the same store read up front answers, and what the same query over a materialised vector answers, with
 * blocks on disk and the head both in range, gaps, NaNs, staleness markers, series that start and end inside the
 * range, and two keys that read as the same labels.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PromqlFleetQueryTest {
    static final long HOUR = 3_600_000L;
    static final long T0 = 1_700_006_400_000L;
    static final long END = T0 + 3 * HOUR;
    static final int HOSTS = 3_000;
    static final long STALE = 0x7ff0000000000002L;

    private Path dir;
    private Tsdb tsdb;
    private PromqlEngine lazy;
    private PromqlEngine eager;
    private final AtomicInteger eagerSelects = new AtomicInteger();

    @BeforeAll
    void fill() throws IOException {
        dir = Files.createTempDirectory("tocsin-fleet");
        tsdb = Tsdb.open(TsdbOptions.of(dir).withClock(() -> Instant.ofEpochMilli(END))
                .withBlockRange(Duration.ofHours(1)));
        Random random = new Random(7);
        double[] value = new double[HOSTS];
        MetricBatch batch = new MetricBatch();
        for (long t = T0; t < END; t += 15_000) {
            for (int h = 0; h < HOSTS; h++) {
                if (h % 97 == 0 && t < T0 + HOUR + h * 1_000L) {
                    continue; // starts late
                }
                if (h % 89 == 0 && t > END - HOUR / 2) {
                    continue; // went away
                }
                if (random.nextInt(50) == 0) {
                    continue; // a missed scrape
                }
                value[h] = Math.round((value[h] + random.nextGaussian()) * 100) / 100.0;
                double v = random.nextInt(5_000) == 0 ? Double.NaN
                        : random.nextInt(7_000) == 0 ? Double.longBitsToDouble(STALE) : value[h];
                batch.add(SeriesKey.of(h % 5 == 0 ? "fleet_other" : "fleet_cpu", "host:h" + h,
                        "region:r" + (h % 8), "env:" + (h % 3 == 0 ? "prod" : "staging")), MetricKind.GAUGE, t, v);
            }
            if (t == T0 + HOUR) {
                // the same labels as host h1's series once the bare tag is set aside
                batch.add(SeriesKey.of("fleet_cpu", "host:h1", "region:r1", "env:staging", "canary"),
                        MetricKind.GAUGE, t + 7_000, 1e6);
            }
            if (batch.size() >= 30_000) {
                assertThat(tsdb.append(batch).rejections()).isEmpty();
                batch = new MetricBatch();
            }
        }
        assertThat(tsdb.append(batch).rejections()).isEmpty();
        assertThat(tsdb.maintainNow()).isEmpty();
        assertThat(tsdb.stats().blocks()).as("some of the range is in blocks").isPositive();
        TsdbMetricSource source = new TsdbMetricSource(tsdb);
        lazy = PromqlEngine.over(new MetricSource() { // the store as the server reads it, counting eager reads
            @Override
            public List<SourceSeries> select(String metric, TagFilter filter, long fromMillis, long toMillis) {
                eagerSelects.incrementAndGet();
                return source.select(metric, filter, fromMillis, toMillis);
            }

            @Override
            public Points read(SourceSeries series, long fromMillis, long toMillis) {
                return source.read(series, fromMillis, toMillis);
            }

            @Override
            public SourceSelection selectLazily(String metric, TagFilter filter, long fromMillis, long toMillis) {
                return source.selectLazily(metric, filter, fromMillis, toMillis);
            }

            @Override
            public List<String> metricNames(long fromMillis, long toMillis) {
                return source.metricNames(fromMillis, toMillis);
            }
        });
        eager = PromqlEngine.over(RollupFixture.pointsOnly(source)); // the same store, every series read up front
    }

    @AfterAll
    void close() throws IOException {
        tsdb.close();
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Test
    void aFleetFoldedAsItIsReadAnswersAsTheFleetReadUpFront() {
        eagerSelects.set(0);
        for (String op : List.of("sum", "min", "max", "count", "group", "avg", "stddev")) {
            for (String selector : List.of("fleet_cpu", "{__name__=~\"fleet_.*\", env=\"prod\"}",
                    "fleet_cpu offset 20m")) {
                for (String by : List.of(" by (region)", "", " without (host)")) {
                    String query = op + by + " (" + selector + ")";
                    for (long step : new long[]{15_000, 60_000, 7 * 60_000}) {
                        long start = END - HOUR - 3 * 60_000;
                        assertSameBits(lazy.rangeQuery(query, start, END, step),
                                eager.rangeQuery(query, start, END, step), query + " step " + step);
                    }
                }
            }
        }
        assertThat(eagerSelects).as("every series was read lazily").hasValue(0);
    }

    @Test
    void aFleetFoldedAsItIsReadAnswersAsItsMaterialisedVector() {
        for (String op : List.of("sum", "min", "max", "count")) {
            String query = op + " by (region) (fleet_cpu)";
            String materialised = op + " by (region) (fleet_cpu * 1)";
            long start = END - HOUR - 30 * 60_000; // after the bare-tag twin (which takes the merging read)
            PromqlResult.Matrix direct = lazy.rangeQuery(query, start, END, 15_000);
            assertThat(direct.series()).as(query).hasSize(8);
            // every series has a sample in range, so both fold the same elements in the same blocks
            eagerSelects.set(0);
            assertSameBits(direct, lazy.rangeQuery(materialised, start, END, 15_000), query);
            assertThat(eagerSelects).as("the materialised vector is read up front").hasValue(1);
        }
    }

    @Test
    void theBareTagTwinIsMergedIntoItsSeries() {
        long at = T0 + HOUR + 7_000;
        String query = "max by (host) (fleet_cpu{host=\"h1\"})";
        eagerSelects.set(0);
        PromqlResult.Matrix m = lazy.rangeQuery(query, at, at, 15_000);
        assertThat(eagerSelects).as("the twins are merged by the eager read").hasValue(1);
        assertThat(m.series()).singleElement().satisfies(s -> assertThat(s.points().value(0)).isEqualTo(1e6));
        assertSameBits(lazy.rangeQuery("sum by (region) (fleet_cpu)", at - HOUR, at + HOUR, 15_000),
                eager.rangeQuery("sum by (region) (fleet_cpu)", at - HOUR, at + HOUR, 15_000), "with the twin");
    }

    static void assertSameBits(PromqlResult.Matrix a, PromqlResult.Matrix b, String what) {
        assertThat(a.series()).as(what).isNotEmpty();
        PromqlRollupQueryTest.assertSameMatrix(a, b, "exactly", what);
    }
}
