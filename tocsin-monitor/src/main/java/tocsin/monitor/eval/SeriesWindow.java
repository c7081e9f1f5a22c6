package tocsin.monitor.eval;

import tocsin.core.metric.SeriesKey;
import tocsin.monitor.query.TimeAggregator;

import java.util.HashMap;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * The recent points of one monitor group, in fixed time buckets: per bucket, per series, the sum, count, minimum and
 * maximum of its points. A window's value is computed as Datadog describes for monitors: each series is reduced
 * within a bucket (its minimum or maximum when the time aggregator is min or max, so that those stay exact; else its
 * average, or its sum for {@code .as_count()}), the series are combined by the space aggregator, and the buckets by
 * the time aggregator. Late points land in their bucket; buckets older than the retention are dropped.
 * Not thread-safe: guarded by its monitor's lock.
 */
final class SeriesWindow {
    private final long bucketMillis;
    private final boolean asCount;
    private final TimeAggregator space;
    private final TreeMap<Long, Map<SeriesKey, double[]>> buckets = new TreeMap<>();
    /** Timestamp of the oldest point ever added (evicted or not), for {@code require_full_window}. */
    private long earliest = Long.MAX_VALUE;

    /**
     * @param space the space aggregator as a reduction ({@code count} counts series)
     */
    SeriesWindow(long bucketMillis, boolean asCount, TimeAggregator space) {
        this.bucketMillis = bucketMillis;
        this.asCount = asCount;
        this.space = space;
    }

    void add(SeriesKey key, long timestampMillis, double value) {
        long bucket = Math.floorDiv(timestampMillis, bucketMillis) * bucketMillis;
        double[] agg = buckets.computeIfAbsent(bucket, b -> new HashMap<>(4))
                .computeIfAbsent(key, k -> new double[]{0, 0, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY});
        agg[0] += value;
        agg[1]++;
        agg[2] = Math.min(agg[2], value);
        agg[3] = Math.max(agg[3], value);
        earliest = Math.min(earliest, timestampMillis);
    }

    /** Drops buckets that end before {@code millis}. */
    void evictBefore(long millis) {
        buckets.headMap(Math.floorDiv(millis, bucketMillis) * bucketMillis - bucketMillis, true).clear();
    }

    boolean isEmpty() {
        return buckets.isEmpty();
    }

    /** Whether points reach back to {@code start}: the group has been reporting for the whole window. */
    boolean covers(long start) {
        return earliest <= start;
    }

    /**
     * The value over buckets starting in {@code (from, to]}, or NaN when none has data.
     *
     * @param time the time aggregator
     */
    double value(long from, long to, TimeAggregator time, boolean countSeries) {
        NavigableMap<Long, Map<SeriesKey, double[]>> in = buckets.subMap(from, false, to, true);
        if (in.isEmpty()) {
            return Double.NaN;
        }
        double[] perBucket = new double[in.size()];
        int n = 0;
        double[] perSeries = new double[8];
        for (Map<SeriesKey, double[]> bucket : in.values()) {
            if (perSeries.length < bucket.size()) {
                perSeries = new double[bucket.size()];
            }
            int k = 0;
            for (double[] agg : bucket.values()) {
                perSeries[k++] = switch (time.kind()) {
                    case MIN -> agg[2];
                    case MAX -> agg[3];
                    default -> asCount ? agg[0] : agg[0] / agg[1];
                };
            }
            perBucket[n++] = countSeries ? k : space.reduce(perSeries, k);
        }
        return time.reduce(perBucket, n);
    }
}
