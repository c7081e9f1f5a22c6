package tocsin.query.datadog;

import tocsin.query.TagFilter;

import java.util.List;

/**
 * A parsed Datadog query expression. Every node remembers where it sits in the query text ({@code start} inclusive,
 * {@code end} exclusive) so that the response's {@code expression} can be rebuilt from the user's own text with each
 * group's tags spliced in. Nodes compare by value, so maps keyed by a node use identity.
 */
sealed interface Expr {

    int start();

    int end();

    /** A number literal, negative numbers folded in. */
    record Num(double value, int start, int end) implements Expr {
    }

    /** A bare or quoted word, only as a function argument: {@code 'mean'}, {@code desc}. */
    record Word(String text, int start, int end) implements Expr {
    }

    /** {@code ( expr )}; kept so that rendering keeps the parentheses. */
    record Paren(Expr inner, int start, int end) implements Expr {
    }

    /** {@code -expr}. */
    record Neg(Expr operand, int start, int end) implements Expr {
    }

    /** {@code left op right} with op one of {@code + - * /}. */
    record Binary(char op, Expr left, Expr right, int start, int end) implements Expr {
    }

    /**
     * A function call. {@code args} are the arguments as written (for rendering); {@code options} holds the resolved
     * parameters, defaults and shorthands included ({@code top5_mean(q)} is {@code top(q, 5, 'mean', 'desc')}).
     */
    record Call(Function function, List<Expr> args, Options options, int start, int end) implements Expr {

        /** The series argument. */
        Expr query() {
            return args.getFirst();
        }
    }

    /** Resolved function parameters; unused ones are zero or null. */
    record Options(double number, int limit, String rankBy, boolean descending) {
        static final Options NONE = new Options(0, 0, null, true);
    }

    /** How a leaf query aggregates within a time bucket. */
    enum Aggregator {
        AVG, SUM, MIN, MAX, COUNT;

        String text() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** {@code .as_count()}, {@code .as_rate()} or neither. */
    enum Modifier {
        NONE, AS_COUNT, AS_RATE
    }

    /** {@code .rollup(aggregator, seconds)}; either part may be absent (null, 0). */
    record Rollup(Aggregator aggregator, long seconds) {
    }

    /** The {@code .fill()} methods. */
    enum FillMode {
        NULL, ZERO, LINEAR, LAST
    }

    /** {@code .fill(mode, limitSeconds)}. */
    record Fill(FillMode mode, long limitSeconds) {
    }

    /**
     * {@code space_agg:metric{scope} by {keys}.modifiers}: the leaf that reads a metric.
     *
     * @param spaceAggregator as written, lowercase ({@code avg}, {@code p95}), or null when absent
     * @param scopeStart      offset of the scope's opening brace
     * @param suffixStart     offset just after the scope or the {@code by} clause, where the modifiers start
     */
    record MetricQuery(String spaceAggregator, String metric, TagFilter filter, List<String> groupBy, Rollup rollup,
                       Modifier modifier, Fill fill, int start, int scopeStart, int suffixStart, int end)
            implements Expr {
    }

    /** The sub-expressions of a node, in text order. */
    static List<Expr> children(Expr e) {
        return switch (e) {
            case Paren p -> List.of(p.inner());
            case Neg n -> List.of(n.operand());
            case Binary b -> List.of(b.left(), b.right());
            case Call c -> c.args();
            case Num n -> List.of();
            case Word w -> List.of();
            case MetricQuery m -> List.of();
        };
    }

    /** The metric queries under a node, in text order. */
    static List<MetricQuery> leaves(Expr e) {
        List<MetricQuery> out = new java.util.ArrayList<>();
        collectLeaves(e, out);
        return out;
    }

    private static void collectLeaves(Expr e, List<MetricQuery> out) {
        if (e instanceof MetricQuery m) {
            out.add(m);
        }
        for (Expr c : children(e)) {
            collectLeaves(c, out);
        }
    }
}
