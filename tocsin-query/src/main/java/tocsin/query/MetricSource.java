package tocsin.query;

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
}
