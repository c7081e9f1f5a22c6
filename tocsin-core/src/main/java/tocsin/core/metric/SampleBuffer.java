package tocsin.core.metric;

import java.util.Arrays;

/**
 * A growable pair of parallel arrays, timestamps and values, that one series' samples are decoded into and that is
 * then reused for the next series: what lets a query walk ten thousand series with one buffer per thread instead of
 * two fresh arrays per series (tens of megabytes per dashboard refresh, which the garbage collector pays for).
 *
 * <p>The arrays are exposed: a writer {@link #reserve reserves} room, writes from {@link #size()} on and
 * {@link #setSize sets} the new size; a reader reads {@code [0, size())}. Not thread-safe: one per thread.
 */
public final class SampleBuffer {
    private long[] timestamps;
    private double[] values;
    private int size;

    public SampleBuffer() {
        this(256);
    }

    public SampleBuffer(int capacity) {
        timestamps = new long[Math.max(capacity, 1)];
        values = new double[timestamps.length];
    }

    /** Milliseconds since the epoch, valid in {@code [0, size())}. */
    public long[] timestamps() {
        return timestamps;
    }

    /** Values, valid in {@code [0, size())}. */
    public double[] values() {
        return values;
    }

    public int size() {
        return size;
    }

    /** Makes room for {@code more} samples after the current ones, keeping them; the arrays may be replaced. */
    public void reserve(int more) {
        long needed = (long) size + more;
        if (needed > timestamps.length) {
            if (needed > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException("a series of " + needed + " samples does not fit one buffer");
            }
            int capacity = (int) Math.max(needed, Math.min(Integer.MAX_VALUE - 8L, timestamps.length * 2L));
            timestamps = Arrays.copyOf(timestamps, capacity);
            values = Arrays.copyOf(values, capacity);
        }
    }

    /** After writing past the current size: the number of samples now held. */
    public void setSize(int size) {
        if (size < 0 || size > timestamps.length) {
            throw new IllegalArgumentException("size " + size + " outside [0, " + timestamps.length + "]");
        }
        this.size = size;
    }

    /** Replaces the samples with the first {@code n} of {@code times}/{@code values}. */
    public void replaceWith(long[] times, double[] values, int n) {
        size = 0;
        reserve(n);
        System.arraycopy(times, 0, timestamps, 0, n);
        System.arraycopy(values, 0, this.values, 0, n);
        size = n;
    }

    /** Forgets the samples, keeping the arrays. */
    public void clear() {
        size = 0;
    }
}
