package tocsin.tsdb;

import tocsin.core.metric.MetricKind;
import tocsin.core.metric.SeriesKey;

import java.util.Arrays;
import java.util.Objects;

/**
 * The samples of one series within a querier's time range, oldest first, timestamps strictly increasing.
 *
 * <p>Immutable and thread-safe: the arrays are the store's own fresh copies; {@link #timestamps()} and
 * {@link #values()} return copies, and {@link #sharedTimestamps()} and {@link #sharedValues()} hand out the arrays
 * themselves to readers that promise never to write them.
 */
public final class SeriesData {
    private final SeriesKey key;
    private final MetricKind kind;
    private final long[] timestamps;
    private final double[] values;

    /** Takes ownership of the arrays; package-private so that nobody else can keep a reference to them. */
    SeriesData(SeriesKey key, MetricKind kind, long[] timestamps, double[] values) {
        this.key = Objects.requireNonNull(key, "key");
        this.kind = Objects.requireNonNull(kind, "kind");
        if (timestamps.length != values.length) {
            throw new IllegalArgumentException("timestamps and values differ in length");
        }
        this.timestamps = timestamps;
        this.values = values;
    }

    public SeriesKey key() {
        return key;
    }

    public MetricKind kind() {
        return kind;
    }

    public int size() {
        return timestamps.length;
    }

    public boolean isEmpty() {
        return timestamps.length == 0;
    }

    /** Milliseconds since the epoch of sample {@code i}. */
    public long timestamp(int i) {
        return timestamps[i];
    }

    public double value(int i) {
        return values[i];
    }

    /**
     * The timestamps themselves, not a copy, for readers that keep them read-only (a query engine's immutable
     * points): writing to the array breaks every holder of this data. {@link #timestamps()} is the safe copy.
     */
    public long[] sharedTimestamps() {
        return timestamps;
    }

    /** The values themselves, not a copy, under the contract of {@link #sharedTimestamps()}. */
    public double[] sharedValues() {
        return values;
    }

    public long[] timestamps() {
        return timestamps.clone();
    }

    public double[] values() {
        return values.clone();
    }

    /** A copy of the timestamps of samples [from, to). */
    public long[] timestamps(int from, int to) {
        return java.util.Arrays.copyOfRange(timestamps, from, to);
    }

    /** A copy of the values of samples [from, to). */
    public double[] values(int from, int to) {
        return java.util.Arrays.copyOfRange(values, from, to);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SeriesData d && key.equals(d.key) && kind == d.kind
                && Arrays.equals(timestamps, d.timestamps) && Arrays.equals(values, d.values);
    }

    @Override
    public int hashCode() {
        return 31 * key.hashCode() + Arrays.hashCode(timestamps);
    }

    @Override
    public String toString() {
        return key + " " + kind + " (" + timestamps.length + " samples)";
    }
}
