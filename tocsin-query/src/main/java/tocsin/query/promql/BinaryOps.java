package tocsin.query.promql;

import tocsin.query.QueryExecutionException;
import tocsin.query.promql.Expr.BinOp;
import tocsin.query.promql.Expr.Binary;
import tocsin.query.promql.Expr.Cardinality;
import tocsin.query.promql.Expr.VectorMatching;
import tocsin.query.promql.Value.Scalars;
import tocsin.query.promql.Value.Vectors;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Binary operators with Prometheus's semantics.
 *
 * <ul>
 *   <li>Arithmetic ({@code + - * / % ^ atan2}) drops {@code __name__} from vector results; IEEE semantics, with Go's
 *       {@code math.Pow} special cases ({@code 1^NaN = 1}).</li>
 *   <li>Comparisons filter: an element is kept, with its value (the vector side's value when the scalar is on the
 *       left), when the comparison holds; with {@code bool} every element is kept with 0 or 1 and the name is
 *       dropped.</li>
 *   <li>Vector matching: elements pair up on their signature, the labels of {@code on(...)} or all labels but
 *       {@code __name__} and those of {@code ignoring(...)}. One-to-one matching refuses two elements with one
 *       signature on either side; {@code group_left}/{@code group_right} allow many on one side and copy the
 *       {@code group_x(...)} labels from the "one" side. Result labels follow Prometheus's {@code resultMetric}: the
 *       left (or "many") side's labels, reduced to the {@code on} labels (or without the {@code ignoring} ones) for
 *       one-to-one matching.</li>
 *   <li>{@code and}, {@code or}, {@code unless} keep the elements' labels, matching on the same signatures.</li>
 * </ul>
 * Matching is done per step, since which series exist can change from step to step.
 */
final class BinaryOps {

    private BinaryOps() {
    }

    static Value eval(Evaluator ev, Binary b) {
        Value l = ev.eval(b.lhs());
        Value r = ev.eval(b.rhs());
        if (l instanceof Scalars ls && r instanceof Scalars rs) {
            double[] out = new double[ev.steps()];
            for (int i = 0; i < out.length; i++) {
                double v = apply(b.op(), ls.values()[i], rs.values()[i]);
                out[i] = b.op().isComparison() ? (v == 1 ? 1 : 0) : v;
            }
            return new Scalars(out);
        }
        if (l instanceof Vectors lv && r instanceof Scalars rs) {
            return vectorScalar(ev, b, lv.series(), rs.values(), false);
        }
        if (l instanceof Scalars ls && r instanceof Vectors rv) {
            return vectorScalar(ev, b, rv.series(), ls.values(), true);
        }
        List<StepSeries> lhs = ((Vectors) l).series();
        List<StepSeries> rhs = ((Vectors) r).series();
        return switch (b.op()) {
            case AND -> and(ev, b.matching(), lhs, rhs, true);
            case UNLESS -> and(ev, b.matching(), lhs, rhs, false);
            case OR -> or(ev, b.matching(), lhs, rhs);
            default -> vectorVector(ev, b, lhs, rhs);
        };
    }

    /** The operator on two numbers; a comparison yields 1 when it holds, else 0. */
    static double apply(BinOp op, double a, double b) {
        return switch (op) {
            case ADD -> a + b;
            case SUB -> a - b;
            case MUL -> a * b;
            case DIV -> a / b;
            case MOD -> a % b;
            case POW -> pow(a, b);
            case ATAN2 -> Math.atan2(a, b);
            case EQLC -> a == b ? 1 : 0;
            case NEQ -> a != b ? 1 : 0;
            case GTR -> a > b ? 1 : 0;
            case LSS -> a < b ? 1 : 0;
            case GTE -> a >= b ? 1 : 0;
            case LTE -> a <= b ? 1 : 0;
            default -> throw new IllegalArgumentException(op.symbol);
        };
    }

    /** Go's {@code math.Pow} where it differs from Java's: a base of 1, or -1 to an infinite power, gives 1. */
    static double pow(double x, double y) {
        if (x == 1 || (x == -1 && Double.isInfinite(y))) {
            return 1;
        }
        return Math.pow(x, y);
    }

    private static Vectors vectorScalar(Evaluator ev, Binary b, List<StepSeries> vec, double[] scalar,
                                        boolean scalarLeft) {
        BinOp op = b.op();
        boolean dropName = !op.isComparison() || b.returnBool();
        VectorBuilder out = new VectorBuilder(ev.steps());
        for (StepSeries s : vec) {
            StepSeries o = out.series(dropName ? s.labels.withoutMetricName() : s.labels);
            for (int i = 0; i < ev.steps(); i++) {
                if (!s.present[i]) {
                    continue;
                }
                double v = s.values[i];
                double result = scalarLeft ? apply(op, scalar[i], v) : apply(op, v, scalar[i]);
                if (op.isComparison()) {
                    if (b.returnBool()) {
                        out.add(o, i, result);
                    } else if (result == 1) {
                        out.add(o, i, v);
                    }
                } else {
                    out.add(o, i, result);
                }
            }
        }
        return new Vectors(out.build());
    }

    /** The labels two elements match on. */
    static Labels signature(Labels l, VectorMatching m) {
        if (m.on()) {
            return l.keep(m.labels());
        }
        List<String> drop = new ArrayList<>(m.labels());
        drop.add(Labels.METRIC_NAME);
        return l.drop(drop);
    }

    private static Labels[] signatures(List<StepSeries> side, VectorMatching m) {
        Labels[] out = new Labels[side.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = signature(side.get(i).labels, m);
        }
        return out;
    }

    /**
     * Arithmetic and comparisons between two vectors. Labels are fixed per series, so pairing is worked out once
     * (signature ids, each many-side series' candidates on the one side, result labels per pair); each step then only
     * checks which candidates are present, raising Prometheus's errors when a step has two candidates for one
     * signature on the one side or two matches for one signature on a one-to-one many side.
     */
    private static Vectors vectorVector(Evaluator ev, Binary b, List<StepSeries> lhs, List<StepSeries> rhs) {
        VectorMatching m = b.matching();
        BinOp op = b.op();
        boolean swap = m.card() == Cardinality.ONE_TO_MANY;
        boolean oneToOne = m.card() == Cardinality.ONE_TO_ONE;
        // The "many" side drives; for one-to-one it is the left side.
        List<StepSeries> many = swap ? rhs : lhs;
        List<StepSeries> one = swap ? lhs : rhs;
        Map<Labels, Integer> ids = new HashMap<>();
        int[] manyIds = ids(signatures(many, m), ids);
        Labels[] oneSigs = signatures(one, m);
        int[] oneIds = ids(oneSigs, ids);
        List<List<Integer>> oneBySig = new ArrayList<>();
        for (int i = 0; i < ids.size(); i++) {
            oneBySig.add(new ArrayList<>(1));
        }
        for (int j = 0; j < one.size(); j++) {
            oneBySig.get(oneIds[j]).add(j);
        }
        List<List<Integer>> crowded = new ArrayList<>();
        for (List<Integer> members : oneBySig) {
            if (members.size() > 1) {
                crowded.add(members);
            }
        }
        VectorBuilder out = new VectorBuilder(ev.steps(), oneToOne ? "vector cannot contain metrics with the same "
                + "labelset" : "multiple matches for labels: grouping labels must ensure unique matches");
        StepSeries[][] target = new StepSeries[many.size()][];
        int[] usedAt = new int[ids.size()];
        Arrays.fill(usedAt, -1);
        for (int step = 0; step < ev.steps(); step++) {
            for (List<Integer> members : crowded) {
                int first = -1;
                for (int j : members) {
                    if (one.get(j).present[step]) {
                        if (first >= 0) {
                            throw duplicateOnOneSide(oneSigs[j], one.get(first).labels, one.get(j).labels,
                                    swap ? "left" : "right");
                        }
                        first = j;
                    }
                }
            }
            for (int k = 0; k < many.size(); k++) {
                StepSeries ms = many.get(k);
                if (!ms.present[step]) {
                    continue;
                }
                List<Integer> candidates = oneBySig.get(manyIds[k]);
                int c = 0;
                while (c < candidates.size() && !one.get(candidates.get(c)).present[step]) {
                    c++;
                }
                if (c == candidates.size()) {
                    continue;
                }
                StepSeries os = one.get(candidates.get(c));
                double lv = swap ? os.values[step] : ms.values[step];
                double rv = swap ? ms.values[step] : os.values[step];
                double value = apply(op, lv, rv);
                if (op.isComparison() && !b.returnBool()) {
                    if (value != 1) {
                        continue;
                    }
                    value = lv;
                }
                if (oneToOne) {
                    if (usedAt[manyIds[k]] == step) {
                        throw new QueryExecutionException("multiple matches for labels: many-to-one matching must "
                                + "be explicit (group_left/group_right)");
                    }
                    usedAt[manyIds[k]] = step;
                }
                if (target[k] == null) {
                    target[k] = new StepSeries[candidates.size()];
                }
                if (target[k][c] == null) {
                    target[k][c] = out.series(resultMetric(ms.labels, os.labels, b));
                }
                out.add(target[k][c], step, value);
            }
        }
        return new Vectors(out.build());
    }

    /** A small integer per distinct signature, shared by both sides through {@code ids}. */
    private static int[] ids(Labels[] sigs, Map<Labels, Integer> ids) {
        int[] out = new int[sigs.length];
        for (int i = 0; i < sigs.length; i++) {
            Integer id = ids.get(sigs[i]);
            if (id == null) {
                id = ids.size();
                ids.put(sigs[i], id);
            }
            out[i] = id;
        }
        return out;
    }

    private static QueryExecutionException duplicateOnOneSide(Labels sig, Labels a, Labels b, String side) {
        return new QueryExecutionException("found duplicate series for the match group " + sig + " on the " + side
                + " hand-side of the operation: [" + a + ", " + b + "];many-to-many matching not allowed: "
                + "matching labels must be unique on one side");
    }

    /** Prometheus's {@code resultMetric}: the many side's labels, adjusted as the class comment says. */
    private static Labels resultMetric(Labels many, Labels one, Binary b) {
        VectorMatching m = b.matching();
        Labels.Builder out = many.toBuilder();
        if (!b.op().isComparison() || b.returnBool()) {
            out.remove(Labels.METRIC_NAME);
        }
        Labels result = out.build();
        if (m.card() == Cardinality.ONE_TO_ONE) {
            result = m.on() ? result.keep(m.labels()) : result.drop(m.labels());
        }
        if (!m.include().isEmpty()) {
            Labels.Builder withIncluded = result.toBuilder();
            for (String name : m.include()) {
                withIncluded.set(name, one.get(name));
            }
            result = withIncluded.build();
        }
        return result;
    }

    private static Vectors and(Evaluator ev, VectorMatching m, List<StepSeries> lhs, List<StepSeries> rhs,
                               boolean keepMatched) {
        Map<Labels, Integer> ids = new HashMap<>();
        int[] lIds = ids(signatures(lhs, m), ids);
        int[] rIds = ids(signatures(rhs, m), ids);
        int[] seenAt = new int[ids.size()];
        Arrays.fill(seenAt, -1);
        StepSeries[] result = new StepSeries[lhs.size()];
        for (int step = 0; step < ev.steps(); step++) {
            for (int k = 0; k < rhs.size(); k++) {
                if (rhs.get(k).present[step]) {
                    seenAt[rIds[k]] = step;
                }
            }
            for (int k = 0; k < lhs.size(); k++) {
                StepSeries s = lhs.get(k);
                if (s.present[step] && (seenAt[lIds[k]] == step) == keepMatched) {
                    if (result[k] == null) {
                        result[k] = new StepSeries(s.labels, ev.steps());
                    }
                    result[k].set(step, s.values[step]);
                }
            }
        }
        List<StepSeries> out = new ArrayList<>();
        for (StepSeries s : result) {
            if (s != null) {
                out.add(s);
            }
        }
        return new Vectors(out);
    }

    private static Vectors or(Evaluator ev, VectorMatching m, List<StepSeries> lhs, List<StepSeries> rhs) {
        Map<Labels, Integer> ids = new HashMap<>();
        int[] lIds = ids(signatures(lhs, m), ids);
        int[] rIds = ids(signatures(rhs, m), ids);
        int[] seenAt = new int[ids.size()];
        Arrays.fill(seenAt, -1);
        VectorBuilder out = new VectorBuilder(ev.steps());
        StepSeries[] left = new StepSeries[lhs.size()];
        StepSeries[] right = new StepSeries[rhs.size()];
        for (int step = 0; step < ev.steps(); step++) {
            for (int k = 0; k < lhs.size(); k++) {
                StepSeries s = lhs.get(k);
                if (s.present[step]) {
                    seenAt[lIds[k]] = step;
                    if (left[k] == null) {
                        left[k] = out.series(s.labels);
                    }
                    out.add(left[k], step, s.values[step]);
                }
            }
            for (int k = 0; k < rhs.size(); k++) {
                StepSeries s = rhs.get(k);
                if (s.present[step] && seenAt[rIds[k]] != step) {
                    if (right[k] == null) {
                        right[k] = out.series(s.labels);
                    }
                    out.add(right[k], step, s.values[step]);
                }
            }
        }
        return new Vectors(out.build());
    }
}
