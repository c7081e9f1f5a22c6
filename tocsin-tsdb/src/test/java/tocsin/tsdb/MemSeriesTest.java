package tocsin.tsdb;

import org.junit.jupiter.api.Test;
import tocsin.core.metric.MetricKind;
import tocsin.core.metric.SeriesKey;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static tocsin.tsdb.MemSeries.Outcome.APPENDED;
import static tocsin.tsdb.MemSeries.Outcome.DUPLICATE_CONFLICT;
import static tocsin.tsdb.MemSeries.Outcome.DUPLICATE_IGNORED;
import static tocsin.tsdb.MemSeries.Outcome.OUT_OF_ORDER;

class MemSeriesTest {
    private final MemSeries series = new MemSeries(0, SeriesKey.of("m"), MetricKind.GAUGE);

    @Test
    void withoutToleranceAnOlderPointIsOutOfOrderAndTheNewestCanStillBeReplaced() {
        assertThat(series.append(1000, 1, 0)).isEqualTo(APPENDED);
        assertThat(series.append(2000, 2, 0)).isEqualTo(APPENDED);
        assertThat(series.append(1999, 9, 0)).isEqualTo(OUT_OF_ORDER);
        assertThat(series.append(2000, 3, 0)).as("last write wins on the newest").isEqualTo(APPENDED);
        assertThat(series.append(1000, 1, 0)).as("a retried, identical point").isEqualTo(DUPLICATE_IGNORED);
        assertThat(series.append(1000, 5, 0)).isEqualTo(DUPLICATE_CONFLICT);
        assertThat(samples(series)).containsExactly(s(1000, 1), s(2000, 3));
    }

    @Test
    void withinTheTolerancePointsAreSortedInAndDuplicatesReplaced() {
        long tolerance = 10_000;
        for (long t : new long[]{30_000, 25_000, 21_000, 40_000, 31_000, 40_000}) {
            assertThat(series.append(t, t / 1000.0, tolerance)).as("t=%d", t).isEqualTo(APPENDED);
        }
        assertThat(series.append(29_999, 0, tolerance)).as("older than the newest (40 s) by > 10 s")
                .isEqualTo(OUT_OF_ORDER);
        assertThat(series.append(25_000, 25, tolerance)).as("the last encoded, same value")
                .isEqualTo(DUPLICATE_IGNORED);
        assertThat(series.append(25_000, 26, tolerance)).isEqualTo(DUPLICATE_CONFLICT);
        assertThat(series.append(21_000, 21, tolerance)).as("only the last encoded point is compared")
                .isEqualTo(OUT_OF_ORDER);
        assertThat(samples(series)).extracting(Sample::t)
                .containsExactly(21_000L, 25_000L, 30_000L, 31_000L, 40_000L);
    }

    @Test
    void chunksAreCutAt120SamplesAndReadersSeeEverySample() {
        for (int i = 0; i < 1000; i++) {
            series.append(i * 15_000L, i, 0);
        }
        assertThat(series.sealedChunks()).isEqualTo(8); // 8 × 120 sealed, 39 in the open chunk, 1 in the window
        assertThat(samples(series)).hasSize(1000).extracting(Sample::v).startsWith(0.0, 1.0).endsWith(999.0);
        assertThat(series.maxTime()).isEqualTo(999 * 15_000L);
    }

    @Test
    void aSnapshotOnlyHoldsChunksOverlappingTheRange() {
        for (int i = 0; i < 600; i++) {
            series.append(i * 1000L, i, 0);
        }
        MemSeries.Snapshot snap = series.snapshot(250_000, 260_000);
        assertThat(snap.chunks()).hasSize(1);
        assertThat(snap.chunks()[0].minTime()).isEqualTo(240_000);
        assertThat(series.overlaps(599_000, 700_000)).isTrue();
        assertThat(series.overlaps(599_001, 700_000)).isFalse();
    }

    @Test
    void noChunkSpansABlockBoundaryAndARangeComesOutWholeWindowIncluded() {
        long range = 100_000;
        long tolerance = 20_000;
        for (int i = 0; i < 90; i++) { // 0 s .. 267 s every 3 s; the newest stay in the reorder window
            series.append(i * 3_000L, i, tolerance, range);
        }
        MemSeries.Snapshot snap = series.snapshot(Long.MIN_VALUE, Long.MAX_VALUE);
        for (Chunk c : snap.chunks()) {
            assertThat(Math.floorDiv(c.minTime(), range)).as("chunk %s", c).isEqualTo(Math.floorDiv(c.maxTime(), range));
        }
        assertThat(samplesOf(series.chunksBetween(0, 100_000, range))).extracting(Sample::t)
                .containsExactly(java.util.stream.LongStream.range(0, 34).map(i -> i * 3_000).boxed()
                        .toArray(Long[]::new));
        // The window holds the newest samples (within 20 s of 267 s); a range reaching into it gets them re-encoded.
        List<Sample> tail = samplesOf(series.chunksBetween(200_000, 300_000, range));
        assertThat(tail).extracting(Sample::t).startsWith(201_000L).endsWith(267_000L).hasSize(23);
        assertThat(tail).extracting(Sample::v).startsWith(67.0).endsWith(89.0);

        assertThat(series.minTimeFrom(100_001)).isEqualTo(102_000);
        assertThat(series.truncateBefore(200_000)).as("still has samples").isFalse();
        assertThat(series.minTime()).isEqualTo(201_000);
        assertThat(samples(series)).hasSize(23);
        assertThat(series.append(270_000, 90, tolerance, range)).isEqualTo(APPENDED);
        assertThat(series.truncateBefore(300_000)).as("nothing left").isTrue();
        assertThat(series.isEmpty()).isTrue();
        assertThat(series.minTimeFrom(0)).isEqualTo(Long.MAX_VALUE);
        assertThat(series.append(300_000, 1, tolerance, range)).as("an empty series starts over")
                .isEqualTo(APPENDED);
    }

    @Test
    void aStaleSeriesHandsOverItsReorderWindowToo() {
        series.append(1_000, 1, 10_000, 100_000);
        series.append(5_000, 2, 10_000, 100_000); // both wait in the window: nothing is encoded yet
        assertThat(series.chunksHeld()).isZero();
        assertThat(samplesOf(series.chunksBetween(0, 100_000, 100_000))).containsExactly(s(1_000, 1), s(5_000, 2));
        assertThat(samplesOf(series.chunksBetween(2_000, 100_000, 100_000))).containsExactly(s(5_000, 2));
    }

    @Test
    void compactionShrinksSealedChunksOfDecimalsAndEveryReadStaysBitExact() {
        java.util.SplittableRandom random = new java.util.SplittableRandom(3);
        List<Sample> sent = new ArrayList<>();
        double v = 50;
        for (int i = 0; i < 600; i++) { // a CPU percentage with two decimals, every 15 s: five sealed chunks
            v = Math.max(0, Math.round((v + random.nextDouble() * 2 - 1) * 100) / 100.0);
            long t = 1_000_000 + i * 15_000L;
            series.append(t, v, 0, 7_200_000);
            sent.add(s(t, v));
        }
        series.append(1_000_000 + 600 * 15_000L, Double.NaN, 0, 7_200_000); // a staleness marker
        sent.add(s(1_000_000 + 600 * 15_000L, Double.NaN));
        int xorBytes = sealedBytes();
        int saved = series.compactSealed();
        assertThat(saved).isGreaterThan(xorBytes / 2); // about 7 bytes a sample as XOR, about 1 as decimal
        assertThat(sealedBytes()).isEqualTo(xorBytes - saved);
        assertThat(series.compactSealed()).as("each chunk is offered once").isZero();
        assertThat(samples(series)).isEqualTo(sent);
        assertThat(samplesOf(series.chunksBetween(0, Long.MAX_VALUE, 7_200_000))).isEqualTo(sent);
        assertThat(series.minTimeFrom(1_000_000 + 100 * 15_000L + 1)).isEqualTo(1_000_000 + 101 * 15_000L);
        // appends go on after compaction, into the open XOR chunk; a repeat of a compacted sample is still known
        assertThat(series.append(1_000_000 + 601 * 15_000L, 1.5, 0, 7_200_000)).isEqualTo(APPENDED);
        assertThat(series.append(1_000_000, sent.getFirst().v(), 0, 7_200_000)).isEqualTo(OUT_OF_ORDER);
        // truncating compacted chunks, then compacting the rest, keeps what remains intact
        series.truncateBefore(1_000_000 + 300 * 15_000L);
        series.compactSealed();
        assertThat(samples(series).getFirst().t()).isGreaterThanOrEqualTo(1_000_000 + 240 * 15_000L);
        assertThat(samples(series).getLast()).isEqualTo(s(1_000_000 + 601 * 15_000L, 1.5));
    }

    /** Bytes of the sealed chunks, through a full snapshot (the open chunk's are not counted). */
    private int sealedBytes() {
        MemSeries.Snapshot snap = series.snapshot(Long.MIN_VALUE, Long.MAX_VALUE);
        int bytes = 0;
        for (int i = 0; i < series.sealedChunks(); i++) {
            bytes += snap.chunks()[i].bytes().length;
        }
        return bytes;
    }

    static List<Sample> samplesOf(List<Chunk> chunks) {
        List<Sample> out = new ArrayList<>();
        for (Chunk c : chunks) {
            assertThat(c.bytes()).as("trimmed, as a block wants them").hasSize(trimmedLength(c));
            for (ChunkIterator it = c.iterator(); it.next(); ) {
                out.add(s(it.timestamp(), it.value()));
            }
        }
        return out;
    }

    /** A chunk's bytes length as sealing (or, for a decimal chunk, compaction) gives it, by re-encoding its samples. */
    private static int trimmedLength(Chunk c) {
        if (c.encoding() == BlockFormat.DECIMAL_ENCODING) {
            ChunkIterator decoded = c.iterator();
            return DecimalChunk.encode(decoded.times(), decoded.values(), 0, c.count()).length;
        }
        XorChunk x = new XorChunk(0);
        for (ChunkIterator it = c.iterator(); it.next(); ) {
            x.encode(it.timestamp(), it.value());
        }
        return x.chunkByteLength();
    }

    record Sample(long t, double v) {}

    static Sample s(long t, double v) {
        return new Sample(t, v);
    }

    static List<Sample> samples(MemSeries series) {
        MemSeries.Snapshot snap = series.snapshot(Long.MIN_VALUE, Long.MAX_VALUE);
        List<Sample> out = new ArrayList<>();
        for (Chunk c : snap.chunks()) {
            for (ChunkIterator it = c.iterator(); it.next(); ) {
                out.add(s(it.timestamp(), it.value()));
            }
        }
        for (int i = 0; i < snap.windowCount(); i++) {
            out.add(s(snap.window()[2 * i], Double.longBitsToDouble(snap.window()[2 * i + 1])));
        }
        return out;
    }
}
