package tocsin.tsdb;

import org.junit.jupiter.api.Test;
import tocsin.core.metric.MetricBatch;
import tocsin.core.metric.MetricKind;
import tocsin.core.metric.SeriesKey;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What the store does with the files a crash, a failing disk or bit rot leave behind. */
class WalRecoveryTest {
    static final long T0 = 1_700_000_000_000L;
    static final SeriesKey KEY = SeriesKey.of("queue.depth", "queue:mail");
    static final String SEGMENT_0 = "wal/00000000";

    private final TsdbOptions options = TsdbOptions.of(Path.of("in-memory"))
            .withClock(() -> Instant.ofEpochMilli(T0 + 86_400_000L));

    @Test
    void aTornTailIsCutOffWithAWarningAndEveryAcknowledgedBatchSurvives() {
        FaultyDisk disk = new FaultyDisk();
        try (Tsdb tsdb = Tsdb.open(options, disk)) {
            for (int b = 0; b < 3; b++) {
                assertThat(tsdb.append(batch(b)).accepted()).isEqualTo(10);
            }
            disk.failSyncs(1);
            assertThatThrownBy(() -> tsdb.append(batch(3))).isInstanceOf(TsdbWriteException.class);
        }
        FaultyDisk after = disk.crashKeeping(20); // part of batch 3's record reached the disk

        try (Tsdb tsdb = Tsdb.open(options, after)) {
            assertThat(batchesPresent(tsdb, 4)).containsExactly(0, 1, 2);
            assertThat(tsdb.recovery().tornBytes()).isEqualTo(20);
            assertThat(tsdb.recovery().problems()).singleElement().asString()
                    .contains(SEGMENT_0 + " ends in a torn write").contains("truncating");
            assertThat(tsdb.append(batch(3)).accepted()).as("the series goes on").isEqualTo(10);
        }
        assertThat(after.bytes(SEGMENT_0)).as("truncated at the record boundary")
                .hasSize(recordOffsets(after.bytes(SEGMENT_0)).getLast() + recordLength(after.bytes(SEGMENT_0),
                        recordOffsets(after.bytes(SEGMENT_0)).getLast()));
    }

    @Test
    void zerosAtTheEndOfTheLastSegmentAreATornTail() {
        FaultyDisk disk = new FaultyDisk();
        appendBatches(disk, 2);
        byte[] segment = disk.bytes(SEGMENT_0);
        disk.put(SEGMENT_0, Arrays.copyOf(segment, segment.length + 100));

        try (Tsdb tsdb = Tsdb.open(options, disk)) {
            assertThat(batchesPresent(tsdb, 2)).containsExactly(0, 1);
            assertThat(tsdb.recovery().tornBytes()).isEqualTo(100);
        }
    }

    @Test
    void aCorruptRecordInTheMiddleIsSkippedAndReportedAndTheRecordsAfterItAreKept() {
        FaultyDisk disk = new FaultyDisk();
        appendBatches(disk, 5);
        List<Integer> records = recordOffsets(disk.bytes(SEGMENT_0));
        assertThat(records).as("series definition + 5 sample records").hasSize(6);
        int third = records.get(3);
        disk.corrupt(SEGMENT_0, third + WalFormat.RECORD_HEADER_BYTES + 12, 0x10); // one bit of a value

        try (Tsdb tsdb = Tsdb.open(options, disk)) {
            assertThat(batchesPresent(tsdb, 5)).containsExactly(0, 1, 3, 4);
            assertThat(tsdb.recovery().corruptRecords()).isEqualTo(1);
            assertThat(tsdb.recovery().problems()).singleElement().asString()
                    .contains("skipped the corrupt record at offset " + third)
                    .contains("CRC mismatch").contains("the records after it are kept");
        }
    }

    @Test
    void brokenFramingSetsTheRestOfTheSegmentAsideAndLaterSegmentsAreReplayed() {
        FaultyDisk disk = new FaultyDisk();
        TsdbOptions small = options.withWalSegmentBytes(4096);
        try (Tsdb tsdb = Tsdb.open(small, disk)) {
            for (int b = 0; b < 120; b++) {
                tsdb.append(batch(b));
            }
            assertThat(tsdb.wal().segmentNumber()).isGreaterThanOrEqualTo(2);
        }
        String segment1 = "wal/00000001";
        List<Integer> records = recordOffsets(disk.bytes(segment1));
        int victim = records.get(2);
        int segmentLength = disk.bytes(segment1).length;
        disk.corrupt(segment1, victim + 1, 0x7f); // the length's top byte: no boundary can be trusted after it

        try (Tsdb tsdb = Tsdb.open(small, disk)) {
            List<Integer> present = batchesPresent(tsdb, 120);
            assertThat(present).as("before and after the damage").contains(0, 1, 119);
            assertThat(present).as("the sample records from the victim to the segment's end are lost")
                    .hasSize(120 - (records.size() - 2));
            assertThat(tsdb.recovery().bytesSetAside()).isEqualTo(segmentLength - victim);
            assertThat(tsdb.recovery().problems()).singleElement().asString()
                    .contains(segment1 + " is corrupt").contains("moved to wal/corrupted/00000001." + victim);
        }
        assertThat(disk.paths()).contains("wal/corrupted/00000001." + victim);
        assertThat(disk.bytes(segment1)).hasSize(victim);
    }

    @Test
    void aMissingSegmentIsReportedAndTheOthersReplayed() throws Exception {
        FaultyDisk disk = new FaultyDisk();
        TsdbOptions small = options.withWalSegmentBytes(4096);
        try (Tsdb tsdb = Tsdb.open(small, disk)) {
            for (int b = 0; b < 120; b++) {
                tsdb.append(batch(b));
            }
        }
        disk.delete("wal/00000001");

        try (Tsdb tsdb = Tsdb.open(small, disk)) {
            assertThat(batchesPresent(tsdb, 120)).contains(0, 119);
            assertThat(tsdb.recovery().problems()).anySatisfy(p -> assertThat(p)
                    .contains("WAL segments 1 to 1 are missing"));
        }
    }

    @Test
    void aSegmentFromANewerVersionRefusesToOpenAndIsLeftAlone() {
        FaultyDisk disk = new FaultyDisk();
        appendBatches(disk, 1);
        byte[] segment = disk.bytes(SEGMENT_0);
        segment[4] = WalFormat.VERSION + 1;
        disk.put(SEGMENT_0, segment);

        assertThatThrownBy(() -> Tsdb.open(options, disk)).isInstanceOf(TsdbOpenException.class)
                .hasMessageContaining("format version " + (WalFormat.VERSION + 1))
                .hasMessageContaining("Run a newer Tocsin");
        assertThat(disk.bytes(SEGMENT_0)).isEqualTo(segment);
    }

    @Test
    void aVersionOneSegmentFromBeforeFloorRecordsIsStillReplayed() {
        FaultyDisk disk = new FaultyDisk();
        appendBatches(disk, 3);
        byte[] segment = disk.bytes(SEGMENT_0);
        assertThat(segment[4]).isEqualTo(WalFormat.VERSION);
        segment[4] = 1; // version 2 only added a record type; the rest is byte for byte the same
        disk.put(SEGMENT_0, segment);

        try (Tsdb tsdb = Tsdb.open(options, disk)) {
            assertThat(batchesPresent(tsdb, 3)).containsExactly(0, 1, 2);
            assertThat(tsdb.recovery().problems()).isEmpty();
        }
    }

    @Test
    void aSegmentWithoutTheMagicNumberIsSetAside() {
        FaultyDisk disk = new FaultyDisk();
        appendBatches(disk, 1);
        disk.corrupt(SEGMENT_0, 0, 0xff);

        try (Tsdb tsdb = Tsdb.open(options, disk)) {
            assertThat(batchesPresent(tsdb, 1)).isEmpty();
            assertThat(tsdb.recovery().problems()).singleElement().asString().contains("magic number");
        }
        assertThat(disk.paths()).contains("wal/corrupted/00000000.0");
    }

    @Test
    void aFailedFsyncFailsThatAppendAndEveryLaterOneUntilReopened() {
        FaultyDisk disk = new FaultyDisk();
        Tsdb tsdb = Tsdb.open(options, disk);
        tsdb.append(batch(0));
        disk.failSyncs(1);
        assertThatThrownBy(() -> tsdb.append(batch(1))).isInstanceOf(TsdbWriteException.class)
                .hasMessageContaining("injected fsync failure").hasMessageContaining("restart to recover");
        assertThatThrownBy(() -> tsdb.append(batch(2))).isInstanceOf(TsdbWriteException.class);
        try (Querier q = tsdb.querier(T0, T0 + 1_000_000)) {
            assertThat(q.read(KEY).orElseThrow().size()).as("a failed batch is never visible").isEqualTo(10);
        }
        tsdb.close();

        try (Tsdb reopened = Tsdb.open(options, disk.crash(new java.util.Random(1), false))) {
            assertThat(batchesPresent(reopened, 3)).containsExactly(0);
        }
    }

    @Test
    void withASyncIntervalAnAcknowledgedAppendIsAnsweredUnsyncedAndSurvivesTheProcessDying() {
        TsdbOptions interval = options.withWalSyncInterval(Duration.ofSeconds(10));
        FaultyDisk disk = new FaultyDisk();
        int syncsBefore = appendFive(Tsdb.open(interval, disk), disk);
        assertThat(disk.syncCount()).as("answered before any sync").isEqualTo(syncsBefore);
        // the process dies without closing: what was written had reached the operating system, synced or not
        try (Tsdb reopened = Tsdb.open(interval, disk.crashKeeping(Integer.MAX_VALUE))) {
            assertThat(batchesPresent(reopened, 5)).containsExactly(0, 1, 2, 3, 4);
        }
    }

    @Test
    void withASyncIntervalTheSyncComesWithinTheIntervalWithoutAnotherAppend() {
        TsdbOptions interval = options.withWalSyncInterval(Duration.ofMillis(100));
        FaultyDisk disk = new FaultyDisk();
        int syncsBefore = appendFive(Tsdb.open(interval, disk), disk);
        long lastAppend = System.nanoTime();
        assertThat(eventually(() -> disk.syncCount() > syncsBefore
                && System.nanoTime() - lastAppend > Duration.ofSeconds(1).toNanos()))
                .as("synced within the interval").isTrue();
        // then even a machine crash, which drops whatever was not synced, loses nothing acknowledged
        try (Tsdb reopened = Tsdb.open(interval, disk.crash(new java.util.Random(3), true))) {
            assertThat(batchesPresent(reopened, 5)).containsExactly(0, 1, 2, 3, 4);
        }
    }

    @Test
    void withASyncIntervalCloseSyncsWhatWasWritten() {
        TsdbOptions interval = options.withWalSyncInterval(Duration.ofSeconds(10));
        FaultyDisk disk = new FaultyDisk();
        try (Tsdb tsdb = Tsdb.open(interval, disk)) {
            for (int b = 0; b < 3; b++) {
                assertThat(tsdb.append(batch(b)).accepted()).isEqualTo(10);
            }
        }
        try (Tsdb reopened = Tsdb.open(interval, disk.crash(new java.util.Random(5), true))) {
            assertThat(batchesPresent(reopened, 3)).containsExactly(0, 1, 2);
        }
    }

    @Test
    void withASyncIntervalALateSyncThatFailsFailsEveryLaterAppend() {
        FaultyDisk disk = new FaultyDisk();
        try (Tsdb tsdb = Tsdb.open(options.withWalSyncInterval(Duration.ofMillis(20)), disk)) {
            disk.failSyncs(1);
            assertThat(tsdb.append(batch(0)).accepted()).as("answered once written").isEqualTo(10);
            assertThat(eventually(() -> {
                try {
                    tsdb.append(batch(1));
                    return false;
                } catch (TsdbWriteException e) {
                    assertThat(e).hasMessageContaining("injected fsync failure");
                    return true;
                }
            })).as("the late sync failed the log").isTrue();
        }
    }

    @Test
    void aSyncIntervalOutsideZeroToTenSecondsIsRefused() {
        assertThatThrownBy(() -> options.withWalSyncInterval(Duration.ofSeconds(11)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("walSyncInterval");
        assertThatThrownBy(() -> options.withWalSyncInterval(Duration.ofMillis(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("walSyncInterval");
    }

    @Test
    void aFullDiskFailsTheAppend() {
        FaultyDisk disk = new FaultyDisk();
        try (Tsdb tsdb = Tsdb.open(options, disk)) {
            tsdb.append(batch(0));
            disk.failWritesAfter(30);
            assertThatThrownBy(() -> tsdb.append(batch(1))).isInstanceOf(TsdbWriteException.class)
                    .hasMessageContaining("No space left on device");
        }
        try (Tsdb reopened = Tsdb.open(options, disk.crash(new java.util.Random(1), true))) {
            assertThat(batchesPresent(reopened, 2)).containsExactly(0);
        }
    }

    /**
     * Appends batches 0 to 4 to a store left open (as a process that is then killed), each answered; returns the
     * disk's sync count from before them.
     */
    private static int appendFive(Tsdb tsdb, FaultyDisk disk) {
        int syncsBefore = disk.syncCount();
        for (int b = 0; b < 5; b++) {
            assertThat(tsdb.append(batch(b)).accepted()).isEqualTo(10);
        }
        return syncsBefore;
    }

    /** Whether {@code condition} holds within 10 s, checked every 20 ms. */
    private static boolean eventually(java.util.function.BooleanSupplier condition) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return true;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return condition.getAsBoolean();
    }

    /** Ten points of {@link #KEY}, at T0 + b * 10 + i seconds, each worth b. */
    static MetricBatch batch(int b) {
        MetricBatch batch = new MetricBatch();
        for (int i = 0; i < 10; i++) {
            batch.add(KEY, MetricKind.GAUGE, T0 + (b * 10L + i) * 1000, b);
        }
        return batch;
    }

    private void appendBatches(FaultyDisk disk, int n) {
        try (Tsdb tsdb = Tsdb.open(options, disk)) {
            for (int b = 0; b < n; b++) {
                assertThat(tsdb.append(batch(b)).accepted()).isEqualTo(10);
            }
        }
    }

    /** The batches whose ten points are all present; fails if any batch is partly present. */
    static List<Integer> batchesPresent(Tsdb tsdb, int n) {
        List<Integer> present = new ArrayList<>();
        try (Querier q = tsdb.querier(T0, T0 + n * 10_000L)) {
            SeriesData data = q.read(KEY).orElse(null);
            int[] counts = new int[n];
            for (int i = 0; data != null && i < data.size(); i++) {
                int b = (int) ((data.timestamp(i) - T0) / 10_000);
                assertThat(data.value(i)).isEqualTo(b);
                counts[b]++;
            }
            for (int b = 0; b < n; b++) {
                assertThat(counts[b]).as("points of batch %d", b).isIn(0, 10);
                if (counts[b] == 10) {
                    present.add(b);
                }
            }
        }
        return present;
    }

    /** Offsets of the records of a segment, walking the length framing. */
    static List<Integer> recordOffsets(byte[] segment) {
        List<Integer> offsets = new ArrayList<>();
        int pos = WalFormat.SEGMENT_HEADER_BYTES;
        while (pos + WalFormat.RECORD_HEADER_BYTES <= segment.length) {
            int length = recordLength(segment, pos);
            if (pos + length > segment.length) {
                break;
            }
            offsets.add(pos);
            pos += length;
        }
        return offsets;
    }

    private static int recordLength(byte[] segment, int pos) {
        return WalFormat.RECORD_HEADER_BYTES + WalFormat.getInt(segment, pos + 1);
    }
}
