package tocsin.tsdb;

import tocsin.core.metric.MetricKind;
import tocsin.core.metric.SeriesKey;

import java.util.Objects;

/**
 * One series' samples within a querier's range, aggregated into time buckets of {@link #resolutionMillis()} aligned
 * to the Unix epoch (bucket {@code i} covers {@code [start(i), start(i) + resolution)}, or
 * {@code (start(i), start(i) + resolution]} when {@link #bounds()} is {@link RollupBounds#END_INCLUSIVE}); only
 * buckets holding at least one sample are listed, oldest first. Per bucket:
 * <ul>
 *   <li>{@link #count}, {@link #sum}, {@link #min}, {@link #max} of the sample values (NaN propagates as
 *       {@code Math.min}/{@code +} propagate it);</li>
 *   <li>{@link #counter}: how much the series grew from the bucket's first sample to its last, read as a cumulative
 *       counter, a drop counting as a reset (the increment is then the new value), so that the increase over several
 *       buckets is {@code Σ counter + Σ increment(last of the previous bucket, first of this one)};</li>
 *   <li>{@link #first} and {@link #last}: the values of the bucket's first and last samples.</li>
 * </ul>
 * The same numbers as aggregating the raw samples, whether the store read them from the rollups that maintenance
 * wrote ({@code docs/format/block-rollups.md}) or from raw samples; sums may differ in the last bits, as they are
 * added in another order.
 *
 * <p>Immutable and thread-safe: the arrays are the store's own, never handed out.
 */
public final class RollupData {
    private final SeriesKey key;
    private final MetricKind kind;
    private final long resolutionMillis;
    private final RollupBounds bounds;
    private final long[] starts;
    private final long[] counts;
    private final double[][] aggregates;

    /** Takes ownership of the arrays: starts, counts, then sum, min, max, counter, first, last. */
    RollupData(SeriesKey key, MetricKind kind, long resolutionMillis, RollupBounds bounds, long[] starts,
               long[] counts, double[][] aggregates) {
        this.key = Objects.requireNonNull(key, "key");
        this.kind = Objects.requireNonNull(kind, "kind");
        this.resolutionMillis = resolutionMillis;
        this.bounds = Objects.requireNonNull(bounds, "bounds");
        this.starts = starts;
        this.counts = counts;
        this.aggregates = aggregates;
    }

    public SeriesKey key() {
        return key;
    }

    public MetricKind kind() {
        return kind;
    }

    public long resolutionMillis() {
        return resolutionMillis;
    }

    /** Which end of a bucket holds a sample exactly on it. */
    public RollupBounds bounds() {
        return bounds;
    }

    /** How many non-empty buckets. */
    public int size() {
        return starts.length;
    }

    public boolean isEmpty() {
        return starts.length == 0;
    }

    /** The start of bucket {@code i}, a multiple of the resolution. */
    public long start(int i) {
        return starts[i];
    }

    public long count(int i) {
        return counts[i];
    }

    public double sum(int i) {
        return aggregates[RollupBuckets.SUM][i];
    }

    public double min(int i) {
        return aggregates[RollupBuckets.MIN][i];
    }

    public double max(int i) {
        return aggregates[RollupBuckets.MAX][i];
    }

    public double counter(int i) {
        return aggregates[RollupBuckets.COUNTER][i];
    }

    public double first(int i) {
        return aggregates[RollupBuckets.FIRST][i];
    }

    public double last(int i) {
        return aggregates[RollupBuckets.LAST][i];
    }

    @Override
    public String toString() {
        return key + " " + kind + " (" + starts.length + " buckets of " + resolutionMillis + " ms)";
    }
}
