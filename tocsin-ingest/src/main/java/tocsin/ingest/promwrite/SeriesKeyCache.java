package tocsin.ingest.promwrite;

import tocsin.core.metric.MetricKind;
import tocsin.core.metric.SeriesHints;
import tocsin.core.metric.SeriesKey;

import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * Remembers, across requests, the series key that a time series' encoded labels decode to. A Prometheus sends the
 * same label bytes for a series in every request, so a hit skips decoding the labels, checking and joining them into
 * tags, and building the key — the larger part of decoding a request — for the price of hashing and comparing the
 * bytes.
 *
 * <p>Once the store has the series, an entry holds the store's hint for it ({@link SeriesHints}), from which the
 * store's own instance of the key is read ({@link #key}); the decoder passes the hint on with each point so that the
 * store can skip its lookup by key. An entry whose hint went stale (the store dropped the idle series) is resolved
 * again. Only keys that decoded without a problem are remembered; the limits a key was checked against are the
 * decoder's, which do not change while the server runs.
 *
 * <p>Four-way set-associative and bounded: a series' labels may sit in any of the four slots of the set their hash
 * picks, so that two series whose hashes collide do not evict each other on every request (with one slot per set,
 * 10,000 active series in 131,072 slots left about 7 % of them doing so); a newcomer to a full set evicts a random one of
 * its four. Each slot's full hash is kept in a plain {@code int} array beside it, so a lookup reads one line of
 * hashes and then only the entry whose hash matches. An entry is allocated once, right after its copy of the
 * labels, and then only its hint changes, so a hit reads the entry and its labels from neighbouring memory.
 *
 * <p>Thread-safe: an entry's labels and key are final and entries are published through an
 * {@link AtomicReferenceArray}; a hash read apart from its entry can only make a lookup miss or compare bytes that
 * then differ, and a lost race costs a decode.
 */
public final class SeriesKeyCache {
    /** A cache that remembers nothing. */
    public static final SeriesKeyCache NONE = new SeriesKeyCache(0, SeriesHints.NONE);
    /** Slots per set. */
    private static final int WAYS = 4;

    /**
     * A remembered series: its encoded labels, the key they decoded to, the kind its name alone implies (see
     * {@link RemoteWriteDecoder#kindOf}, so that a hit touches neither the key's strings nor the name's bytes), and
     * the store's hint, null until the store has the series.
     */
    static final class Entry {
        final byte[] labels;
        final SeriesKey decoded;
        final MetricKind kindByName;
        volatile Object hint;

        Entry(byte[] labels, SeriesKey decoded, MetricKind kindByName) {
            this.labels = labels;
            this.decoded = decoded;
            this.kindByName = kindByName;
        }
    }

    private final AtomicReferenceArray<Entry> slots;
    private final int[] hashes;
    private final int setMask;
    private final SeriesHints store;
    private final LongAdder hits = new LongAdder();
    private final LongAdder misses = new LongAdder();

    /**
     * @param capacity  most series remembered (rounded up to a power of two, at least 16); 0 remembers nothing
     * @param store     the store's instances of keys and its hints
     */
    public SeriesKeyCache(int capacity, SeriesHints store) {
        int n = capacity <= 0 ? 0 : Integer.highestOneBit(Math.max(16, capacity - 1) << 1);
        this.slots = new AtomicReferenceArray<>(n);
        this.hashes = new int[n];
        this.setMask = n - WAYS; // the first slot of a set: n is a power of two, WAYS divides it
        this.store = store;
    }

    boolean enabled() {
        return slots.length() > 0;
    }

    /**
     * The entry remembered for labels {@code b[from, to)}, its hint checked (still the store's, or looked up again:
     * null while the store has no such series); or null. Not counted: see {@link #count}.
     */
    Entry get(int hash, byte[] b, int from, int to) {
        int set = hash & setMask;
        for (int slot = set; slot < set + WAYS; slot++) {
            if (hashes[slot] != hash) {
                continue;
            }
            Entry e = slots.get(slot);
            if (e != null && Arrays.equals(e.labels, 0, e.labels.length, b, from, to)) {
                Object hint = e.hint;
                if (hint == null || !store.valid(hint)) {
                    e.hint = store.hint(e.decoded); // null if the store has no such series yet: this point creates it
                }
                return e;
            }
        }
        return null;
    }

    /** The key to hand out for {@code e} with its hint {@code hint} (as read once): the store's instance if any. */
    SeriesKey key(Entry e, Object hint) {
        return hint == null ? e.decoded : store.key(hint);
    }

    /**
     * Remembers a key just decoded, in a free slot of its set, else in the slot of the same labels (a race with
     * another request), else in a random one. No lookup in the store: the series is usually new, and the entry
     * learns the store's hint the next time it is found (one lookup, once).
     */
    void put(int hash, byte[] b, int from, int to, SeriesKey key, MetricKind kindByName) {
        int set = hash & setMask;
        int victim = -1;
        for (int slot = set; slot < set + WAYS && victim < 0; slot++) {
            Entry e = slots.get(slot);
            if (e == null || hashes[slot] == hash && Arrays.equals(e.labels, 0, e.labels.length, b, from, to)) {
                victim = slot;
            }
        }
        if (victim < 0) {
            victim = set + ThreadLocalRandom.current().nextInt(WAYS);
        }
        Entry e = new Entry(Arrays.copyOfRange(b, from, to), key, kindByName);
        hashes[victim] = hash;
        slots.set(victim, e); // publishes the hash written before it to a reader that sees the entry
    }

    /**
     * Adds one request's lookups to the totals (once per request, not per series: the counters are shared by every
     * request thread).
     */
    void count(long hit, long missed) {
        if (hit > 0) {
            hits.add(hit);
        }
        if (missed > 0) {
            misses.add(missed);
        }
    }

    /** Lookups that found their labels since the cache was made. */
    public long hits() {
        return hits.sum();
    }

    /** Lookups that did not. */
    public long misses() {
        return misses.sum();
    }
}
