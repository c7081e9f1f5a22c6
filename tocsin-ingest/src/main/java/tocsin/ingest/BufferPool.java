package tocsin.ingest;

import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * A few byte arrays kept for reuse by requests that need a large scratch buffer only while they decode (a
 * decompressed remote-write message is ~120 bytes per sample and dead once its points are read): taking one saves
 * allocating and zeroing it, and the young collections that the garbage would cost.
 *
 * <p>Bounded: at most {@code slots} arrays of at most {@code maxPooledBytes} each are kept; larger requests allocate
 * as before. An array taken may be longer than asked for and holds whatever its last user left in it: callers read
 * only the part they wrote. Thread-safe and lock-free; a miss or a full pool only costs an allocation.
 */
public final class BufferPool {
    private final AtomicReferenceArray<byte[]> slots;
    private final int maxPooledBytes;

    public BufferPool(int slots, int maxPooledBytes) {
        this.slots = new AtomicReferenceArray<>(slots);
        this.maxPooledBytes = maxPooledBytes;
    }

    /** An array of at least {@code length} bytes (a kept one if one is long enough), its content undefined. */
    public byte[] take(int length) {
        if (length <= maxPooledBytes) {
            for (int i = 0; i < slots.length(); i++) {
                byte[] b = slots.get(i);
                if (b != null && b.length >= length && slots.compareAndSet(i, b, null)) {
                    return b;
                }
            }
        }
        return new byte[length];
    }

    /**
     * Hands back an array from {@link #take} once nothing refers to it any more: kept in a free slot, or in place of
     * a shorter kept one, or dropped.
     */
    public void give(byte[] b) {
        if (b.length > maxPooledBytes) {
            return;
        }
        for (int i = 0; i < slots.length(); i++) {
            if (slots.get(i) == null && slots.compareAndSet(i, null, b)) {
                return;
            }
        }
        for (int i = 0; i < slots.length(); i++) {
            byte[] kept = slots.get(i);
            if (kept != null && kept.length < b.length && slots.compareAndSet(i, kept, b)) {
                return;
            }
        }
    }
}
