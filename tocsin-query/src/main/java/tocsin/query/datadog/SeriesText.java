package tocsin.query.datadog;

import tocsin.query.TagFilter;
import tocsin.query.datadog.Expr.MetricQuery;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * The descriptive fields of a response series, rebuilt from the user's query text.
 *
 * <ul>
 *   <li>{@code expression}: the query with each leaf's {@code by} clause folded into its scope as the group's tags,
 *       group tags first. Datadog answers {@code avg:redis.mem.peak{app_feature:shared} by
 *       {shared_resource_id}.rollup(5)} with {@code avg:redis.mem.peak{shared_resource_id:rc_long_redis,
 *       app_feature:shared}.rollup(5)}.</li>
 *   <li>{@code scope}: the sorted union of the leaves' filter tags and group tags, comma-joined, or {@code *}
 *       ({@code app_feature:shared,shared_resource_id:rc_long_redis} above). A boolean filter that commas cannot say
 *       appears whole.</li>
 *   <li>{@code metric} and {@code display_name}: the metric's name when the expression reads one metric; otherwise
 *       the expression with each leaf replaced by its metric name ({@code a / b}). Datadog's own choice for
 *       multi-metric expressions is not documented; this one is readable and stable.</li>
 *   <li>{@code aggr}: the first leaf's space aggregator as written, or null when it names none (as Datadog answers
 *       {@code system.cpu.idle{*}}).</li>
 * </ul>
 */
final class SeriesText {
    private final String text;

    SeriesText(String text) {
        this.text = text;
    }

    String expression(Expr root, Series s) {
        return render(root, leaf -> leafExpression(leaf, s.leafTags().getOrDefault(leaf, List.of())));
    }

    String metric(Expr root) {
        List<MetricQuery> leaves = Expr.leaves(root);
        Set<String> names = new TreeSet<>();
        leaves.forEach(l -> names.add(l.metric()));
        return names.size() == 1 ? names.iterator().next() : render(root, MetricQuery::metric);
    }

    String scope(Expr root, Series s) {
        Set<String> tags = new TreeSet<>();
        for (MetricQuery leaf : Expr.leaves(root)) {
            addTerms(leaf.filter(), tags);
            tags.addAll(s.leafTags().getOrDefault(leaf, List.of()));
        }
        return tags.isEmpty() ? "*" : String.join(",", tags);
    }

    static String aggr(Expr root) {
        return Expr.leaves(root).getFirst().spaceAggregator();
    }

    private String leafExpression(MetricQuery leaf, List<String> groupTags) {
        String scope;
        if (groupTags.isEmpty()) {
            scope = leaf.filter().toString();
        } else {
            scope = String.join(",", groupTags)
                    + (leaf.filter() == TagFilter.any() ? "" : "," + leaf.filter());
        }
        return text.substring(leaf.start(), leaf.scopeStart()) + "{" + scope + "}"
                + text.substring(leaf.suffixStart(), leaf.end());
    }

    /** A filter's terms when commas can say it ({@code env:prod,!host:a}), else the whole filter as one entry. */
    private static void addTerms(TagFilter f, Set<String> into) {
        switch (f) {
            case TagFilter.Any a -> {
            }
            case TagFilter.And and when and.filters().stream().allMatch(SeriesText::isPlainTerm) ->
                    and.filters().forEach(x -> into.add(x.toString()));
            default -> into.add(f.toString());
        }
    }

    private static boolean isPlainTerm(TagFilter f) {
        return f instanceof TagFilter.Tag || f instanceof TagFilter.Wildcard
                || (f instanceof TagFilter.Not n && (n.filter() instanceof TagFilter.Tag
                || n.filter() instanceof TagFilter.Wildcard));
    }

    /** The expression's own text, with each leaf replaced; everything between nodes is copied as written. */
    private String render(Expr e, Function<MetricQuery, String> leafText) {
        if (e instanceof MetricQuery m) {
            return leafText.apply(m);
        }
        StringBuilder sb = new StringBuilder();
        int pos = e.start();
        for (Expr child : Expr.children(e)) {
            sb.append(text, pos, child.start()).append(render(child, leafText));
            pos = child.end();
        }
        return sb.append(text, pos, e.end()).toString();
    }
}
