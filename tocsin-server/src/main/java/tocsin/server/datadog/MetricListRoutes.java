package tocsin.server.datadog;

import tocsin.core.access.Scope;
import tocsin.server.http.Access;
import tocsin.server.http.ApiProblem;
import tocsin.server.http.Dialect;
import tocsin.server.http.Exchange;
import tocsin.server.http.RouteTable;
import tocsin.tsdb.MetricStore;
import tocsin.tsdb.Querier;
import tocsin.tsdb.SketchQuerier;

import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Datadog's {@code GET /api/v1/metrics?from=<unix seconds>[&host=][&tag_filter=]}: the metrics that received points
 * since {@code from}, distribution metrics included, as {@code {"metrics":[...],"from":"<from>"}}. ({@code host} and {@code tag_filter} narrow by
 * tag presence, as Datadog does.)
 */
public final class MetricListRoutes {
    private final MetricStore store;
    private final InstantSource clock;

    public MetricListRoutes(MetricStore store, InstantSource clock) {
        this.store = store;
        this.clock = clock;
    }

    public void register(RouteTable routes) {
        routes.family(Dialect.DATADOG).get("/api/v1/metrics", Access.scope(Scope.READ), this::list);
    }

    private void list(Exchange ex) {
        String fromText = ex.query("from").orElseThrow(() -> ApiProblem.invalidField("from", "is required (Unix seconds)"));
        long from;
        try {
            from = (long) Double.parseDouble(fromText.trim());
        } catch (NumberFormatException e) {
            throw ApiProblem.invalidField("from", "must be Unix seconds, got '" + fromText + "'");
        }
        String host = ex.query("host").orElse(null);
        String tagFilter = ex.query("tag_filter").orElse(null);
        List<tocsin.tsdb.TagMatcher> matchers = new java.util.ArrayList<>();
        if (host != null && !host.isBlank()) {
            matchers.add(new tocsin.tsdb.TagMatcher.HasTag("host:" + host));
        }
        if (tagFilter != null && !tagFilter.isBlank()) {
            for (String tag : tagFilter.split(",")) {
                if (!tag.isBlank()) {
                    matchers.add(tag.contains("*") ? new tocsin.tsdb.TagMatcher.Glob(tag.trim())
                            : new tocsin.tsdb.TagMatcher.HasTag(tag.trim()));
                }
            }
        }
        java.util.SortedSet<String> names = new java.util.TreeSet<>();
        long fromMillis = from * 1000;
        long toMillis = Math.max(fromMillis, clock.millis());
        try (Querier q = store.querier(fromMillis, toMillis)) {
            q.metricNames().stream().filter(n -> matchers.isEmpty() || !q.series(n, matchers).isEmpty())
                    .forEach(names::add);
        }
        try (SketchQuerier q = store.sketchQuerier(fromMillis, toMillis)) { // distribution metrics
            q.metricNames().stream().filter(n -> matchers.isEmpty() || !q.select(n, matchers).isEmpty())
                    .forEach(names::add);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("metrics", List.copyOf(names));
        body.put("from", Long.toString(from));
        ex.json(200, body);
    }
}
