package tocsin.query.datadog;

import tocsin.query.datadog.Expr.MetricQuery;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * One evaluated series on the query's grid: its group tags, one value per bucket ({@code NaN} where there is no
 * value, rendered as JSON {@code null}), and, per leaf query that contributed to it, the group tags that leaf
 * contributed (to rebuild the response's {@code expression} and {@code scope}).
 *
 * <p>{@code zeroAligned} marks counts and rates queried with {@code .as_count()}/{@code .as_rate()}: Datadog aligns
 * them as 0 in arithmetic, so a missing bucket there counts as 0 when the other operand has a value.
 *
 * <p>Treated as immutable once built: functions make new series.
 */
record Series(List<String> tags, double[] values, boolean zeroAligned, Map<MetricQuery, List<String>> leafTags) {

    Series {
        tags = List.copyOf(tags);
    }

    static Map<MetricQuery, List<String>> leafTags(MetricQuery leaf, List<String> tags) {
        Map<MetricQuery, List<String>> m = new IdentityHashMap<>();
        m.put(leaf, List.copyOf(tags));
        return Collections.unmodifiableMap(m);
    }

    static Map<MetricQuery, List<String>> merge(Map<MetricQuery, List<String>> a, Map<MetricQuery, List<String>> b) {
        Map<MetricQuery, List<String>> m = new IdentityHashMap<>(a);
        m.putAll(b);
        return Collections.unmodifiableMap(m);
    }

    Series withValues(double[] newValues) {
        return new Series(tags, newValues, zeroAligned, leafTags);
    }

    boolean hasValues() {
        for (double v : values) {
            if (!Double.isNaN(v)) {
                return true;
            }
        }
        return false;
    }
}
