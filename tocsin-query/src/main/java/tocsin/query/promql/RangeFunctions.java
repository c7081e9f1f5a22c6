package tocsin.query.promql;

import tocsin.query.promql.Evaluator.RangeInput;
import tocsin.query.promql.Expr.Call;
import tocsin.query.promql.Value.Vectors;

import java.util.Arrays;
import java.util.List;

/**
 * The functions of a range vector, each computed on the samples of one series in the window
 * {@code (end - range, end]} of each step. Every one drops {@code __name__} except {@code last_over_time}, as in
 * Prometheus. A window with too few samples yields nothing at that step: two for the rate family, {@code deriv} and
 * {@code predict_linear}, one for the others.
 *
 * <h2>{@code rate}, {@code increase}, {@code delta}: Prometheus's {@code extrapolatedRate}</h2>
 * The result is the difference between the window's last and first samples, plus, for counters ({@code rate},
 * {@code increase}), the value before every drop (a drop is a counter reset). That difference covers the sampled
 * interval from first to last sample; it is extrapolated towards each end of the window by the gap to that end, but
 * only when the gap is under 1.1 times the average sample spacing, otherwise by half a spacing (the series is taken to
 * start or end within the window). For counters the extrapolation to the start also stops where the counter would
 * reach zero. {@code rate} divides by the window's length in seconds.
 *
 * <p>Over long spans, {@link RollupWindows} answers the plain aggregations over time from the store's rollups where
 * that gives the same answer.
 */
final class RangeFunctions {
    private static final double EXTRAPOLATION_THRESHOLD = 1.1;

    private RangeFunctions() {
    }

    static Value eval(Evaluator ev, Call c) {
        Value fromRollups = RollupWindows.eval(ev, c);
        if (fromRollups != null) {
            return fromRollups;
        }
        Function f = c.function();
        List<Expr> args = c.args();
        Expr matrix = f == Function.QUANTILE_OVER_TIME ? args.get(1) : args.get(0);
        double[] param = switch (f) {
            case QUANTILE_OVER_TIME -> ev.scalar(args.get(0));
            case PREDICT_LINEAR -> ev.scalar(args.get(1));
            default -> null;
        };
        RangeInput in = ev.range(matrix);
        if (f == Function.ABSENT_OVER_TIME) {
            return absentOverTime(ev, in, matrix);
        }
        int min = switch (f) {
            case RATE, INCREASE, DELTA, IRATE, IDELTA, DERIV, PREDICT_LINEAR -> 2;
            default -> 1;
        };
        boolean keepName = f == Function.LAST_OVER_TIME;
        VectorBuilder out = new VectorBuilder(ev.steps());
        double[] scratch = null;
        boolean ascending = Evaluator.ascending(in.ends());
        for (RawSeries s : in.series()) {
            StepSeries o = out.series(keepName ? s.labels() : s.labels().withoutMetricName());
            long[] ts = s.timestamps();
            double[] vs = s.values();
            int lo = 0;
            int hi = 0;
            for (int i = 0; i < ev.steps(); i++) {
                long end = in.ends()[i];
                long start = end - in.range();
                if (ascending) {
                    while (lo < ts.length && ts[lo] <= start) {
                        lo++;
                    }
                    hi = Math.max(hi, lo);
                    while (hi < ts.length && ts[hi] <= end) {
                        hi++;
                    }
                } else {
                    lo = s.after(start);
                    hi = s.after(end);
                }
                if (hi - lo < min) {
                    continue;
                }
                double v = switch (f) {
                    case RATE -> extrapolatedRate(ts, vs, lo, hi, start, end, true, true);
                    case INCREASE -> extrapolatedRate(ts, vs, lo, hi, start, end, true, false);
                    case DELTA -> extrapolatedRate(ts, vs, lo, hi, start, end, false, false);
                    case IRATE -> instantValue(ts, vs, hi, true);
                    case IDELTA -> instantValue(ts, vs, hi, false);
                    case DERIV -> linearRegression(ts, vs, lo, hi, ts[lo])[0];
                    case PREDICT_LINEAR -> {
                        double[] r = linearRegression(ts, vs, lo, hi, ev.time(i));
                        yield r[0] * param[i] + r[1];
                    }
                    case CHANGES -> changes(vs, lo, hi);
                    case RESETS -> resets(vs, lo, hi);
                    case AVG_OVER_TIME -> Kahan.mean(vs, lo, hi);
                    case SUM_OVER_TIME -> Kahan.sum(vs, lo, hi);
                    case MIN_OVER_TIME -> extreme(vs, lo, hi, false);
                    case MAX_OVER_TIME -> extreme(vs, lo, hi, true);
                    case COUNT_OVER_TIME -> hi - lo;
                    case LAST_OVER_TIME -> vs[hi - 1];
                    case PRESENT_OVER_TIME -> 1;
                    case STDVAR_OVER_TIME -> variance(vs, lo, hi);
                    case STDDEV_OVER_TIME -> Math.sqrt(variance(vs, lo, hi));
                    case QUANTILE_OVER_TIME -> {
                        if (scratch == null || scratch.length < hi - lo) {
                            scratch = new double[Math.max(hi - lo, 16)];
                        }
                        System.arraycopy(vs, lo, scratch, 0, hi - lo);
                        yield Aggregations.quantile(param[i], scratch, hi - lo);
                    }
                    default -> throw new IllegalStateException(f.word());
                };
                out.add(o, i, v);
            }
        }
        return new Vectors(out.build());
    }

    /**
     * Prometheus's {@code extrapolatedRate} on samples {@code [lo, hi)} (at least two) of the window
     * {@code (start, end]}; see the class comment.
     */
    static double extrapolatedRate(long[] ts, double[] vs, int lo, int hi, long start, long end, boolean counter,
                                   boolean perSecond) {
        int last = hi - 1;
        double result = vs[last] - vs[lo];
        if (counter) {
            double prev = vs[lo];
            for (int i = lo + 1; i < hi; i++) {
                if (vs[i] < prev) {
                    result += prev;
                }
                prev = vs[i];
            }
        }
        double durationToStart = (ts[lo] - start) / 1000.0;
        double durationToEnd = (end - ts[last]) / 1000.0;
        double sampledInterval = (ts[last] - ts[lo]) / 1000.0;
        double averageBetweenSamples = sampledInterval / (hi - lo - 1);
        double threshold = averageBetweenSamples * EXTRAPOLATION_THRESHOLD;
        if (durationToStart >= threshold) {
            durationToStart = averageBetweenSamples / 2;
        }
        if (counter && result > 0 && vs[lo] >= 0) {
            // A counter cannot go below zero: extrapolate no further back than where it would reach it.
            double durationToZero = sampledInterval * (vs[lo] / result);
            if (durationToZero < durationToStart) {
                durationToStart = durationToZero;
            }
        }
        if (durationToEnd >= threshold) {
            durationToEnd = averageBetweenSamples / 2;
        }
        double factor = (sampledInterval + durationToStart + durationToEnd) / sampledInterval;
        if (perSecond) {
            factor /= (end - start) / 1000.0;
        }
        return result * factor;
    }

    /** {@code irate}/{@code idelta}: the last two samples before {@code hi}; a drop is a reset for irate. */
    static double instantValue(long[] ts, double[] vs, int hi, boolean rate) {
        double last = vs[hi - 1];
        double previous = vs[hi - 2];
        double result = rate && last < previous ? last : last - previous;
        if (rate) {
            result /= (ts[hi - 1] - ts[hi - 2]) / 1000.0;
        }
        return result;
    }

    /**
     * Least-squares slope and intercept of the samples, x in seconds from {@code interceptTime}, with compensated
     * sums; a constant series has slope 0 (NaN for both when it is infinite), as in Prometheus.
     */
    static double[] linearRegression(long[] ts, double[] vs, int lo, int hi, long interceptTime) {
        double n = 0;
        double sumX = 0;
        double cX = 0;
        double sumY = 0;
        double cY = 0;
        double sumXY = 0;
        double cXY = 0;
        double sumX2 = 0;
        double cX2 = 0;
        double initY = vs[lo];
        boolean constY = true;
        for (int i = lo; i < hi; i++) {
            double y = vs[i];
            if (constY && i > lo && y != initY) {
                constY = false;
            }
            n++;
            double x = (ts[i] - interceptTime) / 1000.0;
            double t = sumX + x;
            cX = Kahan.compensation(x, sumX, t, cX);
            sumX = t;
            t = sumY + y;
            cY = Kahan.compensation(y, sumY, t, cY);
            sumY = t;
            t = sumXY + x * y;
            cXY = Kahan.compensation(x * y, sumXY, t, cXY);
            sumXY = t;
            t = sumX2 + x * x;
            cX2 = Kahan.compensation(x * x, sumX2, t, cX2);
            sumX2 = t;
        }
        if (constY) {
            return Double.isInfinite(initY) ? new double[] {Double.NaN, Double.NaN} : new double[] {0, initY};
        }
        sumX += cX;
        sumY += cY;
        sumXY += cXY;
        sumX2 += cX2;
        double covXY = sumXY - sumX * sumY / n;
        double varX = sumX2 - sumX * sumX / n;
        double slope = covXY / varX;
        double intercept = sumY / n - slope * sumX / n;
        return new double[] {slope, intercept};
    }

    static double changes(double[] vs, int lo, int hi) {
        int changes = 0;
        double prev = vs[lo];
        for (int i = lo + 1; i < hi; i++) {
            double cur = vs[i];
            if (cur != prev && !(Double.isNaN(cur) && Double.isNaN(prev))) {
                changes++;
            }
            prev = cur;
        }
        return changes;
    }

    static double resets(double[] vs, int lo, int hi) {
        int resets = 0;
        double prev = vs[lo];
        for (int i = lo + 1; i < hi; i++) {
            if (vs[i] < prev) {
                resets++;
            }
            prev = vs[i];
        }
        return resets;
    }

    /** Max or min preferring numbers over NaN, as Prometheus's {@code max_over_time}/{@code min_over_time}. */
    static double extreme(double[] vs, int lo, int hi, boolean max) {
        double r = vs[lo];
        for (int i = lo + 1; i < hi; i++) {
            double v = vs[i];
            if ((max ? v > r : v < r) || Double.isNaN(r)) {
                r = v;
            }
        }
        return r;
    }

    /** Population variance with compensated Welford updates, as Prometheus 3's {@code stdvar_over_time}. */
    static double variance(double[] vs, int lo, int hi) {
        double count = 0;
        double mean = 0;
        double cMean = 0;
        double aux = 0;
        double cAux = 0;
        for (int i = lo; i < hi; i++) {
            double f = vs[i];
            count++;
            double delta = f - (mean + cMean);
            double inc = delta / count;
            double t = mean + inc;
            cMean = Kahan.compensation(inc, mean, t, cMean);
            mean = t;
            double inc2 = delta * (f - (mean + cMean));
            t = aux + inc2;
            cAux = Kahan.compensation(inc2, aux, t, cAux);
            aux = t;
        }
        return (aux + cAux) / count;
    }

    /**
     * {@code absent_over_time}: 1 at each step whose window has no sample in any series, labelled from the selector's
     * equality matchers.
     */
    private static Value absentOverTime(Evaluator ev, RangeInput in, Expr matrix) {
        boolean[] present = new boolean[ev.steps()];
        Arrays.fill(present, true);
        for (RawSeries s : in.series()) {
            for (int i = 0; i < ev.steps(); i++) {
                long end = in.ends()[i];
                if (present[i] && s.after(end) > s.after(end - in.range())) {
                    present[i] = false;
                }
            }
        }
        double[] ones = new double[ev.steps()];
        Arrays.fill(ones, 1);
        StepSeries out = new StepSeries(InstantFunctions.absentLabels(Expr.unwrap(matrix)), ones, present);
        return new Vectors(out.isEmpty() ? List.of() : List.of(out));
    }
}
