package tocsin.tsdb;

import java.util.List;
import java.util.SortedSet;

/**
 * Reads the store's distribution sketches over one closed time range {@code [minMillis, maxMillis]}: select the
 * series of a distribution metric by tag matchers and get their per-bucket sketches, to merge across series and
 * buckets as a query needs (a percentile of all hosts, a coarser rollup).
 *
 * <p>Each {@link #select} sees the sketches acknowledged before it was called, each exactly once, whether they are
 * still in memory or already in a block. Thread-safe. Close it when done; reading after close throws
 * {@link IllegalStateException}.
 */
public interface SketchQuerier extends AutoCloseable {

    long minMillis();

    long maxMillis();

    /**
     * The series of {@code metricName} (exact) that satisfy every matcher and have a bucket in range, sorted by key,
     * each with its buckets in range, ascending. A bucket's timestamp is its start.
     */
    List<SketchSeries> select(String metricName, List<TagMatcher> matchers);

    /** The names of the distribution metrics the store holds, whatever the range. */
    SortedSet<String> metricNames();

    @Override
    void close();
}
