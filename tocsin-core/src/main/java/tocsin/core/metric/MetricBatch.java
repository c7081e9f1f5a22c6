package tocsin.core.metric;

import java.util.Arrays;
import java.util.Objects;

/**
 * The points decoded from one intake request, in arrival order, stored column-wise so that a batch of a hundred
 * thousand points is four arrays rather than a hundred thousand objects. Intake decoders fill it; the store appends
 * it as one unit, so that either the whole batch is durable or none of it is.
 *
 * <p>Not thread-safe: one request fills one batch on one thread, then hands it over.
 */
public final class MetricBatch {

    /** Receives the points of a batch, one by one. */
    @FunctionalInterface
    public interface PointConsumer {
        void accept(SeriesKey key, MetricKind kind, long timestampMillis, double value);
    }

    private SeriesKey[] keys;
    private MetricKind[] kinds;
    private long[] timestamps;
    private double[] values;
    /** The store's hints per point (see {@link SeriesHints}); null until the first point that has one. */
    private Object[] hints;
    private int size;
    private SeriesQuota quota;

    public MetricBatch() {
        this(64);
    }

    public MetricBatch(int expectedPoints) {
        int n = Math.max(4, expectedPoints);
        keys = new SeriesKey[n];
        kinds = new MetricKind[n];
        timestamps = new long[n];
        values = new double[n];
    }

    /** Adds a point. Callers have validated it: finite value, timestamp in range. */
    public void add(SeriesKey key, MetricKind kind, long timestampMillis, double value) {
        if (size == keys.length) {
            grow();
        }
        keys[size] = Objects.requireNonNull(key, "key");
        kinds[size] = Objects.requireNonNull(kind, "kind");
        timestamps[size] = timestampMillis;
        values[size] = value;
        size++;
    }

    /**
     * Adds a point with the store's hint for its series (see {@link SeriesHints}; null for none). Callers have
     * validated the point.
     */
    public void add(SeriesKey key, MetricKind kind, long timestampMillis, double value, Object hint) {
        if (hint != null && hints == null) {
            hints = new Object[keys.length];
        }
        int i = size;
        add(key, kind, timestampMillis, value);
        if (hints != null) {
            hints[i] = hint;
        }
    }

    private void grow() {
        int n = size * 2;
        keys = Arrays.copyOf(keys, n);
        kinds = Arrays.copyOf(kinds, n);
        timestamps = Arrays.copyOf(timestamps, n);
        values = Arrays.copyOf(values, n);
        if (hints != null) {
            hints = Arrays.copyOf(hints, n);
        }
    }

    /**
     * Who asks for this batch's new series, and their limit (see {@link SeriesQuota}); null (the default) for a
     * batch no sender is accountable for (DogStatsD, scrapes), which only the store's own limits bound.
     */
    public void quota(SeriesQuota quota) {
        this.quota = quota;
    }

    /** This batch's {@link #quota(SeriesQuota)}, or null. */
    public SeriesQuota quota() {
        return quota;
    }

    /** The store's hint for point {@code i}'s series, or null. */
    public Object hint(int i) {
        Objects.checkIndex(i, size);
        return hints == null ? null : hints[i];
    }

    public int size() {
        return size;
    }

    public boolean isEmpty() {
        return size == 0;
    }

    public SeriesKey key(int i) {
        Objects.checkIndex(i, size);
        return keys[i];
    }

    public MetricKind kind(int i) {
        Objects.checkIndex(i, size);
        return kinds[i];
    }

    public long timestamp(int i) {
        Objects.checkIndex(i, size);
        return timestamps[i];
    }

    public double value(int i) {
        Objects.checkIndex(i, size);
        return values[i];
    }

    public void forEach(PointConsumer consumer) {
        for (int i = 0; i < size; i++) {
            consumer.accept(keys[i], kinds[i], timestamps[i], values[i]);
        }
    }

    /** Empties the batch, keeping its capacity. */
    public void clear() {
        Arrays.fill(keys, 0, size, null);
        Arrays.fill(kinds, 0, size, null);
        if (hints != null) {
            Arrays.fill(hints, 0, size, null);
        }
        size = 0;
    }
}
