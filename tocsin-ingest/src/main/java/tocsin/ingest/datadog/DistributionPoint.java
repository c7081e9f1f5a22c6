package tocsin.ingest.datadog;

import tocsin.core.metric.SeriesKey;

import java.util.Arrays;
import java.util.Objects;

/**
 * The raw values of one distribution point, kept so that percentiles can be computed from them (by feeding them to
 * a sketch) rather than from the summary series alone.
 *
 * <p>Immutable and thread-safe: the values are copied in and never handed out.
 *
 * @param key             the distribution's series: its metric name and tags, without summary suffix
 * @param timestampMillis when the values were observed
 */
public record DistributionPoint(SeriesKey key, long timestampMillis, double[] values) {

    public DistributionPoint {
        Objects.requireNonNull(key, "key");
        values = values.clone();
    }

    /** A copy of the values, in the order sent. */
    @Override
    public double[] values() {
        return values.clone();
    }

    public int valueCount() {
        return values.length;
    }

    public double value(int i) {
        return values[i];
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DistributionPoint p && timestampMillis == p.timestampMillis && key.equals(p.key)
                && Arrays.equals(values, p.values);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * key.hashCode() + Long.hashCode(timestampMillis)) + Arrays.hashCode(values);
    }

    @Override
    public String toString() {
        return key + "@" + timestampMillis + Arrays.toString(values);
    }
}
