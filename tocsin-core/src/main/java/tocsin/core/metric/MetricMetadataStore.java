package tocsin.core.metric;

import java.util.Optional;

/** Where metric metadata is kept, per metric name. Thread-safe; a change is durable when the call returns. */
public interface MetricMetadataStore {

    /** The metadata of {@code metric}, if any was ever set. */
    Optional<MetricMetadata> find(String metric);

    /** Puts {@code changes}' non-null fields into {@code metric}'s metadata, in one step; returns the result. */
    MetricMetadata update(String metric, MetricMetadata changes);

    /**
     * Puts {@code defaults}' non-null fields into {@code metric}'s metadata where it has none, in one step; returns the
     * result. This is how intakes record what payloads declare (a series' type and interval): what a person set, or
     * an earlier payload declared, stays.
     */
    MetricMetadata fill(String metric, MetricMetadata defaults);
}
