package tocsin.query.datadog;

import tocsin.query.UnsupportedQueryException;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Datadog functions Tocsin evaluates, with the arguments each takes. Names resolve through {@link #resolve}, which
 * also understands the numbered families ({@code ewma_5}, {@code median_7}) and the {@code top}/{@code bottom}
 * shorthands ({@code top5_mean}, {@code bottom10_max}).
 */
enum Function {
    ABS, LOG2, LOG10, CUMSUM, INTEGRAL,
    PER_SECOND, PER_MINUTE, PER_HOUR, DIFF, MONOTONIC_DIFF, DERIVATIVE, THROUGHPUT,
    TIMESHIFT(2, Arg.QUERY, Arg.NUMBER), HOUR_BEFORE, DAY_BEFORE, WEEK_BEFORE, MONTH_BEFORE,
    TOP(1, Arg.QUERY, Arg.LIMIT, Arg.RANK_BY, Arg.DIRECTION),
    BOTTOM(1, Arg.QUERY, Arg.LIMIT, Arg.RANK_BY, Arg.DIRECTION),
    CLAMP_MIN(2, Arg.QUERY, Arg.NUMBER), CLAMP_MAX(2, Arg.QUERY, Arg.NUMBER),
    CUTOFF_MIN(2, Arg.QUERY, Arg.NUMBER), CUTOFF_MAX(2, Arg.QUERY, Arg.NUMBER),
    EWMA, MEDIAN,
    COUNT_NONZERO, COUNT_NOT_NULL, DEFAULT_ZERO, EXCLUDE_NULL;

    /** What an argument must be. */
    enum Arg {
        QUERY("a metric query"),
        NUMBER("a number"),
        LIMIT("a whole number of series, at least 1"),
        RANK_BY("one of 'max', 'mean', 'min', 'sum', 'last', 'l2norm', 'norm' or 'area'"),
        DIRECTION("'asc' or 'desc'");

        final String description;

        Arg(String description) {
            this.description = description;
        }
    }

    static final Set<String> RANK_BY = Set.of("max", "mean", "min", "sum", "last", "l2norm", "norm", "area");

    /** Datadog functions that exist but that Tocsin does not evaluate yet. */
    private static final Set<String> NOT_YET = Set.of("anomalies", "outliers", "forecast", "robust_trend",
            "trend_line", "piecewise_constant", "autosmooth", "moving_rollup", "dt", "calendar_shift");

    private static final Pattern TOP_SHORTHAND = Pattern.compile(
            "(top|bottom)(5|10|15|20)_(mean|min|max|last|area|l2norm|norm)");
    private static final Pattern SPANNED = Pattern.compile("(ewma|median)_(\\d+)");

    final int required;
    final List<Arg> args;

    Function() {
        this(1, Arg.QUERY);
    }

    Function(int required, Arg... args) {
        this.required = required;
        this.args = List.of(args);
    }

    /** A function name as the query wrote it, with its defaults; the name is kept for messages. */
    record Resolved(Function function, String name, Expr.Options defaults, boolean shorthand) {
    }

    /**
     * Resolves a function name.
     *
     * @return empty when Datadog has no such function
     * @throws UnsupportedQueryException when Datadog has it but Tocsin does not evaluate it yet
     */
    static Optional<Resolved> resolve(String name) {
        Matcher top = TOP_SHORTHAND.matcher(name);
        if (top.matches()) {
            boolean isTop = top.group(1).equals("top");
            return Optional.of(new Resolved(isTop ? TOP : BOTTOM, name,
                    new Expr.Options(0, Integer.parseInt(top.group(2)), top.group(3), isTop), true));
        }
        Matcher spanned = SPANNED.matcher(name);
        if (spanned.matches()) {
            boolean ewma = spanned.group(1).equals("ewma");
            Set<String> spans = ewma ? Set.of("3", "5", "10", "20") : Set.of("3", "5", "7", "9");
            if (spans.contains(spanned.group(2))) {
                return Optional.of(new Resolved(ewma ? EWMA : MEDIAN, name,
                        new Expr.Options(Integer.parseInt(spanned.group(2)), 0, null, true), false));
            }
            return Optional.empty();
        }
        if (NOT_YET.contains(name)) {
            throw new UnsupportedQueryException("function " + name + "() is not supported by Tocsin yet");
        }
        for (Function f : values()) {
            if (f != EWMA && f != MEDIAN && f.name().toLowerCase(Locale.ROOT).equals(name)) {
                Expr.Options defaults = switch (f) {
                    case TOP -> new Expr.Options(0, 10, "mean", true);
                    case BOTTOM -> new Expr.Options(0, 10, "mean", false);
                    default -> Expr.Options.NONE;
                };
                return Optional.of(new Resolved(f, name, defaults, false));
            }
        }
        return Optional.empty();
    }

    /** "takes 1 argument", "takes 2 arguments", "takes 1 to 4 arguments". */
    String arity(boolean shorthand) {
        int max = shorthand ? 1 : args.size();
        int min = shorthand ? 1 : required;
        return "takes " + (min == max ? String.valueOf(max) : min + " to " + max) + " argument"
                + (max == 1 ? "" : "s");
    }
}
