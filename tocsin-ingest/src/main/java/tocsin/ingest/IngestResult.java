package tocsin.ingest;

import tocsin.core.metric.MetricBatch;
import tocsin.core.metric.MetricKind;
import tocsin.core.metric.MetricMetadata;
import tocsin.core.metric.Rejection;
import tocsin.core.metric.SeriesKey;
import tocsin.core.metric.SketchBatch;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What one request yielded: the accepted points (and distribution sketches, for the protocols that carry them), to
 * be appended as a unit, and the rejected items with their reasons.
 *
 * <p>{@link #rejections()} lists at most {@link #MAX_LISTED_REJECTIONS} items, the first ones in payload order, so a
 * payload of a million stale points (an agent replaying its backlog after an outage) cannot turn into a million
 * strings; {@link #rejectedItems()} counts them all.
 *
 * <p>The record is immutable except for the batch it hands over, which belongs to whoever appends it.
 *
 * @param batch         the accepted points, in payload order
 * @param rejections    the first rejected items, in payload order
 * @param rejectedItems how many items were rejected in all; at least {@code rejections.size()}
 * @param sketches      the accepted distribution points, one sketch per series and time; usually empty
 * @param declared      what the payload said about the metrics of accepted series (a Datadog series' {@code type},
 *                      {@code interval} and {@code unit}), by metric name; for the metadata store to fill in
 */
public record IngestResult(MetricBatch batch, List<Rejection> rejections, int rejectedItems, SketchBatch sketches,
                           Map<String, MetricMetadata> declared) {
    /** Most rejections one result lists by name. */
    public static final int MAX_LISTED_REJECTIONS = 1000;

    public IngestResult {
        Objects.requireNonNull(batch, "batch");
        Objects.requireNonNull(sketches, "sketches");
        rejections = List.copyOf(rejections);
        declared = Map.copyOf(declared);
        if (rejectedItems < rejections.size()) {
            throw new IllegalArgumentException("rejectedItems " + rejectedItems + " < listed " + rejections.size());
        }
    }

    public IngestResult(MetricBatch batch, List<Rejection> rejections, int rejectedItems) {
        this(batch, rejections, rejectedItems, new SketchBatch(0), Map.of());
    }

    public IngestResult(MetricBatch batch, List<Rejection> rejections) {
        this(batch, rejections, rejections.size());
    }

    /** A result with nothing accepted and nothing rejected (an empty keep-alive payload). */
    public static IngestResult empty() {
        return new IngestResult(new MetricBatch(4), List.of(), 0);
    }

    public int acceptedPoints() {
        return batch.size() + sketches.size();
    }

    /** True when some items were rejected and some points accepted: the sender should be told both. */
    public boolean partial() {
        return rejectedItems > 0 && acceptedPoints() > 0;
    }

    /** True when nothing was rejected. */
    public boolean complete() {
        return rejectedItems == 0;
    }

    public static Builder builder(int expectedPoints) {
        return new Builder(expectedPoints);
    }

    /**
     * Collects one request's points and rejections. Not thread-safe: one request, one thread.
     */
    public static final class Builder {
        private final MetricBatch batch;
        private SketchBatch sketches;
        private final List<Rejection> rejections = new ArrayList<>();
        private int rejectedItems;
        private Map<String, MetricMetadata> declared;
        private String lastDeclaredMetric;
        private MetricMetadata lastDeclared;

        private Builder(int expectedPoints) {
            this.batch = new MetricBatch(expectedPoints);
        }

        public void add(SeriesKey key, MetricKind kind, long timestampMillis, double value) {
            batch.add(key, kind, timestampMillis, value);
        }

        /** Adds a point with the store's hint for its series (see {@link tocsin.core.metric.SeriesHints}). */
        public void add(SeriesKey key, MetricKind kind, long timestampMillis, double value, Object hint) {
            batch.add(key, kind, timestampMillis, value, hint);
        }

        /** Adds a distribution point: one sketch of a series at a time. */
        public void addSketch(SeriesKey key, long timestampMillis, tocsin.core.metric.Sketch sketch) {
            if (sketches == null) {
                sketches = new SketchBatch();
            }
            sketches.add(key, timestampMillis, sketch);
        }

        /**
         * Records what the payload says about {@code metric} (see {@link IngestResult#declared()}); a later
         * declaration of the same metric in the request replaces an earlier one.
         */
        public void declare(String metric, MetricMetadata metadata) {
            if (metric.equals(lastDeclaredMetric) && metadata.equals(lastDeclared)) {
                return; // series of one metric tend to come together
            }
            if (declared == null) {
                declared = new HashMap<>();
            }
            declared.put(metric, metadata);
            lastDeclaredMetric = metric;
            lastDeclared = metadata;
        }

        public void reject(String item, String reason) {
            if (rejections.size() < MAX_LISTED_REJECTIONS) {
                rejections.add(new Rejection(item, reason));
            }
            rejectedItems++;
        }

        /**
         * Whether another rejection would still be listed by name. Decoders may skip building item and reason
         * strings when it would not, and call {@link #countRejection()} instead.
         */
        public boolean listsMoreRejections() {
            return rejections.size() < MAX_LISTED_REJECTIONS;
        }

        /** Counts a rejection without listing it; see {@link #listsMoreRejections()}. */
        public void countRejection() {
            rejectedItems++;
        }

        public int acceptedPoints() {
            return batch.size() + (sketches == null ? 0 : sketches.size());
        }

        public int rejectedItems() {
            return rejectedItems;
        }

        public IngestResult build() {
            return new IngestResult(batch, rejections, rejectedItems, sketches == null ? new SketchBatch(0) : sketches,
                    declared == null ? Map.of() : declared);
        }
    }
}
