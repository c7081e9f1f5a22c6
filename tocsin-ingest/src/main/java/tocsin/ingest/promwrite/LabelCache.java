package tocsin.ingest.promwrite;

import java.util.Arrays;

/**
 * Remembers decoded {@code Label} messages by their encoded bytes, so that the label pairs a request repeats in
 * series after series ({@code job="node"}, {@code region="us-east-1"}, the metric names) are decoded and joined into
 * a tag once per request instead of once per series. Direct-mapped and bounded; a colliding newcomer evicts the old
 * entry.
 *
 * <p>Not thread-safe: one per request.
 */
final class LabelCache {
    /** A decoded label: its name, value and {@code name:value} tag. */
    record Entry(byte[] raw, String name, String value, String tag) {
    }

    private final Entry[] slots;
    private final int mask;

    LabelCache(int slots) {
        int n = Integer.highestOneBit(Math.max(16, slots - 1) << 1);
        this.slots = new Entry[n];
        this.mask = n - 1;
    }

    static int hash(byte[] b, int from, int to) {
        int h = 1;
        for (int i = from; i < to; i++) {
            h = 31 * h + b[i];
        }
        return h ^ (h >>> 15);
    }

    Entry get(int hash, byte[] b, int from, int to) {
        Entry e = slots[hash & mask];
        return e != null && Arrays.equals(e.raw, 0, e.raw.length, b, from, to) ? e : null;
    }

    Entry put(int hash, byte[] b, int from, int to, String name, String value) {
        Entry e = new Entry(Arrays.copyOfRange(b, from, to), name, value,
                name.equals("__name__") || value.isEmpty() ? null : name + ":" + value);
        slots[hash & mask] = e;
        return e;
    }
}
