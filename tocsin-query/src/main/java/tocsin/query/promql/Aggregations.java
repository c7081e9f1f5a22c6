package tocsin.query.promql;

import tocsin.core.metric.SampleBuffer;
import tocsin.query.promql.Expr.AggOp;
import tocsin.query.promql.Expr.Aggregate;
import tocsin.query.promql.Value.Vectors;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Aggregation operators with Prometheus's semantics. Groups are the {@code by} labels of each element, or its labels
 * without the {@code without} ones and without {@code __name__}; no clause is one group with no labels.
 *
 * <ul>
 *   <li>{@code sum} uses Kahan-Neumaier compensated summation and {@code avg} the compensated mean that falls back to
 *       an incremental mean on overflow, as Prometheus 3 does; {@code stddev}/{@code stdvar} are Welford's
 *       population variance.</li>
 *   <li>{@code min}/{@code max} prefer any number over NaN; NaN only when every element is NaN.</li>
 *   <li>{@code topk}/{@code bottomk} keep the elements' own labels; NaN ranks last; k is truncated towards zero and
 *       below 1 selects nothing.</li>
 *   <li>{@code quantile} interpolates between the two nearest ranks; φ &lt; 0 gives -Inf, φ &gt; 1 +Inf.</li>
 *   <li>{@code count_values} counts each value, written as Go's {@code 'f'} format, into the named label.</li>
 * </ul>
 */
final class Aggregations {

    private Aggregations() {
    }

    static Value eval(Evaluator ev, Aggregate a) {
        if (a.expr() instanceof Expr.VectorSelector vs && isSimple(a.op())) {
            return new Vectors(streaming(ev, a, vs));
        }
        List<StepSeries> in = ev.vector(a.expr());
        int steps = ev.steps();
        Labels[] group = new Labels[in.size()];
        for (int i = 0; i < group.length; i++) {
            group[i] = groupLabels(in.get(i).labels, a);
        }
        return switch (a.op()) {
            case TOPK, BOTTOMK -> new Vectors(topk(in, group, ev.scalar(a.param()), a.op() == AggOp.TOPK, steps));
            case QUANTILE -> new Vectors(quantile(in, group, ev.scalar(a.param()), steps));
            case COUNT_VALUES -> new Vectors(countValues(in, group, ev.string(a.param()), steps));
            default -> new Vectors(SimpleAggregation.aggregate(a.op(), in.size(), () -> in::get, group, steps));
        };
    }

    private static boolean isSimple(AggOp op) {
        return switch (op) {
            case SUM, AVG, MIN, MAX, COUNT, GROUP, STDDEV, STDVAR -> true;
            default -> false;
        };
    }

    /**
     * {@code sum by (region) (metric)} and its kind, straight from the selector's series: each series is read from
     * the store and sampled at the steps into buffers that each block of {@link SimpleAggregation} reuses, and
     * folded into its group, so neither the 10,000 series' samples nor their step series are ever held together.
     * When the fold is not split across cores, the series are read up front instead (side by side on every core)
     * and stepped one by one. Same order, same arithmetic as the general path: both fold through
     * {@link SimpleAggregation}.
     */
    private static List<StepSeries> streaming(Evaluator ev, Aggregate a, Expr.VectorSelector vs) {
        int steps = ev.steps();
        try (Evaluator.LazySelection sel = ev.selectLazily(vs)) {
            if (sel == null) { // series keys that read as the same labels: merged by the eager read
                Evaluator.Selection eager = ev.select(vs);
                return stepped(a, eager.raw(), eager.sampling(), steps);
            }
            SeriesReader.Lazy series = sel.series();
            Labels[] group = new Labels[series.size()];
            for (int i = 0; i < group.length; i++) {
                group[i] = groupLabels(series.labels(i), a);
            }
            List<Labels> groups = new ArrayList<>();
            int[] gi = index(group, groups);
            if (!SimpleAggregation.splits(a.op(), group.length, groups.size(), steps)) {
                return stepped(a, series.readAll(), sel.sampling(), steps);
            }
            Evaluator.Sampling sampling = sel.sampling();
            return SimpleAggregation.aggregate(a.op(), group.length, () -> {
                SampleBuffer samples = new SampleBuffer();
                StepSeries stepped = new StepSeries(Labels.EMPTY, steps);
                return i -> {
                    series.read(i, samples);
                    return sampling.restep(samples.timestamps(), samples.values(), samples.size(), stepped);
                };
            }, gi, groups, steps);
        }
    }

    /** Raw series already read, each sampled at the steps into a reused buffer as it is folded. */
    private static List<StepSeries> stepped(Aggregate a, List<RawSeries> raw, Evaluator.Sampling sampling,
                                            int steps) {
        Labels[] group = new Labels[raw.size()];
        for (int i = 0; i < group.length; i++) {
            group[i] = groupLabels(raw.get(i).labels(), a);
        }
        return SimpleAggregation.aggregate(a.op(), raw.size(), () -> {
            StepSeries stepped = new StepSeries(Labels.EMPTY, steps);
            return i -> sampling.restep(raw.get(i).timestamps(), raw.get(i).values(), raw.get(i).size(), stepped);
        }, group, steps);
    }

    static Labels groupLabels(Labels l, Aggregate a) {
        if (!a.grouped()) {
            return Labels.EMPTY;
        }
        if (a.without()) {
            List<String> drop = new ArrayList<>(a.grouping());
            drop.add(Labels.METRIC_NAME);
            return l.drop(drop);
        }
        return l.keep(a.grouping());
    }

    /** The groups in order of first appearance, and each element's group index. */
    static int[] index(Labels[] group, List<Labels> groups) {
        Map<Labels, Integer> byLabels = new HashMap<>();
        int[] out = new int[group.length];
        for (int i = 0; i < group.length; i++) {
            Integer g = byLabels.get(group[i]);
            if (g == null) {
                g = groups.size();
                byLabels.put(group[i], g);
                groups.add(group[i]);
            }
            out[i] = g;
        }
        return out;
    }

    private static List<StepSeries> topk(List<StepSeries> in, Labels[] group, double[] k, boolean top, int steps) {
        List<Labels> groups = new ArrayList<>();
        int[] gi = index(group, groups);
        StepSeries[] out = new StepSeries[in.size()];
        List<List<Integer>> members = new ArrayList<>();
        for (int g = 0; g < groups.size(); g++) {
            members.add(new ArrayList<>());
        }
        for (int i = 0; i < steps; i++) {
            double kf = k[i];
            if (Double.isNaN(kf) || kf < 1) {
                continue;
            }
            long limit = kf >= Long.MAX_VALUE ? Long.MAX_VALUE : (long) kf;
            for (List<Integer> m : members) {
                m.clear();
            }
            for (int s = 0; s < in.size(); s++) {
                if (in.get(s).present[i]) {
                    members.get(gi[s]).add(s);
                }
            }
            final int step = i;
            for (List<Integer> m : members) {
                m.sort((x, y) -> rank(in.get(x).values[step], in.get(y).values[step], top));
                for (int j = 0; j < m.size() && j < limit; j++) {
                    int s = m.get(j);
                    if (out[s] == null) {
                        out[s] = new StepSeries(in.get(s).labels, steps);
                    }
                    out[s].set(step, in.get(s).values[step]);
                }
            }
        }
        List<StepSeries> result = new ArrayList<>();
        for (StepSeries s : out) {
            if (s != null) {
                result.add(s);
            }
        }
        return result;
    }

    /** Best first: largest (topk) or smallest (bottomk), NaN always last. */
    static int rank(double a, double b, boolean top) {
        boolean an = Double.isNaN(a);
        boolean bn = Double.isNaN(b);
        if (an || bn) {
            return Boolean.compare(an, bn);
        }
        return top ? Double.compare(b, a) : Double.compare(a, b);
    }

    private static List<StepSeries> quantile(List<StepSeries> in, Labels[] group, double[] phi, int steps) {
        List<Labels> groups = new ArrayList<>();
        int[] gi = index(group, groups);
        int g = groups.size();
        List<StepSeries> out = new ArrayList<>(g);
        for (int k = 0; k < g; k++) {
            out.add(new StepSeries(groups.get(k), steps));
        }
        double[][] values = new double[g][in.size()];
        int[] n = new int[g];
        for (int i = 0; i < steps; i++) {
            Arrays.fill(n, 0);
            for (int s = 0; s < in.size(); s++) {
                if (in.get(s).present[i]) {
                    values[gi[s]][n[gi[s]]++] = in.get(s).values[i];
                }
            }
            for (int k = 0; k < g; k++) {
                if (n[k] > 0) {
                    out.get(k).set(i, quantile(phi[i], values[k], n[k]));
                }
            }
        }
        out.removeIf(StepSeries::isEmpty);
        return out;
    }

    /**
     * Prometheus's quantile of {@code values[0..n)}: sorts them (NaN first) and interpolates between ranks
     * {@code floor(φ(n-1))} and the next. The array is reordered.
     */
    static double quantile(double phi, double[] values, int n) {
        if (n == 0 || Double.isNaN(phi)) {
            return Double.NaN;
        }
        if (phi < 0) {
            return Double.NEGATIVE_INFINITY;
        }
        if (phi > 1) {
            return Double.POSITIVE_INFINITY;
        }
        sortNaNFirst(values, n);
        double rank = phi * (n - 1);
        double lower = Math.max(0, Math.floor(rank));
        double upper = Math.min(n - 1, lower + 1);
        double weight = rank - Math.floor(rank);
        return values[(int) lower] * (1 - weight) + values[(int) upper] * weight;
    }

    private static void sortNaNFirst(double[] values, int n) {
        Arrays.sort(values, 0, n);
        // Arrays.sort puts NaN last; Prometheus's order puts it first.
        int nan = 0;
        while (nan < n && Double.isNaN(values[n - 1 - nan])) {
            nan++;
        }
        if (nan > 0 && nan < n) {
            System.arraycopy(values, 0, values, nan, n - nan);
            Arrays.fill(values, 0, nan, Double.NaN);
        }
    }

    private static List<StepSeries> countValues(List<StepSeries> in, Labels[] group, String label, int steps) {
        VectorBuilder out = new VectorBuilder(steps);
        Map<Labels, Integer> counts = new HashMap<>();
        List<Labels> order = new ArrayList<>();
        for (int i = 0; i < steps; i++) {
            counts.clear();
            order.clear();
            for (int s = 0; s < in.size(); s++) {
                if (!in.get(s).present[i]) {
                    continue;
                }
                Labels l = group[s].toBuilder().set(label, GoFormat.plain(in.get(s).values[i])).build();
                if (counts.merge(l, 1, Integer::sum) == 1) {
                    order.add(l);
                }
            }
            for (Labels l : order) {
                out.add(l, i, counts.get(l));
            }
        }
        return out.build();
    }
}
