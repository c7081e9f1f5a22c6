package tocsin.tsdb;

import tocsin.core.metric.SeriesKey;
import tocsin.core.metric.Sketch;

import java.util.Objects;

/**
 * The distribution sketches of one series over a querier's range: one {@link Sketch} per time bucket that received
 * values, ascending by bucket start. Immutable and thread-safe (the sketches are immutable; the arrays are never
 * handed out).
 */
public final class SketchSeries {
    private final SeriesKey key;
    private final long[] timestamps;
    private final Sketch[] sketches;

    /** Takes the arrays as they are; callers hand over fresh arrays and keep no reference. */
    SketchSeries(SeriesKey key, long[] timestamps, Sketch[] sketches) {
        if (timestamps.length != sketches.length) {
            throw new IllegalArgumentException(timestamps.length + " timestamps for " + sketches.length + " sketches");
        }
        this.key = Objects.requireNonNull(key, "key");
        this.timestamps = timestamps;
        this.sketches = sketches;
    }

    public SeriesKey key() {
        return key;
    }

    /** The number of buckets. */
    public int size() {
        return timestamps.length;
    }

    public boolean isEmpty() {
        return timestamps.length == 0;
    }

    /** The start of bucket {@code i}, Unix milliseconds. */
    public long timestamp(int i) {
        return timestamps[i];
    }

    public Sketch sketch(int i) {
        return sketches[i];
    }

    @Override
    public String toString() {
        return key + "[" + timestamps.length + " buckets]";
    }
}
