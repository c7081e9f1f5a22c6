package tocsin.query.promql;

import tocsin.query.QueryExecutionException;
import tocsin.query.promql.Expr.Call;
import tocsin.query.promql.Expr.MatrixSelector;
import tocsin.query.promql.Expr.VectorSelector;
import tocsin.query.promql.Value.Vectors;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.DoubleUnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The functions of instant vectors. Element-wise math, {@code round}, {@code clamp*}, the calendar functions,
 * {@code timestamp} and {@code histogram_quantile} drop {@code __name__}; {@code sort}, {@code sort_desc},
 * {@code label_replace} and {@code label_join} keep it, as in Prometheus. Results that would carry the same labels
 * twice at one step are an error ({@code vector cannot contain metrics with the same labelset}).
 *
 * <h2>{@code histogram_quantile(φ, buckets)}</h2>
 * Buckets are grouped by their labels without {@code le} and {@code __name__}; series whose {@code le} is missing or
 * not a number are ignored. Per group, as Prometheus's {@code bucketQuantile}: buckets sorted by upper bound, NaN
 * without a {@code +Inf} bucket or with fewer than two, or no observations; equal bounds merged; counts forced
 * monotonic (and differences under a relative 1e-12 ignored); the rank {@code φ × total} located in the first bucket
 * whose count reaches it and interpolated linearly inside it, the lowest bucket starting at 0 (or returning its
 * bound when that is ≤ 0), the {@code +Inf} bucket returning the largest finite bound.
 */
final class InstantFunctions {
    private static final double SMALL_DELTA = 1e-12;

    private InstantFunctions() {
    }

    static Value eval(Evaluator ev, Call c) {
        Function f = c.function();
        List<Expr> args = c.args();
        return switch (f) {
            case ABS -> map(ev, args, Math::abs);
            case CEIL -> map(ev, args, Math::ceil);
            case FLOOR -> map(ev, args, Math::floor);
            case EXP -> map(ev, args, Math::exp);
            case LN -> map(ev, args, Math::log);
            case LOG2 -> map(ev, args, InstantFunctions::log2);
            case LOG10 -> map(ev, args, Math::log10);
            case SQRT -> map(ev, args, Math::sqrt);
            case SGN -> map(ev, args, v -> v < 0 ? -1 : v > 0 ? 1 : v);
            case ACOS -> map(ev, args, Math::acos);
            case ASIN -> map(ev, args, Math::asin);
            case ATAN -> map(ev, args, Math::atan);
            case COS -> map(ev, args, Math::cos);
            case SIN -> map(ev, args, Math::sin);
            case TAN -> map(ev, args, Math::tan);
            case ACOSH -> map(ev, args, v -> Math.log(v + Math.sqrt(v * v - 1)));
            case ASINH -> map(ev, args, InstantFunctions::asinh);
            case ATANH -> map(ev, args, v -> 0.5 * Math.log((1 + v) / (1 - v)));
            case COSH -> map(ev, args, Math::cosh);
            case SINH -> map(ev, args, Math::sinh);
            case TANH -> map(ev, args, Math::tanh);
            case DEG -> map(ev, args, v -> v * 180 / Math.PI);
            case RAD -> map(ev, args, v -> v * Math.PI / 180);
            case ROUND -> round(ev, args);
            case CLAMP -> clamp(ev, args);
            case CLAMP_MIN -> mapWithScalar(ev, args, (v, min) -> Math.max(min, v));
            case CLAMP_MAX -> mapWithScalar(ev, args, (v, max) -> Math.min(max, v));
            case DAY_OF_MONTH -> calendar(ev, args, d -> d.getDayOfMonth());
            case DAY_OF_WEEK -> calendar(ev, args, d -> d.getDayOfWeek().getValue() % 7);
            case DAY_OF_YEAR -> calendar(ev, args, d -> d.getDayOfYear());
            case DAYS_IN_MONTH -> calendar(ev, args, d -> d.toLocalDate().lengthOfMonth());
            case HOUR -> calendar(ev, args, d -> d.getHour());
            case MINUTE -> calendar(ev, args, d -> d.getMinute());
            case MONTH -> calendar(ev, args, d -> d.getMonthValue());
            case YEAR -> calendar(ev, args, d -> d.getYear());
            case HISTOGRAM_QUANTILE -> histogramQuantile(ev, ev.scalar(args.get(0)), ev.vector(args.get(1)));
            case LABEL_REPLACE -> labelReplace(ev, args);
            case LABEL_JOIN -> labelJoin(ev, args);
            case SORT, SORT_DESC -> ev.eval(args.getFirst());
            case ABSENT -> absent(ev, args.getFirst());
            default -> throw new IllegalStateException(f.word());
        };
    }

    /** Go's {@code math.Log2}: exact for powers of two. */
    static double log2(double v) {
        if (v > 0 && !Double.isInfinite(v)) {
            int exp = Math.getExponent(v);
            if (exp >= Double.MIN_EXPONENT && v == Math.scalb(1.0, exp)) {
                return exp;
            }
        }
        return Math.log(v) / Math.log(2);
    }

    private static double asinh(double v) {
        if (Double.isInfinite(v) || v == 0) {
            return v;
        }
        double a = Math.abs(v);
        double r = Math.log(a + Math.sqrt(a * a + 1));
        return v < 0 ? -r : r;
    }

    private static Vectors map(Evaluator ev, List<Expr> args, DoubleUnaryOperator op) {
        List<StepSeries> in = ev.vector(args.getFirst());
        VectorBuilder out = new VectorBuilder(ev.steps());
        for (StepSeries s : in) {
            StepSeries o = out.series(s.labels.withoutMetricName());
            for (int i = 0; i < ev.steps(); i++) {
                if (s.present[i]) {
                    out.add(o, i, op.applyAsDouble(s.values[i]));
                }
            }
        }
        return new Vectors(out.build());
    }

    private interface WithScalar {
        double apply(double v, double scalar);
    }

    private static Vectors mapWithScalar(Evaluator ev, List<Expr> args, WithScalar op) {
        List<StepSeries> in = ev.vector(args.get(0));
        double[] p = ev.scalar(args.get(1));
        VectorBuilder out = new VectorBuilder(ev.steps());
        for (StepSeries s : in) {
            StepSeries o = out.series(s.labels.withoutMetricName());
            for (int i = 0; i < ev.steps(); i++) {
                if (s.present[i]) {
                    out.add(o, i, op.apply(s.values[i], p[i]));
                }
            }
        }
        return new Vectors(out.build());
    }

    /** {@code round(v, to_nearest=1)}: half up, as Prometheus's {@code floor(v/to + 0.5) * to}. */
    private static Vectors round(Evaluator ev, List<Expr> args) {
        List<Expr> two = args.size() == 2 ? args : List.of(args.getFirst(), new Expr.NumberLiteral(1));
        return mapWithScalar(ev, two, (v, to) -> {
            double inverse = 1.0 / to;
            return Math.floor(v * inverse + 0.5) / inverse;
        });
    }

    /** {@code clamp(v, min, max)}: nothing at a step where {@code min > max}. */
    private static Vectors clamp(Evaluator ev, List<Expr> args) {
        List<StepSeries> in = ev.vector(args.get(0));
        double[] min = ev.scalar(args.get(1));
        double[] max = ev.scalar(args.get(2));
        VectorBuilder out = new VectorBuilder(ev.steps());
        for (StepSeries s : in) {
            StepSeries o = out.series(s.labels.withoutMetricName());
            for (int i = 0; i < ev.steps(); i++) {
                if (s.present[i] && !(max[i] < min[i])) {
                    out.add(o, i, Math.max(min[i], Math.min(max[i], s.values[i])));
                }
            }
        }
        return new Vectors(out.build());
    }

    private interface DatePart {
        int of(ZonedDateTime utc);
    }

    /** A calendar function of Unix seconds in UTC; with no argument, of each step's time. */
    private static Vectors calendar(Evaluator ev, List<Expr> args, DatePart part) {
        List<StepSeries> in;
        if (args.isEmpty()) {
            double[] now = new double[ev.steps()];
            boolean[] present = new boolean[ev.steps()];
            for (int i = 0; i < now.length; i++) {
                now[i] = ev.time(i) / 1000.0;
                present[i] = true;
            }
            in = List.of(new StepSeries(Labels.EMPTY, now, present));
        } else {
            in = ev.vector(args.getFirst());
        }
        VectorBuilder out = new VectorBuilder(ev.steps());
        for (StepSeries s : in) {
            StepSeries o = out.series(s.labels.withoutMetricName());
            for (int i = 0; i < ev.steps(); i++) {
                if (!s.present[i]) {
                    continue;
                }
                double v = s.values[i];
                if (Double.isNaN(v) || Double.isInfinite(v)) {
                    out.add(o, i, Double.NaN);
                    continue;
                }
                ZonedDateTime t = Instant.ofEpochSecond((long) Math.floor(v)).atZone(ZoneOffset.UTC);
                out.add(o, i, part.of(t));
            }
        }
        return new Vectors(out.build());
    }

    private static Vectors histogramQuantile(Evaluator ev, double[] phi, List<StepSeries> in) {
        Map<Labels, Integer> groupIndex = new HashMap<>();
        List<Labels> groups = new ArrayList<>();
        int[] group = new int[in.size()];
        double[] bound = new double[in.size()];
        for (int s = 0; s < in.size(); s++) {
            Labels l = in.get(s).labels;
            group[s] = -1;
            String le = l.get("le");
            if (le.isEmpty()) {
                continue;
            }
            try {
                bound[s] = parseBound(le);
            } catch (NumberFormatException e) {
                continue;
            }
            Labels g = l.drop(List.of("le", Labels.METRIC_NAME));
            group[s] = groupIndex.computeIfAbsent(g, k -> {
                groups.add(k);
                return groups.size() - 1;
            });
        }
        List<StepSeries> out = new ArrayList<>(groups.size());
        for (Labels g : groups) {
            out.add(new StepSeries(g, ev.steps()));
        }
        double[][] bounds = new double[groups.size()][in.size()];
        double[][] counts = new double[groups.size()][in.size()];
        int[] n = new int[groups.size()];
        for (int i = 0; i < ev.steps(); i++) {
            Arrays.fill(n, 0);
            for (int s = 0; s < in.size(); s++) {
                int g = group[s];
                if (g >= 0 && in.get(s).present[i]) {
                    bounds[g][n[g]] = bound[s];
                    counts[g][n[g]++] = in.get(s).values[i];
                }
            }
            for (int g = 0; g < groups.size(); g++) {
                if (n[g] > 0) {
                    out.get(g).set(i, bucketQuantile(phi[i], bounds[g], counts[g], n[g]));
                }
            }
        }
        out.removeIf(StepSeries::isEmpty);
        return new Vectors(out);
    }

    /** An {@code le} value as Go's {@code ParseFloat} reads it, {@code +Inf} included. */
    static double parseBound(String le) {
        String s = le.trim();
        return switch (s.toLowerCase(java.util.Locale.ROOT)) {
            case "+inf", "inf", "+infinity", "infinity" -> Double.POSITIVE_INFINITY;
            case "-inf", "-infinity" -> Double.NEGATIVE_INFINITY;
            case "nan" -> Double.NaN;
            default -> {
                if (!s.equals(le) || s.endsWith("d") || s.endsWith("f") || s.endsWith("D") || s.endsWith("F")) {
                    throw new NumberFormatException(le);
                }
                yield Double.parseDouble(s);
            }
        };
    }

    /** Prometheus's {@code bucketQuantile} over {@code n} buckets; the arrays are reordered. */
    static double bucketQuantile(double q, double[] bounds, double[] counts, int n) {
        if (Double.isNaN(q)) {
            return Double.NaN;
        }
        if (q < 0) {
            return Double.NEGATIVE_INFINITY;
        }
        if (q > 1) {
            return Double.POSITIVE_INFINITY;
        }
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Double.compare(bounds[a], bounds[b]));
        double[] ub = new double[n];
        double[] cnt = new double[n];
        int m = 0;
        for (int k = 0; k < n; k++) {
            int i = order[k];
            if (m > 0 && ub[m - 1] == bounds[i]) {
                cnt[m - 1] += counts[i];
            } else {
                ub[m] = bounds[i];
                cnt[m++] = counts[i];
            }
        }
        if (m == 0 || ub[m - 1] != Double.POSITIVE_INFINITY) {
            return Double.NaN;
        }
        ensureMonotonic(cnt, m);
        if (m < 2) {
            return Double.NaN;
        }
        double observations = cnt[m - 1];
        if (observations == 0) {
            return Double.NaN;
        }
        double rank = q * observations;
        int b = 0;
        while (b < m - 1 && !(cnt[b] >= rank)) {
            b++;
        }
        if (b == m - 1) {
            return ub[m - 2];
        }
        if (b == 0 && ub[0] <= 0) {
            return ub[0];
        }
        double start = 0;
        double end = ub[b];
        double count = cnt[b];
        if (b > 0) {
            start = ub[b - 1];
            count -= cnt[b - 1];
            rank -= cnt[b - 1];
        }
        return start + (end - start) * (rank / count);
    }

    /** Cumulative counts that go down are raised to the previous count; tiny relative differences are ignored. */
    private static void ensureMonotonic(double[] cnt, int m) {
        double prev = cnt[0];
        for (int i = 1; i < m; i++) {
            double cur = cnt[i];
            if (cur == prev) {
                continue;
            }
            if (almostEqual(prev, cur) || cur < prev) {
                cnt[i] = prev;
                continue;
            }
            prev = cur;
        }
    }

    private static boolean almostEqual(double a, double b) {
        if (a == b) {
            return true;
        }
        double absSum = Math.abs(a) + Math.abs(b);
        double diff = Math.abs(a - b);
        if (a == 0 || b == 0 || absSum < Double.MIN_NORMAL) {
            return diff < SMALL_DELTA * Double.MIN_NORMAL;
        }
        return diff / Math.min(absSum, Double.MAX_VALUE) < SMALL_DELTA;
    }

    /**
     * {@code label_replace(v, dst, replacement, src, regex)}: where the anchored regex matches the value of
     * {@code src}, {@code dst} becomes the replacement with {@code $1}, {@code ${1}}, {@code $name} expanded (an
     * empty result removes {@code dst}); other elements pass unchanged.
     */
    private static Vectors labelReplace(Evaluator ev, List<Expr> args) {
        List<StepSeries> in = ev.vector(args.get(0));
        String dst = ev.string(args.get(1));
        String replacement = ev.string(args.get(2));
        String src = ev.string(args.get(3));
        String regex = ev.string(args.get(4));
        Pattern p;
        try {
            p = Pattern.compile("(?s:" + LabelMatcher.translate(regex) + ")");
        } catch (PatternSyntaxException e) {
            throw new QueryExecutionException("invalid regular expression in label_replace(): " + regex);
        }
        VectorBuilder out = new VectorBuilder(ev.steps());
        for (StepSeries s : in) {
            Matcher m = p.matcher(s.labels.get(src));
            Labels l = s.labels;
            if (m.matches()) {
                l = s.labels.toBuilder().set(dst, expand(replacement, m)).build();
            }
            copy(out, s, l, ev.steps());
        }
        return new Vectors(out.build());
    }

    /** Go's {@code Regexp.Expand}: {@code $name} takes the longest run of letters, digits and underscores. */
    static String expand(String template, Matcher m) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < template.length(); i++) {
            char c = template.charAt(i);
            if (c != '$' || i + 1 >= template.length()) {
                sb.append(c);
                continue;
            }
            char next = template.charAt(i + 1);
            if (next == '$') {
                sb.append('$');
                i++;
                continue;
            }
            String name;
            int end;
            if (next == '{') {
                int close = template.indexOf('}', i + 2);
                if (close < 0) {
                    sb.append(c);
                    continue;
                }
                name = template.substring(i + 2, close);
                end = close;
            } else {
                int j = i + 1;
                while (j < template.length() && (Character.isLetterOrDigit(template.charAt(j))
                        || template.charAt(j) == '_')) {
                    j++;
                }
                if (j == i + 1) {
                    sb.append(c);
                    continue;
                }
                name = template.substring(i + 1, j);
                end = j - 1;
            }
            if (name.isEmpty() || !name.chars().allMatch(ch -> Character.isLetterOrDigit(ch) || ch == '_')) {
                sb.append(c);
                continue;
            }
            sb.append(group(m, name));
            i = end;
        }
        return sb.toString();
    }

    private static String group(Matcher m, String name) {
        String g = null;
        if (name.chars().allMatch(Character::isDigit)) {
            try {
                int n = Integer.parseInt(name);
                if (n <= m.groupCount()) {
                    g = m.group(n);
                }
            } catch (NumberFormatException e) {
                return "";
            }
        } else {
            try {
                g = m.group(name);
            } catch (IllegalArgumentException e) {
                return "";
            }
        }
        return g == null ? "" : g;
    }

    /** {@code label_join(v, dst, separator, src...)}: dst becomes the src values joined; empty removes it. */
    private static Vectors labelJoin(Evaluator ev, List<Expr> args) {
        List<StepSeries> in = ev.vector(args.get(0));
        String dst = ev.string(args.get(1));
        String sep = ev.string(args.get(2));
        List<String> src = new ArrayList<>();
        for (int k = 3; k < args.size(); k++) {
            src.add(ev.string(args.get(k)));
        }
        VectorBuilder out = new VectorBuilder(ev.steps());
        for (StepSeries s : in) {
            StringBuilder joined = new StringBuilder();
            for (int k = 0; k < src.size(); k++) {
                if (k > 0) {
                    joined.append(sep);
                }
                joined.append(s.labels.get(src.get(k)));
            }
            copy(out, s, s.labels.toBuilder().set(dst, joined.toString()).build(), ev.steps());
        }
        return new Vectors(out.build());
    }

    private static void copy(VectorBuilder out, StepSeries s, Labels l, int steps) {
        StepSeries o = out.series(l);
        for (int i = 0; i < steps; i++) {
            if (s.present[i]) {
                out.add(o, i, s.values[i]);
            }
        }
    }

    /** {@code absent(v)}: 1 where v has no element, labelled from the selector's equality matchers. */
    private static Vectors absent(Evaluator ev, Expr arg) {
        List<StepSeries> in = ev.vector(arg);
        double[] ones = new double[ev.steps()];
        boolean[] present = new boolean[ev.steps()];
        Arrays.fill(ones, 1);
        Arrays.fill(present, true);
        for (StepSeries s : in) {
            for (int i = 0; i < present.length; i++) {
                if (s.present[i]) {
                    present[i] = false;
                }
            }
        }
        StepSeries out = new StepSeries(absentLabels(arg), ones, present);
        return new Vectors(out.isEmpty() ? List.of() : List.of(out));
    }

    /**
     * The labels {@code absent} and {@code absent_over_time} answer with, as Prometheus builds them: going through
     * the selector's matchers but {@code __name__}'s, an equality matcher sets its label unless already set, any
     * other matcher removes it; none for other expressions.
     */
    static Labels absentLabels(Expr arg) {
        List<LabelMatcher> matchers = switch (arg) {
            case VectorSelector vs -> vs.matchers();
            case MatrixSelector ms -> ms.selector().matchers();
            default -> List.of();
        };
        Map<String, String> b = new java.util.TreeMap<>();
        for (LabelMatcher m : matchers) {
            if (m.name().equals(Labels.METRIC_NAME)) {
                continue;
            }
            if (m.type() == LabelMatcher.Type.EQ && !b.containsKey(m.name())) {
                if (!m.value().isEmpty()) {
                    b.put(m.name(), m.value());
                }
            } else {
                b.remove(m.name());
            }
        }
        return Labels.of(b);
    }
}
