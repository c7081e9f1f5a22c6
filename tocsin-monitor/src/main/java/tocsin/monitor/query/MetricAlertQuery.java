package tocsin.monitor.query;

import tocsin.query.datadog.DatadogQuery;
import tocsin.query.datadog.DatadogQueryEngine;

import java.util.Objects;

/**
 * {@code time_aggr(window):metric_query comparator threshold}, or its change form
 * {@code change(time_aggr(window),shift):...} / {@code pct_change(...)}: the query of {@code metric alert} and
 * {@code query alert} monitors. Immutable.
 *
 * @param change     {@link Change#NONE}, or how the value compares with itself {@code shift} earlier
 * @param aggregator the time aggregation over the window
 * @param window     the evaluation window
 * @param shift      for change queries, how far back the compared window ends; null otherwise
 * @param metric     the metric expression as written (trimmed), in Datadog's metric query language
 * @param comparator the comparison
 * @param threshold  the critical threshold written in the query
 */
public record MetricAlertQuery(Change change, TimeAggregator aggregator, Window window, Window shift, String metric,
                               Comparator comparator, double threshold) implements MonitorQuery {

    /** Whether the monitored value is the window's aggregate or its change against an earlier window. */
    public enum Change {
        NONE, CHANGE, PCT_CHANGE;

        String text() {
            return this == CHANGE ? "change" : "pct_change";
        }
    }

    public MetricAlertQuery {
        Objects.requireNonNull(change, "change");
        Objects.requireNonNull(aggregator, "aggregator");
        Objects.requireNonNull(window, "window");
        Objects.requireNonNull(metric, "metric");
        Objects.requireNonNull(comparator, "comparator");
        if ((change == Change.NONE) != (shift == null)) {
            throw new IllegalArgumentException("a shift belongs to change queries only");
        }
        if (!Double.isFinite(threshold)) {
            throw new IllegalArgumentException("threshold must be finite");
        }
    }

    /** The metric expression, parsed (it was validated when this query was parsed). */
    public DatadogQuery parsedMetric() {
        return DatadogQueryEngine.parse(metric);
    }

    @Override
    public String toString() {
        String head = aggregator + "(" + window + ")";
        if (change != Change.NONE) {
            head = change.text() + "(" + head + "," + shift + ")";
        }
        return head + ":" + metric + " " + comparator.symbol() + " " + MonitorQuery.number(threshold);
    }
}
