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

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The power goes at every disk operation of a maintenance run whose compaction writes rollups, in turn; after each,
 * the store must open with every sample exactly once, every compacted block with its rollups complete (and every cut
 * block without), nothing left of the interrupted write, and rollups that answer as the raw samples do; then finish
 * the job. Unsynced bytes are kept or torn at random from a printed seed.
 */
class RollupCrashTest {
    static final long MINUTE = 60_000L;
    static final long RANGE = 10 * MINUTE;
    static final long T0 = 1_700_000_000_000L;
    static final long END = T0 + 65 * MINUTE;
    static final SeriesKey GAUGE = SeriesKey.of("queue.depth", "queue:mail");
    static final SeriesKey COUNTER = SeriesKey.of("queue.sent", "queue:mail");

    private final TsdbOptions options = TsdbOptions.of(Path.of("in-memory"))
            .withClock(() -> Instant.ofEpochMilli(END)).withBlockRange(Duration.ofMillis(RANGE))
            .withWalSegmentBytes(4096);

    /** One sample every 10 s per series: a gauge, and a counter that resets every 17 minutes. */
    private static void fill(Tsdb tsdb) {
        MetricBatch batch = new MetricBatch();
        for (long t = T0; t < END; t += 10_000) {
            batch.add(GAUGE, MetricKind.GAUGE, t, (t / 10_000) % 97 / 4.0);
            batch.add(COUNTER, MetricKind.COUNTER, t, (t - T0) % (17 * MINUTE) / 1000.0);
            if (batch.size() >= 40) {
                assertThat(tsdb.append(batch).rejections()).isEmpty();
                batch = new MetricBatch();
            }
        }
        assertThat(tsdb.append(batch).rejections()).isEmpty();
    }

    @Test
    void aPowerCutWhileRollupsAreWrittenLeavesThemCompleteOrAbsent() {
        long seed = Seeds.seed("RollupCrashTest");
        Random random = new Random(seed);
        int duringRollupWrites = 0;
        for (int k = 0; ; k++) {
            FaultyDisk disk = new FaultyDisk();
            Tsdb tsdb = Tsdb.open(options, disk, false, 1024);
            fill(tsdb);
            disk.powerCutAfter(k);
            tsdb.maintain();
            boolean cut = disk.powerWasCut();
            if (cut && disk.paths().stream().anyMatch(p -> p.matches("blocks/[^/]+\\.tmp/" + RollupFile.NAME))) {
                duringRollupWrites++;
            }
            boolean tear = random.nextBoolean();
            FaultyDisk after = disk.crash(random, tear);
            tsdb.close();
            try {
                try (Tsdb reopened = Tsdb.open(options, after, false, 1024)) {
                    verify(reopened);
                    assertThat(after.directories()).noneMatch(d -> d.endsWith(BlockFormat.TEMPORARY_SUFFIX));
                    assertThat(reopened.maintain()).isEmpty();
                    verify(reopened);
                    assertThat(reopened.blocks().current().blocks()).extracting(b -> b.meta().level())
                            .as("compacted, compacted, cut").containsExactly(2, 2, 1);
                }
            } catch (AssertionError | RuntimeException e) {
                throw new AssertionError("power cut after " + k + " operations (tear: " + tear + "); replay with "
                        + "-Dtests.seed=" + Seeds.hex(seed) + "; disk: " + after, e);
            }
            if (!cut) {
                break;
            }
        }
        assertThat(duringRollupWrites).as("power cuts while a rollups file was being written").isGreaterThan(2);
    }

    @Test
    void aDamagedRollupsFileIsIgnoredAndTheBlockReadFromItsRawSamples() throws java.io.IOException {
        FaultyDisk disk = new FaultyDisk();
        try (Tsdb tsdb = Tsdb.open(options, disk, false, 1024)) {
            fill(tsdb);
            assertThat(tsdb.maintain()).isEmpty();
        }
        List<String> files = disk.paths().stream().filter(p -> p.endsWith("/" + RollupFile.NAME)).toList();
        assertThat(files).hasSize(2);
        byte[] damaged = disk.readAll(files.getFirst());
        damaged[damaged.length / 2] ^= 0x10;
        disk.put(files.getFirst(), damaged);
        try (Tsdb tsdb = Tsdb.open(options, disk, false, 1024)) {
            assertThat(tsdb.blockProblems()).as("derived data: the block stays").isEmpty();
            assertThat(tsdb.blocks().current().blocks()).filteredOn(b -> b.meta().level() == 2)
                    .extracting(b -> b.rollups() == null).containsExactlyInAnyOrder(true, false);
            try (Querier q = tsdb.querier(T0, END)) {
                SeriesData raw = q.read(GAUGE).orElseThrow();
                assertThat(raw.size()).isEqualTo(390);
                RollupPropertyTest.assertSame(
                        RollupPropertyTest.reference(raw, 5 * MINUTE, RollupBounds.START_INCLUSIVE),
                        q.readRollup(GAUGE, 5 * MINUTE).orElseThrow(), "after the damage");
            }
        }
    }

    private static void verify(Tsdb tsdb) {
        assertThat(tsdb.blockProblems()).isEmpty();
        for (Block b : tsdb.blocks().current().blocks()) {
            if (b.meta().level() >= 2) {
                assertThat(b.rollups()).as("rollups of %s", b).isNotNull();
                assertThat(b.rollups().resolutions()).containsExactly(RollupFile.FIVE_MINUTES);
            } else {
                assertThat(b.rollups()).as("rollups of %s", b).isNull();
            }
        }
        try (Querier q = tsdb.querier(T0, END)) {
            for (SeriesKey key : List.of(GAUGE, COUNTER)) {
                SeriesData raw = q.read(key).orElseThrow();
                assertThat(raw.size()).as("every sample of %s once", key).isEqualTo(390);
                for (int i = 0; i < raw.size(); i++) {
                    assertThat(raw.timestamp(i)).isEqualTo(T0 + 10_000L * i);
                }
                for (long resolution : new long[]{5 * MINUTE, 30 * MINUTE}) {
                    RollupPropertyTest.assertSame(
                            RollupPropertyTest.reference(raw, resolution, RollupBounds.START_INCLUSIVE),
                            q.readRollup(key, resolution).orElseThrow(), key + " at " + resolution);
                }
            }
        }
    }
}
