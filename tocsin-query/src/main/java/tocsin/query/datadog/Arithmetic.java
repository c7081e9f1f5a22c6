package tocsin.query.datadog;

import tocsin.query.datadog.Value.Scalar;
import tocsin.query.datadog.Value.SeriesSet;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code + - * /} between series and constants, bucket by bucket.
 *
 * <p>Series are matched by their group tags: equal tag sets pair up; otherwise a series pairs with every series of the
 * other side whose tags include its own (so an ungrouped series, with no tags, applies to every group of the other
 * side, and {@code a by {host}} meets {@code b by {host,env}} on {@code host}). The result carries the union of the
 * tags. Series without a partner are dropped.
 *
 * <p>Nulls: an empty bucket makes the result empty, except that an empty bucket of a zero-aligned series (a count or
 * rate under {@code .as_count()}/{@code .as_rate()}) counts as 0 when the other operand has a value, as Datadog
 * aligns those as 0. Division by zero, and any other non-finite result, is empty.
 */
final class Arithmetic {

    private Arithmetic() {
    }

    static Value apply(char op, Value left, Value right) {
        if (left instanceof Scalar l && right instanceof Scalar r) {
            return new Scalar(finite(op(op, l.value(), r.value())));
        }
        if (left instanceof Scalar l && right instanceof SeriesSet r) {
            return new SeriesSet(r.series().stream().map(s -> withConstant(op, l.value(), s, true)).toList());
        }
        if (left instanceof SeriesSet l && right instanceof Scalar r) {
            return new SeriesSet(l.series().stream().map(s -> withConstant(op, r.value(), s, false)).toList());
        }
        return pairs(op, ((SeriesSet) left).series(), ((SeriesSet) right).series());
    }

    static Value negate(Value v) {
        return apply('*', new Scalar(-1), v);
    }

    private static Value pairs(char op, List<Series> left, List<Series> right) {
        Map<Set<String>, Series> rightByTags = new HashMap<>();
        for (Series r : right) {
            rightByTags.putIfAbsent(Set.copyOf(r.tags()), r);
        }
        List<Series> out = new ArrayList<>();
        for (Series l : left) {
            Set<String> lt = Set.copyOf(l.tags());
            Series exact = rightByTags.get(lt);
            if (exact != null) {
                out.add(combine(op, l, exact));
                continue;
            }
            for (Series r : right) {
                Set<String> rt = Set.copyOf(r.tags());
                if (lt.containsAll(rt) || rt.containsAll(lt)) {
                    out.add(combine(op, l, r));
                }
            }
        }
        return new SeriesSet(out);
    }

    /** A series and a constant: empty buckets stay empty. */
    private static Series withConstant(char op, double c, Series s, boolean constantFirst) {
        double[] v = s.values();
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = Double.isNaN(v[i]) ? Double.NaN : finite(constantFirst ? op(op, c, v[i]) : op(op, v[i], c));
        }
        return s.withValues(out);
    }

    private static Series combine(char op, Series l, Series r) {
        double[] a = l.values();
        double[] b = r.values();
        double[] out = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            double x = a[i];
            double y = b[i];
            if (Double.isNaN(x) && Double.isNaN(y)) {
                out[i] = Double.NaN;
                continue;
            }
            if (Double.isNaN(x)) {
                x = l.zeroAligned() ? 0 : Double.NaN;
            }
            if (Double.isNaN(y)) {
                y = r.zeroAligned() ? 0 : Double.NaN;
            }
            out[i] = finite(op(op, x, y));
        }
        Set<String> tags = new LinkedHashSet<>(l.tags());
        tags.addAll(r.tags());
        return new Series(List.copyOf(tags), out, l.zeroAligned() && r.zeroAligned(),
                Series.merge(l.leafTags(), r.leafTags()));
    }

    private static double op(char op, double x, double y) {
        return switch (op) {
            case '+' -> x + y;
            case '-' -> x - y;
            case '*' -> x * y;
            case '/' -> y == 0 ? Double.NaN : x / y;
            default -> throw new IllegalArgumentException("operator " + op);
        };
    }

    static double finite(double v) {
        return Double.isFinite(v) ? v : Double.NaN;
    }
}
