package tocsin.ingest.promwrite;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
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

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    /**
     * A hash of {@code b[from, to)}: eight bytes per multiply (the labels of a series are ~100 bytes, hashed for
     * every series of every request), then the tail byte by byte, mixed so that the low bits (the slot) depend on
     * every input bit.
     */
    static int hash(byte[] b, int from, int to) {
        long h = 0x9E3779B97F4A7C15L ^ (to - from);
        int i = from;
        for (; i + 8 <= to; i += 8) {
            h = Long.rotateLeft((h ^ (long) LONGS.get(b, i)) * 0xBF58476D1CE4E5B9L, 29);
        }
        for (; i < to; i++) {
            h = (h ^ (b[i] & 0xff)) * 0x94D049BB133111EBL;
        }
        h ^= h >>> 31;
        h *= 0xD6E8FEB86659FD93L;
        h ^= h >>> 32;
        return (int) h;
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
