package tocsin.tsdb;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tocsin.core.metric.MetricBatch;
import tocsin.core.metric.MetricKind;
import tocsin.core.metric.SampleBuffer;
import tocsin.core.metric.SeriesHints;
import tocsin.core.metric.SeriesKey;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The head, blocks, checkpoint and retention working together, step by step (maintenance runs on request). */
class TsdbBlocksTest {
    static final long HOUR = 3_600_000L;
    /** Not a multiple of an hour, so that alignment matters. */
    static final long T0 = 1_700_000_000_000L;
    static final SeriesKey CPU = SeriesKey.of("system.cpu.user", "host:a", "env:prod");
    static final SeriesKey MEM = SeriesKey.of("system.mem.used", "host:a", "env:prod");
    static final SeriesKey IDLE = SeriesKey.of("system.cpu.user", "host:gone", "env:staging");

    @TempDir
    Path dir;

    private final AtomicLong now = new AtomicLong(T0 + 30 * 24 * HOUR);
    private final TsdbOptions options = TsdbOptions.of(Path.of("in-memory"))
            .withClock(() -> Instant.ofEpochMilli(now.get())).withBlockRange(Duration.ofHours(1))
            .withWalSegmentBytes(4096);

    private static Tsdb open(TsdbOptions options, FaultyDisk disk) {
        return Tsdb.open(options, disk, false, 4096);
    }

    /** Samples every 15 s from {@code from} (inclusive) to {@code to} (exclusive); the value is the minute. */
    static void append(Tsdb tsdb, SeriesKey key, long from, long to) {
        MetricBatch batch = new MetricBatch();
        for (long t = from; t < to; t += 15_000) {
            batch.add(key, MetricKind.GAUGE, t, value(t));
            if (batch.size() == 60) {
                assertThat(tsdb.append(batch).rejections()).isEmpty();
                batch = new MetricBatch();
            }
        }
        assertThat(tsdb.append(batch).rejections()).isEmpty();
    }

    static double value(long t) {
        return (t - T0) / 60_000.0;
    }

    /** Checks that {@code key} holds exactly the samples {@link #append} wrote over [from, to), each once. */
    static void assertHolds(Tsdb tsdb, SeriesKey key, long from, long to) {
        try (Querier q = tsdb.querier(Long.MIN_VALUE, Long.MAX_VALUE)) {
            SeriesData d = q.read(key).orElseThrow();
            int expected = (int) ((to - from + 14_999) / 15_000);
            assertThat(d.size()).as("samples of %s", key).isEqualTo(expected);
            for (int i = 0; i < d.size(); i++) {
                assertThat(d.timestamp(i)).isEqualTo(from + 15_000L * i);
                assertThat(d.value(i)).isEqualTo(value(d.timestamp(i)));
            }
            assertThat(decodedLazily(q, key)).as("%s decoded lazily", key).isEqualTo(d);
        }
    }

    /** What {@link Querier#selectLazily} decodes for {@code key}, through a buffer left dirty by a larger series. */
    static SeriesData decodedLazily(Querier q, SeriesKey key) {
        SeriesSelection selection = q.selectLazily(key.name(), List.of());
        SampleBuffer buf = new SampleBuffer(1);
        buf.reserve(1000);
        buf.setSize(1000);
        for (int i = 0; i < selection.size(); i++) {
            if (selection.key(i).equals(key)) {
                MetricKind kind = selection.decodeInto(i, buf);
                return new SeriesData(key, kind, Arrays.copyOf(buf.timestamps(), buf.size()),
                        Arrays.copyOf(buf.values(), buf.size()));
            }
        }
        throw new AssertionError(key + " not selected");
    }

    private static long floorOf(Tsdb tsdb) {
        return tsdb.blocks().current().headFloor();
    }

    @Test
    void aCutWritesTheOldestHourToABlockCheckpointsTheWalAndQueriesSeeEverySampleOnce() {
        FaultyDisk disk = new FaultyDisk();
        long end = T0 + 2 * HOUR;
        long blockStart = TimeRanges.alignDown(T0, HOUR);
        try (Tsdb tsdb = open(options, disk)) {
            append(tsdb, CPU, T0, end);
            append(tsdb, MEM, T0 + HOUR, end);
            long chunksBefore = tsdb.stats().headChunks();
            long walSegments = disk.paths().stream().filter(p -> p.startsWith("wal/0")).count();
            assertThat(walSegments).isGreaterThanOrEqualTo(3);

            assertThat(tsdb.maintain()).isEmpty();

            BlockSet.View view = tsdb.blocks().current();
            assertThat(view.blocks()).singleElement().satisfies(b -> {
                assertThat(b.meta().minTime()).isEqualTo(blockStart);
                assertThat(b.meta().maxTime()).isEqualTo(blockStart + HOUR);
                assertThat(b.meta().series()).isEqualTo(1); // MEM starts after the block's end
                assertThat(b.meta().samples()).isEqualTo((blockStart + HOUR - T0 + 14_999) / 15_000);
            });
            assertThat(floorOf(tsdb)).isEqualTo(blockStart + HOUR);
            assertThat(tsdb.stats().headChunks()).as("the head dropped the block's chunks").isLessThan(chunksBefore);
            assertThat(disk.paths()).as("the WAL before the cut became a checkpoint")
                    .anyMatch(p -> p.startsWith("wal/checkpoint.")).noneMatch(p -> p.endsWith(".tmp"))
                    .filteredOn(p -> p.startsWith("wal/0")).hasSizeLessThan((int) walSegments);
            assertHolds(tsdb, CPU, T0, end);
            assertHolds(tsdb, MEM, T0 + HOUR, end);
            long lastInBlock = T0 + (blockStart + HOUR - 1 - T0) / 15_000 * 15_000;
            try (Querier q = tsdb.querier(lastInBlock - 15_000, lastInBlock + 15_000)) {
                assertThat(q.read(CPU).orElseThrow().timestamps()).as("across the block's end")
                        .containsExactly(lastInBlock - 15_000, lastInBlock, lastInBlock + 15_000);
                assertThat(q.series("system.cpu.user", List.of(new TagMatcher.HasTag("env:prod")))).containsExactly(CPU);
                assertThat(q.metricNames()).containsExactly("system.cpu.user", "system.mem.used");
            }
        }
        try (Tsdb tsdb = open(options, disk)) {
            assertThat(tsdb.recovery().checkpoint()).isPositive();
            assertThat(tsdb.recovery().problems()).isEmpty();
            assertHolds(tsdb, CPU, T0, end);
            assertHolds(tsdb, MEM, T0 + HOUR, end);
            append(tsdb, CPU, end, end + HOUR); // and it goes on
            assertThat(tsdb.maintain()).isEmpty();
            assertThat(tsdb.blocks().current().blocksEnd()).isEqualTo(blockStart + 2 * HOUR);
            assertHolds(tsdb, CPU, T0, end + HOUR);
        }
    }

    @Test
    void maintenanceShrinksTheHeadsSealedChunksAndEveryReadStaysExact() {
        FaultyDisk disk = new FaultyDisk();
        try (Tsdb tsdb = open(options, disk)) {
            // 50 minutes at 15 s, values with two decimals: one sealed chunk of 120 samples per series, in the head
            append(tsdb, CPU, T0, T0 + 50 * 60_000);
            append(tsdb, MEM, T0, T0 + 50 * 60_000);
            assertThat(tsdb.maintain()).isEmpty();
            assertThat(tsdb.headBytesCompacted()).isPositive();
            assertThat(tsdb.blocks().current().blocks()).as("nothing was cut").isEmpty();
            assertHolds(tsdb, CPU, T0, T0 + 50 * 60_000);
            assertHolds(tsdb, MEM, T0, T0 + 50 * 60_000);
            long compacted = tsdb.headBytesCompacted();
            append(tsdb, CPU, T0 + 50 * 60_000, T0 + 55 * 60_000); // appends go on into the open chunk
            assertThat(tsdb.maintain()).isEmpty();
            assertThat(tsdb.headBytesCompacted()).as("a chunk is compacted once").isEqualTo(compacted);
            assertHolds(tsdb, CPU, T0, T0 + 55 * 60_000);
        }
        try (Tsdb again = open(options, disk)) { // the WAL replays into XOR chunks; nothing on disk changed
            assertHolds(again, CPU, T0, T0 + 55 * 60_000);
        }
    }

    @Test
    void samplesBeforeTheFloorAreRefusedAsTooOldLiveAndAtReplayAlike() {
        FaultyDisk disk = new FaultyDisk();
        long floor;
        try (Tsdb tsdb = open(options, disk)) {
            append(tsdb, CPU, T0, T0 + 2 * HOUR);
            tsdb.maintain();
            floor = floorOf(tsdb);
            MetricBatch late = new MetricBatch();
            late.add(CPU, MetricKind.GAUGE, floor - 1, 1); // never seen: the range is cut already
            late.add(MEM, MetricKind.GAUGE, floor - 60_000, 2);
            late.add(MEM, MetricKind.GAUGE, floor, 3);
            AppendResult r = tsdb.append(late);
            assertThat(r.accepted()).isEqualTo(1);
            assertThat(r.rejections()).hasSize(2).allSatisfy(j -> assertThat(j.reason()).startsWith("too old: ")
                    .contains("is before " + floor).contains("immutable on-disk blocks"));
        }
        try (Tsdb tsdb = open(options, disk); Querier q = tsdb.querier(floor - HOUR, floor + HOUR)) {
            assertThat(q.read(MEM).orElseThrow().timestamps()).containsExactly(floor);
            assertThat(q.read(CPU).orElseThrow().timestamps()).doesNotContain(floor - 1);
        }
    }

    @Test
    void anIdleSeriesLeavesTheHeadButStaysQueryableAndComesBackUnderANewId() {
        FaultyDisk disk = new FaultyDisk();
        try (Tsdb tsdb = open(options, disk)) {
            append(tsdb, IDLE, T0, T0 + 20 * 60_000);
            append(tsdb, CPU, T0, T0 + 3 * HOUR);
            int idleId = tsdb.head().get(IDLE).id;
            assertThat(tsdb.maintain()).isEmpty();

            assertThat(tsdb.head().get(IDLE)).as("gone from the head").isNull();
            assertThat(tsdb.head().seriesCount()).isEqualTo(1);
            assertThat(tsdb.head().index().tagValues("system.cpu.user", "host")).containsExactly("a");
            assertThat(tsdb.stats().seriesRemoved()).isEqualTo(1);
            assertHolds(tsdb, IDLE, T0, T0 + 20 * 60_000);
            try (Querier q = tsdb.querier(T0, T0 + 3 * HOUR)) {
                assertThat(q.series("system.cpu.user", List.of())).containsExactly(CPU, IDLE);
                assertThat(q.tagValues("system.cpu.user", "host")).containsExactly("a", "gone");
            }

            long later = T0 + 3 * HOUR;
            append(tsdb, IDLE, later, later + 60_000);
            assertThat(tsdb.head().get(IDLE).id).isNotEqualTo(idleId);
            try (Querier q = tsdb.querier(T0, later + HOUR)) {
                assertThat(q.read(IDLE).orElseThrow().size()).isEqualTo(80 + 4);
            }
        }
        try (Tsdb tsdb = open(options, disk); Querier q = tsdb.querier(T0, T0 + 4 * HOUR)) {
            assertThat(q.read(IDLE).orElseThrow().size()).isEqualTo(80 + 4);
            assertThat(tsdb.recovery().problems()).isEmpty();
        }
    }

    @Test
    void anIdleSeriesStopsCountingAgainstItsCreatorAndTheCheckpointKeepsWhoCreatedTheRest() {
        FaultyDisk disk = new FaultyDisk();
        tocsin.core.metric.SeriesQuota ci = new tocsin.core.metric.SeriesQuota("key-ci", "ci", 2);
        try (Tsdb tsdb = open(options, disk)) {
            appendAs(tsdb, ci, IDLE, T0, T0 + 20 * 60_000);
            appendAs(tsdb, ci, CPU, T0, T0 + 3 * HOUR);
            assertThat(tsdb.seriesByCreator()).containsEntry("key-ci", 2);
            tsdb.maintain(); // a block, a checkpoint, and IDLE leaves the head
            assertThat(tsdb.head().get(IDLE)).isNull();
            assertThat(tsdb.seriesByCreator()).containsEntry("key-ci", 1);
            appendAs(tsdb, ci, MEM, T0 + 3 * HOUR, T0 + 3 * HOUR + 60_000); // room again
            assertThat(tsdb.head().get(MEM)).isNotNull();
        }
        try (Tsdb tsdb = open(options, disk)) {
            // replay may bring IDLE's definition back from a segment, empty: the maintenance run that follows every
            // open removes it again, as it did live
            tsdb.maintain();
            assertThat(tsdb.head().get(IDLE)).isNull();
            assertThat(tsdb.seriesByCreator()).containsEntry("key-ci", 2);
            assertThat(tsdb.recovery().problems()).isEmpty();
        }
    }

    private static void appendAs(Tsdb tsdb, tocsin.core.metric.SeriesQuota quota, SeriesKey key, long from,
                                 long to) {
        MetricBatch batch = new MetricBatch();
        batch.quota(quota);
        for (long t = from; t < to; t += 15_000) {
            batch.add(key, MetricKind.GAUGE, t, value(t));
        }
        assertThat(tsdb.append(batch).rejections()).isEmpty();
    }

    @Test
    void aFlushWritesTheWholeHeadToBlocksOnePerRangeAndTheStoreGoesOn() {
        FaultyDisk disk = new FaultyDisk();
        long end = T0 + 90 * 60_000; // T0 is not on an hour: the samples fall in two ranges
        long newest = end - 15_000;
        try (Tsdb tsdb = open(options, disk)) {
            append(tsdb, CPU, T0, end);
            append(tsdb, MEM, T0 + 60 * 60_000, end);
            assertThat(tsdb.blocks().current().blocks()).as("no range outgrown yet").isEmpty();

            assertThat(tsdb.flush()).isEmpty();

            BlockSet.View view = tsdb.blocks().current();
            long boundary = T0 - Math.floorMod(T0, HOUR) + HOUR;
            assertThat(view.blocks()).extracting(b -> b.meta().minTime(), b -> b.meta().maxTime())
                    .containsExactly(org.assertj.core.groups.Tuple.tuple(T0 - Math.floorMod(T0, HOUR), boundary),
                            org.assertj.core.groups.Tuple.tuple(boundary, newest + 1));
            assertThat(view.blocks().stream().mapToLong(b -> b.meta().samples()).sum())
                    .as("every sample, once").isEqualTo(360 + 120);
            assertThat(floorOf(tsdb)).isEqualTo(newest + 1);
            assertThat(tsdb.stats().headChunks()).as("nothing left in memory").isZero();
            assertThat(disk.paths()).as("the WAL became a checkpoint").anyMatch(p -> p.startsWith("wal/checkpoint."));
            assertHolds(tsdb, CPU, T0, end);
            assertHolds(tsdb, MEM, T0 + 60 * 60_000, end);

            MetricBatch late = new MetricBatch();
            late.add(CPU, MetricKind.GAUGE, newest, value(newest));
            assertThat(tsdb.append(late).rejections()).as("already in a block").singleElement()
                    .satisfies(r -> assertThat(r.reason()).contains("too old"));
            append(tsdb, CPU, end, end + 30 * 60_000); // and it goes on past the flushed time
            assertThat(tsdb.maintain()).isEmpty();
        }
        try (Tsdb tsdb = open(options, disk)) {
            assertThat(tsdb.recovery().problems()).isEmpty();
            assertHolds(tsdb, CPU, T0, end + 30 * 60_000);
            assertHolds(tsdb, MEM, T0 + 60 * 60_000, end);
            assertThat(tsdb.flush()).isEmpty();
            assertHolds(tsdb, CPU, T0, end + 30 * 60_000);
        }
    }

    @Test
    void hintsSkipTheLookupButAStaleOrForeignHintOnlyCostsOne() {
        FaultyDisk disk = new FaultyDisk();
        try (Tsdb tsdb = open(options, disk); Tsdb other = open(options, new FaultyDisk())) {
            append(tsdb, IDLE, T0, T0 + 20 * 60_000);
            append(other, IDLE, T0, T0 + 20 * 60_000);
            SeriesHints hints = tsdb.seriesHints();
            Object hint = hints.hint(SeriesKey.of("system.cpu.user", "host:gone", "env:staging"));
            SeriesKey key = hints.key(hint);
            assertThat(hint).isSameAs(tsdb.head().get(IDLE));
            assertThat(hints.valid(hint)).isTrue();
            assertThat(hints.valid(other.seriesHints().hint(IDLE)))
                    .as("another store's series").isFalse();

            MetricBatch foreign = new MetricBatch();
            foreign.add(key, MetricKind.GAUGE, T0 + 20 * 60_000, value(T0 + 20 * 60_000),
                    other.seriesHints().hint(IDLE));
            assertThat(tsdb.append(foreign).rejections()).isEmpty();
            assertHolds(tsdb, IDLE, T0, T0 + 20 * 60_000 + 1);
            assertHolds(other, IDLE, T0, T0 + 20 * 60_000);

            now.set(T0 + 3 * HOUR + 30 * 24 * HOUR);
            append(tsdb, CPU, T0, T0 + 3 * HOUR);
            assertThat(tsdb.maintain()).isEmpty();
            assertThat(tsdb.head().get(IDLE)).as("gone from the head").isNull();
            assertThat(hints.valid(hint)).isFalse();
            long later = T0 + 3 * HOUR;
            MetricBatch stale = new MetricBatch();
            stale.add(key, MetricKind.GAUGE, later, value(later), hint);
            assertThat(tsdb.append(stale).rejections()).isEmpty();
            assertThat(tsdb.head().get(IDLE)).isNotSameAs(hint);
            try (Querier q = tsdb.querier(later, later + 1)) {
                assertThat(q.read(IDLE).orElseThrow().timestamps()).containsExactly(later);
            }
        }
    }

    @Test
    void anAppendThatResolvedASeriesJustBeforeItWasRemovedLandsInTheKeysNewSeries() throws Exception {
        FaultyDisk disk = new FaultyDisk();
        try (Tsdb tsdb = open(options, disk)) {
            MemSeries stale = tsdb.head().getOrCreate(IDLE, MetricKind.GAUGE); // empty: a removal candidate
            stale.logged = true; // as a series whose samples went to a block: idle, not freshly created
            CountDownLatch writerHeld = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            tsdb.wal().between(w -> {
                writerHeld.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return null;
            });
            writerHeld.await();
            CompletableFuture<Integer> removal = tsdb.wal().between(w -> tsdb.head().remove(List.of(stale)));
            Thread appender = Thread.ofPlatform().start(() -> append(tsdb, IDLE, T0, T0 + 60_000));
            while (appender.getState() != Thread.State.WAITING) { // resolved to the stale series and queued
                Thread.onSpinWait();
            }
            release.countDown();
            appender.join();
            assertThat(removal.join()).isEqualTo(1);
            assertThat(stale.removed).isTrue();
            assertThat(tsdb.head().get(IDLE)).isNotSameAs(stale);
            assertHolds(tsdb, IDLE, T0, T0 + 60_000);
        }
        try (Tsdb tsdb = open(options, disk)) {
            assertHolds(tsdb, IDLE, T0, T0 + 60_000);
            assertThat(tsdb.recovery().problems()).isEmpty();
        }
    }

    @Test
    void aQuerierOpenAcrossACutReadsEverySampleAndHoldsBackTheHeadUntilItCloses() {
        FaultyDisk disk = new FaultyDisk();
        try (Tsdb tsdb = open(options, disk)) {
            append(tsdb, CPU, T0, T0 + 2 * HOUR);
            Querier before = tsdb.querier(T0, T0 + 2 * HOUR);
            long chunks = tsdb.stats().headChunks();
            assertThat(tsdb.maintain()).isEmpty();
            assertThat(tsdb.blocks().current().blocks()).hasSize(1);
            assertThat(tsdb.stats().headChunks()).as("a reader of the old view needs them").isEqualTo(chunks);
            assertThat(before.read(CPU).orElseThrow().size()).isEqualTo(480);
            SeriesSelection lazy = before.selectLazily(CPU.name(), List.of());
            assertThat(decodedLazily(before, CPU)).isEqualTo(before.read(CPU).orElseThrow());
            try (Querier after = tsdb.querier(T0, T0 + 2 * HOUR)) {
                assertThat(after.read(CPU).orElseThrow().size()).as("block and head, once").isEqualTo(480);
                assertThat(decodedLazily(after, CPU)).as("block and head, once").isEqualTo(after.read(CPU).orElseThrow());
            }
            before.close();
            before.close(); // idempotent
            assertThatThrownBy(() -> before.read(CPU)).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> lazy.decodeInto(0, new SampleBuffer())).isInstanceOf(IllegalStateException.class);
            assertThat(tsdb.maintain()).isEmpty();
            assertThat(tsdb.stats().headChunks()).isLessThan(chunks);
            assertHolds(tsdb, CPU, T0, T0 + 2 * HOUR);
        }
    }

    @Test
    void retentionDeletesBlocksWhollyOlderThanItButOnlyOnceTheirReadersAreDone() {
        FaultyDisk disk = new FaultyDisk();
        TsdbOptions retained = options.withRetention(Duration.ofHours(3));
        try (Tsdb tsdb = open(retained, disk)) {
            append(tsdb, CPU, T0, T0 + 5 * HOUR);
            now.set(T0); // nothing is older than retention yet
            assertThat(tsdb.maintain()).isEmpty();
            List<Block> blocks = tsdb.blocks().current().blocks();
            assertThat(blocks).hasSizeGreaterThanOrEqualTo(3);
            Block oldest = blocks.getFirst();
            Querier reader = tsdb.querier(T0, T0 + HOUR);
            int mappings = disk.openMappings();
            long deleted = tsdb.stats().blocksDeleted();

            now.set(oldest.meta().maxTime() + 3 * HOUR); // the oldest block is now wholly past retention
            assertThat(tsdb.maintain()).isEmpty();
            assertThat(tsdb.blocks().current().blocks()).doesNotContain(oldest);
            assertThat(disk.directories()).contains(oldest.dir() + ".deleted").doesNotContain(oldest.dir());
            assertThat(disk.openMappings()).as("still mapped for the reader").isEqualTo(mappings);
            assertThat(reader.read(CPU).orElseThrow().timestamp(0)).isEqualTo(T0);

            reader.close();
            assertThat(tsdb.maintain()).isEmpty();
            assertThat(disk.directories()).noneMatch(d -> d.startsWith(oldest.dir()));
            assertThat(tsdb.stats().blocksDeleted()).isEqualTo(deleted + 1);
            try (Querier q = tsdb.querier(Long.MIN_VALUE, Long.MAX_VALUE)) {
                assertThat(q.read(CPU).orElseThrow().timestamp(0)).isBetween(oldest.meta().maxTime(),
                        oldest.meta().maxTime() + 14_999);
            }
        }
    }

    @Test
    void blocksInACompleteWindowAreCompactedIntoOneAndTheSourcesGo() {
        FaultyDisk disk = new FaultyDisk();
        long windowStart = TimeRanges.alignDown(T0, 3 * HOUR) + 3 * HOUR;
        try (Tsdb tsdb = open(options, disk)) {
            append(tsdb, CPU, windowStart, windowStart + 5 * HOUR);
            append(tsdb, IDLE, windowStart, windowStart + 30 * 60_000);
            assertThat(tsdb.maintain()).isEmpty();
            List<Block> blocks = tsdb.blocks().current().blocks();
            assertThat(blocks).extracting(b -> b.meta().level()).containsExactly(2, 1);
            Block merged = blocks.getFirst();
            assertThat(merged.meta().minTime()).isEqualTo(windowStart);
            assertThat(merged.meta().maxTime()).isEqualTo(windowStart + 3 * HOUR);
            assertThat(merged.meta().parents()).hasSize(3);
            assertThat(merged.meta().series()).isEqualTo(2);
            assertThat(tsdb.stats().compactions()).isEqualTo(1);
            assertThat(disk.directories()).filteredOn(d -> d.matches("blocks/[^/]+")).hasSize(2);
            assertHolds(tsdb, CPU, windowStart, windowStart + 5 * HOUR);
            assertHolds(tsdb, IDLE, windowStart, windowStart + 30 * 60_000);
        }
        try (Tsdb tsdb = open(options, disk)) {
            assertHolds(tsdb, CPU, windowStart, windowStart + 5 * HOUR);
            assertThat(tsdb.blocks().current().blocks()).hasSize(2);
        }
    }

    @Test
    void statsDescribeTheHeadTheBlocksAndTheWal() {
        FaultyDisk disk = new FaultyDisk();
        try (Tsdb tsdb = open(options, disk)) {
            append(tsdb, CPU, T0, T0 + 2 * HOUR);
            TsdbStats before = tsdb.stats();
            assertThat(before.headSeries()).isEqualTo(1);
            assertThat(before.blocks()).isZero();
            assertThat(before.walBytes()).isPositive();
            assertThat(before.lastWalSyncNanos()).isNotNegative();
            assertThat(before.headMaxTime()).isEqualTo(T0 + 2 * HOUR - 15_000);
            tsdb.maintain();
            TsdbStats after = tsdb.stats();
            assertThat(after.blocks()).isEqualTo(1);
            assertThat(after.blockSamples()).isPositive();
            assertThat(after.blockBytes()).isEqualTo(disk.bytesUnder(tsdb.blocks().current().blocks().getFirst().dir()));
            assertThat(after.blocksCut()).isEqualTo(1);
            assertThat(after.checkpoints()).isEqualTo(1);
            assertThat(after.walBytes()).isLessThan(before.walBytes());
            assertThat(after.headChunks()).isLessThan(before.headChunks());
            assertThat(after.lastMaintenanceError()).isNull();
            Querier q = tsdb.querier(0, 1);
            assertThat(tsdb.stats().openQueriers()).isEqualTo(1);
            q.close();
            assertThat(tsdb.stats().openQueriers()).isZero();
        }
    }

    @Test
    void onTheRealFileSystemBlocksAreMappedAndCutByTheMaintenanceThreadItself() throws Exception {
        TsdbOptions real = TsdbOptions.of(dir).withClock(() -> Instant.ofEpochMilli(now.get()))
                .withBlockRange(Duration.ofHours(1));
        try (Tsdb tsdb = Tsdb.open(real)) {
            append(tsdb, CPU, T0, T0 + 2 * HOUR); // past 1.5 ranges: the WAL writer wakes maintenance
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (tsdb.stats().checkpoints() == 0 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(tsdb.stats().blocksCut()).isEqualTo(1);
            assertHolds(tsdb, CPU, T0, T0 + 2 * HOUR);
        }
        try (Stream<Path> files = Files.walk(dir.resolve("blocks"))) {
            assertThat(files.filter(Files::isRegularFile).map(p -> dir.resolve("blocks").relativize(p).toString()
                    .replaceFirst("^[0-9A-Z]{26}/", "<id>/")))
                    .containsExactlyInAnyOrder("<id>/meta", "<id>/index", "<id>/chunks/000001");
        }
        try (Tsdb tsdb = Tsdb.open(real); Querier q = tsdb.querier(T0, T0 + 30 * 60_000)) { // the block alone
            assertHolds(tsdb, CPU, T0, T0 + 2 * HOUR);
            assertThat(tsdb.blocks().current().blocks()).hasSize(1);
            assertThat(q.select("system.cpu.user", List.of(new TagMatcher.Glob("env:p*"), new TagMatcher.HasKey("host")))
                    .map(SeriesData::key)).containsExactly(CPU);
            assertThat(q.tagValues("system.cpu.user", "env")).containsExactly("prod");
        }
    }

    @Test
    void aBlockOfFifteenSecondGaugesTakesAFewBytesPerSampleIndexIncluded() {
        FaultyDisk disk = new FaultyDisk();
        java.util.Random random = new java.util.Random(1);
        int series = 500;
        double[] values = new double[series];
        try (Tsdb tsdb = open(options, disk)) {
            for (long t = T0; t < T0 + 2 * HOUR; t += 15_000) {
                MetricBatch batch = new MetricBatch();
                for (int i = 0; i < series; i++) {
                    values[i] += random.nextInt(10) < 7 ? 0 : random.nextInt(9) - 4; // as HeadMemoryTest
                    batch.add(SeriesKey.of("system.metric." + i % 10, "host:ip-10-0-" + i / 10, "env:prod"),
                            MetricKind.GAUGE, t, values[i]);
                }
                tsdb.append(batch);
            }
            assertThat(tsdb.maintain()).isEmpty();
            TsdbStats stats = tsdb.stats();
            double perSample = (double) stats.blockBytes() / stats.blockSamples();
            System.out.printf("block: %.3f bytes/sample (%d samples, %d bytes)%n", perSample, stats.blockSamples(),
                    stats.blockBytes());
            assertThat(stats.blockSamples()).isEqualTo(series * ((TimeRanges.alignDown(T0, HOUR) + HOUR - T0
                    + 14_999) / 15_000));
            assertThat(perSample).isLessThan(1.5);
        }
    }

    @Test
    void invalidBlockOptionsAreReportedTogether() {
        assertThatThrownBy(() -> new TsdbOptions(dir, options.clock(), 0, Duration.ZERO, Duration.ZERO, 4096,
                Duration.ofMillis(10), Duration.ofDays(-1), -1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContainingAll("blockRange must be between 1 s and 365 d", "retention must be zero",
                        "maxSeriesPerMetric must be 0");
    }
}
