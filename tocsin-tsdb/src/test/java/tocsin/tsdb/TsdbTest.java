package tocsin.tsdb;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tocsin.core.metric.MetricBatch;
import tocsin.core.metric.MetricKind;
import tocsin.core.metric.Rejection;
import tocsin.core.metric.SeriesKey;
import tocsin.core.metric.SeriesQuota;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TsdbTest {
    static final long T0 = 1_700_000_000_000L;
    static final SeriesKey CPU_A = SeriesKey.of("system.cpu.user", "host:a", "env:prod");
    static final SeriesKey CPU_B = SeriesKey.of("system.cpu.user", "host:b", "env:prod");

    @TempDir
    Path dir;

    private final AtomicLong now = new AtomicLong(T0 + 7 * 86_400_000L);
    private final InstantSource clock = () -> Instant.ofEpochMilli(now.get());

    private TsdbOptions options() {
        return TsdbOptions.of(dir).withClock(clock);
    }

    @Test
    void aLargeSelectionIsDecodedSideBySideAndStreamedInKeyOrderWithEveryPartMerged() {
        int n = StoreQuerier.PARALLEL_MIN_SERIES * 3;
        try (Tsdb tsdb = Tsdb.open(options())) {
            MetricBatch older = new MetricBatch();
            MetricBatch newer = new MetricBatch();
            for (int s = 0; s < n; s++) {
                SeriesKey key = SeriesKey.of("fleet.load", "host:h-" + s, "shard:" + s % 7);
                for (int i = 0; i < 20; i++) {
                    (i < 10 ? older : newer).add(key, MetricKind.GAUGE, T0 + i * 15_000L, s + i / 100.0);
                }
            }
            assertThat(tsdb.append(older).rejections()).isEmpty();
            assertThat(tsdb.flush()).isEmpty(); // the first half in a block, the second in the head
            assertThat(tsdb.append(newer).rejections()).isEmpty();

            try (Querier q = tsdb.querier(T0, T0 + 19 * 15_000L)) {
                List<SeriesData> selected = q.select("fleet.load", List.of()).toList();
                assertThat(selected).hasSize(n);
                assertThat(selected).extracting(SeriesData::key).isSorted();
                for (SeriesData d : selected) {
                    assertThat(d.size()).isEqualTo(20);
                    assertThat(d).isEqualTo(q.read(d.key()).orElseThrow());
                }
            }
        }
    }

    @Test
    void appendedPointsAreQueryableAndSurviveAReopen() {
        try (Tsdb tsdb = Tsdb.open(options())) {
            MetricBatch batch = new MetricBatch();
            for (int i = 0; i < 300; i++) {
                batch.add(CPU_A, MetricKind.GAUGE, T0 + i * 15_000L, i * 0.5);
                batch.add(CPU_B, MetricKind.GAUGE, T0 + i * 15_000L, -i);
            }
            assertThat(tsdb.append(batch)).isEqualTo(new AppendResult(600, List.of()));
        }
        try (Tsdb tsdb = Tsdb.open(options()); Querier q = tsdb.querier(T0, T0 + 299 * 15_000L)) {
            SeriesData a = q.read(CPU_A).orElseThrow();
            assertThat(a.size()).isEqualTo(300);
            assertThat(a.kind()).isEqualTo(MetricKind.GAUGE);
            assertThat(a.timestamp(299)).isEqualTo(T0 + 299 * 15_000L);
            assertThat(a.value(299)).isEqualTo(149.5);
            assertThat(q.read(CPU_B).orElseThrow().value(10)).isEqualTo(-10);
            assertThat(tsdb.recovery().records()).isGreaterThanOrEqualTo(2);
        }
    }

    @Test
    void pointsOfNewSeriesAreRefusedAtTheSeriesLimitWhileExistingSeriesKeepAccepting() {
        try (Tsdb tsdb = Tsdb.open(options().withMaxSeries(2))) {
            MetricBatch batch = new MetricBatch();
            batch.add(CPU_A, MetricKind.GAUGE, T0, 1);
            batch.add(CPU_B, MetricKind.GAUGE, T0, 2);
            batch.add(SeriesKey.of("system.cpu.user", "host:c"), MetricKind.GAUGE, T0, 3);
            batch.add(CPU_A, MetricKind.GAUGE, T0 + 15_000, 4);
            AppendResult result = tsdb.append(batch);

            assertThat(result.accepted()).isEqualTo(3);
            assertThat(result.rejections()).singleElement().satisfies(r -> {
                assertThat(r.item()).isEqualTo("points[2]");
                assertThat(r.reason()).startsWith("series limit of 2 reached; system.cpu.user{host:c} is a new series");
                assertThat(r.cause()).isEqualTo(Rejection.Cause.LIMIT);
            });
        }
        // The limit counts the series the WAL brings back.
        try (Tsdb tsdb = Tsdb.open(options().withMaxSeries(2))) {
            MetricBatch batch = new MetricBatch();
            batch.add(SeriesKey.of("system.cpu.user", "host:d"), MetricKind.GAUGE, T0, 3);
            batch.add(CPU_B, MetricKind.GAUGE, T0 + 15_000, 5);
            AppendResult result = tsdb.append(batch);
            assertThat(result.accepted()).isEqualTo(1);
            assertThat(result.rejections()).extracting(Rejection::item).containsExactly("points[0]");
        }
    }

    @Test
    void oneMetricWithARunawayTagCannotStarveOtherMetricsOfNewSeries() {
        try (Tsdb tsdb = Tsdb.open(options().withMaxSeries(100).withMaxSeriesPerMetric(3))) {
            MetricBatch batch = new MetricBatch();
            for (int i = 0; i < 10; i++) {
                batch.add(SeriesKey.of("api.latency", "request_id:r" + i), MetricKind.GAUGE, T0, i);
            }
            batch.add(SeriesKey.of("api.errors", "host:a"), MetricKind.COUNT, T0, 1);
            batch.add(SeriesKey.of("api.latency", "request_id:r1"), MetricKind.GAUGE, T0 + 15_000, 7);
            AppendResult result = tsdb.append(batch);

            assertThat(result.accepted()).as("%s", result.rejections()).isEqualTo(5); // r0..r2, errors, r1 again
            assertThat(result.rejections()).hasSize(7).allSatisfy(r -> {
                assertThat(r.cause()).isEqualTo(Rejection.Cause.LIMIT);
                assertThat(r.reason()).startsWith("series limit per metric of 3 reached for api.latency;")
                        .contains("metrics.max_series_per_metric");
            });
        }
        // Restored series count against the limit too.
        try (Tsdb tsdb = Tsdb.open(options().withMaxSeries(100).withMaxSeriesPerMetric(3))) {
            MetricBatch batch = new MetricBatch();
            batch.add(SeriesKey.of("api.latency", "request_id:r9"), MetricKind.GAUGE, T0 + 30_000, 1);
            batch.add(SeriesKey.of("api.errors", "host:b"), MetricKind.COUNT, T0 + 30_000, 1);
            AppendResult result = tsdb.append(batch);
            assertThat(result.accepted()).isEqualTo(1);
            assertThat(result.rejections()).extracting(Rejection::item).containsExactly("points[0]");
        }
    }

    @Test
    void eachApiKeyCreatesAtMostItsQuotaOfSeriesAndTheCountSurvivesARestart() {
        SeriesQuota ci = new SeriesQuota("key-ci", "ci", 3);
        SeriesQuota agent = new SeriesQuota("key-agent", "agent", 0);
        try (Tsdb tsdb = Tsdb.open(options().withMaxSeries(100))) {
            MetricBatch runaway = new MetricBatch();
            runaway.quota(ci);
            for (int i = 0; i < 10; i++) {
                runaway.add(SeriesKey.of("build.duration", "build_id:b" + i), MetricKind.GAUGE, T0, i);
            }
            runaway.add(SeriesKey.of("build.duration", "build_id:b1"), MetricKind.GAUGE, T0 + 15_000, 7);
            AppendResult r = tsdb.append(runaway);
            assertThat(r.accepted()).isEqualTo(4); // b0..b2, then b1 again
            assertThat(r.rejections()).hasSize(7).allSatisfy(j -> {
                assertThat(j.cause()).isEqualTo(Rejection.Cause.LIMIT);
                assertThat(j.reason()).startsWith("series limit of 3 for API key 'ci' reached; build.duration{")
                        .contains("max_series");
            });
            // another key, and senders no key answers for, still create series; a series another key created
            // takes points from the key at its limit without counting against it
            MetricBatch other = new MetricBatch();
            other.quota(agent);
            other.add(CPU_A, MetricKind.GAUGE, T0, 1);
            assertThat(tsdb.append(other).accepted()).isEqualTo(1);
            MetricBatch shared = new MetricBatch();
            shared.quota(ci);
            shared.add(CPU_A, MetricKind.GAUGE, T0 + 15_000, 2);
            assertThat(tsdb.append(shared).accepted()).isEqualTo(1);
            MetricBatch anonymous = new MetricBatch();
            anonymous.add(CPU_B, MetricKind.GAUGE, T0, 1);
            assertThat(tsdb.append(anonymous).accepted()).isEqualTo(1);
            assertThat(tsdb.seriesByCreator()).containsExactlyInAnyOrderEntriesOf(
                    java.util.Map.of("key-ci", 3, "key-agent", 1));
        }
        // the WAL says who created each series: the key is still at its limit after a restart
        try (Tsdb tsdb = Tsdb.open(options().withMaxSeries(100))) {
            assertThat(tsdb.seriesByCreator()).containsExactlyInAnyOrderEntriesOf(
                    java.util.Map.of("key-ci", 3, "key-agent", 1));
            MetricBatch more = new MetricBatch();
            more.quota(ci);
            more.add(SeriesKey.of("build.duration", "build_id:b9"), MetricKind.GAUGE, T0 + 30_000, 1);
            more.add(SeriesKey.of("build.duration", "build_id:b0"), MetricKind.GAUGE, T0 + 30_000, 1);
            AppendResult r = tsdb.append(more);
            assertThat(r.accepted()).isEqualTo(1);
            assertThat(r.rejections()).extracting(Rejection::item).containsExactly("points[0]");
            // a raised limit applies at once
            more.quota(new SeriesQuota("key-ci", "ci", 4));
            assertThat(tsdb.append(more).accepted()).isEqualTo(2);
        }
    }

    @Test
    void theFirstPointDecidesASeriesKindAndLaterConflictsAreRejected() {
        try (Tsdb tsdb = Tsdb.open(options())) {
            MetricBatch batch = new MetricBatch();
            batch.add(CPU_A, MetricKind.COUNT, T0, 1);
            batch.add(CPU_A, MetricKind.GAUGE, T0 + 1000, 2);
            AppendResult result = tsdb.append(batch);
            assertThat(result.accepted()).isEqualTo(1);
            assertThat(result.rejections()).singleElement().extracting(Rejection::reason).asString()
                    .startsWith("kind conflict: system.cpu.user{env:prod,host:a} is stored as COUNT");
        }
        try (Tsdb tsdb = Tsdb.open(options()); Querier q = tsdb.querier(T0, T0 + 5000)) {
            assertThat(q.read(CPU_A).orElseThrow().kind()).isEqualTo(MetricKind.COUNT);
        }
    }

    @Test
    void outOfOrderPointsWithinTheToleranceAreSortedInAndOlderOnesRejectedTheSameWayAfterReplay() {
        TsdbOptions options = options().withOutOfOrderTolerance(Duration.ofSeconds(10));
        try (Tsdb tsdb = Tsdb.open(options)) {
            MetricBatch batch = new MetricBatch();
            batch.add(CPU_A, MetricKind.GAUGE, T0 + 30_000, 3);
            batch.add(CPU_A, MetricKind.GAUGE, T0 + 25_000, 2); // 5 s late: accepted
            batch.add(CPU_A, MetricKind.GAUGE, T0 + 10_000, 1); // 20 s late: rejected
            batch.add(CPU_A, MetricKind.GAUGE, T0 + 30_000, 4); // same timestamp, in the window: replaces
            AppendResult result = tsdb.append(batch);
            assertThat(result.accepted()).isEqualTo(3);
            assertThat(result.rejections()).singleElement().satisfies(r -> {
                assertThat(r.item()).isEqualTo("points[2]");
                assertThat(r.reason()).startsWith("out of order: system.cpu.user{env:prod,host:a} already has a "
                        + "sample at " + (T0 + 30_000)).contains("tolerance of 10000 ms");
            });
            assertSamples(tsdb, new long[]{T0 + 25_000, T0 + 30_000}, new double[]{2, 4});
        }
        try (Tsdb tsdb = Tsdb.open(options)) {
            assertSamples(tsdb, new long[]{T0 + 25_000, T0 + 30_000}, new double[]{2, 4});
        }
    }

    @Test
    void pointsTooFarAheadOfTheClockAreRejected() {
        try (Tsdb tsdb = Tsdb.open(options().withMaxFutureSkew(Duration.ofMinutes(10)))) {
            MetricBatch batch = new MetricBatch();
            batch.add(CPU_A, MetricKind.GAUGE, now.get() + 600_000, 1);
            batch.add(CPU_A, MetricKind.GAUGE, now.get() + 600_001, 2);
            AppendResult result = tsdb.append(batch);
            assertThat(result.accepted()).isEqualTo(1);
            assertThat(result.rejections()).singleElement().extracting(Rejection::reason).asString()
                    .contains("600001 ms ahead of the server clock");
        }
    }

    @Test
    void concurrentAppendersAllBecomeDurable() throws Exception {
        int threads = 4;
        int batches = 50;
        try (Tsdb tsdb = Tsdb.open(options().withWalSegmentBytes(4096));
             ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            List<Future<Integer>> results = new ArrayList<>();
            for (int th = 0; th < threads; th++) {
                int thread = th;
                results.add(pool.submit(() -> {
                    int accepted = 0;
                    for (int b = 0; b < batches; b++) {
                        MetricBatch batch = new MetricBatch();
                        for (int s = 0; s < 20; s++) {
                            batch.add(SeriesKey.of("m", "thread:" + thread, "s:" + s), MetricKind.COUNT,
                                    T0 + b * 1000L, b);
                        }
                        accepted += tsdb.append(batch).accepted();
                    }
                    return accepted;
                }));
            }
            for (Future<Integer> f : results) {
                assertThat(f.get()).isEqualTo(batches * 20);
            }
            assertThat(tsdb.wal().segmentNumber()).as("segments rolled").isGreaterThan(0);
        }
        try (Tsdb tsdb = Tsdb.open(options()); Querier q = tsdb.querier(T0, T0 + batches * 1000L)) {
            List<SeriesData> all = q.select("m", List.of()).toList();
            assertThat(all).hasSize(threads * 20).allSatisfy(d -> assertThat(d.size()).isEqualTo(batches));
        }
    }

    @Test
    void aSecondStoreCannotOpenTheSameDirectory() {
        Tsdb first = Tsdb.open(options());
        try {
            assertThatThrownBy(() -> Tsdb.open(options())).isInstanceOf(TsdbOpenException.class)
                    .hasMessageContaining("in use by another process");
        } finally {
            first.close();
        }
        Tsdb.open(options()).close(); // and the lock is released with the store
    }

    @Test
    void appendsAfterCloseFailAsRetryableWrites() {
        Tsdb tsdb = Tsdb.open(options());
        tsdb.close();
        MetricBatch batch = new MetricBatch();
        batch.add(CPU_A, MetricKind.GAUGE, T0, 1);
        assertThatThrownBy(() -> tsdb.append(batch)).isInstanceOf(TsdbWriteException.class)
                .hasMessageContaining("closed");
    }

    @Test
    void closingWhileAppendersRaceLeavesNoneHangingAndKeepsWhatWasAcknowledged() throws Exception {
        Tsdb tsdb = Tsdb.open(options());
        AtomicLong acknowledged = new AtomicLong();
        List<Thread> appenders = new ArrayList<>();
        for (int th = 0; th < 4; th++) {
            SeriesKey key = SeriesKey.of("m", "thread:" + th);
            appenders.add(Thread.ofPlatform().start(() -> {
                for (int i = 0; ; i++) {
                    MetricBatch batch = new MetricBatch();
                    batch.add(key, MetricKind.GAUGE, T0 + i, i);
                    try {
                        tsdb.append(batch);
                        acknowledged.incrementAndGet();
                    } catch (TsdbWriteException e) {
                        return;
                    }
                }
            }));
        }
        while (acknowledged.get() < 200) {
            Thread.onSpinWait();
        }
        tsdb.close();
        for (Thread t : appenders) {
            t.join(10_000);
            assertThat(t.isAlive()).as("an appender still waits after close").isFalse();
        }
        try (Tsdb reopened = Tsdb.open(options()); Querier q = reopened.querier(T0, T0 + 1_000_000)) {
            long stored = q.select("m", List.of()).mapToLong(SeriesData::size).sum();
            assertThat(stored).isEqualTo(acknowledged.get());
        }
    }

    @Test
    void invalidOptionsAreAllReportedAtOnce() {
        assertThatThrownBy(() -> new TsdbOptions(null, null, -1, Duration.ofSeconds(-1), null, 10))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContainingAll("dir is required", "clock is required", "maxSeries", "outOfOrderTolerance",
                        "maxFutureSkew", "walSegmentBytes");
    }

    private static void assertSamples(Tsdb tsdb, long[] timestamps, double[] values) {
        try (Querier q = tsdb.querier(T0, T0 + 60_000)) {
            SeriesData data = q.read(CPU_A).orElseThrow();
            assertThat(data.timestamps()).containsExactly(timestamps);
            assertThat(data.values()).containsExactly(values);
        }
    }
}
