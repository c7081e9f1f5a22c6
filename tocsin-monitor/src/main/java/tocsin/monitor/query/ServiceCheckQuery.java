package tocsin.monitor.query;

import java.util.List;
import java.util.Objects;

/**
 * {@code "check".over("tag",...).exclude("tag",...).by("key",...).last(n).count_by_status()}: the query of a
 * {@code service check} monitor. Immutable.
 *
 * @param check   the check name
 * @param over    tags a run must carry ({@code *} for all)
 * @param exclude tags a run must not carry
 * @param by      tag keys to group by
 * @param last    how many of each group's latest runs are counted
 */
public record ServiceCheckQuery(String check, List<String> over, List<String> exclude, List<String> by, int last)
        implements MonitorQuery {

    /** The most runs {@code .last()} may count. */
    public static final int MAX_LAST = 100;

    public ServiceCheckQuery {
        if (check.isBlank()) {
            throw new IllegalArgumentException("check name must not be blank");
        }
        over = List.copyOf(over);
        exclude = List.copyOf(exclude);
        by = List.copyOf(by);
        if (last < 1 || last > MAX_LAST) {
            throw new IllegalArgumentException("last must be between 1 and " + MAX_LAST);
        }
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder(quote(check)).append(".over(").append(quoted(over)).append(')');
        if (!exclude.isEmpty()) {
            b.append(".exclude(").append(quoted(exclude)).append(')');
        }
        if (!by.isEmpty()) {
            b.append(".by(").append(quoted(by)).append(')');
        }
        return b.append(".last(").append(last).append(").count_by_status()").toString();
    }

    private static String quoted(List<String> items) {
        return String.join(",", items.stream().map(ServiceCheckQuery::quote).toList());
    }

    private static String quote(String s) {
        return '"' + s.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }
}
