package tocsin.query.datadog;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One series of a {@link QueryResponse}, with the fields of Datadog's v1 {@code MetricsQueryMetadata}. The points
 * run from the first bucket with a value to the last one; buckets in between without a value are null.
 *
 * <p>Immutable and thread-safe.
 */
public final class QuerySeries {
    private final String metric;
    private final String displayName;
    private final String expression;
    private final String scope;
    private final List<String> tagSet;
    private final String aggr;
    private final long intervalSeconds;
    private final int queryIndex;
    private final long[] timestamps;
    private final double[] values;

    /**
     * @param values one per timestamp; NaN means null
     */
    QuerySeries(String metric, String displayName, String expression, String scope, List<String> tagSet, String aggr,
                long intervalSeconds, int queryIndex, long[] timestamps, double[] values) {
        this.metric = Objects.requireNonNull(metric);
        this.displayName = Objects.requireNonNull(displayName);
        this.expression = Objects.requireNonNull(expression);
        this.scope = Objects.requireNonNull(scope);
        this.tagSet = List.copyOf(tagSet);
        this.aggr = aggr;
        this.intervalSeconds = intervalSeconds;
        this.queryIndex = queryIndex;
        this.timestamps = timestamps;
        this.values = values;
    }

    /** A point: Unix milliseconds and a value, null where the bucket has none. */
    public record Point(long timestampMillis, Double value) {
    }

    /** {@code metric}: the metric's name, or the expression over metric names when it reads several. */
    public String metric() {
        return metric;
    }

    /** {@code display_name}. */
    public String displayName() {
        return displayName;
    }

    /** {@code expression}: the query as this series answers it, its group's tags in the scope. */
    public String expression() {
        return expression;
    }

    /** {@code scope}: comma-separated tags, or {@code *}. */
    public String scope() {
        return scope;
    }

    /** {@code tag_set}: the group's tags, {@code key:value}, in the order of the {@code by} keys. */
    public List<String> tagSet() {
        return tagSet;
    }

    /** {@code aggr}: the space aggregator as written ({@code avg}), or null when the query names none. */
    public String aggr() {
        return aggr;
    }

    /** {@code interval}: seconds per point. */
    public long intervalSeconds() {
        return intervalSeconds;
    }

    /** {@code query_index}: which of the comma-separated queries produced this series, from 0. */
    public int queryIndex() {
        return queryIndex;
    }

    /** {@code length}: the number of points. */
    public int length() {
        return timestamps.length;
    }

    /** {@code start}: the first point's time, Unix milliseconds. */
    public long startMillis() {
        return timestamps[0];
    }

    /** {@code end}: the last second of the last point's bucket, Unix milliseconds, as Datadog reports it. */
    public long endMillis() {
        return timestamps[timestamps.length - 1] + intervalSeconds * 1000 - 1000;
    }

    public long timestamp(int i) {
        return timestamps[i];
    }

    /** The value of point {@code i}, or null. */
    public Double value(int i) {
        return Double.isNaN(values[i]) ? null : values[i];
    }

    /** {@code pointlist}. */
    public List<Point> pointlist() {
        List<Point> out = new ArrayList<>(timestamps.length);
        for (int i = 0; i < timestamps.length; i++) {
            out.add(new Point(timestamps[i], value(i)));
        }
        return out;
    }

    @Override
    public String toString() {
        return expression + " " + pointlist();
    }
}
