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
 * <p>While its set has a free slot an identity is remembered at its first sighting; once remembering it would evict
 * another, only at its second ({@link #admit}): a series sent once into a full cache (a fleet churning through more
 * series than the cache holds) evicts nothing and leaves no entry behind, and its key goes out resolved against the
 * store all the same ({@link #unremembered}).
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
    private static final int SEEN_BITS_PER_SLOT = 16;

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

    private static final java.lang.invoke.VarHandle SEEN_WORD =
            java.lang.invoke.MethodHandles.arrayElementVarHandle(long[].class);

    private final AtomicReferenceArray<Entry> slots;
    /**
     * The doorkeeper: one bit per hash (sixteen bits per slot) for identities seen once and not remembered. A series
     * sent once (a fleet churning through a million new series, each in one request) would otherwise cost an entry and
     * a copy of its identity that are evicted unread, garbage that lives long enough to be promoted; a series sent
     * again is remembered at its second sighting. Cleared when an eighth of its bits are set (twice as many new
     * identities as the cache has slots), so a newcomer is taken for one seen before at most one time in eight (with
     * four bits per slot, cleared at half, a million new series still left 242,000 entries behind). Bits are set
     * racily (a lost bit delays one series' entry by one sighting).
     */
    private final long[] seen;
    private final java.util.concurrent.atomic.AtomicInteger seenBits = new java.util.concurrent.atomic.AtomicInteger();
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
        this.seen = new long[n * SEEN_BITS_PER_SLOT / 64]; // a power of two: n is one, at least 16
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

    /**
     * Whether an identity with this hash, just missed, should be remembered ({@link #put}): yes if its set has a free
     * slot or it was seen recently, else it is noted as seen and the decoder hands its key out through
     * {@link #unremembered} instead.
     */
    public boolean admit(int hash) {
        int set = hash & setMask;
        for (int slot = set; slot < set + WAYS; slot++) {
            if (slots.get(slot) == null) {
                return true;
            }
        }
        int bit = (hash * 0x9E3779B9) >>> 1; // spread differently from the set index
        int word = (bit >>> 6) & (seen.length - 1);
        long mask = 1L << bit;
        if ((((long) SEEN_WORD.getOpaque(seen, word)) & mask) != 0) {
            return true;
        }
        if ((((long) SEEN_WORD.getAndBitwiseOr(seen, word, mask)) & mask) == 0
                && seenBits.incrementAndGet() > seen.length * (64 / 8)) {
            seenBits.set(0);
            java.util.Arrays.fill(seen, 0L);
        }
        return false;
    }

    /**
     * An entry for a key the cache does not remember ({@link #admit} said no), resolved against the store like a
     * remembered one: the point goes out with the store's key and hint when the store has the series.
     */
    public Entry unremembered(SeriesKey key, MetricKind kind) {
        Entry e = new Entry(null, key, kind);
        resolve(e);
        return e;
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
