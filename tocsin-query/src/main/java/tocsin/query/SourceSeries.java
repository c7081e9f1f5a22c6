package tocsin.query;

import tocsin.core.metric.MetricKind;
import tocsin.core.metric.SeriesKey;

import java.util.Objects;

/**
 * One stored series as a {@link MetricSource} names it: its identity and what its values mean. Immutable.
 *
 * @param key  name and tags
 * @param kind how its values aggregate: a COUNTER is read as cumulative totals and turned into increments
 */
public record SourceSeries(SeriesKey key, MetricKind kind) {
    public SourceSeries {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(kind, "kind");
    }
}
