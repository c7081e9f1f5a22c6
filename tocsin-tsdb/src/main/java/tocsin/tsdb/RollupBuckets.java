package tocsin.tsdb;

import tocsin.core.metric.MetricKind;
import tocsin.core.metric.SeriesKey;

import java.util.Arrays;

/**
 * Builds the buckets of a {@link RollupData} at one resolution and {@link RollupBounds} from samples, or from
 * aggregates of samples lying within one bucket, fed in time order (a bucket may be fed in several parts: the samples
 * of two blocks, a stored bucket then samples, a stored bucket's boundary sample then the rest of it). Combining is exact for count, min, max, first and last; sums and counters are added in
 * bucket order. The one place where the aggregates are defined, for the writer and the reader alike.
 *
 * <p>Not thread-safe.
 */
final class RollupBuckets {
    static final int SUM = 0;
    static final int MIN = 1;
    static final int MAX = 2;
    static final int COUNTER = 3;
    static final int FIRST = 4;
    static final int LAST = 5;
    /** How many double aggregates a bucket has beside its count. */
    static final int AGGREGATES = 6;

    private final long resolution;
    private final RollupBounds bounds;
    private long[] starts = new long[16];
    private long[] counts = new long[16];
    private double[][] values = new double[AGGREGATES][16];
    private int n;

    RollupBuckets(long resolutionMillis) {
        this(resolutionMillis, RollupBounds.START_INCLUSIVE);
    }

    RollupBuckets(long resolutionMillis, RollupBounds bounds) {
        if (resolutionMillis <= 0) {
            throw new IllegalArgumentException("resolution must be positive, was " + resolutionMillis);
        }
        this.resolution = resolutionMillis;
        this.bounds = bounds;
    }

    long resolution() {
        return resolution;
    }

    int size() {
        return n;
    }

    long start(int i) {
        return starts[i];
    }

    long count(int i) {
        return counts[i];
    }

    double value(int aggregate, int i) {
        return values[aggregate][i];
    }

    /** The bucket start of time {@code t}. */
    long align(long t) {
        return bounds.align(t, resolution);
    }

    /** The increment of a cumulative counter going from {@code previous} to {@code value}: a drop is a reset. */
    static double increment(double previous, double value) {
        return value >= previous ? value - previous : value;
    }

    /** Adds a sample, later than every sample or bucket added before. */
    void add(long t, double v) {
        long b = align(t);
        if (n > 0 && starts[n - 1] == b) {
            int i = n - 1;
            counts[i]++;
            values[SUM][i] += v;
            values[MIN][i] = Math.min(values[MIN][i], v);
            values[MAX][i] = Math.max(values[MAX][i], v);
            values[COUNTER][i] += increment(values[LAST][i], v);
            values[LAST][i] = v;
            return;
        }
        open(b, 1, v, v, v, 0, v, v);
    }

    /**
     * Adds the aggregates of samples that all lie in the bucket of {@code at} (one of their times, or any time strictly
     * between the first and the last), later than everything added before.
     */
    void add(long at, long count, double sum, double min, double max, double counter, double first, double last) {
        if (count <= 0) {
            return;
        }
        long b = align(at);
        if (n > 0 && starts[n - 1] == b) {
            int i = n - 1;
            counts[i] += count;
            values[SUM][i] += sum;
            values[MIN][i] = Math.min(values[MIN][i], min);
            values[MAX][i] = Math.max(values[MAX][i], max);
            values[COUNTER][i] += increment(values[LAST][i], first) + counter;
            values[LAST][i] = last;
            return;
        }
        open(b, count, sum, min, max, counter, first, last);
    }

    private void open(long b, long count, double sum, double min, double max, double counter, double first,
                      double last) {
        if (n == starts.length) {
            int capacity = n * 2;
            starts = Arrays.copyOf(starts, capacity);
            counts = Arrays.copyOf(counts, capacity);
            for (int a = 0; a < AGGREGATES; a++) {
                values[a] = Arrays.copyOf(values[a], capacity);
            }
        }
        starts[n] = b;
        counts[n] = count;
        values[SUM][n] = sum;
        values[MIN][n] = min;
        values[MAX][n] = max;
        values[COUNTER][n] = counter;
        values[FIRST][n] = first;
        values[LAST][n] = last;
        n++;
    }

    RollupData toData(SeriesKey key, MetricKind kind) {
        double[][] out = new double[AGGREGATES][];
        for (int a = 0; a < AGGREGATES; a++) {
            out[a] = Arrays.copyOf(values[a], n);
        }
        return new RollupData(key, kind, resolution, bounds, Arrays.copyOf(starts, n), Arrays.copyOf(counts, n), out);
    }
}
