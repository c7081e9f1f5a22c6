package tocsin.core.metric;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The distribution points decoded from one intake request (or one DogStatsD flush), in arrival order: each a series,
 * a time and the {@link Sketch} of the values observed then. The store appends it as one unit, as it does a
 * {@link MetricBatch}.
 *
 * <p>Not thread-safe: one request fills one batch on one thread, then hands it over. The sketches are immutable.
 */
public final class SketchBatch {

    /**
     * One distribution point.
     *
     * @param key             the distribution's series: its metric name and tags
     * @param timestampMillis when its values were observed (the store files it under its time bucket)
     * @param sketch          the values, never empty
     */
    public record Entry(SeriesKey key, long timestampMillis, Sketch sketch) {
        public Entry {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(sketch, "sketch");
            if (sketch.isEmpty()) {
                throw new IllegalArgumentException("a distribution point needs at least one value: " + key);
            }
        }
    }

    private final List<Entry> entries;

    public SketchBatch() {
        this(16);
    }

    public SketchBatch(int expected) {
        entries = new ArrayList<>(Math.max(4, expected));
    }

    /** Adds a point; callers have validated its key and time. */
    public SketchBatch add(SeriesKey key, long timestampMillis, Sketch sketch) {
        entries.add(new Entry(key, timestampMillis, sketch));
        return this;
    }

    public int size() {
        return entries.size();
    }

    public boolean isEmpty() {
        return entries.isEmpty();
    }

    public Entry get(int i) {
        return entries.get(i);
    }

    /** The entries, in arrival order; a read-only view. */
    public List<Entry> entries() {
        return java.util.Collections.unmodifiableList(entries);
    }
}
