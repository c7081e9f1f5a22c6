package tocsin.tsdb;

import tocsin.core.metric.MetricKind;
import tocsin.core.metric.SeriesKey;

import java.util.Arrays;

/**
 * One series in the head: its sealed chunks, the open chunk, and a short reorder window of the newest samples that
 * are not encoded yet.
 *
 * <h2>Order, tolerance and duplicates</h2>
 * Chunks only append, so a sample must be newer than everything encoded. The newest samples wait uncompressed in
 * the <em>reorder window</em>: a sample is encoded once it is more than {@code tolerance} older than the newest one
 * (the newest always waits). Hence:
 * <ul>
 *   <li>a sample up to {@code tolerance} older than the newest is accepted and slotted in order;</li>
 *   <li>one older than that is {@link Outcome#OUT_OF_ORDER};</li>
 *   <li>a sample whose timestamp is still in the window replaces the one there: <b>last write wins</b>, as in
 *       Datadog;</li>
 *   <li>a sample at the timestamp of the newest <em>encoded</em> sample is accepted as a no-op when its value is
 *       bit-identical (a retried request), else it is {@link Outcome#DUPLICATE_CONFLICT}.</li>
 * </ul>
 * With a tolerance of 0 the window holds exactly the newest sample, so last-write-wins still applies to it.
 * These rules depend only on the order samples arrive in, which is what lets the WAL replay rebuild the same state.
 *
 * <h2>Concurrency</h2>
 * Thread-safe. Every method that touches samples holds this object's monitor for a few hundred nanoseconds at most
 * and never does I/O inside it (an intrinsic lock costs no memory per series, unlike a {@code ReentrantLock}).
 * Readers copy a {@link Snapshot} under the lock and decode outside it. {@link #logged} is touched only by the WAL
 * writer thread.
 */
final class MemSeries {
    private static final Chunk[] NO_CHUNKS = new Chunk[0];

    /** What became of one appended sample. */
    enum Outcome { APPENDED, DUPLICATE_IGNORED, OUT_OF_ORDER, DUPLICATE_CONFLICT }

    /**
     * What a reader sees: immutable chunks (the open one shared, see {@link XorChunk}) and a copy of the reorder
     * window as (timestamp, value bits) pairs, all newer than every chunk.
     */
    record Snapshot(Chunk[] chunks, long[] window, int windowCount) {}

    final int id;
    final SeriesKey key;
    final MetricKind kind;
    /** Whether the WAL holds this series' definition. Written and read by the WAL writer thread only. */
    boolean logged;

    private Chunk[] sealed = NO_CHUNKS;
    private XorChunk open;
    /** The reorder window: (timestamp, raw value bits) pairs sorted by timestamp; null until the first sample. */
    private long[] window;
    private int windowCount;

    MemSeries(int id, SeriesKey key, MetricKind kind) {
        this.id = id;
        this.key = key;
        this.kind = kind;
    }

    /** Adds a sample under the rules in the class comment. */
    synchronized Outcome append(long t, double value, long toleranceMillis) {
        long bits = Double.doubleToRawLongBits(value);
        boolean encoded = open != null || sealed.length > 0;
        if (encoded) {
            long lastEncoded = lastEncodedTime();
            if (t <= lastEncoded) {
                if (t < lastEncoded) {
                    return Outcome.OUT_OF_ORDER;
                }
                return bits == lastEncodedBits() ? Outcome.DUPLICATE_IGNORED : Outcome.DUPLICATE_CONFLICT;
            }
        }
        if (window == null) {
            window = new long[4];
        }
        if (windowCount > 0) {
            long newest = window[2 * (windowCount - 1)];
            if (t < newest && fartherApart(newest, t, toleranceMillis)) {
                return Outcome.OUT_OF_ORDER;
            }
        }
        insertIntoWindow(t, bits);
        encodeExpired(toleranceMillis);
        return Outcome.APPENDED;
    }

    /** The newest timestamp held, or {@link Long#MIN_VALUE} for a series without samples. */
    synchronized long maxTime() {
        if (windowCount > 0) {
            return window[2 * (windowCount - 1)];
        }
        return open != null || sealed.length > 0 ? lastEncodedTime() : Long.MIN_VALUE;
    }

    /** Whether any sample lies in [min, max], judged by the first and newest timestamps. */
    synchronized boolean overlaps(long min, long max) {
        long first;
        if (sealed.length > 0) {
            first = sealed[0].minTime();
        } else if (open != null) {
            first = open.firstTime();
        } else if (windowCount > 0) {
            first = window[0];
        } else {
            return false;
        }
        return first <= max && maxTime() >= min;
    }

    /** The chunks overlapping [min, max] and the reorder window, for decoding outside the lock. */
    synchronized Snapshot snapshot(long min, long max) {
        int n = 0;
        Chunk[] chunks = new Chunk[sealed.length + 1];
        for (Chunk c : sealed) {
            if (c.overlaps(min, max)) {
                chunks[n++] = c;
            }
        }
        if (open != null && open.count() > 0 && open.firstTime() <= max && open.lastTime() >= min) {
            chunks[n++] = open.snapshot();
        }
        long[] copy = windowCount == 0 ? new long[0] : Arrays.copyOf(window, 2 * windowCount);
        return new Snapshot(n == chunks.length ? chunks : Arrays.copyOf(chunks, n), copy, windowCount);
    }

    /** How many sealed chunks the series holds; for tests and memory accounting. */
    synchronized int sealedChunks() {
        return sealed.length;
    }

    private long lastEncodedTime() {
        return open != null ? open.lastTime() : sealed[sealed.length - 1].maxTime();
    }

    private long lastEncodedBits() {
        if (open != null) {
            return open.lastValueBits();
        }
        Chunk last = sealed[sealed.length - 1];
        long bits = 0;
        for (ChunkIterator it = last.iterator(); it.next(); ) {
            bits = it.valueBits();
        }
        return bits;
    }

    private void insertIntoWindow(long t, long bits) {
        int i = windowCount;
        while (i > 0 && window[2 * (i - 1)] > t) {
            i--;
        }
        if (i > 0 && window[2 * (i - 1)] == t) {
            window[2 * (i - 1) + 1] = bits; // last write wins
            return;
        }
        if (2 * (windowCount + 1) > window.length) {
            window = Arrays.copyOf(window, window.length * 2);
        }
        System.arraycopy(window, 2 * i, window, 2 * i + 2, 2 * (windowCount - i));
        window[2 * i] = t;
        window[2 * i + 1] = bits;
        windowCount++;
    }

    /** Encodes, oldest first, every sample more than the tolerance older than the newest; the newest stays. */
    private void encodeExpired(long toleranceMillis) {
        long newest = window[2 * (windowCount - 1)];
        int done = 0;
        while (done < windowCount - 1 && fartherApart(newest, window[2 * done], toleranceMillis)) {
            encode(window[2 * done], window[2 * done + 1]);
            done++;
        }
        if (done > 0) {
            System.arraycopy(window, 2 * done, window, 0, 2 * (windowCount - done));
            windowCount -= done;
        }
    }

    /** Whether {@code newer - older > tolerance}, for {@code newer >= older}, without overflowing. */
    private static boolean fartherApart(long newer, long older, long toleranceMillis) {
        long distance = newer - older;
        return distance < 0 || distance > toleranceMillis; // negative: the true distance overflowed a long
    }

    private void encode(long t, long bits) {
        if (open != null && open.isFullFor(t)) {
            Chunk full = open.seal();
            Chunk[] grown = Arrays.copyOf(sealed, sealed.length + 1);
            grown[sealed.length] = full;
            sealed = grown;
            // The next chunk will likely be as large as this one; sizing it so avoids both copies and slack.
            open = new XorChunk(full.bytes().length + 8);
        } else if (open == null) {
            open = new XorChunk(32);
        }
        open.append(t, Double.longBitsToDouble(bits));
    }
}
