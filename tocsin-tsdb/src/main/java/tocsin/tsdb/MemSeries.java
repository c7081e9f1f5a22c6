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
 * <h2>Layout</h2>
 * Built for a head of millions of series, where every append is a cache miss or several: the series is itself its
 * open chunk (it extends {@link XorChunk}), and the newest sample of the reorder window is held in two fields, so
 * that an in-order append touches this object and the chunk's bytes and nothing else. Only samples waiting behind
 * the newest one (a tolerance wider than the series' interval, or a late sample slotted in) go to an array.
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
 * <h2>Memory</h2>
 * The open chunk is XOR (cheap to append to), which spends 7-9 bytes a sample on values that are decimals in
 * disguise (a percentage with two decimals). {@link #compactSealed} re-encodes sealed chunks as
 * {@link DecimalChunk decimal} ones where that is smaller (about a byte a sample for such values), off the append
 * path, as the blocks keep them; the head then holds its hours of samples at about what they take on disk.
 *
 * <h2>Concurrency</h2>
 * Thread-safe. Every method that touches samples holds this object's monitor for a few hundred nanoseconds at most
 * and never does I/O inside it (an intrinsic lock costs no memory per series, unlike a {@code ReentrantLock}).
 * Readers copy a {@link Snapshot} under the lock and decode outside it. {@link #logged} is touched only by the WAL
 * writer thread.
 */
final class MemSeries extends XorChunk {
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
    /**
     * The second of {@link Head#clockSeconds()} it was created in: a series not logged yet is only idle once it is
     * old (see Head). An int, not a long of nanoseconds, so that {@link #creator} costs no memory.
     */
    final int createdSecond = Head.clockSeconds();
    /** Whom the head counts this series against ({@link tocsin.core.metric.SeriesQuota}), or null for no one. */
    final Head.Creator creator;
    /**
     * Whether the head dropped this series as idle; an append still holding it must find the key's series again.
     * Written and read by the WAL writer thread only.
     */
    boolean removed;

    private Chunk[] sealed = NO_CHUNKS;
    /** Samples in the reorder window, the newest included; 0 or more. */
    private int windowCount;
    /** The window's newest sample (its timestamp and raw value bits), when it has one. */
    private long newestTime;
    private long newestBits;
    /**
     * The window's other samples, older than the newest, as (timestamp, raw value bits) pairs sorted by timestamp:
     * {@code windowCount - 1} of them. Null until the first is needed.
     */
    private long[] older;

    MemSeries(int id, SeriesKey key, MetricKind kind) {
        this(id, key, kind, null, null);
    }

    MemSeries(int id, SeriesKey key, MetricKind kind, Object owner, Head.Creator creator) {
        super(0); // no chunk bytes until the first sample is encoded
        this.id = id;
        this.key = key;
        this.kind = kind;
        this.owner = owner;
        this.creator = creator;
    }

    /** Adds a sample under the rules in the class comment, with chunks of at most two hours. */
    Outcome append(long t, double value, long toleranceMillis) {
        return append(t, value, toleranceMillis, XorChunk.MAX_SPAN_MILLIS);
    }

    /** Adds a sample under the rules in the class comment; no chunk spans two multiples of {@code chunkRange}. */
    synchronized Outcome append(long t, double value, long toleranceMillis, long chunkRange) {
        long bits = Double.doubleToRawLongBits(value);
        if (windowCount > 0 && t >= newestTime) { // in order, or the newest again: nothing encoded can be in the way
            if (t == newestTime) {
                newestBits = bits; // last write wins
            } else {
                if (windowCount == 1 && fartherApart(t, newestTime, toleranceMillis)) {
                    encode(newestTime, newestBits, chunkRange); // the usual case: the one waiting sample is due
                } else {
                    addOlder(windowCount - 1, newestTime, newestBits);
                    encodeExpired(t, toleranceMillis, chunkRange);
                }
                newestTime = t;
                newestBits = bits;
            }
            return Outcome.APPENDED;
        }
        if (chunkCount() > 0 || sealed.length > 0) {
            long lastEncoded = lastEncodedTime();
            if (t <= lastEncoded) {
                if (t < lastEncoded) {
                    return Outcome.OUT_OF_ORDER;
                }
                return bits == lastEncodedBits() ? Outcome.DUPLICATE_IGNORED : Outcome.DUPLICATE_CONFLICT;
            }
        }
        if (windowCount == 0) {
            newestTime = t;
            newestBits = bits;
            windowCount = 1;
            return Outcome.APPENDED;
        }
        if (fartherApart(newestTime, t, toleranceMillis)) {
            return Outcome.OUT_OF_ORDER;
        }
        int i = windowCount - 1; // slot t in among the older samples
        while (i > 0 && older[2 * (i - 1)] > t) {
            i--;
        }
        if (i > 0 && older[2 * (i - 1)] == t) {
            older[2 * (i - 1) + 1] = bits; // last write wins
        } else {
            addOlder(i, t, bits);
        }
        return Outcome.APPENDED;
    }

    /** The newest timestamp held, or {@link Long#MIN_VALUE} for a series without samples. */
    synchronized long maxTime() {
        if (windowCount > 0) {
            return newestTime;
        }
        return chunkCount() > 0 || sealed.length > 0 ? lastEncodedTime() : Long.MIN_VALUE;
    }

    /** The oldest timestamp held, or {@link Long#MAX_VALUE} for a series without samples. */
    synchronized long minTime() {
        if (sealed.length > 0) {
            return sealed[0].minTime();
        } else if (chunkCount() > 0) {
            return chunkFirstTime();
        }
        return windowCount > 0 ? windowTime(0) : Long.MAX_VALUE;
    }

    /** The oldest timestamp at or after {@code floor}, or {@link Long#MAX_VALUE} when there is none. */
    synchronized long minTimeFrom(long floor) {
        for (Chunk c : sealed) {
            if (c.maxTime() >= floor) {
                return c.minTime() >= floor ? c.minTime() : firstFrom(c, floor);
            }
        }
        if (chunkCount() > 0 && chunkLastTime() >= floor) {
            return chunkFirstTime() >= floor ? chunkFirstTime() : firstFrom(chunkSnapshot(), floor);
        }
        for (int i = 0; i < windowCount; i++) {
            if (windowTime(i) >= floor) {
                return windowTime(i);
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
        return sealed.length == 0 && chunkCount() == 0 && windowCount == 0;
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
        while (windowFrom < windowCount && windowTime(windowFrom) < from) {
            windowFrom++;
        }
        int windowEnd = windowFrom;
        while (windowEnd < windowCount && windowTime(windowEnd) < end) {
            windowEnd++;
        }
        long[] pairs = windowEnd == windowFrom ? null : windowPairs(windowFrom, windowEnd);
        int n = windowEnd - windowFrom;
        if (chunkCount() > 0 && chunkFirstTime() < end && chunkLastTime() >= from) {
            if (chunkFirstTime() >= from && chunkLastTime() < end && n == 0) {
                out.add(sealChunk());
            } else {
                out.addAll(reencode(chunkSnapshot(), pairs, n, from, end, chunkRange));
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
                out.add(current.sealChunk());
                current = null;
            }
            if (current == null) {
                current = new XorChunk(32);
            }
            current.encodeBits(ts[i], bits[i]);
        }
        if (current != null) {
            out.add(current.sealChunk());
        }
        return out;
    }

    /**
     * Drops every chunk wholly older than {@code floor} and every window sample older than it (a chunk straddling
     * it, possible only after the chunk range changed, stays). Returns whether the series is now empty.
     */
    synchronized boolean truncateBefore(long floor) {
        int gone = 0;
        while (gone < sealed.length && sealed[gone].maxTime() < floor) {
            gone++;
        }
        if (gone > 0) {
            sealed = gone == sealed.length ? NO_CHUNKS : Arrays.copyOfRange(sealed, gone, sealed.length);
        }
        if (chunkCount() > 0 && chunkLastTime() < floor) {
            startChunk(0); // the sealed chunks before it were older still, and are gone
        }
        int drop = 0;
        while (drop < windowCount && windowTime(drop) < floor) {
            drop++;
        }
        if (drop == windowCount) {
            windowCount = 0;
        } else if (drop > 0) { // the newest stays; the dropped ones are all among the older
            System.arraycopy(older, 2 * drop, older, 0, 2 * (windowCount - 1 - drop));
            windowCount -= drop;
        }
        return isEmpty();
    }

    /** Chunks held, the open one included; for statistics. */
    synchronized int chunksHeld() {
        return sealed.length + (chunkCount() > 0 ? 1 : 0);
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
        if (chunkCount() > 0 && chunkFirstTime() <= max && chunkLastTime() >= min) {
            chunks[n++] = chunkSnapshot();
        }
        long[] copy = windowPairs(0, windowCount);
        return new Snapshot(n == chunks.length ? chunks : Arrays.copyOf(chunks, n), copy, windowCount);
    }

    /**
     * Re-encodes the sealed XOR chunks not offered before as decimal chunks where that is smaller; returns the bytes
     * saved. A chunk that stays XOR is marked {@link Chunk#XOR_KEPT} so that it is not offered again (the series
     * keeps no field for it: one more would cost every series of the head 8 bytes). The encoding runs outside the
     * lock, on chunks that never change; each result replaces its chunk only if the series still holds that very
     * chunk (a truncation may have dropped it meanwhile). Readers see either encoding of the same samples, bit for
     * bit.
     */
    int compactSealed() {
        Chunk[] view;
        synchronized (this) {
            view = sealed;
        }
        Chunk[] replaced = null;
        for (int i = 0; i < view.length; i++) {
            if (view[i].encoding() == BlockFormat.XOR_ENCODING) {
                if (replaced == null) {
                    replaced = new Chunk[view.length];
                }
                replaced[i] = compacted(view[i]);
            }
        }
        if (replaced == null) {
            return 0;
        }
        int saved = 0;
        synchronized (this) {
            for (int i = 0; i < view.length; i++) {
                int at = replaced[i] == null ? -1 : indexOf(sealed, view[i]);
                if (at >= 0) { // else truncated away meanwhile
                    saved += sealed[at].bytes().length - replaced[i].bytes().length;
                    sealed[at] = replaced[i]; // in place: readers copy this array's references under the lock
                }
            }
        }
        return saved;
    }

    /** An XOR chunk as a decimal chunk when that encodes it smaller, else the same chunk marked as kept. */
    private static Chunk compacted(Chunk c) {
        ChunkIterator decoded = c.iterator();
        byte[] decimal = DecimalChunk.encode(decoded.times(), decoded.values(), 0, c.count());
        return decimal == null || decimal.length >= c.bytes().length
                ? new Chunk(c.minTime(), c.maxTime(), c.count(), c.bytes(), Chunk.XOR_KEPT)
                : new Chunk(c.minTime(), c.maxTime(), c.count(), decimal, BlockFormat.DECIMAL_ENCODING);
    }

    private static int indexOf(Chunk[] chunks, Chunk c) {
        for (int i = 0; i < chunks.length; i++) {
            if (chunks[i] == c) {
                return i;
            }
        }
        return -1;
    }

    /** How many sealed chunks the series holds; for tests and memory accounting. */
    synchronized int sealedChunks() {
        return sealed.length;
    }

    private long lastEncodedTime() {
        return chunkCount() > 0 ? chunkLastTime() : sealed[sealed.length - 1].maxTime();
    }

    private long lastEncodedBits() {
        if (chunkCount() > 0) {
            return chunkLastBits();
        }
        Chunk last = sealed[sealed.length - 1];
        long bits = 0;
        for (ChunkIterator it = last.iterator(); it.next(); ) {
            bits = it.valueBits();
        }
        return bits;
    }

    /** The timestamp of the window's {@code i}-th sample, oldest first. */
    private long windowTime(int i) {
        return i == windowCount - 1 ? newestTime : older[2 * i];
    }

    /** The window's samples {@code [from, to)}, oldest first, as (timestamp, raw value bits) pairs in a new array. */
    private long[] windowPairs(int from, int to) {
        long[] pairs = new long[2 * (to - from)];
        int olderTo = Math.min(to, windowCount - 1);
        if (olderTo > from) {
            System.arraycopy(older, 2 * from, pairs, 0, 2 * (olderTo - from));
        }
        if (to == windowCount && to > from) {
            pairs[pairs.length - 2] = newestTime;
            pairs[pairs.length - 1] = newestBits;
        }
        return pairs;
    }

    /** Inserts a sample at position {@code i} among the older samples (the caller keeps them sorted). */
    private void addOlder(int i, long t, long bits) {
        int n = windowCount - 1;
        if (older == null) {
            older = new long[4];
        } else if (2 * (n + 1) > older.length) {
            older = Arrays.copyOf(older, older.length * 2);
        }
        System.arraycopy(older, 2 * i, older, 2 * i + 2, 2 * (n - i));
        older[2 * i] = t;
        older[2 * i + 1] = bits;
        windowCount++;
    }

    /**
     * Encodes, oldest first, every older sample more than the tolerance older than {@code newest}, the sample about
     * to become the newest.
     */
    private void encodeExpired(long newest, long toleranceMillis, long chunkRange) {
        int n = windowCount - 1;
        int done = 0;
        while (done < n && fartherApart(newest, older[2 * done], toleranceMillis)) {
            encode(older[2 * done], older[2 * done + 1], chunkRange);
            done++;
        }
        if (done > 0) {
            System.arraycopy(older, 2 * done, older, 0, 2 * (n - done));
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
        return chunk.chunkFullFor(t)
                || Math.floorDiv(t, chunkRange) != Math.floorDiv(chunk.chunkFirstTime(), chunkRange);
    }

    private void encode(long t, long bits, long chunkRange) {
        if (chunkCount() > 0 && startsNewChunk(this, t, chunkRange)) {
            Chunk full = sealChunk();
            Chunk[] grown = Arrays.copyOf(sealed, sealed.length + 1);
            grown[sealed.length] = full;
            sealed = grown;
            // The next chunk will likely be as large as this one; sizing it so avoids both copies and slack.
            startChunk(full.bytes().length + 4);
        }
        encodeBits(t, bits);
    }
}
