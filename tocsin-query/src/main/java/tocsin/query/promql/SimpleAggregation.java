package tocsin.query.promql;

import tocsin.query.promql.Expr.AggOp;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

/**
 * The aggregations that fold each element into per-group, per-step state: {@code sum}, {@code avg}, {@code min},
 * {@code max}, {@code count}, {@code group}, {@code stddev}, {@code stdvar} (semantics in {@link Aggregations}).
 *
 * <h2>Design note: splitting a fleet across cores</h2>
 * A dashboard's {@code sum by (region)} folds ten thousand series into a handful of groups. When the operator's
 * states merge exactly ({@code sum}, {@code min}, {@code max}, {@code count}, {@code group}) and the groups are few,
 * the elements are cut into fixed blocks of {@value #BLOCK}, each block folded on its own core into its own state,
 * and the states merged in block order: a compensated sum of compensated sums for {@code sum}. The blocks' bounds do
 * not depend on the machine, so a query gives the same bits on any number of cores; and both of
 * {@link Aggregations}' paths (a selector folded as it is stepped, or a materialised vector) come here. When a
 * selector is folded as it is stepped, each block reads its series from the store as it goes (decoded into one
 * buffer per block), so decoding is split across cores with the folding and no series' samples outlive its turn.
 * {@code avg}, {@code stddev} and {@code stdvar} fold in one pass, in element order.
 */
final class SimpleAggregation {
    /** Elements per block when an aggregation is split. */
    static final int BLOCK = 1024;
    /** The most per-group step cells all blocks' states may hold together, so that splitting stays cheap in memory. */
    static final long MAX_SPLIT_CELLS = 1 << 20;

    /** The elements to fold, read through one {@link Reader} per block (so per thread). */
    @FunctionalInterface
    interface Elements {
        Reader reader();
    }

    /** Reads elements: either each its own series, or each stepped into one buffer the reader reuses. */
    @FunctionalInterface
    interface Reader {
        /** The {@code i}-th element, valid until the next call. */
        StepSeries get(int i);
    }

    private final AggOp op;
    private final int steps;
    private final double[][] value;
    private final int[][] count;
    private final double[][] comp;
    private final double[][] mean;
    private final boolean[][] incremental;

    private SimpleAggregation(AggOp op, int groups, int steps) {
        this.op = op;
        this.steps = steps;
        boolean compensated = op == AggOp.SUM || op == AggOp.AVG;
        boolean withMean = op == AggOp.AVG || op == AggOp.STDDEV || op == AggOp.STDVAR;
        value = new double[groups][steps];
        count = new int[groups][steps];
        comp = compensated ? new double[groups][steps] : null;
        mean = withMean ? new double[groups][steps] : null;
        incremental = op == AggOp.AVG ? new boolean[groups][steps] : null;
    }

    /**
     * Folds elements {@code [0, size)} into their groups ({@code group[i]}: the group labels of element i).
     *
     * @param in each element is read once; within a block in order
     */
    static List<StepSeries> aggregate(AggOp op, int size, Elements in, Labels[] group, int steps) {
        List<Labels> groups = new ArrayList<>();
        int[] gi = Aggregations.index(group, groups);
        return aggregate(op, size, in, gi, groups, steps);
    }

    /** As above, with the groups already indexed ({@link Aggregations#index}). */
    static List<StepSeries> aggregate(AggOp op, int size, Elements in, int[] gi, List<Labels> groups, int steps) {
        int g = groups.size();
        if (!splits(op, size, g, steps)) {
            SimpleAggregation all = new SimpleAggregation(op, g, steps);
            all.fold(in.reader(), gi, 0, size);
            return all.finish(groups);
        }
        int blocks = (size + BLOCK - 1) / BLOCK;
        SimpleAggregation[] parts = new SimpleAggregation[blocks];
        IntStream.range(0, blocks).parallel().forEach(b -> {
            SimpleAggregation part = new SimpleAggregation(op, g, steps);
            part.fold(in.reader(), gi, b * BLOCK, Math.min(size, (b + 1) * BLOCK));
            parts[b] = part;
        });
        for (int b = 1; b < blocks; b++) {
            parts[0].merge(parts[b]);
        }
        return parts[0].finish(groups);
    }

    /** Whether {@code size} elements into {@code groups} groups are folded in blocks on every core. */
    static boolean splits(AggOp op, int size, int groups, int steps) {
        long blocks = (size + BLOCK - 1) / BLOCK;
        return blocks > 1 && mergeable(op) && groups * (long) steps * blocks <= MAX_SPLIT_CELLS;
    }

    private static boolean mergeable(AggOp op) {
        return switch (op) {
            case SUM, MIN, MAX, COUNT, GROUP -> true;
            default -> false;
        };
    }

    private void fold(Reader in, int[] gi, int from, int to) {
        boolean withMean = mean != null;
        for (int s = from; s < to; s++) {
            StepSeries series = in.get(s);
            int k = gi[s];
            double[] v = value[k];
            for (int i = 0; i < steps; i++) {
                if (!series.present[i]) {
                    continue;
                }
                double f = series.values[i];
                int n = ++count[k][i];
                if (n == 1) {
                    v[i] = op == AggOp.STDDEV || op == AggOp.STDVAR ? 0 : f;
                    if (withMean) {
                        mean[k][i] = f;
                    }
                    continue;
                }
                switch (op) {
                    case SUM -> {
                        double t = v[i] + f;
                        comp[k][i] = Kahan.compensation(f, v[i], t, comp[k][i]);
                        v[i] = t;
                    }
                    case AVG -> average(f, n, k, i, v);
                    case MIN -> {
                        if (v[i] > f || Double.isNaN(v[i])) {
                            v[i] = f;
                        }
                    }
                    case MAX -> {
                        if (v[i] < f || Double.isNaN(v[i])) {
                            v[i] = f;
                        }
                    }
                    case STDDEV, STDVAR -> {
                        double delta = f - mean[k][i];
                        mean[k][i] += delta / n;
                        v[i] += delta * (f - mean[k][i]);
                    }
                    default -> {
                        // COUNT and GROUP need only the count.
                    }
                }
            }
        }
    }

    /** Adds a later block's state to this one (only for the {@link #mergeable} operators). */
    private void merge(SimpleAggregation later) {
        for (int k = 0; k < value.length; k++) {
            double[] v = value[k];
            double[] lv = later.value[k];
            for (int i = 0; i < steps; i++) {
                int ln = later.count[k][i];
                if (ln == 0) {
                    continue;
                }
                int n = count[k][i];
                count[k][i] = n + ln;
                if (n == 0) {
                    v[i] = lv[i];
                    if (comp != null) {
                        comp[k][i] = later.comp[k][i];
                    }
                    continue;
                }
                switch (op) {
                    case SUM -> {
                        double t = v[i] + lv[i];
                        comp[k][i] = Kahan.compensation(lv[i], v[i], t, comp[k][i] + later.comp[k][i]);
                        v[i] = t;
                    }
                    case MIN -> {
                        if (v[i] > lv[i] || Double.isNaN(v[i])) {
                            v[i] = lv[i];
                        }
                    }
                    case MAX -> {
                        if (v[i] < lv[i] || Double.isNaN(v[i])) {
                            v[i] = lv[i];
                        }
                    }
                    default -> {
                        // COUNT and GROUP: the counts are added above.
                    }
                }
            }
        }
    }

    private List<StepSeries> finish(List<Labels> groups) {
        List<StepSeries> out = new ArrayList<>(groups.size());
        for (int k = 0; k < groups.size(); k++) {
            double[] v = value[k];
            boolean[] present = new boolean[steps];
            boolean any = false;
            for (int i = 0; i < steps; i++) {
                int n = count[k][i];
                if (n == 0) {
                    continue;
                }
                present[i] = true;
                any = true;
                v[i] = switch (op) {
                    case SUM -> v[i] + comp[k][i];
                    case AVG -> n == 1 ? v[i] : incremental[k][i] ? mean[k][i] + comp[k][i]
                            : v[i] / n + comp[k][i] / n;
                    case COUNT -> n;
                    case GROUP -> 1;
                    case STDVAR -> n == 1 ? 0 : v[i] / n;
                    case STDDEV -> n == 1 ? 0 : Math.sqrt(v[i] / n);
                    default -> v[i];
                };
            }
            if (any) {
                out.add(new StepSeries(groups.get(k), v, present));
            }
        }
        return out;
    }

    /** One more value into a group's mean: compensated sum, incremental once the sum overflows (Prometheus 3). */
    private void average(double f, int n, int k, int i, double[] v) {
        if (!incremental[k][i]) {
            double t = v[i] + f;
            if (!Double.isInfinite(t)) {
                comp[k][i] = Kahan.compensation(f, v[i], t, comp[k][i]);
                v[i] = t;
                return;
            }
            incremental[k][i] = true;
            mean[k][i] = v[i] / (n - 1);
            comp[k][i] /= n - 1;
        }
        double q = (double) (n - 1) / n;
        double inc = f / n;
        double base = q * mean[k][i];
        double t = base + inc;
        comp[k][i] = Kahan.compensation(inc, base, t, q * comp[k][i]);
        mean[k][i] = t;
    }
}
