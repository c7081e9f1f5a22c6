package tocsin.query;

import tocsin.core.metric.SeriesKey;
import tocsin.core.metric.Sketch;

import java.util.Arrays;
import java.util.Objects;

/**
 * The distribution sketches of one series as a {@link MetricSource} returns them: one {@link Sketch} per time bucket
 * (its start, Unix milliseconds), ascending. Immutable and thread-safe: the arrays are copied in and never handed out.
 */
public final class SourceSketches {
    private final SeriesKey key;
    private final long[] timestamps;
    private final Sketch[] sketches;

    private SourceSketches(SeriesKey key, long[] timestamps, Sketch[] sketches) {
        this.key = key;
        this.timestamps = timestamps;
        this.sketches = sketches;
    }

    /**
     * @throws IllegalArgumentException when the arrays differ in length or the times do not ascend
     */
    public static SourceSketches of(SeriesKey key, long[] timestamps, Sketch[] sketches) {
        Objects.requireNonNull(key, "key");
        if (timestamps.length != sketches.length) {
            throw new IllegalArgumentException(timestamps.length + " timestamps for " + sketches.length + " sketches");
        }
        for (int i = 1; i < timestamps.length; i++) {
            if (timestamps[i] <= timestamps[i - 1]) {
                throw new IllegalArgumentException("bucket times of " + key + " do not ascend at " + i);
            }
        }
        for (Sketch s : sketches) {
            Objects.requireNonNull(s, "sketch");
        }
        return new SourceSketches(key, timestamps.clone(), sketches.clone());
    }

    public SeriesKey key() {
        return key;
    }

    public int size() {
        return timestamps.length;
    }

    public long timestamp(int i) {
        return timestamps[i];
    }

    public Sketch sketch(int i) {
        return sketches[i];
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SourceSketches s && key.equals(s.key) && Arrays.equals(timestamps, s.timestamps)
                && Arrays.equals(sketches, s.sketches);
    }

    @Override
    public int hashCode() {
        return key.hashCode() * 31 + Arrays.hashCode(timestamps);
    }

    @Override
    public String toString() {
        return key + "[" + timestamps.length + " sketches]";
    }
}
