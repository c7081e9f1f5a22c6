package tocsin.tsdb;

import tocsin.core.metric.MetricKind;
import tocsin.core.metric.SeriesKey;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

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
 * (The head adds one more before these: a sample older than its floor is {@link Outcome#TOO_OLD}.)
 *
 * <h2>Chunks and blocks</h2>
 * A chunk never spans two multiples of the chunk range (the block range, 2 h by default), so that every chunk lies
 * wholly inside one block. {@link #chunksBetween} hands the chunks of a block's range to the block writer, and
 * {@link #truncateBefore} drops them once the block is published and no reader needs them from the head. Both judge
 * by time, not by identity, so appends racing with them (always newer than the head's floor, hence than the cut)
 * are never lost.
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
    enum Outcome { APPENDED, DUPLICATE_IGNORED, OUT_OF_ORDER, DUPLICATE_CONFLICT, TOO_OLD }

    /**
     * What a reader sees: immutable chunks (the open one shared, see {@link XorChunk}) and a copy of the reorder
     * window as (timestamp, value bits) pairs, all newer than every chunk.
     */
    record Snapshot(Chunk[] chunks, long[] window, int windowCount) {}

    final int id;
    final SeriesKey key;
    final MetricKind kind;
    /** The head holding this series, so a hint naming it can be checked (see {@link Tsdb#seriesHints()}). */
    final Object owner;
    /** Whether the WAL holds this series' definition. Written and read by the WAL writer thread only. */
    boolean logged;
    /** {@link System#nanoTime()} at creation: a series not logged yet is only idle once it is old (see Head). */
    final long createdNanos = System.nanoTime();
    /**
     * Whether the head dropped this series as idle; an append still holding it must find the key's series again.
     * Written and read by the WAL writer thread only.
     */
    boolean removed;

    private Chunk[] sealed = NO_CHUNKS;
    private XorChunk open;
    /** The reorder window: (timestamp, raw value bits) pairs sorted by timestamp; null until the first sample. */
    private long[] window;
    private int windowCount;

    MemSeries(int id, SeriesKey key, MetricKind kind) {
        this(id, key, kind, null);
    }

    MemSeries(int id, SeriesKey key, MetricKind kind, Object owner) {
        this.id = id;
        this.key = key;
        this.kind = kind;
        this.owner = owner;
    }

    /** Adds a sample under the rules in the class comment, with chunks of at most two hours. */
    Outcome append(long t, double value, long toleranceMillis) {
        return append(t, value, toleranceMillis, XorChunk.MAX_SPAN_MILLIS);
    }

    /** Adds a sample under the rules in the class comment; no chunk spans two multiples of {@code chunkRange}. */
    synchronized Outcome append(long t, double value, long toleranceMillis, long chunkRange) {
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
        encodeExpired(toleranceMillis, chunkRange);
        return Outcome.APPENDED;
    }

    /** The newest timestamp held, or {@link Long#MIN_VALUE} for a series without samples. */
    synchronized long maxTime() {
        if (windowCount > 0) {
            return window[2 * (windowCount - 1)];
        }
        return open != null || sealed.length > 0 ? lastEncodedTime() : Long.MIN_VALUE;
    }

    /** The oldest timestamp held, or {@link Long#MAX_VALUE} for a series without samples. */
    synchronized long minTime() {
        if (sealed.length > 0) {
            return sealed[0].minTime();
        } else if (open != null) {
            return open.firstTime();
        }
        return windowCount > 0 ? window[0] : Long.MAX_VALUE;
    }

    /** The oldest timestamp at or after {@code floor}, or {@link Long#MAX_VALUE} when there is none. */
    synchronized long minTimeFrom(long floor) {
        for (Chunk c : sealed) {
            if (c.maxTime() >= floor) {
                return c.minTime() >= floor ? c.minTime() : firstFrom(c, floor);
            }
        }
        if (open != null && open.count() > 0 && open.lastTime() >= floor) {
            return open.firstTime() >= floor ? open.firstTime() : firstFrom(open.snapshot(), floor);
        }
        for (int i = 0; i < windowCount; i++) {
            if (window[2 * i] >= floor) {
                return window[2 * i];
            }
        }
        return Long.MAX_VALUE;
    }

    private static long firstFrom(Chunk c, long floor) {
        for (ChunkIterator it = c.iterator(); it.next(); ) {
            if (it.timestamp() >= floor) {
                return it.timestamp();
            }
        }
        return Long.MAX_VALUE;
    }

    synchronized boolean isEmpty() {
        return sealed.length == 0 && open == null && windowCount == 0;
    }

    /** Whether any sample lies in [min, max], judged by the first and newest timestamps. */
    synchronized boolean overlaps(long min, long max) {
        return !isEmpty() && minTime() <= max && maxTime() >= min;
    }

    /**
     * Every sample in [from, end), as chunks: sealed and open chunks as they are (the open one trimmed to a copy),
     * and the reorder window's samples re-encoded with the open chunk's. Chunks that straddle {@code from} or
     * {@code end}, which the chunk range rules out unless it changed, are re-encoded to fit.
     */
    synchronized List<Chunk> chunksBetween(long from, long end, long chunkRange) {
        List<Chunk> out = new ArrayList<>();
        for (Chunk c : sealed) {
            if (c.maxTime() < from) {
                continue;
            }
            if (c.minTime() >= end) {
                return out; // later chunks and the window are newer still
            }
            if (c.minTime() >= from && c.maxTime() < end) {
                out.add(c);
            } else {
                out.addAll(reencode(c, null, 0, from, end, chunkRange));
            }
        }
        int windowFrom = 0;
        while (windowFrom < windowCount && window[2 * windowFrom] < from) {
            windowFrom++;
        }
        int windowEnd = windowFrom;
        while (windowEnd < windowCount && window[2 * windowEnd] < end) {
            windowEnd++;
        }
        long[] pairs = windowEnd == windowFrom ? null : Arrays.copyOfRange(window, 2 * windowFrom, 2 * windowEnd);
        int n = windowEnd - windowFrom;
        if (open != null && open.count() > 0 && open.firstTime() < end && open.lastTime() >= from) {
            if (open.firstTime() >= from && open.lastTime() < end && n == 0) {
                out.add(open.seal());
            } else {
                out.addAll(reencode(open.snapshot(), pairs, n, from, end, chunkRange));
            }
        } else if (n > 0) {
            out.addAll(reencode(null, pairs, n, from, end, chunkRange));
        }
        return out;
    }

    /** The samples in [from, end) of {@code chunk} (may be null), then {@code n} (time, bits) pairs, encoded. */
    private static List<Chunk> reencode(Chunk chunk, long[] pairs, int n, long from, long end, long chunkRange) {
        List<Chunk> out = new ArrayList<>(1);
        XorChunk current = null;
        long[] ts = new long[(chunk == null ? 0 : chunk.count()) + n];
        long[] bits = new long[ts.length];
        int m = 0;
        if (chunk != null) {
            for (ChunkIterator it = chunk.iterator(); it.next() && it.timestamp() < end; ) {
                if (it.timestamp() >= from) {
                    ts[m] = it.timestamp();
                    bits[m++] = it.valueBits();
                }
            }
        }
        for (int i = 0; i < n; i++) {
            ts[m] = pairs[2 * i];
            bits[m++] = pairs[2 * i + 1];
        }
        for (int i = 0; i < m; i++) {
            if (current != null && startsNewChunk(current, ts[i], chunkRange)) {
                out.add(current.seal());
                current = null;
            }
            if (current == null) {
                current = new XorChunk(32);
            }
            current.append(ts[i], Double.longBitsToDouble(bits[i]));
        }
        if (current != null) {
            out.add(current.seal());
        }
        return out;
    }

    /**
     * Drops every chunk wholly older than {@code floor} and every window sample older than it (a chunk straddling
     * it, possible only after the chunk range changed, stays). Returns whether the series is now empty.
     */
    synchronized boolean truncateBefore(long floor) {
        int drop = 0;
        while (drop < sealed.length && sealed[drop].maxTime() < floor) {
            drop++;
        }
        if (drop > 0) {
            sealed = drop == sealed.length ? NO_CHUNKS : Arrays.copyOfRange(sealed, drop, sealed.length);
        }
        if (open != null && (open.count() == 0 || open.lastTime() < floor)) {
            open = null; // the sealed chunks before it were older still, and are gone
        }
        int keep = 0;
        while (keep < windowCount && window[2 * keep] < floor) {
            keep++;
        }
        if (keep > 0) {
            System.arraycopy(window, 2 * keep, window, 0, 2 * (windowCount - keep));
            windowCount -= keep;
        }
        return isEmpty();
    }

    /** Chunks held, the open one included; for statistics. */
    synchronized int chunkCount() {
        return sealed.length + (open != null ? 1 : 0);
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
    private void encodeExpired(long toleranceMillis, long chunkRange) {
        long newest = window[2 * (windowCount - 1)];
        int done = 0;
        while (done < windowCount - 1 && fartherApart(newest, window[2 * done], toleranceMillis)) {
            encode(window[2 * done], window[2 * done + 1], chunkRange);
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

    /** Whether a sample at {@code t} belongs in a new chunk: the chunk is full, or t is past its range's end. */
    private static boolean startsNewChunk(XorChunk chunk, long t, long chunkRange) {
        return chunk.isFullFor(t) || Math.floorDiv(t, chunkRange) != Math.floorDiv(chunk.firstTime(), chunkRange);
    }

    private void encode(long t, long bits, long chunkRange) {
        if (open != null && startsNewChunk(open, t, chunkRange)) {
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
