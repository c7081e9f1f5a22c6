package tocsin.query;

import tocsin.core.metric.MetricKind;
import tocsin.core.metric.SeriesKey;

import java.util.Objects;

/**
 * One series' points aggregated into time buckets aligned to the Unix epoch, as a store's rollups give them
 * ({@link MetricSource#selectRollups}, or end-inclusive by {@link MetricSource#selectEndInclusiveRollups}): per non-empty bucket, oldest first, its start, the count, sum, min and max of
 * the values, and, read as a cumulative counter, the increase from its first point to its last (a drop counting as a
 * reset) with the values of its first and last points.
 *
 * <p>Immutable and thread-safe: {@link #wrap} takes ownership of the arrays, which nobody else may keep.
 */
public final class SourceRollups {
    private final SeriesKey key;
    private final MetricKind kind;
    private final long[] starts;
    private final long[] counts;
    private final double[] sums;
    private final double[] mins;
    private final double[] maxs;
    private final double[] counters;
    private final double[] firsts;
    private final double[] lasts;

    private SourceRollups(SeriesKey key, MetricKind kind, long[] starts, long[] counts, double[] sums, double[] mins,
                          double[] maxs, double[] counters, double[] firsts, double[] lasts) {
        this.key = Objects.requireNonNull(key, "key");
        this.kind = Objects.requireNonNull(kind, "kind");
        this.starts = starts;
        this.counts = counts;
        this.sums = sums;
        this.mins = mins;
        this.maxs = maxs;
        this.counters = counters;
        this.firsts = firsts;
        this.lasts = lasts;
    }

    /** Takes the arrays, all of one length, starts ascending; the caller must not keep them. */
    public static SourceRollups wrap(SeriesKey key, MetricKind kind, long[] starts, long[] counts, double[] sums,
                                     double[] mins, double[] maxs, double[] counters, double[] firsts,
                                     double[] lasts) {
        int n = starts.length;
        for (int length : new int[]{counts.length, sums.length, mins.length, maxs.length, counters.length,
                firsts.length, lasts.length}) {
            if (length != n) {
                throw new IllegalArgumentException("rollup arrays differ in length: " + length + " vs " + n);
            }
        }
        return new SourceRollups(key, kind, starts, counts, sums, mins, maxs, counters, firsts, lasts);
    }

    public SeriesKey key() {
        return key;
    }

    public MetricKind kind() {
        return kind;
    }

    public int size() {
        return starts.length;
    }

    public long start(int i) {
        return starts[i];
    }

    public long count(int i) {
        return counts[i];
    }

    public double sum(int i) {
        return sums[i];
    }

    public double min(int i) {
        return mins[i];
    }

    public double max(int i) {
        return maxs[i];
    }

    public double counter(int i) {
        return counters[i];
    }

    public double first(int i) {
        return firsts[i];
    }

    public double last(int i) {
        return lasts[i];
    }
}
