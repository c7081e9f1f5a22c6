package tocsin.ingest;

import tocsin.core.metric.MetricKind;
import tocsin.core.metric.SeriesHints;
import tocsin.core.metric.SeriesKey;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * Remembers, across requests, the series key that a series' identity as sent decodes to: a Prometheus resends the
 * same label bytes for a series in every request, a Datadog client the same metric name and tag strings. A hit
 * skips decoding, checking and sorting the parts and building the key, and hands out the store's hint for the
 * series ({@link SeriesHints}), so that the store skips its own lookup by key too. What an identity is, and how two
 * compare, is the decoder's ({@link Probe}); the cache only keeps it.
 *
 * <p>An entry holds the store's hint and the store's own instance of the key once the store has the series: a key
 * just decoded is looked up in the store when it is remembered ({@link #put}), and an entry found without a valid
 * hint (the series was new then, or the store dropped it as idle since) is resolved again. So the decoder's copy of
 * a key does not stay on the heap beside the store's. Only keys that decoded without a problem are remembered; the
 * limits a key was checked against are the decoder's, which do not change while the server runs (one cache per
 * intake).
 *
 * <p>Four-way set-associative and bounded: an identity may sit in any of the four slots of the set its hash picks,
 * so that two series whose hashes collide do not evict each other on every request (with one slot per set, 10,000
 * active series in 131,072 slots left about 7 % of them doing so); a newcomer to a full set evicts a random one of
 * its four. Each slot's full hash is kept in a plain {@code int} array beside it, so a lookup reads one line of
 * hashes and then only the entry whose hash matches. An entry is allocated once, right after its copy of the
 * identity, and then only its hint and key change, so a hit reads the entry and its identity from neighbouring
 * memory.
 *
 * <p>Thread-safe: an entry's identity is final, its key and hint volatile (any value either holds is right for the
 * entry: the key is the decoder's or the store's equal instance, a stale hint is caught by the check), and entries
 * are published through an {@link AtomicReferenceArray}; a hash read apart from its entry can only make a lookup miss
 * or compare an identity that then differs, and a lost race costs a decode.
 */
public final class SeriesKeyCache {
    /** A cache that remembers nothing. */
    public static final SeriesKeyCache NONE = new SeriesKeyCache(0, SeriesHints.NONE);
    /** Slots per set. */
    private static final int WAYS = 4;

    /** Compares the identity being decoded with a remembered one (the decoder knows what it is reading). */
    @FunctionalInterface
    public interface Probe {
        boolean matches(Object identity);
    }

    /**
     * A remembered series: its identity as sent (the decoder's copy), the key it decoded to, the kind the decoder
     * derived from it (or null), and the store's hint, null until the store has the series.
     */
    public static final class Entry {
        final Object identity;
        final MetricKind kind;
        /**
         * The key: the decoder's instance until the store has the series, then the store's (equal) one, so that the
         * decoder's copy of every remembered key does not stay on the heap beside the store's.
         */
        volatile SeriesKey key;
        volatile Object hint;

        Entry(Object identity, SeriesKey decoded, MetricKind kind) {
            this.identity = identity;
            this.key = decoded;
            this.kind = kind;
        }

        /** The kind the decoder remembered with the key, or null. */
        public MetricKind kind() {
            return kind;
        }

        /** The store's hint as last checked (read once per use: another request may refresh it). */
        public Object hint() {
            return hint;
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

    public boolean enabled() {
        return slots.length() > 0;
    }

    /**
     * The entry remembered for the identity {@code probe} matches, its hint checked (still the store's, or looked
     * up again: null while the store has no such series); or null. Not counted: see {@link #count}.
     */
    public Entry get(int hash, Probe probe) {
        int set = hash & setMask;
        for (int slot = set; slot < set + WAYS; slot++) {
            if (hashes[slot] != hash) {
                continue;
            }
            Entry e = slots.get(slot);
            if (e != null && probe.matches(e.identity)) {
                Object hint = e.hint;
                if (hint == null || !store.valid(hint)) {
                    resolve(e);
                }
                return e;
            }
        }
        return null;
    }

    /** The key to hand out for {@code e} with its hint {@code hint} (as read once): the store's instance if any. */
    public SeriesKey key(Entry e, Object hint) {
        return hint == null ? e.key : store.key(hint);
    }

    /**
     * Looks the entry's key up in the store (one lookup by key): the store's hint and its instance of the key, or a
     * null hint while the store has no such series (the point being decoded creates it).
     */
    private void resolve(Entry e) {
        Object fresh = store.hint(e.key);
        if (fresh != null) {
            e.key = store.key(fresh);
        }
        e.hint = fresh;
    }

    /**
     * Remembers a key just decoded from {@code identity} (a copy the decoder made, which {@code probe} matches), in a
     * free slot of its set, else in the slot of the same identity (a race with another request), else in a random
     * one, and returns the entry, resolved against the store like a hit: a series the cache forgot (more series than
     * it holds, sent in turn) is usually in the store, and its points then go out with the store's key and hint.
     */
    public Entry put(int hash, Probe probe, Object identity, SeriesKey key, MetricKind kind) {
        int set = hash & setMask;
        int victim = -1;
        for (int slot = set; slot < set + WAYS && victim < 0; slot++) {
            Entry e = slots.get(slot);
            if (e == null || hashes[slot] == hash && probe.matches(e.identity)) {
                victim = slot;
            }
        }
        if (victim < 0) {
            victim = set + ThreadLocalRandom.current().nextInt(WAYS);
        }
        Entry e = new Entry(identity, key, kind);
        resolve(e);
        hashes[victim] = hash;
        slots.set(victim, e); // publishes the hash written before it to a reader that sees the entry
        return e;
    }

    /**
     * Adds one request's lookups to the totals (once per request, not per series: the counters are shared by every
     * request thread).
     */
    public void count(long hit, long missed) {
        if (hit > 0) {
            hits.add(hit);
        }
        if (missed > 0) {
            misses.add(missed);
        }
    }

    /** Lookups that found their series since the cache was made. */
    public long hits() {
        return hits.sum();
    }

    /** Lookups that did not. */
    public long misses() {
        return misses.sum();
    }
}
