package tocsin.query.promql;

import tocsin.query.promql.Expr.Aggregate;
import tocsin.query.promql.Expr.Binary;
import tocsin.query.promql.Expr.Call;
import tocsin.query.promql.Expr.MatrixSelector;
import tocsin.query.promql.Expr.Modifiers;
import tocsin.query.promql.Expr.NumberLiteral;
import tocsin.query.promql.Expr.Paren;
import tocsin.query.promql.Expr.StringLiteral;
import tocsin.query.promql.Expr.Subquery;
import tocsin.query.promql.Expr.Unary;
import tocsin.query.promql.Expr.VectorSelector;
import tocsin.query.promql.Value.RawMatrix;
import tocsin.query.promql.Value.Scalars;
import tocsin.query.promql.Value.Str;
import tocsin.query.promql.Value.Vectors;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Evaluates a PromQL tree over a {@link Grid} of times, the way Prometheus's engine does: every node is computed for
 * all steps at once (a range query is not a loop of instant queries), each selector is read from the source once
 * for the whole span it needs, and an instant query is a grid of one step.
 *
 * <h2>Design note</h2>
 * <ul>
 *   <li>Values: scalars and instant vectors are arrays over the steps ({@link Value}); an instant vector's series
 *       carry a presence flag per step ({@link StepSeries}), since NaN is a sample value.</li>
 *   <li>Instant selectors: at each step {@code t}, the latest sample in {@code (t' - lookback, t']} where
 *       {@code t'} is {@code t} moved by {@code @} and {@code offset}; none if that sample is a staleness marker.
 *       The window is left-open, as in Prometheus 3.</li>
 *   <li>Range selectors and subqueries ({@link RangeInput}): at each step, the samples in {@code (t' - range, t']}.
 *       A subquery evaluates its expression once on a grid aligned to absolute multiples of its step (Prometheus's
 *       alignment) covering every window, then slices it per step.</li>
 *   <li>Operators, aggregations and functions live in {@link BinaryOps}, {@link Aggregations},
 *       {@link RangeFunctions} and {@link InstantFunctions}.</li>
 * </ul>
 * Pure: reads only the source, no clock. Not thread-safe; one per query.
 */
final class Evaluator {
    final SeriesReader reader;
    final Grid grid;
    final long queryStart;
    final long queryEnd;
    final long lookback;
    final long subqueryStep;
    private final long[] times;

    Evaluator(SeriesReader reader, Grid grid, long queryStart, long queryEnd, long lookback, long subqueryStep) {
        this.reader = reader;
        this.grid = grid;
        this.queryStart = queryStart;
        this.queryEnd = queryEnd;
        this.lookback = lookback;
        this.subqueryStep = subqueryStep;
        this.times = new long[grid.size()];
        for (int i = 0; i < times.length; i++) {
            times[i] = grid.time(i);
        }
    }

    int steps() {
        return times.length;
    }

    long time(int step) {
        return times[step];
    }

    Value eval(Expr e) {
        return switch (e) {
            case NumberLiteral n -> constant(n.value());
            case StringLiteral s -> new Str(s.value());
            case Paren p -> eval(p.expr());
            case VectorSelector vs -> selectVector(vs, false);
            case MatrixSelector ms -> rawMatrix(ms);
            case Subquery sq -> rawMatrix(sq);
            case Unary u -> unary(u);
            case Binary b -> BinaryOps.eval(this, b);
            case Aggregate a -> Aggregations.eval(this, a);
            case Call c -> call(c);
        };
    }

    List<StepSeries> vector(Expr e) {
        return ((Vectors) eval(e)).series();
    }

    double[] scalar(Expr e) {
        return ((Scalars) eval(e)).values();
    }

    String string(Expr e) {
        return ((Str) eval(e)).value();
    }

    Scalars constant(double v) {
        double[] out = new double[steps()];
        Arrays.fill(out, v);
        return new Scalars(out);
    }

    private Value unary(Unary u) {
        Value v = eval(u.expr());
        if (!u.negate()) {
            return v;
        }
        if (v instanceof Scalars s) {
            double[] out = new double[s.values().length];
            for (int i = 0; i < out.length; i++) {
                out[i] = -s.values()[i];
            }
            return new Scalars(out);
        }
        VectorBuilder b = new VectorBuilder(steps());
        for (StepSeries s : ((Vectors) v).series()) {
            StepSeries o = b.series(s.labels.withoutMetricName());
            for (int i = 0; i < steps(); i++) {
                if (s.present[i]) {
                    b.add(o, i, -s.values[i]);
                }
            }
        }
        return new Vectors(b.build());
    }

    private Value call(Call c) {
        Function f = c.function();
        List<Expr> args = c.args();
        return switch (f) {
            case TIME -> {
                double[] out = new double[steps()];
                for (int i = 0; i < out.length; i++) {
                    out[i] = times[i] / 1000.0;
                }
                yield new Scalars(out);
            }
            case PI -> constant(Math.PI);
            case VECTOR_FN -> {
                double[] v = scalar(args.getFirst());
                boolean[] present = new boolean[v.length];
                Arrays.fill(present, true);
                yield new Vectors(List.of(new StepSeries(Labels.EMPTY, v.clone(), present)));
            }
            case SCALAR_FN -> {
                List<StepSeries> in = vector(args.getFirst());
                double[] out = new double[steps()];
                for (int i = 0; i < out.length; i++) {
                    int n = 0;
                    double v = Double.NaN;
                    for (StepSeries s : in) {
                        if (s.present[i]) {
                            n++;
                            v = s.values[i];
                        }
                    }
                    out[i] = n == 1 ? v : Double.NaN;
                }
                yield new Scalars(out);
            }
            case TIMESTAMP -> timestamp(args.getFirst());
            default -> f.argType(0) == Expr.Type.MATRIX || (args.size() > 1 && f.argType(1) == Expr.Type.MATRIX)
                    ? RangeFunctions.eval(this, c) : InstantFunctions.eval(this, c);
        };
    }

    /** {@code timestamp(v)}: a selector's own sample times; for anything else, the evaluation time. */
    private Value timestamp(Expr arg) {
        if (Expr.unwrap(arg) instanceof VectorSelector vs) {
            return dropNames(selectVector(vs, true).series());
        }
        List<StepSeries> in = vector(arg);
        VectorBuilder b = new VectorBuilder(steps());
        for (StepSeries s : in) {
            StepSeries o = b.series(s.labels.withoutMetricName());
            for (int i = 0; i < steps(); i++) {
                if (s.present[i]) {
                    b.add(o, i, times[i] / 1000.0);
                }
            }
        }
        return new Vectors(b.build());
    }

    private Vectors dropNames(List<StepSeries> in) {
        VectorBuilder b = new VectorBuilder(steps());
        for (StepSeries s : in) {
            StepSeries o = b.series(s.labels.withoutMetricName());
            for (int i = 0; i < steps(); i++) {
                if (s.present[i]) {
                    b.add(o, i, s.values[i]);
                }
            }
        }
        return new Vectors(b.build());
    }

    /** The time each step reads at, after {@code @} and {@code offset}. */
    long[] effectiveTimes(Modifiers m) {
        long[] out = new long[steps()];
        for (int i = 0; i < out.length; i++) {
            out[i] = m.effective(times[i], queryStart, queryEnd);
        }
        return out;
    }

    /**
     * An instant vector selector over the grid.
     *
     * @param sampleTimes whether to yield each selected sample's timestamp in seconds instead of its value
     */
    Vectors selectVector(VectorSelector vs, boolean sampleTimes) {
        Selection sel = select(vs);
        List<StepSeries> out = new ArrayList<>(sel.raw().size());
        for (RawSeries r : sel.raw()) {
            StepSeries s = new StepSeries(r.labels(), sel.at().length);
            sel.step(r, s, sampleTimes);
            if (!s.isEmpty()) {
                out.add(s);
            }
        }
        return new Vectors(out);
    }

    /** An instant selector's raw samples and the times (per step, after offset and @) it is sampled at. */
    Selection select(VectorSelector vs) {
        Sampling at = sampling(vs);
        return new Selection(reader.read(vs.matchers(), at.from(), at.to(), false), at);
    }

    /**
     * An instant selector whose series are read only when stepped ({@link SeriesReader#readLazily}); null when two
     * of its series keys read as the same labels ({@link #select} merges those).
     */
    LazySelection selectLazily(VectorSelector vs) {
        Sampling at = sampling(vs);
        SeriesReader.Lazy series = reader.readLazily(vs.matchers(), at.from(), at.to());
        return series == null ? null : new LazySelection(series, at);
    }

    private Sampling sampling(VectorSelector vs) {
        long[] at = effectiveTimes(vs.modifiers());
        return new Sampling(at, ascending(at), lookback);
    }

    /**
     * The times (per step, after offset and @) an instant selector is sampled at: each step takes the newest sample
     * within the lookback window, unless it is a staleness marker.
     */
    record Sampling(long[] at, boolean ascending, long lookback) {
        /** The first time a sample is read from. */
        long from() {
            return Arrays.stream(at).min().orElseThrow() - lookback + 1;
        }

        /** The last time a sample is read from. */
        long to() {
            return Arrays.stream(at).max().orElseThrow();
        }

        /** {@code reused} cleared and filled with the values of samples {@code [0, n)} at each step. */
        StepSeries restep(long[] ts, double[] vs, int n, StepSeries reused) {
            Arrays.fill(reused.present, false);
            step(ts, vs, n, reused, false);
            return reused;
        }

        /** Fills {@code s} (whose present flags must be clear) from samples {@code [0, n)} of {@code ts}/{@code vs}. */
        void step(long[] ts, double[] vs, int n, StepSeries s, boolean sampleTimes) {
            int upTo = 0;
            for (int i = 0; i < at.length; i++) {
                if (ascending) {
                    while (upTo < n && ts[upTo] <= at[i]) {
                        upTo++;
                    }
                } else {
                    upTo = RawSeries.after(ts, n, at[i]);
                }
                int idx = upTo - 1;
                if (idx >= 0 && ts[idx] > at[i] - lookback && !SeriesReader.isStale(vs[idx])) {
                    s.set(i, sampleTimes ? ts[idx] / 1000.0 : vs[idx]);
                }
            }
        }
    }

    /** Raw series read up front, to be sampled at {@link Sampling#at}. */
    record Selection(List<RawSeries> raw, Sampling sampling) {
        long[] at() {
            return sampling.at();
        }

        /** Fills {@code s} (whose present flags must be clear) with {@code r}'s value at each step. */
        void step(RawSeries r, StepSeries s, boolean sampleTimes) {
            sampling.step(r.timestamps(), r.values(), r.size(), s, sampleTimes);
        }
    }

    /** Series read when stepped, sorted by labels, to be sampled at {@link Sampling#at}. Close when done. */
    record LazySelection(SeriesReader.Lazy series, Sampling sampling) implements AutoCloseable {
        @Override
        public void close() {
            series.close();
        }
    }

    /** Whether times never decrease, so a cursor can walk samples forward instead of searching each step. */
    static boolean ascending(long[] times) {
        for (int i = 1; i < times.length; i++) {
            if (times[i] < times[i - 1]) {
                return false;
            }
        }
        return true;
    }

    /**
     * The samples of a range-vector expression and, per step, the end of its window {@code (end - range, end]}.
     *
     * @param series sorted by labels for selectors; subquery series in their expression's order
     */
    record RangeInput(List<RawSeries> series, long range, long[] ends) {
    }

    RangeInput range(Expr e) {
        Expr m = Expr.unwrap(e);
        if (m instanceof MatrixSelector ms) {
            long[] ends = effectiveTimes(ms.selector().modifiers());
            long min = Arrays.stream(ends).min().orElseThrow();
            long max = Arrays.stream(ends).max().orElseThrow();
            List<RawSeries> raw = reader.read(ms.selector().matchers(), min - ms.rangeMillis() + 1, max, true);
            return new RangeInput(raw, ms.rangeMillis(), ends);
        }
        if (m instanceof Subquery sq) {
            long[] ends = effectiveTimes(sq.modifiers());
            long step = sq.stepMillis() > 0 ? sq.stepMillis() : subqueryStep;
            long min = Arrays.stream(ends).min().orElseThrow();
            long max = Arrays.stream(ends).max().orElseThrow();
            long first = Math.floorDiv(min - sq.rangeMillis(), step) * step + step;
            long last = Math.floorDiv(max, step) * step;
            if (first > last) {
                return new RangeInput(List.of(), sq.rangeMillis(), ends);
            }
            SeriesReader.checkBudget((last - first) / step + 1); // the inner grid's steps
            Evaluator inner = new Evaluator(reader, new Grid(first, last, step), queryStart, queryEnd, lookback,
                    subqueryStep);
            List<RawSeries> out = new ArrayList<>();
            for (StepSeries s : inner.vector(sq.expr())) {
                out.add(s.toRaw(inner.grid));
            }
            return new RangeInput(out, sq.rangeMillis(), ends);
        }
        throw new IllegalStateException("not a range vector: " + e);
    }

    /** A range vector as an instant query's result: the samples of each series in its window at the one step. */
    private RawMatrix rawMatrix(Expr e) {
        if (steps() != 1) {
            throw new IllegalStateException("range vectors are only evaluated at one time");
        }
        RangeInput in = range(e);
        long end = in.ends()[0];
        List<RawSeries> out = new ArrayList<>();
        for (RawSeries s : in.series()) {
            int lo = s.after(end - in.range());
            int hi = s.after(end);
            if (hi > lo) {
                out.add(new RawSeries(s.labels(), Arrays.copyOfRange(s.timestamps(), lo, hi),
                        Arrays.copyOfRange(s.values(), lo, hi)));
            }
        }
        return new RawMatrix(out);
    }
}
