package tocsin.monitor.eval;

import tocsin.core.metric.SeriesKey;
import tocsin.monitor.query.TimeAggregator;

import java.util.HashMap;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * The recent points of one monitor group, in fixed time buckets: per bucket, per series, its points in time order.
 * A window's value is computed as Datadog describes for monitors: each series is reduced within a bucket (its
 * minimum or maximum when the time aggregator is min or max, so that those stay exact; else its average, or its sum
 * for {@code .as_count()}), the series are combined by the space aggregator, and the buckets by the time aggregator.
 *
 * <p>A point at the timestamp of one already there replaces it, as the store does (last write wins), so retried
 * requests and points that arrive both through the backfill and from ingest count once; late points are slotted in
 * order. Buckets older than the retention are dropped. Not thread-safe: guarded by its monitor's lock.
 */
final class SeriesWindow {
    /** One series' points in one bucket, ascending by time. */
    private static final class Run {
        long[] ts = new long[2];
        double[] v = new double[2];
        int n;

        void put(long t, double value) {
            int i = java.util.Arrays.binarySearch(ts, 0, n, t);
            if (i >= 0) {
                v[i] = value;
                return;
            }
            i = -i - 1;
            if (n == ts.length) {
                ts = java.util.Arrays.copyOf(ts, n * 2);
                v = java.util.Arrays.copyOf(v, n * 2);
            }
            System.arraycopy(ts, i, ts, i + 1, n - i);
            System.arraycopy(v, i, v, i + 1, n - i);
            ts[i] = t;
            v[i] = value;
            n++;
        }

        double reduce(TimeAggregator.Kind time, boolean asCount) {
            double acc = time == TimeAggregator.Kind.MIN ? Double.POSITIVE_INFINITY
                    : time == TimeAggregator.Kind.MAX ? Double.NEGATIVE_INFINITY : 0;
            for (int i = 0; i < n; i++) {
                acc = switch (time) {
                    case MIN -> Math.min(acc, v[i]);
                    case MAX -> Math.max(acc, v[i]);
                    default -> acc + v[i];
                };
            }
            return time == TimeAggregator.Kind.MIN || time == TimeAggregator.Kind.MAX || asCount ? acc : acc / n;
        }
    }

    private final long bucketMillis;
    private final boolean asCount;
    private final TimeAggregator space;
    private final TreeMap<Long, Map<SeriesKey, Run>> buckets = new TreeMap<>();
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
        buckets.computeIfAbsent(bucket, b -> new HashMap<>(4)).computeIfAbsent(key, k -> new Run())
                .put(timestampMillis, value);
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
        NavigableMap<Long, Map<SeriesKey, Run>> in = buckets.subMap(from, false, to, true);
        if (in.isEmpty()) {
            return Double.NaN;
        }
        double[] perBucket = new double[in.size()];
        int n = 0;
        double[] perSeries = new double[8];
        for (Map<SeriesKey, Run> bucket : in.values()) {
            if (perSeries.length < bucket.size()) {
                perSeries = new double[bucket.size()];
            }
            int k = 0;
            for (Run run : bucket.values()) {
                perSeries[k++] = run.reduce(time.kind(), asCount);
            }
            perBucket[n++] = countSeries ? k : space.reduce(perSeries, k);
        }
        return time.reduce(perBucket, n);
    }
}
