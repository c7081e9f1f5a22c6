package tocsin.query;

import java.util.ArrayList;
import java.util.List;

/**
 * Where queries read metric data: the store seen from the query engine. The server implements it over the TSDB;
 * {@link InMemoryMetricSource} implements it for tests. Two calls, shaped by what a query needs: find the series a
 * scope selects, then read each one's points.
 *
 * <p>Implementations must be safe for concurrent use: queries run on many request threads at once. Times are Unix
 * milliseconds, bounds inclusive.
 */
public interface MetricSource {

    /**
     * The series of this metric whose tags satisfy the filter and that have at least one point in {@code [fromMillis,
     * toMillis]}. Order does not matter; the engine sorts what it returns.
     */
    List<SourceSeries> select(String metric, TagFilter filter, long fromMillis, long toMillis);

    /** The points of one series selected by {@link #select} in {@code [fromMillis, toMillis]}, ascending by time. */
    Points read(SourceSeries series, long fromMillis, long toMillis);

    /**
     * The series {@link #select} would find, their points in {@code [fromMillis, toMillis]} read only when asked, from
     * any thread, into the caller's buffer; a series may turn out to have none. Order does not matter. The caller
     * closes it.
     *
     * <p>The default reads every series up front through {@link #select} and {@link #read}; a source over a store
     * should decode on demand instead, so that a query over a fleet never holds every series' points at once.
     */
    default SourceSelection selectLazily(String metric, TagFilter filter, long fromMillis, long toMillis) {
        List<SourceSeries> series = select(metric, filter, fromMillis, toMillis);
        List<Points> points = new ArrayList<>(series.size());
        for (SourceSeries s : series) {
            points.add(read(s, fromMillis, toMillis));
        }
        return SourceSelection.of(series, points);
    }

    /**
     * The series {@link #select} would find, each with its points in {@code [fromMillis, toMillis]} aggregated into
     * buckets of {@code intervalMillis} aligned to the Unix epoch, read from the store's rollups where it keeps them
     * (so that a month's query reads a few hundred buckets per series instead of every point). The buckets must be
     * exactly what aggregating the points would give, sums up to float rounding; a bucket cut by the range's ends
     * holds only the points in range. Order does not matter.
     *
     * <p>The default, and a source without rollups, answers null: the engine then reads points.
     */
    default List<SourceRollups> selectRollups(String metric, TagFilter filter, long fromMillis, long toMillis,
                                              long intervalMillis) {
        return null;
    }

    /**
     * As {@link #selectRollups}, but each bucket listed at {@code start} holds the points in
     * {@code (start, start + intervalMillis]}: end-inclusive, as PromQL's range windows {@code (t - range, t]} are, so
     * that a window ending on a bucket end is a run of whole buckets even when points lie exactly on the boundaries.
     * A point at {@code fromMillis} is in the bucket starting at {@code fromMillis - intervalMillis}.
     *
     * <p>The default, and a source that cannot give such buckets exactly, answers null: the engine then reads points.
     */
    default List<SourceRollups> selectEndInclusiveRollups(String metric, TagFilter filter, long fromMillis,
                                                          long toMillis, long intervalMillis) {
        return null;
    }

    /**
     * The distribution series of this metric whose tags satisfy the filter, each with its sketches of the buckets
     * in {@code [fromMillis, toMillis]} (series without any are left out). Distributions are what percentile queries
     * ({@code p95:}) read; order does not matter.
     *
     * <p>The default knows no distributions; a source over a store that keeps them should override it.
     */
    default List<SourceSketches> selectSketches(String metric, TagFilter filter, long fromMillis, long toMillis) {
        return List.of();
    }

    /**
     * The names of the metrics with at least one point in {@code [fromMillis, toMillis]}, for languages whose
     * selectors need not name their metric: PromQL's {@code {job="api"}} and {@code {__name__=~"http_.*"}}, and its
     * {@code /api/v1/label/__name__/values}; distributions, which those languages cannot read, are left out. A source
     * may answer a superset (names with no point in the range); the engine reads the points anyway.
     *
     * <p>The default knows no names, so such selectors find nothing; a source over a store should override it.
     */
    default List<String> metricNames(long fromMillis, long toMillis) {
        return List.of();
    }

    /**
     * How many seconds one point of a {@link tocsin.core.metric.MetricKind#RATE} series of {@code metric} stands for,
     * when that was declared (Datadog's {@code statsd_interval}: DogStatsD's flush interval, or a series'
     * {@code interval}): {@code .as_count()} multiplies a rate by it. Empty when not known; the engine then estimates
     * it from each series' spacing. The default knows none.
     */
    default java.util.OptionalInt rateInterval(String metric) {
        return java.util.OptionalInt.empty();
    }
}
