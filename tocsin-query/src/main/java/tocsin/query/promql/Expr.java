package tocsin.query.promql;

import java.util.List;
import java.util.Objects;

/**
 * The PromQL syntax tree, typed as Prometheus types it: every node knows whether it yields a scalar, an instant
 * vector, a range vector or a string, and the parser refuses ill-typed trees. {@link #toString()} prints the
 * canonical text ({@code sum by (job) (rate(http_requests_total{code="500"}[5m]))}), which the tests compare against.
 * Immutable.
 */
sealed interface Expr {

    /** The PromQL value types, named as Prometheus names them in errors. */
    enum Type {
        SCALAR("scalar"), VECTOR("instant vector"), MATRIX("range vector"), STRING("string");

        final String words;

        Type(String words) {
            this.words = words;
        }
    }

    Type type();

    /** Where an {@code @} modifier pins evaluation: a fixed time, or the query's start or end. */
    enum AtMode { NONE, FIXED, START, END }

    /** The {@code offset} and {@code @} modifiers of a selector or subquery. */
    record Modifiers(long offsetMillis, boolean hasOffset, AtMode at, long atMillis) {
        static final Modifiers NONE = new Modifiers(0, false, AtMode.NONE, 0);

        Modifiers withOffset(long millis) {
            return new Modifiers(millis, true, at, atMillis);
        }

        Modifiers withAt(AtMode mode, long millis) {
            return new Modifiers(offsetMillis, hasOffset, mode, millis);
        }

        /** The time a selector reads at when the query evaluates at {@code t}. */
        long effective(long t, long queryStart, long queryEnd) {
            long base = switch (at) {
                case NONE -> t;
                case FIXED -> atMillis;
                case START -> queryStart;
                case END -> queryEnd;
            };
            return base - offsetMillis;
        }

        String text() {
            StringBuilder sb = new StringBuilder();
            switch (at) {
                case FIXED -> {
                    sb.append(" @ ");
                    GoFormat.seconds(sb, atMillis);
                }
                case START -> sb.append(" @ start()");
                case END -> sb.append(" @ end()");
                default -> {
                }
            }
            if (hasOffset) {
                sb.append(" offset ").append(Durations.format(offsetMillis));
            }
            return sb.toString();
        }
    }

    record NumberLiteral(double value) implements Expr {
        @Override
        public Type type() {
            return Type.SCALAR;
        }

        @Override
        public String toString() {
            return Double.isNaN(value) ? "NaN" : Double.isInfinite(value) ? (value > 0 ? "+Inf" : "-Inf")
                    : GoFormat.value(value);
        }
    }

    record StringLiteral(String value) implements Expr {
        @Override
        public Type type() {
            return Type.STRING;
        }

        @Override
        public String toString() {
            return GoFormat.quote(value);
        }
    }

    /**
     * An instant vector selector.
     *
     * @param name     the metric name written before the braces, or null
     * @param matchers every matcher, the name's {@code __name__="..."} included
     */
    record VectorSelector(String name, List<LabelMatcher> matchers, Modifiers modifiers) implements Expr {
        public VectorSelector {
            matchers = List.copyOf(matchers);
            Objects.requireNonNull(modifiers, "modifiers");
        }

        VectorSelector with(Modifiers m) {
            return new VectorSelector(name, matchers, m);
        }

        @Override
        public Type type() {
            return Type.VECTOR;
        }

        String selectorText() {
            StringBuilder sb = new StringBuilder();
            if (name != null) {
                sb.append(name);
            }
            StringBuilder inner = new StringBuilder();
            for (LabelMatcher m : matchers) {
                if (name != null && m.name().equals(Labels.METRIC_NAME) && m.type() == LabelMatcher.Type.EQ
                        && m.value().equals(name)) {
                    continue;
                }
                inner.append(inner.isEmpty() ? "" : ", ").append(m);
            }
            if (!inner.isEmpty() || name == null) {
                sb.append('{').append(inner).append('}');
            }
            return sb.toString();
        }

        @Override
        public String toString() {
            return selectorText() + modifiers.text();
        }
    }

    record MatrixSelector(VectorSelector selector, long rangeMillis) implements Expr {
        @Override
        public Type type() {
            return Type.MATRIX;
        }

        @Override
        public String toString() {
            return selector.selectorText() + "[" + Durations.format(rangeMillis) + "]" + selector.modifiers().text();
        }
    }

    /** {@code expr[range:step]}; a step of 0 means the engine's default subquery step. */
    record Subquery(Expr expr, long rangeMillis, long stepMillis, Modifiers modifiers) implements Expr {
        @Override
        public Type type() {
            return Type.MATRIX;
        }

        @Override
        public String toString() {
            return expr + "[" + Durations.format(rangeMillis) + ":"
                    + (stepMillis == 0 ? "" : Durations.format(stepMillis)) + "]" + modifiers.text();
        }
    }

    record Paren(Expr expr) implements Expr {
        @Override
        public Type type() {
            return expr.type();
        }

        @Override
        public String toString() {
            return "(" + expr + ")";
        }
    }

    /** Unary minus (or plus) on a scalar or instant vector that is not a number literal. */
    record Unary(boolean negate, Expr expr) implements Expr {
        @Override
        public Type type() {
            return expr.type();
        }

        @Override
        public String toString() {
            return (negate ? "-" : "+") + expr;
        }
    }

    enum BinOp {
        OR("or", 1), AND("and", 2), UNLESS("unless", 2),
        EQLC("==", 3), NEQ("!=", 3), LTE("<=", 3), LSS("<", 3), GTE(">=", 3), GTR(">", 3),
        ADD("+", 4), SUB("-", 4),
        MUL("*", 5), DIV("/", 5), MOD("%", 5), ATAN2("atan2", 5),
        POW("^", 6);

        final String symbol;
        final int precedence;

        BinOp(String symbol, int precedence) {
            this.symbol = symbol;
            this.precedence = precedence;
        }

        boolean isComparison() {
            return precedence == 3;
        }

        boolean isSetOperator() {
            return this == OR || this == AND || this == UNLESS;
        }

        boolean isRightAssociative() {
            return this == POW;
        }
    }

    enum Cardinality { ONE_TO_ONE, MANY_TO_ONE, ONE_TO_MANY, MANY_TO_MANY }

    /**
     * How two vectors' elements pair up.
     *
     * @param on      true for {@code on(labels)}, false for {@code ignoring(labels)} (or no clause: ignoring nothing)
     * @param explicit whether an {@code on}/{@code ignoring} clause was written
     * @param include the labels of {@code group_left(...)}/{@code group_right(...)}
     */
    record VectorMatching(Cardinality card, List<String> labels, boolean on, boolean explicit, List<String> include) {
        public VectorMatching {
            labels = List.copyOf(labels);
            include = List.copyOf(include);
        }

        String text() {
            StringBuilder sb = new StringBuilder();
            if (explicit) {
                sb.append(on ? " on(" : " ignoring(").append(String.join(", ", labels)).append(')');
            }
            if (card == Cardinality.MANY_TO_ONE || card == Cardinality.ONE_TO_MANY) {
                sb.append(card == Cardinality.MANY_TO_ONE ? " group_left" : " group_right");
                if (!include.isEmpty()) {
                    sb.append('(').append(String.join(", ", include)).append(')');
                }
            }
            return sb.toString();
        }
    }

    /**
     * @param matching null when either side is a scalar
     * @param type     scalar when both sides are, else instant vector; kept, since operator chains can be long
     */
    record Binary(BinOp op, Expr lhs, Expr rhs, boolean returnBool, VectorMatching matching, Type type)
            implements Expr {

        @Override
        public String toString() {
            return lhs + " " + op.symbol + (returnBool ? " bool" : "") + (matching == null ? "" : matching.text())
                    + " " + rhs;
        }
    }

    enum AggOp {
        SUM, AVG, MIN, MAX, COUNT, GROUP, STDDEV, STDVAR, TOPK, BOTTOMK, QUANTILE, COUNT_VALUES;

        final String word = name().toLowerCase(java.util.Locale.ROOT);

        /** The parameter's type, or null when the aggregation takes none. */
        Type paramType() {
            return switch (this) {
                case TOPK, BOTTOMK, QUANTILE -> Type.SCALAR;
                case COUNT_VALUES -> Type.STRING;
                default -> null;
            };
        }

        static AggOp byWord(String word) {
            for (AggOp op : values()) {
                if (op.word.equalsIgnoreCase(word)) {
                    return op;
                }
            }
            return null;
        }
    }

    /**
     * @param param    the parameter of topk, bottomk, quantile and count_values, else null
     * @param grouping the {@code by}/{@code without} labels
     * @param without  true for {@code without}
     * @param grouped  whether a {@code by}/{@code without} clause was written
     */
    record Aggregate(AggOp op, Expr expr, Expr param, List<String> grouping, boolean without, boolean grouped)
            implements Expr {
        public Aggregate {
            grouping = List.copyOf(grouping);
        }

        @Override
        public Type type() {
            return Type.VECTOR;
        }

        @Override
        public String toString() {
            StringBuilder sb = new StringBuilder(op.word);
            if (grouped) {
                sb.append(without ? " without (" : " by (").append(String.join(", ", grouping)).append(") ");
            }
            sb.append('(');
            if (param != null) {
                sb.append(param).append(", ");
            }
            return sb.append(expr).append(')').toString();
        }
    }

    record Call(Function function, List<Expr> args) implements Expr {
        public Call {
            args = List.copyOf(args);
        }

        @Override
        public Type type() {
            return function.returns();
        }

        @Override
        public String toString() {
            StringBuilder sb = new StringBuilder(function.word()).append('(');
            for (int i = 0; i < args.size(); i++) {
                sb.append(i == 0 ? "" : ", ").append(args.get(i));
            }
            return sb.append(')').toString();
        }
    }

    /** The expression inside any parentheses. */
    static Expr unwrap(Expr e) {
        while (e instanceof Paren p) {
            e = p.expr();
        }
        return e;
    }
}
