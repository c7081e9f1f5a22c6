package tocsin.query.promql;

import tocsin.query.SourceRollups;
import tocsin.query.promql.Expr.Call;
import tocsin.query.promql.Expr.MatrixSelector;
import tocsin.query.promql.SeriesReader.RollupSeries;
import tocsin.query.promql.Value.Vectors;

import java.util.Arrays;
import java.util.List;

/**
 * {@code sum_over_time}, {@code count_over_time}, {@code avg_over_time}, {@code min_over_time} and
 * {@code max_over_time} of a selector over a long span, answered from the store's rollups instead of every sample,
 * where that gives Prometheus's answer.
 *
 * <h2>Design note: when buckets are the window</h2>
 * A window {@code (t - range, t]} is a run of whole end-inclusive buckets ({@code (s, s + r]},
 * {@link tocsin.query.MetricSource#selectEndInclusiveRollups}) exactly when {@code t} and {@code range} are
 * multiples of the resolution {@code r}; the store's rollups keep each bucket's boundary sample apart (rollups format
 * version 2), so a sample exactly on a boundary, which regular scrapes put there every bucket, lands in the window
 * Prometheus puts it in. Then count, min and max of the window are those of its buckets exactly, and sum and mean
 * are the buckets' sums added up (with compensation), which differs from adding the samples one by one only in the
 * last bits of the float. So this answers only when:
 * <ul>
 *   <li>the argument is a plain range selector (not a subquery) and every step's window end, after {@code offset} and
 *       {@code @}, and the range are multiples of 1 hour or of 5 minutes (the resolutions compaction stores;
 *       the coarser one is used when both fit);</li>
 *   <li>the selector spans at least {@link #MIN_SPAN_MILLIS}: shorter ones read the head and recent small blocks,
 *       which have no rollups, and would only trade exact sums for rounding;</li>
 *   <li>no bucket or window sum is NaN or infinite: a NaN (Prometheus's staleness markers are NaNs, which range reads
 *       drop), or an infinity, behaves differently in Prometheus's min/max (which prefer numbers to NaN) and mean
 *       (which turns incremental on overflow), so any of them sends the whole call back to raw samples;</li>
 *   <li>the source gives end-inclusive buckets at all and no two series keys read as the same labels.</li>
 * </ul>
 * Anything else returns null and {@link RangeFunctions} reads samples. {@code rate}, {@code increase} and the rest
 * stay on samples: Prometheus extrapolates from the times of a window's first and last samples, which buckets do
 * not keep. Not thread-safe; one per query, like the {@link Evaluator}.
 */
final class RollupWindows {
    /** The resolutions the store keeps rollups at, coarsest first. */
    static final long[] RESOLUTIONS = {3_600_000L, 300_000L};
    /** The shortest selector span (range plus the steps' spread) answered from rollups: a day. */
    static final long MIN_SPAN_MILLIS = 86_400_000L;

    private RollupWindows() {
    }

    /** The call's value from rollups, or null when rollups cannot give Prometheus's answer (see the class comment). */
    static Value eval(Evaluator ev, Call c) {
        Function f = c.function();
        if (f != Function.SUM_OVER_TIME && f != Function.COUNT_OVER_TIME && f != Function.AVG_OVER_TIME
                && f != Function.MIN_OVER_TIME && f != Function.MAX_OVER_TIME) {
            return null;
        }
        if (!(Expr.unwrap(c.args().getFirst()) instanceof MatrixSelector ms)) {
            return null;
        }
        long range = ms.rangeMillis();
        long[] ends = ev.effectiveTimes(ms.selector().modifiers());
        long min = Arrays.stream(ends).min().orElseThrow();
        long max = Arrays.stream(ends).max().orElseThrow();
        long resolution = resolution(range, ends);
        if (resolution == 0 || max - min + range < MIN_SPAN_MILLIS) {
            return null;
        }
        List<RollupSeries> series = ev.reader.readRollups(ms.selector().matchers(), min - range + 1, max, resolution);
        if (series == null) {
            return null;
        }
        VectorBuilder out = new VectorBuilder(ev.steps());
        for (RollupSeries s : series) {
            if (!window(f, s.buckets(), range, ends, out.series(s.labels().withoutMetricName()), out)) {
                return null;
            }
        }
        return new Vectors(out.build());
    }

    /** The coarsest stored resolution dividing the range and every window end, or 0. */
    static long resolution(long range, long[] ends) {
        for (long r : RESOLUTIONS) {
            if (range % r != 0) {
                continue;
            }
            boolean aligned = true;
            for (long end : ends) {
                if (Math.floorMod(end, r) != 0) {
                    aligned = false;
                    break;
                }
            }
            if (aligned) {
                return r;
            }
        }
        return 0;
    }

    /**
     * Fills {@code o} with {@code f} of each step's window, the buckets starting in {@code [end - range, end)};
     * false when a sum is not finite (the caller then reads samples).
     */
    private static boolean window(Function f, SourceRollups b, long range, long[] ends, StepSeries o,
                                  VectorBuilder out) {
        int n = b.size();
        long[] starts = new long[n];
        double[] sums = new double[n];
        long[] countsBefore = new long[n + 1];
        for (int i = 0; i < n; i++) {
            starts[i] = b.start(i);
            sums[i] = b.sum(i);
            if (!Double.isFinite(sums[i])) {
                return false;
            }
            countsBefore[i + 1] = countsBefore[i] + b.count(i);
        }
        for (int step = 0; step < ends.length; step++) {
            int lo = firstAtOrAfter(starts, ends[step] - range);
            int hi = firstAtOrAfter(starts, ends[step]);
            long count = countsBefore[hi] - countsBefore[lo];
            if (count == 0) {
                continue;
            }
            double v;
            switch (f) {
                case COUNT_OVER_TIME -> v = count;
                case MIN_OVER_TIME, MAX_OVER_TIME -> {
                    boolean isMax = f == Function.MAX_OVER_TIME;
                    v = isMax ? b.max(lo) : b.min(lo);
                    for (int i = lo + 1; i < hi; i++) {
                        v = isMax ? Math.max(v, b.max(i)) : Math.min(v, b.min(i));
                    }
                }
                default -> {
                    double sum = Kahan.sum(sums, lo, hi);
                    if (!Double.isFinite(sum)) {
                        return false;
                    }
                    v = f == Function.SUM_OVER_TIME ? sum : sum / count;
                }
            }
            out.add(o, step, v);
        }
        return true;
    }

    /** The first index whose start is at or after {@code t}. */
    private static int firstAtOrAfter(long[] starts, long t) {
        int i = Arrays.binarySearch(starts, t);
        return i >= 0 ? i : -i - 1;
    }
}
