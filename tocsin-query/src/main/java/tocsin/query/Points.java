package tocsin.query;

import java.util.Arrays;

/**
 * The points of one series in a time range: timestamps (Unix milliseconds, non-decreasing) and values, column-wise.
 *
 * <p>Immutable and thread-safe: {@link #of} copies the arrays it is given.
 */
public final class Points {
    public static final Points EMPTY = new Points(new long[0], new double[0]);

    private final long[] timestamps;
    private final double[] values;

    private Points(long[] timestamps, double[] values) {
        this.timestamps = timestamps;
        this.values = values;
    }

    /**
     * Points from parallel arrays, which are copied.
     *
     * @throws IllegalArgumentException if the arrays differ in length or the timestamps go backwards
     */
    public static Points of(long[] timestamps, double[] values) {
        if (timestamps.length != values.length) {
            throw new IllegalArgumentException(
                    timestamps.length + " timestamps but " + values.length + " values");
        }
        for (int i = 1; i < timestamps.length; i++) {
            if (timestamps[i] < timestamps[i - 1]) {
                throw new IllegalArgumentException("timestamps go backwards at index " + i + ": "
                        + timestamps[i - 1] + " then " + timestamps[i]);
            }
        }
        return timestamps.length == 0 ? EMPTY : new Points(timestamps.clone(), values.clone());
    }

    /**
     * Points that take ownership of the given arrays, for sources that build them fresh and sorted (a store's
     * decoded chunks): no copy and no check. The caller must not touch the arrays afterwards.
     */
    public static Points wrapSorted(long[] timestamps, double[] values) {
        if (timestamps.length != values.length) {
            throw new IllegalArgumentException(
                    timestamps.length + " timestamps but " + values.length + " values");
        }
        return timestamps.length == 0 ? EMPTY : new Points(timestamps, values);
    }

    /**
     * The timestamps themselves, not a copy, for readers that keep them read-only (a query engine's immutable
     * series): writing to the array breaks every holder of these points.
     */
    public long[] sharedTimestamps() {
        return timestamps;
    }

    /** The values themselves, not a copy, under the contract of {@link #sharedTimestamps()}. */
    public double[] sharedValues() {
        return values;
    }

    /** Copies all timestamps and values into the arrays at {@code offset}. */
    public void copyTo(long[] timestampsOut, double[] valuesOut, int offset) {
        System.arraycopy(timestamps, 0, timestampsOut, offset, timestamps.length);
        System.arraycopy(values, 0, valuesOut, offset, values.length);
    }

    public int size() {
        return timestamps.length;
    }

    public boolean isEmpty() {
        return timestamps.length == 0;
    }

    public long timestamp(int i) {
        return timestamps[i];
    }

    public double value(int i) {
        return values[i];
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Points p && Arrays.equals(timestamps, p.timestamps) && Arrays.equals(values, p.values);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(timestamps) + Arrays.hashCode(values);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Points[");
        for (int i = 0; i < timestamps.length; i++) {
            sb.append(i == 0 ? "" : ", ").append(timestamps[i]).append('=').append(values[i]);
        }
        return sb.append(']').toString();
    }
}
