package tocsin.query.datadog;

import tocsin.query.TagFilter;

import java.util.List;
import java.util.Objects;

/**
 * What a query that is exactly one metric read selects and how it aggregates across series: the shape a streaming
 * evaluator can compute point by point, without the query engine. Made by {@link DatadogQuery#singleMetric()}.
 * Immutable and thread-safe.
 *
 * @param spaceAggregator {@code avg}, {@code sum}, {@code min}, {@code max}, {@code count} or a percentile such as
 *                        {@code p95}; {@code avg} when the query names none, as Datadog defaults
 * @param metric          the metric name
 * @param filter          the scope
 * @param groupBy         the {@code by {...}} tag keys, in order
 * @param asCount         whether the query ends in {@code .as_count()}
 */
public record MetricSelector(String spaceAggregator, String metric, TagFilter filter, List<String> groupBy,
                             boolean asCount) {
    public MetricSelector {
        Objects.requireNonNull(spaceAggregator, "spaceAggregator");
        Objects.requireNonNull(metric, "metric");
        Objects.requireNonNull(filter, "filter");
        groupBy = List.copyOf(groupBy);
    }
}
