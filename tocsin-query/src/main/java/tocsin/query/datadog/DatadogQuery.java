package tocsin.query.datadog;

import tocsin.query.QueryException;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A parsed Datadog metric query: one or more comma-separated expressions, validated (functions, their arguments,
 * aggregators, modifiers). Made by {@link DatadogQueryEngine#parse}; evaluated by {@link
 * DatadogQueryEngine#evaluate}. Immutable and thread-safe, so a monitor can parse once and evaluate often.
 */
public final class DatadogQuery {
    private final String text;
    private final List<Expr> expressions;

    private DatadogQuery(String text, List<Expr> expressions) {
        this.text = text;
        this.expressions = List.copyOf(expressions);
    }

    /** @throws QueryException when the text is not a query Tocsin can answer */
    static DatadogQuery parse(String text) {
        Objects.requireNonNull(text, "query");
        return new DatadogQuery(text, Parser.parse(text));
    }

    /** The query text as given. */
    public String text() {
        return text;
    }

    /** How many comma-separated queries the text holds; each answers with its own {@code query_index}. */
    public int size() {
        return expressions.size();
    }

    /** The tag keys the queries group by, in order of first appearance. */
    public List<String> groupBy() {
        Set<String> keys = new LinkedHashSet<>();
        for (Expr e : expressions) {
            Expr.leaves(e).forEach(l -> keys.addAll(l.groupBy()));
        }
        return List.copyOf(keys);
    }

    /** The metric names the queries read, in order of first appearance. */
    public List<String> metrics() {
        Set<String> names = new LinkedHashSet<>();
        for (Expr e : expressions) {
            Expr.leaves(e).forEach(l -> names.add(l.metric()));
        }
        return List.copyOf(names);
    }

    /**
     * The metric read when the text is exactly one metric query, possibly in parentheses, without arithmetic,
     * functions, {@code .rollup()} or {@code .fill()}; empty otherwise.
     */
    public java.util.Optional<MetricSelector> singleMetric() {
        if (expressions.size() != 1) {
            return java.util.Optional.empty();
        }
        Expr e = expressions.getFirst();
        while (e instanceof Expr.Paren p) {
            e = p.inner();
        }
        if (!(e instanceof Expr.MetricQuery m) || m.rollup() != null || m.fill() != null
                || m.modifier() == Expr.Modifier.AS_RATE) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(new MetricSelector(m.spaceAggregator() == null ? "avg" : m.spaceAggregator(),
                m.metric(), m.filter(), m.groupBy(), m.modifier() == Expr.Modifier.AS_COUNT));
    }

    List<Expr> expressions() {
        return expressions;
    }

    @Override
    public String toString() {
        return text;
    }
}
