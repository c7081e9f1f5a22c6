package tocsin.ingest.promwrite;

import tocsin.core.metric.SeriesKey;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.UnaryOperator;

/**
 * Remembers, across requests, the series key that a time series' encoded labels decode to. A Prometheus sends the
 * same label bytes for a series in every request, so a hit skips decoding the labels, checking and joining them into
 * tags, and building the key — the larger part of decoding a request — for the price of hashing and comparing the
 * bytes.
 *
 * <p>Keys are handed through {@code canonical} (the store's own instance of the key, once it has one) so that the
 * store's lookup by key finds an identical object and compares no strings. Only keys that decoded without a problem
 * are remembered; the limits a key was checked against are the decoder's, which do not change while the server runs.
 *
 * <p>Direct-mapped and bounded: a colliding newcomer evicts the old entry. Thread-safe: entries are immutable and
 * published through an {@link AtomicReferenceArray}; a lost race only costs a decode.
 */
public final class SeriesKeyCache {
    /** A cache that remembers nothing. */
    public static final SeriesKeyCache NONE = new SeriesKeyCache(0, UnaryOperator.identity());

    private record Entry(byte[] labels, SeriesKey key, boolean canonical) {
    }

    private final AtomicReferenceArray<Entry> slots;
    private final int mask;
    private final UnaryOperator<SeriesKey> canonical;
    private final LongAdder hits = new LongAdder();
    private final LongAdder misses = new LongAdder();

    /**
     * @param capacity  most series remembered (rounded up to a power of two); 0 remembers nothing
     * @param canonical the store's instance of a key, or the key itself when the store has none yet
     */
    public SeriesKeyCache(int capacity, UnaryOperator<SeriesKey> canonical) {
        int n = capacity <= 0 ? 0 : Integer.highestOneBit(Math.max(16, capacity - 1) << 1);
        this.slots = new AtomicReferenceArray<>(n);
        this.mask = n - 1;
        this.canonical = canonical;
    }

    boolean enabled() {
        return slots.length() > 0;
    }

    /** The key remembered for labels {@code b[from, to)}, or null. */
    SeriesKey get(int hash, byte[] b, int from, int to) {
        int slot = hash & mask;
        Entry e = slots.get(slot);
        if (e == null || !Arrays.equals(e.labels, 0, e.labels.length, b, from, to)) {
            misses.increment();
            return null;
        }
        hits.increment();
        if (e.canonical) {
            return e.key;
        }
        SeriesKey c = canonical.apply(e.key);
        if (c != e.key) {
            slots.compareAndSet(slot, e, new Entry(e.labels, c, true));
        }
        return c;
    }

    void put(int hash, byte[] b, int from, int to, SeriesKey key) {
        SeriesKey c = canonical.apply(key);
        slots.set(hash & mask, new Entry(Arrays.copyOfRange(b, from, to), c, c != key));
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
