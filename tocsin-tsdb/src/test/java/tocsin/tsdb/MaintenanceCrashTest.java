package tocsin.tsdb;

import org.junit.jupiter.api.Test;
import tocsin.core.metric.MetricBatch;
import tocsin.core.metric.MetricKind;
import tocsin.core.metric.SeriesKey;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The power goes at every single disk operation of a maintenance run (cuts, checkpoint, truncation, idle-series
 * removal, retention, compaction) in turn; after each, the store must open with every acknowledged sample exactly
 * once, no block overlapping another, and nothing left over from the interrupted step, and must then finish the job.
 * Unsynced bytes are kept or torn at random from a printed seed.
 */
class MaintenanceCrashTest {
    static final long MINUTE = 60_000L;
    static final long RANGE = 10 * MINUTE;
    static final long T0 = 1_700_000_000_000L;
    static final SeriesKey BUSY = SeriesKey.of("queue.depth", "queue:mail");
    static final SeriesKey OTHER = SeriesKey.of("queue.depth", "queue:sms");
    static final SeriesKey IDLE = SeriesKey.of("queue.depth", "queue:fax");

    /** Retention (50 min) then reaches back to T0 + 15 min: the first block, wholly before that, goes. */
    private final AtomicLong now = new AtomicLong(T0 + 65 * MINUTE);
    private final TsdbOptions options = TsdbOptions.of(Path.of("in-memory"))
            .withClock(() -> Instant.ofEpochMilli(now.get())).withBlockRange(Duration.ofMillis(RANGE))
            .withRetention(Duration.ofMillis(5 * RANGE)).withWalSegmentBytes(4096);

    private final TsdbOptions noRetention = options.withRetention(Duration.ZERO);

    private static Tsdb open(TsdbOptions options, FaultyDisk disk) {
        return Tsdb.open(options, disk, false, 1024);
    }

    /** One sample every 10 s per series, the value its timestamp; IDLE stops after 15 minutes. */
    private static void fill(Tsdb tsdb, long from, long to) {
        MetricBatch batch = new MetricBatch();
        for (long t = from; t < to; t += 10_000) {
            batch.add(BUSY, MetricKind.GAUGE, t, t);
            batch.add(OTHER, MetricKind.GAUGE, t, -t);
            if (t < T0 + 15 * MINUTE) {
                batch.add(IDLE, MetricKind.COUNT, t, 1);
            }
            if (batch.size() >= 40) {
                assertThat(tsdb.append(batch).rejections()).isEmpty();
                batch = new MetricBatch();
            }
        }
        assertThat(tsdb.append(batch).rejections()).isEmpty();
    }

    @Test
    void aPowerCutAtAnyStepOfMaintenanceLosesAndDuplicatesNothing() {
        long seed = Seeds.seed("MaintenanceCrashTest");
        Random random = new Random(seed);
        long end = T0 + 65 * MINUTE;
        int steps = 0;
        for (int k = 0; ; k++) {
            FaultyDisk disk = new FaultyDisk();
            Tsdb tsdb = open(options, disk);
            fill(tsdb, T0, end);
            disk.powerCutAfter(k);
            tsdb.maintain();
            boolean cut = disk.powerWasCut();
            boolean tear = random.nextBoolean();
            FaultyDisk after = disk.crash(random, tear);
            tsdb.close();
            try {
                try (Tsdb reopened = open(options, after)) {
                    verify(reopened, end, Stage.OPENED);
                    assertThat(reopened.maintain()).isEmpty();
                    verify(reopened, end, Stage.MAINTAINED);
                }
                try (Tsdb again = open(options, after)) {
                    verify(again, end, Stage.REOPENED);
                }
            } catch (AssertionError | RuntimeException e) {
                throw new AssertionError("power cut after " + k + " operations (tear: " + tear + "); replay with "
                        + "-Dtests.seed=" + Seeds.hex(seed) + "; disk: " + after, e);
            }
            if (!cut) {
                steps = k;
                break;
            }
        }
        assertThat(steps).as("operations in one maintenance run").isGreaterThan(100);
    }

    @Test
    void aPowerCutAtAnyStepOfAFlushLosesAndDuplicatesNothing() {
        long seed = Seeds.seed("MaintenanceCrashTest.flush");
        Random random = new Random(seed);
        long end = T0 + 25 * MINUTE; // nothing outgrown: only the flush writes blocks, in three ranges
        int steps = 0;
        for (int k = 0; ; k++) {
            FaultyDisk disk = new FaultyDisk();
            Tsdb tsdb = open(noRetention, disk);
            fill(tsdb, T0, end);
            disk.powerCutAfter(k);
            tsdb.flush();
            boolean cut = disk.powerWasCut();
            boolean tear = random.nextBoolean();
            FaultyDisk after = disk.crash(random, tear);
            tsdb.close();
            try {
                try (Tsdb reopened = open(noRetention, after)) {
                    assertFlushed(reopened, end, false);
                    assertThat(reopened.flush()).isEmpty();
                    assertFlushed(reopened, end, true);
                }
                try (Tsdb again = open(noRetention, after)) {
                    assertFlushed(again, end, true);
                }
            } catch (AssertionError | RuntimeException e) {
                throw new AssertionError("power cut after " + k + " operations of a flush (tear: " + tear + "); "
                        + "replay with -Dtests.seed=" + Seeds.hex(seed) + "; disk: " + after, e);
            }
            if (!cut) {
                steps = k;
                break;
            }
        }
        assertThat(steps).as("operations in one flush").isGreaterThan(30);
    }

    /** Every sample once, blocks not overlapping; once flushed, all of it in blocks and none in the head. */
    private static void assertFlushed(Tsdb tsdb, long end, boolean flushed) {
        assertThat(tsdb.blockProblems()).isEmpty();
        List<Block> blocks = tsdb.blocks().current().blocks();
        for (int i = 1; i < blocks.size(); i++) {
            assertThat(blocks.get(i).meta().minTime()).as("blocks do not overlap: %s", blocks)
                    .isGreaterThanOrEqualTo(blocks.get(i - 1).meta().maxTime());
        }
        try (Querier q = tsdb.querier(Long.MIN_VALUE, Long.MAX_VALUE)) {
            for (SeriesKey key : List.of(BUSY, OTHER, IDLE)) {
                SeriesData d = q.read(key).orElseThrow();
                long last = key == IDLE ? T0 + 15 * MINUTE - 10_000 : end - 10_000;
                assertThat(d.size()).as("samples of %s", key).isEqualTo((int) ((last - T0) / 10_000 + 1));
                for (int i = 0; i < d.size(); i++) {
                    assertThat(d.timestamp(i)).isEqualTo(T0 + 10_000L * i);
                }
            }
        }
        if (flushed) {
            assertThat(tsdb.blocks().current().headFloor()).isEqualTo(end - 10_000 + 1);
            assertThat(blocks.stream().mapToLong(b -> b.meta().samples()).sum()).as("all in blocks, once")
                    .isEqualTo(150 + 150 + 90);
        }
    }

    /** Fills a store, runs maintenance until the power goes at {@code operation} on {@code path}, and crashes. */
    private FaultyDisk crashAt(String operation, String path, boolean tear) {
        FaultyDisk disk = new FaultyDisk();
        try (Tsdb tsdb = open(noRetention, disk)) {
            fill(tsdb, T0, T0 + 65 * MINUTE);
            disk.powerCutAt(operation, path);
            tsdb.maintain();
            assertThat(disk.powerWasCut()).as("the power went at %s %s", operation, path).isTrue();
            return disk.crash(new Random(1), tear);
        }
    }

    private static List<String> dirs(FaultyDisk disk, String regex) {
        return disk.directories().stream().filter(d -> d.matches(regex)).toList();
    }

    /** Every sample of the three series, once, through a querier. */
    private static void assertComplete(Tsdb tsdb) {
        try (Querier q = tsdb.querier(Long.MIN_VALUE, Long.MAX_VALUE)) {
            assertThat(q.read(BUSY).orElseThrow().size()).isEqualTo(390);
            assertThat(q.read(OTHER).orElseThrow().size()).isEqualTo(390);
            assertThat(q.read(IDLE).orElseThrow().size()).isEqualTo(90);
            assertThat(q.read(BUSY).orElseThrow().timestamp(389)).isEqualTo(T0 + 65 * MINUTE - 10_000);
        }
    }

    @Test
    void aBlockDirectoryLeftHalfWrittenIsRemovedOnOpenAndItsRangeCutAgainFromTheWal() {
        for (String operation : List.of("create", "sync", "move")) { // first file, first sync, the rename
            FaultyDisk after = crashAt(operation, "blocks/", true);
            // The directory's entry was never synced, so a crash drops it; a file system may keep it, torn:
            String torn = "blocks/" + BlockId.create(T0, new Random(2)) + BlockFormat.TEMPORARY_SUFFIX;
            after.put(torn + "/index", new byte[]{'T', 'B', 'I', 'X', 1, 0, 0});
            after.put(torn + "/chunks/000001", new byte[3]);
            try (Tsdb tsdb = open(noRetention, after)) {
                assertThat(dirs(after, "blocks/.*")).as("after a cut at %s", operation).isEmpty();
                assertThat(tsdb.blockProblems()).isEmpty();
                assertThat(tsdb.blocks().current().blocks()).isEmpty();
                assertComplete(tsdb);
                assertThat(tsdb.maintain()).isEmpty();
                assertThat(tsdb.blocks().current().blocksEnd()).as("cut again")
                        .isEqualTo(TimeRanges.alignDown(T0, RANGE) + 6 * RANGE);
                assertComplete(tsdb);
            }
        }
    }

    @Test
    void aCrashBetweenTheBlockRenameAndTheWalCheckpointReplaysNothingTwice() {
        FaultyDisk after = crashAt("create", "wal/checkpoint.", false);
        assertThat(dirs(after, "blocks/[^/]+")).as("every cut of the run is durable").hasSize(6)
                .noneMatch(d -> d.endsWith(".tmp"));
        assertThat(after.paths()).noneMatch(p -> p.startsWith("wal/checkpoint")).contains("wal/00000000");
        try (Tsdb tsdb = open(noRetention, after)) {
            assertThat(tsdb.blocks().current().blocks()).hasSize(6);
            long floor = tsdb.blocks().current().headFloor();
            assertThat(tsdb.head().exactMinTime()).as("replay left the blocks' samples out")
                    .isGreaterThanOrEqualTo(floor);
            assertComplete(tsdb);
            assertThat(tsdb.maintain()).isEmpty();
            assertThat(after.paths()).anyMatch(p -> p.startsWith("wal/checkpoint.")).doesNotContain("wal/00000000");
            assertThat(tsdb.blocks().current().blocks().getLast().meta().maxTime()).as("nothing cut twice")
                    .isEqualTo(floor);
            assertComplete(tsdb);
        }
    }

    @Test
    void aCrashWhileTheCheckpointIsWrittenOrBeforeTheSegmentsGoLeavesAReplayableLog() {
        for (String operation : List.of("write", "sync", "move")) {
            FaultyDisk during = crashAt(operation, "wal/checkpoint.", true);
            assertThat(during.paths()).noneMatch(p -> p.matches("wal/checkpoint\\.\\d+"));
            // As for blocks, the temporary file's entry was never synced; one that survives torn is removed:
            during.put("wal/checkpoint.00000007.tmp", new byte[]{'T', 'W', 'A', 'L', 2, 0, 0, 0, 3, 0});
            try (Tsdb tsdb = open(noRetention, during)) {
                assertThat(during.paths()).noneMatch(p -> p.startsWith("wal/checkpoint"));
                assertThat(tsdb.recovery().checkpoint()).isEqualTo(-1);
                assertThat(tsdb.recovery().problems()).isEmpty();
                assertComplete(tsdb);
            }
        }
        FaultyDisk before = crashAt("delete", "wal/0", false); // the checkpoint is durable, the segments not gone
        assertThat(before.paths()).anyMatch(p -> p.matches("wal/checkpoint\\.\\d+")).contains("wal/00000000");
        try (Tsdb tsdb = open(noRetention, before)) {
            assertThat(before.paths()).doesNotContain("wal/00000000");
            assertThat(tsdb.recovery().checkpoint()).isPositive();
            assertThat(tsdb.recovery().problems()).isEmpty();
            assertComplete(tsdb);
        }
    }

    enum Stage { OPENED, MAINTAINED, REOPENED }

    /**
     * Every sample is there once, except that retention may have taken the oldest block (the one wholly before
     * T0 + 15 min): before the reopened store's own maintenance run it may still be there, after it must be gone.
     */
    private static void verify(Tsdb tsdb, long end, Stage stage) {
        boolean maintained = stage != Stage.OPENED;
        assertThat(tsdb.recovery().problems()).as("a crash only leaves torn tails")
                .allSatisfy(p -> assertThat(p).containsAnyOf("torn write", "ends inside its header"));
        assertThat(tsdb.blockProblems()).isEmpty();
        List<Block> blocks = tsdb.blocks().current().blocks();
        for (int i = 1; i < blocks.size(); i++) {
            assertThat(blocks.get(i).meta().minTime()).as("blocks do not overlap: %s", blocks)
                    .isGreaterThanOrEqualTo(blocks.get(i - 1).meta().maxTime());
        }
        long retained = TimeRanges.alignDown(T0, RANGE) + RANGE; // the end of the block retention removes
        try (Querier q = tsdb.querier(Long.MIN_VALUE, Long.MAX_VALUE)) {
            for (SeriesKey key : List.of(BUSY, OTHER, IDLE)) {
                SeriesData d = q.read(key).orElseThrow();
                long first = d.timestamp(0);
                if (maintained) {
                    assertThat(first).as("%s after retention", key).isEqualTo(retained);
                } else {
                    assertThat(first).as("%s starts at the start, or where retention cut", key).isIn(T0, retained);
                }
                long last = key == IDLE ? T0 + 15 * MINUTE - 10_000 : end - 10_000;
                assertThat(d.size()).as("samples of %s from %d", key, first).isEqualTo((last - first) / 10_000 + 1);
                for (int i = 0; i < d.size(); i++) {
                    long t = first + 10_000L * i;
                    assertThat(d.timestamp(i)).isEqualTo(t);
                    assertThat(d.value(i)).isEqualTo(key == BUSY ? t : key == OTHER ? -t : 1);
                }
                assertThat(d.kind()).isEqualTo(key == IDLE ? MetricKind.COUNT : MetricKind.GAUGE);
            }
        }
        if (maintained) {
            BlockSet.View view = tsdb.blocks().current();
            assertThat(tsdb.head().exactMinTime()).as("the head holds nothing below its floor")
                    .isGreaterThanOrEqualTo(view.headFloor());
            assertThat(blocks).extracting(b -> b.meta().level()).as("cut, compacted, cut").containsExactly(1, 2, 1);
        }
        if (stage == Stage.MAINTAINED) {
            assertThat(tsdb.head().get(IDLE)).as("the idle series left the head").isNull();
        }
    }
}
