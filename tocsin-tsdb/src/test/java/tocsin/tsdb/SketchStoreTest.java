package tocsin.tsdb;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tocsin.core.metric.SeriesKey;
import tocsin.core.metric.Sketch;
import tocsin.core.metric.SketchBatch;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Distribution sketches in the TSDB: append, merge per bucket, log replay, blocks, compaction, retention. */
class SketchStoreTest {
    static final long HOUR = 3_600_000L;
    static final long T0 = 1_700_000_003_000L; // not aligned to a bucket
    static final SeriesKey A = SeriesKey.of("request.latency", "host:a", "env:prod");
    static final SeriesKey B = SeriesKey.of("request.latency", "host:b", "env:prod");
    static final SeriesKey OTHER = SeriesKey.of("payload.size", "host:a");

    @TempDir
    Path dir;

    private final AtomicLong now = new AtomicLong(T0 + 30 * 24 * HOUR);
    private final TsdbOptions options = TsdbOptions.of(Path.of("in-memory"))
            .withClock(() -> Instant.ofEpochMilli(now.get())).withBlockRange(Duration.ofHours(1))
            .withWalSegmentBytes(4096);

    private static Tsdb open(TsdbOptions options, FaultyDisk disk) {
        return Tsdb.open(options, disk, false, 4096);
    }

    static List<SketchSeries> all(Tsdb tsdb, String metric) {
        try (SketchQuerier q = tsdb.sketchQuerier(Long.MIN_VALUE, Long.MAX_VALUE)) {
            return q.select(metric, List.of());
        }
    }

    static Sketch merged(List<SketchSeries> series) {
        Sketch.Builder b = Sketch.builder();
        for (SketchSeries s : series) {
            for (int i = 0; i < s.size(); i++) {
                b.add(s.sketch(i));
            }
        }
        return b.build();
    }

    @Test
    void pointsMergeIntoTenSecondBucketsPerSeries() {
        try (Tsdb tsdb = Tsdb.open(options.withClock(() -> Instant.ofEpochMilli(T0 + HOUR))
                .withBlockRange(Duration.ofHours(2)), new FaultyDisk())) {
            SketchBatch batch = new SketchBatch()
                    .add(A, T0, Sketch.of(1, 2))
                    .add(A, T0 + 4_000, Sketch.of(3))          // same bucket as T0 (T0 is 3 s into it)
                    .add(A, T0 + 8_000, Sketch.of(4))          // next bucket
                    .add(B, T0, Sketch.of(100))
                    .add(OTHER, T0, Sketch.of(5));
            assertThat(tsdb.appendSketches(batch)).isEqualTo(new AppendResult(5, List.of()));
            assertThat(tsdb.appendSketches(new SketchBatch().add(A, T0 + 1, Sketch.of(10))).accepted()).isEqualTo(1);

            long bucket = Math.floorDiv(T0, 10_000) * 10_000;
            List<SketchSeries> got = all(tsdb, "request.latency");
            assertThat(got).extracting(SketchSeries::key).containsExactly(A, B);
            SketchSeries a = got.getFirst();
            assertThat(a.size()).isEqualTo(2);
            assertThat(a.timestamp(0)).isEqualTo(bucket);
            assertThat(a.sketch(0)).isEqualTo(Sketch.of(1, 2, 3, 10));
            assertThat(a.timestamp(1)).isEqualTo(bucket + 10_000);
            assertThat(a.sketch(1).count()).isEqualTo(1);
            try (SketchQuerier q = tsdb.sketchQuerier(bucket + 10_000, bucket + 20_000)) {
                assertThat(q.select("request.latency", List.of(new TagMatcher.HasTag("host:a"))))
                        .singleElement().satisfies(s -> assertThat(s.size()).isEqualTo(1));
                assertThat(q.select("request.latency", List.of(new TagMatcher.HasTag("host:b")))).isEmpty();
                assertThat(q.metricNames()).containsExactly("payload.size", "request.latency");
            }
        }
    }

    @Test
    void refusesPerPointWhatItCannotKeep() {
        try (Tsdb tsdb = Tsdb.open(options.withClock(() -> Instant.ofEpochMilli(T0)).withMaxSeries(1),
                new FaultyDisk())) {
            AppendResult r = tsdb.appendSketches(new SketchBatch()
                    .add(A, T0, Sketch.of(1))
                    .add(A, T0 + 11 * 60_000, Sketch.of(1))   // beyond the 10-minute skew
                    .add(B, T0, Sketch.of(2)));               // a second series past the limit of one
            assertThat(r.accepted()).isEqualTo(1);
            assertThat(r.rejections()).extracting(x -> x.item()).containsExactly("points[1]", "points[2]");
            assertThat(r.rejections().get(0).reason()).contains("ahead of the server clock");
            assertThat(r.rejections().get(1).reason()).contains("series limit of 1");
            assertThat(tsdb.appendSketches(new SketchBatch()).accepted()).isZero();
        }
    }

    @Test
    void acknowledgedSketchesSurviveACrashAndReplay() {
        FaultyDisk disk = new FaultyDisk();
        Tsdb tsdb = open(options, disk);
        Random random = new Random(7);
        List<Double> values = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            double v = Math.exp(random.nextGaussian());
            values.add(v);
            SeriesKey key = i % 2 == 0 ? A : B;
            tsdb.appendSketches(new SketchBatch().add(key, T0 + i * 1_000L, Sketch.of(v)));
        }
        Sketch before = merged(all(tsdb, "request.latency"));
        FaultyDisk after = disk.crash(random, true);
        tsdb.close();
        try (Tsdb again = open(options, after)) {
            assertThat(again.sketches().recovery().log().problems()).isEmpty();
            List<SketchSeries> got = all(again, "request.latency");
            assertThat(got).hasSize(2);
            Sketch replayed = merged(got);
            assertThat(replayed.count()).isEqualTo(200);
            assertThat(replayed.quantile(0.95)).isEqualTo(before.quantile(0.95));
            assertThat(replayed.sum()).isCloseTo(values.stream().mapToDouble(d -> d).sum(),
                    org.assertj.core.api.Assertions.within(1e-9));
        }
    }

    /** One point per minute for {@code hours}: value = minutes since T0, on host a and host b (×1000). */
    private static void appendHours(Tsdb tsdb, long from, long hours) {
        for (long t = from; t < from + hours * HOUR; t += 60_000) {
            double minute = (t - T0) / 60_000.0;
            AppendResult r = tsdb.appendSketches(new SketchBatch().add(A, t, Sketch.of(minute))
                    .add(B, t, Sketch.of(minute * 1000)));
            assertThat(r.rejections()).isEmpty();
        }
    }

    @Test
    void aSketchBlockFromANewerVersionRefusesTheStoreAndIsLeftInPlace() {
        FaultyDisk disk = new FaultyDisk();
        Tsdb tsdb = open(options, disk);
        appendHours(tsdb, T0, 8);
        assertThat(tsdb.maintain()).isEmpty();
        tsdb.close();
        String block = disk.paths().stream().filter(p -> p.startsWith(SketchStore.BLOCKS + "/")).findFirst()
                .orElseThrow();
        byte[] bytes = disk.bytes(block);
        bytes[4] = SketchBlock.VERSION + 1;
        disk.put(block, bytes);
        assertThatThrownBy(() -> open(options, disk)).isInstanceOf(TsdbOpenException.class)
                .hasMessageContaining("format version " + (SketchBlock.VERSION + 1));
        assertThat(disk.paths()).contains(block); // not set aside as corrupt: a newer build can still read it
    }

    @Test
    void headIsCutIntoBlocksThatCompactAndExpire() {
        FaultyDisk disk = new FaultyDisk();
        Tsdb tsdb = open(options, disk);
        appendHours(tsdb, T0, 8);
        assertThat(tsdb.maintain()).isEmpty();
        SketchStore store = tsdb.sketches();
        assertThat(store.cuts()).isGreaterThanOrEqualTo(6);
        assertThat(store.view().blocks()).isNotEmpty();
        assertThat(store.compactions()).as("complete 3-hour windows merged").isPositive();
        for (int i = 1; i < store.view().blocks().size(); i++) {
            assertThat(store.view().blocks().get(i).minTime).isGreaterThanOrEqualTo(
                    store.view().blocks().get(i - 1).maxTime);
        }
        assertEveryMinute(tsdb, T0, 8);
        SketchStats stats = tsdb.sketchStats();
        assertThat(stats.blocks()).isEqualTo(store.view().blocks().size());
        assertThat(stats.blockBytes()).isPositive();
        assertThat(stats.logBytes()).isPositive();
        assertThat(stats.cuts()).isEqualTo(store.cuts());
        assertThat(stats.headSeries()).isEqualTo(2);
        assertThat(stats.lastMaintenanceError()).isNull();
        // a point older than the head's floor now lands in a block's range: refused
        AppendResult late = tsdb.appendSketches(new SketchBatch().add(A, T0, Sketch.of(1)));
        assertThat(late.rejections()).singleElement().satisfies(r -> assertThat(r.reason()).contains("too old"));
        assertThat(disk.paths()).anyMatch(p -> p.startsWith("sketches/wal/checkpoint."));
        tsdb.close();

        try (Tsdb again = open(options, disk)) {
            assertThat(again.sketches().recovery().blockProblems()).isEmpty();
            assertEveryMinute(again, T0, 8);
            now.set(T0 + 8 * HOUR + 30 * 24 * HOUR);
            TsdbOptions kept = options.withRetention(Duration.ofDays(30).plusHours(3));
            try (Tsdb retained = open(kept, disk.crash(new Random(1), false))) {
                assertThat(retained.maintain()).isEmpty();
                assertThat(retained.sketches().view().blocks()).allSatisfy(
                        b -> assertThat(b.maxTime).isGreaterThan(T0 + 5 * HOUR));
                assertThat(retained.sketches().blocksDeleted()).isPositive();
                Sketch left = merged(all(retained, "request.latency"));
                assertThat(left.min()).isGreaterThanOrEqualTo(5 * 60 - 60);
            }
        }
    }

    private static void assertEveryMinute(Tsdb tsdb, long from, long hours) {
        List<SketchSeries> got = all(tsdb, "request.latency");
        assertThat(got).extracting(SketchSeries::key).containsExactly(A, B);
        int minutes = (int) (hours * 60);
        for (SketchSeries s : got) {
            assertThat(s.size()).as("one bucket per minute, each once").isEqualTo(minutes);
            for (int i = 0; i < s.size(); i++) {
                assertThat(s.sketch(i).count()).isEqualTo(1);
                double minute = s.sketch(i).min() / (s.key().equals(B) ? 1000 : 1);
                assertThat(s.timestamp(i)).isEqualTo(Math.floorDiv(from + (long) (minute * 60_000), 10_000) * 10_000);
            }
        }
        Sketch a = merged(got.subList(0, 1));
        assertThat(a.count()).isEqualTo(minutes);
        assertThat(a.max()).isEqualTo(minutes - 1);
    }

    @Test
    void aDamagedBlockIsSetAsideAndTheRestOpens() {
        FaultyDisk disk = new FaultyDisk();
        Tsdb tsdb = open(options, disk);
        appendHours(tsdb, T0, 3);
        assertThat(tsdb.maintain()).isEmpty();
        String block = tsdb.sketches().view().blocks().getFirst().name;
        tsdb.close();
        byte[] bytes = disk.bytes(SketchStore.BLOCKS + "/" + block);
        disk.corrupt(SketchStore.BLOCKS + "/" + block, bytes.length - 20, 0xFF); // inside the index
        try (Tsdb again = open(options, disk)) {
            assertThat(again.sketches().recovery().blockProblems()).singleElement()
                    .satisfies(p -> assertThat(p).contains(block).contains("corrupted"));
            assertThat(disk.paths()).contains(SketchStore.CORRUPTED + "/" + block);
            assertThat(all(again, "request.latency")).isNotEmpty();
        }
    }

    @Test
    void aFailedSyncFailsTheSketchLogUntilReopened() {
        FaultyDisk disk = new FaultyDisk();
        Tsdb tsdb = open(options, disk);
        tsdb.appendSketches(new SketchBatch().add(A, T0, Sketch.of(1)));
        disk.failSyncs(1);
        assertThatThrownBy(() -> tsdb.appendSketches(new SketchBatch().add(A, T0, Sketch.of(2))))
                .isInstanceOf(TsdbWriteException.class);
        assertThatThrownBy(() -> tsdb.appendSketches(new SketchBatch().add(A, T0, Sketch.of(3))))
                .isInstanceOf(TsdbWriteException.class).hasMessageContaining("reopen");
        FaultyDisk after = disk.crash(new Random(3), false);
        tsdb.close();
        try (Tsdb again = open(options, after)) {
            assertThat(merged(all(again, "request.latency")).min()).isEqualTo(1);
        }
    }

    @Test
    void storesOnARealDirectory() {
        TsdbOptions real = TsdbOptions.of(dir).withClock(() -> Instant.ofEpochMilli(T0 + HOUR));
        try (Tsdb tsdb = Tsdb.open(real)) {
            tsdb.appendSketches(new SketchBatch().add(A, T0, Sketch.of(1, 2, 3)));
        }
        try (Tsdb tsdb = Tsdb.open(real)) {
            assertThat(merged(all(tsdb, "request.latency"))).isEqualTo(Sketch.of(1, 2, 3));
        }
    }
}
