package tocsin.query.datadog;

import tocsin.query.datadog.Expr.Call;
import tocsin.query.datadog.Expr.Options;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * The functions, applied after time and space aggregation ("Most of the functions are applied as the last step"),
 * bucket by bucket on each series; empty buckets are {@code NaN}. Where Datadog's documentation leaves a choice open
 * the choice is written on the function. Differences and rates look back to the previous non-empty bucket, so sparse
 * series still get values.
 */
final class SeriesFunctions {

    private SeriesFunctions() {
    }

    /** Applies a function other than the time shifts (which the evaluator handles by shifting the read). */
    static List<Series> apply(Call call, List<Series> in, Grid grid) {
        Options o = call.options();
        return switch (call.function()) {
            case ABS -> map(in, Math::abs);
            case LOG2 -> map(in, v -> v > 0 ? Math.log(v) / Math.log(2) : Double.NaN);
            case LOG10 -> map(in, v -> v > 0 ? Math.log10(v) : Double.NaN);
            case CLAMP_MIN -> map(in, v -> Math.max(v, o.number()));
            case CLAMP_MAX -> map(in, v -> Math.min(v, o.number()));
            case CUTOFF_MIN -> map(in, v -> v < o.number() ? Double.NaN : v);
            case CUTOFF_MAX -> map(in, v -> v > o.number() ? Double.NaN : v);
            case THROUGHPUT -> map(in, v -> v / grid.intervalSeconds());
            case DEFAULT_ZERO -> each(in, SeriesFunctions::defaultZero);
            case CUMSUM -> each(in, SeriesFunctions::cumsum);
            case INTEGRAL -> each(in, v -> integral(v, grid));
            case DIFF -> each(in, v -> difference(v, grid, 0, false));
            case MONOTONIC_DIFF -> each(in, v -> difference(v, grid, 0, true));
            case PER_SECOND, DERIVATIVE -> each(in, v -> difference(v, grid, 1, false));
            case PER_MINUTE -> each(in, v -> difference(v, grid, 60, false));
            case PER_HOUR -> each(in, v -> difference(v, grid, 3600, false));
            case EWMA -> each(in, v -> ewma(v, (int) o.number()));
            case MEDIAN -> each(in, v -> rollingMedian(v, (int) o.number()));
            case COUNT_NONZERO -> count(in, grid, true);
            case COUNT_NOT_NULL -> count(in, grid, false);
            case EXCLUDE_NULL -> in.stream().filter(s -> s.tags().stream().noneMatch(t -> t.endsWith(":N/A")))
                    .toList();
            case TOP, BOTTOM -> top(in, o.limit(), o.rankBy(), o.descending());
            case TIMESHIFT, HOUR_BEFORE, DAY_BEFORE, WEEK_BEFORE, MONTH_BEFORE -> in;
        };
    }

    /** How far back the time-shift functions read, in seconds (a month is 28 days, as Datadog documents). */
    static long shiftSeconds(Call call) {
        return switch (call.function()) {
            case TIMESHIFT -> Math.round(call.options().number());
            case HOUR_BEFORE -> -3600;
            case DAY_BEFORE -> -86_400;
            case WEEK_BEFORE -> -7 * 86_400;
            case MONTH_BEFORE -> -28 * 86_400;
            default -> 0;
        };
    }

    private static List<Series> map(List<Series> in, java.util.function.DoubleUnaryOperator f) {
        return each(in, v -> {
            double[] out = new double[v.length];
            for (int i = 0; i < v.length; i++) {
                out[i] = Double.isNaN(v[i]) ? Double.NaN : Arithmetic.finite(f.applyAsDouble(v[i]));
            }
            return out;
        });
    }

    private static List<Series> each(List<Series> in, java.util.function.UnaryOperator<double[]> f) {
        List<Series> out = new ArrayList<>(in.size());
        for (Series s : in) {
            out.add(s.withValues(f.apply(s.values())));
        }
        return out;
    }

    private static double[] defaultZero(double[] v) {
        double[] out = v.clone();
        for (int i = 0; i < out.length; i++) {
            if (Double.isNaN(out[i])) {
                out[i] = 0;
            }
        }
        return out;
    }

    /** Running sum over the visible window; empty buckets stay empty. */
    private static double[] cumsum(double[] v) {
        double[] out = new double[v.length];
        double acc = 0;
        for (int i = 0; i < v.length; i++) {
            if (Double.isNaN(v[i])) {
                out[i] = Double.NaN;
            } else {
                acc += v[i];
                out[i] = acc;
            }
        }
        return out;
    }

    /**
     * Running area under the curve over the visible window, by the trapezoid rule between consecutive non-empty
     * buckets (seconds × value), 0 at the first one. Datadog's page words it as "the cumulative sum of [time delta] x
     * [value delta]"; the trapezoid is the reading under which the integral of a constant c over t seconds is c·t.
     */
    private static double[] integral(double[] v, Grid grid) {
        double[] out = new double[v.length];
        double acc = 0;
        int prev = -1;
        for (int i = 0; i < v.length; i++) {
            if (Double.isNaN(v[i])) {
                out[i] = Double.NaN;
                continue;
            }
            if (prev >= 0) {
                acc += (i - prev) * grid.intervalSeconds() * (v[i] + v[prev]) / 2;
            }
            out[i] = acc;
            prev = i;
        }
        return out;
    }

    /**
     * The change since the previous non-empty bucket: as is ({@code perSeconds == 0}, {@code diff}), or per that many
     * seconds ({@code derivative}/{@code per_second} 1, {@code per_minute} 60, {@code per_hour} 3600).
     * {@code monotonic_diff} leaves decreases empty. The first non-empty bucket has no change and stays empty.
     */
    private static double[] difference(double[] v, Grid grid, int perSeconds, boolean monotonic) {
        double[] out = new double[v.length];
        int prev = -1;
        for (int i = 0; i < v.length; i++) {
            out[i] = Double.NaN;
            if (Double.isNaN(v[i])) {
                continue;
            }
            if (prev >= 0) {
                double d = v[i] - v[prev];
                if (perSeconds > 0) {
                    d = d / ((i - prev) * grid.intervalSeconds()) * perSeconds;
                }
                out[i] = monotonic && d < 0 ? Double.NaN : d;
            }
            prev = i;
        }
        return out;
    }

    /**
     * Exponentially weighted moving average with a span of {@code span} points: weight {@code 2 / (span + 1)} for the
     * newest value, started at the first value. Empty buckets stay empty and do not move the average.
     */
    private static double[] ewma(double[] v, int span) {
        double alpha = 2.0 / (span + 1);
        double[] out = new double[v.length];
        double avg = Double.NaN;
        for (int i = 0; i < v.length; i++) {
            if (Double.isNaN(v[i])) {
                out[i] = Double.NaN;
                continue;
            }
            avg = Double.isNaN(avg) ? v[i] : alpha * v[i] + (1 - alpha) * avg;
            out[i] = avg;
        }
        return out;
    }

    /** Median of the non-empty values among the last {@code span} buckets, this one included; empty stays empty. */
    private static double[] rollingMedian(double[] v, int span) {
        double[] out = new double[v.length];
        double[] window = new double[span];
        for (int i = 0; i < v.length; i++) {
            if (Double.isNaN(v[i])) {
                out[i] = Double.NaN;
                continue;
            }
            int n = 0;
            for (int j = Math.max(0, i - span + 1); j <= i; j++) {
                if (!Double.isNaN(v[j])) {
                    window[n++] = v[j];
                }
            }
            Arrays.sort(window, 0, n);
            out[i] = n % 2 == 1 ? window[n / 2] : (window[n / 2 - 1] + window[n / 2]) / 2;
        }
        return out;
    }

    /** One series counting, per bucket, the input series with a value (that is non-zero, for count_nonzero). */
    private static List<Series> count(List<Series> in, Grid grid, boolean nonZero) {
        if (in.isEmpty()) {
            return List.of();
        }
        double[] out = new double[grid.length()];
        for (Series s : in) {
            double[] v = s.values();
            for (int i = 0; i < out.length; i++) {
                if (!Double.isNaN(v[i]) && (!nonZero || v[i] != 0)) {
                    out[i]++;
                }
            }
        }
        return List.of(new Series(List.of(), out, false, Map.of()));
    }

    /**
     * The {@code limit} series ranking first by {@code rankBy} over the window, in rank order: {@code desc} highest
     * first. Series without values rank last.
     */
    private static List<Series> top(List<Series> in, int limit, String rankBy, boolean descending) {
        Comparator<Map.Entry<Series, Double>> order = Comparator.comparingDouble(Map.Entry::getValue);
        if (descending) {
            order = order.reversed();
        }
        List<Map.Entry<Series, Double>> ranked = new ArrayList<>();
        List<Series> unranked = new ArrayList<>();
        for (Series s : in) {
            double score = rank(s.values(), rankBy);
            if (Double.isNaN(score)) {
                unranked.add(s);
            } else {
                ranked.add(Map.entry(s, score));
            }
        }
        ranked.sort(order);
        List<Series> out = new ArrayList<>();
        for (var e : ranked) {
            out.add(e.getKey());
        }
        out.addAll(unranked);
        return out.subList(0, Math.min(limit, out.size()));
    }

    /** A series' score for {@code top}: NaN when it has no value. {@code area} is the signed sum of its values. */
    static double rank(double[] v, String rankBy) {
        double acc = Double.NaN;
        int n = 0;
        for (double x : v) {
            if (Double.isNaN(x)) {
                continue;
            }
            acc = switch (rankBy) {
                case "max" -> n == 0 ? x : Math.max(acc, x);
                case "min" -> n == 0 ? x : Math.min(acc, x);
                case "last" -> x;
                case "l2norm", "norm" -> (n == 0 ? 0 : acc) + x * x;
                default -> (n == 0 ? 0 : acc) + x; // mean, sum, area
            };
            n++;
        }
        if (n == 0) {
            return Double.NaN;
        }
        return switch (rankBy) {
            case "mean" -> acc / n;
            case "l2norm", "norm" -> Math.sqrt(acc);
            default -> acc;
        };
    }
}
