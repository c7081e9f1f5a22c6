package tocsin.ingest.promwrite;

import tocsin.core.metric.MetricKind;
import tocsin.core.metric.SeriesHints;
import tocsin.core.metric.SeriesKey;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * Remembers, across requests, the series key that a time series' encoded labels decode to. A Prometheus sends the
 * same label bytes for a series in every request, so a hit skips decoding the labels, checking and joining them into
 * tags, and building the key — the larger part of decoding a request — for the price of hashing and comparing the
 * bytes.
 *
 * <p>Once the store has the series, an entry holds the store's own instance of the key and the store's hint for it
 * ({@link SeriesHints}), which the decoder passes on with each point so that the store can skip its lookup by key.
 * An entry whose hint went stale (the store dropped the idle series) is resolved again. Only keys that decoded
 * without a problem
 * are remembered; the limits a key was checked against are the decoder's, which do not change while the server runs.
 *
 * <p>Direct-mapped and bounded: a colliding newcomer evicts the old entry. Thread-safe: entries are immutable and
 * published through an {@link AtomicReferenceArray}; a lost race only costs a decode.
 */
public final class SeriesKeyCache {
    /** A cache that remembers nothing. */
    public static final SeriesKeyCache NONE = new SeriesKeyCache(0, SeriesHints.NONE);

    /**
     * A remembered series: its encoded labels, its key, the kind its name alone implies (see
     * {@link RemoteWriteDecoder#kindOf}, so that a hit touches neither the key's strings nor the name's bytes), and
     * the store's hint, null until the store has the series (its key is then the store's instance).
     */
    record Entry(byte[] labels, SeriesKey key, MetricKind kindByName, Object hint) {
    }

    private final AtomicReferenceArray<Entry> slots;
    private final int mask;
    private final SeriesHints store;
    private final LongAdder hits = new LongAdder();
    private final LongAdder misses = new LongAdder();

    /**
     * @param capacity  most series remembered (rounded up to a power of two); 0 remembers nothing
     * @param store     the store's instances of keys and its hints
     */
    public SeriesKeyCache(int capacity, SeriesHints store) {
        int n = capacity <= 0 ? 0 : Integer.highestOneBit(Math.max(16, capacity - 1) << 1);
        this.slots = new AtomicReferenceArray<>(n);
        this.mask = n - 1;
        this.store = store;
    }

    boolean enabled() {
        return slots.length() > 0;
    }

    /**
     * The entry remembered for labels {@code b[from, to)}, with the store's key and hint when the store has the
     * series by now; or null. Not counted: see {@link #count}.
     */
    Entry get(int hash, byte[] b, int from, int to) {
        int slot = hash & mask;
        Entry e = slots.get(slot);
        if (e == null || !Arrays.equals(e.labels, 0, e.labels.length, b, from, to)) {
            return null;
        }
        if (e.hint != null && store.valid(e.hint)) {
            return e;
        }
        Object hint = store.hint(e.key);
        if (hint == null) { // the store has no such series yet: this point will create it
            return e.hint == null ? e : replace(slot, e, new Entry(e.labels, e.key, e.kindByName, null));
        }
        return replace(slot, e, new Entry(e.labels, store.key(hint), e.kindByName, hint));
    }

    private Entry replace(int slot, Entry old, Entry found) {
        slots.compareAndSet(slot, old, found);
        return found;
    }

    /**
     * Remembers a key just decoded. No lookup in the store: the series is usually new, and the entry learns the
     * store's instance and hint the next time it is found (one lookup, once).
     */
    void put(int hash, byte[] b, int from, int to, SeriesKey key, MetricKind kindByName) {
        slots.set(hash & mask, new Entry(Arrays.copyOfRange(b, from, to), key, kindByName, null));
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
