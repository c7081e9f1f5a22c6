package tocsin.tsdb;

import tocsin.core.metric.SeriesKey;

import java.util.List;
import java.util.Optional;
import java.util.SortedSet;
import java.util.stream.Stream;

/**
 * Reads the store over one closed time range {@code [minMillis, maxMillis]}, as Prometheus's {@code Querier}: select
 * series by metric name and tag matchers, then read their samples.
 *
 * <p>Reads see the in-memory head as it is when each method runs (a point appended and acknowledged before the call
 * is visible, one appended during it may or may not be) and the on-disk blocks as they were when the querier was
 * made: a block written, merged or deleted meanwhile does not change what it reads, and no sample is seen twice or
 * missed because it moved from memory to a block. Listings ({@link #metricNames()}, {@link #tagKeys},
 * {@link #tagValues}) cover every series the store holds, whatever the range; {@link #series} and {@link #select}
 * only return series with samples in the range (judged by chunk bounds for {@link #series}).
 *
 * <p>Thread-safe. Close it when done, promptly: until then it pins the blocks it reads (keeps them mapped, and
 * on disk if retention dropped them) and the in-memory samples they replace. Reading after close throws
 * {@link IllegalStateException}.
 */
public interface Querier extends AutoCloseable {

    long minMillis();

    long maxMillis();

    /** The keys of the series of {@code metricName} (exact) that satisfy every matcher and have samples in range. */
    List<SeriesKey> series(String metricName, List<TagMatcher> matchers);

    /**
     * Streams the samples in range of each series {@link #series} would return, decoding one series at a time as the
     * stream is consumed; series with no sample in range are left out. Sorted by key.
     */
    Stream<SeriesData> select(String metricName, List<TagMatcher> matchers);

    /** The samples in range of one series, or empty when the store does not know the series. */
    Optional<SeriesData> read(SeriesKey key);

    SortedSet<String> metricNames();

    /** The tag keys on the series of {@code metricName}; a bare tag is its own key. */
    SortedSet<String> tagKeys(String metricName);

    /** The values of tag key {@code key} on the series of {@code metricName}; a bare tag has the empty value. */
    SortedSet<String> tagValues(String metricName, String key);

    @Override
    void close();
}
