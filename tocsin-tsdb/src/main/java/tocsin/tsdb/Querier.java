package tocsin.tsdb;

import tocsin.core.metric.MetricKind;
import tocsin.core.metric.SampleBuffer;
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

    /**
     * The series {@link #series} would return, decoded only when asked, each into the caller's buffer. The default
     * reads each series by key; a store should answer from its selection directly.
     */
    default SeriesSelection selectLazily(String metricName, List<TagMatcher> matchers) {
        List<SeriesKey> keys = series(metricName, matchers);
        return new SeriesSelection() {
            @Override
            public int size() {
                return keys.size();
            }

            @Override
            public SeriesKey key(int i) {
                return keys.get(i);
            }

            @Override
            public MetricKind decodeInto(int i, SampleBuffer buf) {
                SeriesData d = read(keys.get(i)).orElse(null);
                if (d == null) {
                    buf.clear();
                    return MetricKind.GAUGE;
                }
                buf.replaceWith(d.sharedTimestamps(), d.sharedValues(), d.size());
                return d.kind();
            }
        };
    }

    /** The samples in range of one series, or empty when the store does not know the series. */
    Optional<SeriesData> read(SeriesKey key);

    /**
     * Each series {@link #select} would return, its samples aggregated into buckets of {@code resolutionMillis}
     * aligned to the epoch ({@link RollupData}), {@link RollupBounds#START_INCLUSIVE}.
     */
    default Stream<RollupData> selectRollups(String metricName, List<TagMatcher> matchers, long resolutionMillis) {
        return selectRollups(metricName, matchers, resolutionMillis, RollupBounds.START_INCLUSIVE);
    }

    /**
     * Each series {@link #select} would return, its samples aggregated into buckets of {@code resolutionMillis}
     * aligned to the epoch ({@link RollupData}) whose boundary samples belong where {@code bounds} says. Answered
     * from the rollups that compaction wrote wherever a block has them at a resolution dividing
     * {@code resolutionMillis} for these bounds (format version 1 has only {@link RollupBounds#START_INCLUSIVE}
     * buckets) and the bucket lies wholly inside both the block and this querier's range, else from raw samples: the
     * same buckets either way (sums up to rounding). A bucket cut by the range's ends holds only the samples in range.
     */
    default Stream<RollupData> selectRollups(String metricName, List<TagMatcher> matchers, long resolutionMillis,
                                             RollupBounds bounds) {
        return select(metricName, matchers).map(d -> Querier.aggregate(d, resolutionMillis, bounds));
    }

    /** {@link #selectRollups} for one series; empty when the store does not know the series. */
    default Optional<RollupData> readRollup(SeriesKey key, long resolutionMillis) {
        return read(key).map(d -> Querier.aggregate(d, resolutionMillis, RollupBounds.START_INCLUSIVE));
    }

    /** What this querier has read from disk so far. */
    default ReadStats stats() {
        return ReadStats.NONE;
    }

    /** Raw samples into buckets, as {@link #selectRollups} defines them. */
    static RollupData aggregate(SeriesData d, long resolutionMillis, RollupBounds bounds) {
        RollupBuckets b = new RollupBuckets(resolutionMillis, bounds);
        for (int i = 0; i < d.size(); i++) {
            b.add(d.timestamp(i), d.value(i));
        }
        return b.toData(d.key(), d.kind());
    }

    SortedSet<String> metricNames();

    /** The tag keys on the series of {@code metricName}; a bare tag is its own key. */
    SortedSet<String> tagKeys(String metricName);

    /** The values of tag key {@code key} on the series of {@code metricName}; a bare tag has the empty value. */
    SortedSet<String> tagValues(String metricName, String key);

    @Override
    void close();
}
