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
