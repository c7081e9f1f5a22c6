package tocsin.server.prometheus;

import io.helidon.http.Method;
import tocsin.core.access.Scope;
import tocsin.query.promql.ApiResponse;
import tocsin.query.promql.PromApi;
import tocsin.server.http.Access;
import tocsin.server.http.Dialect;
import tocsin.server.http.Exchange;
import tocsin.server.http.RouteTable;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The Prometheus HTTP query API under {@code /prometheus/api/v1/}, so Grafana can use Tocsin as a Prometheus data
 * source: {@code query}, {@code query_range}, {@code series}, {@code labels} (GET, or POST with a form body as
 * Grafana sends them), {@code label/<name>/values}, {@code status/buildinfo}, and the empty answers Grafana expects from {@code metadata},
 * {@code query_exemplars}, {@code rules} and {@code alerts}. Parameters go to
 * {@link PromApi} as the strings Prometheus accepts; its answers and errors are already in Prometheus's shape.
 */
public final class PromQueryRoutes {
    static final long MAX_FORM = 1 << 20;
    private final PromApi api;

    public PromQueryRoutes(PromApi api) {
        this.api = api;
    }

    public void register(RouteTable routes) {
        RouteTable.Family f = routes.family(Dialect.PROMETHEUS);
        for (Method m : List.of(Method.GET, Method.POST)) {
            f.route(m, "/prometheus/api/v1/query", Access.scope(Scope.READ), MAX_FORM,
                    ex -> send(ex, withParams(ex, p -> api.query(one(p, "query"), one(p, "time")))));
            f.route(m, "/prometheus/api/v1/query_range", Access.scope(Scope.READ), MAX_FORM,
                    ex -> send(ex, withParams(ex, p -> api.queryRange(one(p, "query"), one(p, "start"),
                            one(p, "end"), one(p, "step")))));
            f.route(m, "/prometheus/api/v1/series", Access.scope(Scope.READ), MAX_FORM,
                    ex -> send(ex, withParams(ex, p -> api.series(all(p, "match[]"), one(p, "start"), one(p, "end"),
                            one(p, "limit")))));
            f.route(m, "/prometheus/api/v1/labels", Access.scope(Scope.READ), MAX_FORM,
                    ex -> send(ex, withParams(ex, p -> api.labels(all(p, "match[]"), one(p, "start"), one(p, "end"),
                            one(p, "limit")))));
        }
        f.get("/prometheus/api/v1/label/{name}/values", Access.scope(Scope.READ),
                ex -> send(ex, withParams(ex, p -> api.labelValues(ex.pathParam("name"), all(p, "match[]"),
                        one(p, "start"), one(p, "end"), one(p, "limit")))));
        f.get("/prometheus/api/v1/status/buildinfo", Access.scope(Scope.READ), ex -> ex.text(200, "application/json",
                "{\"status\":\"success\",\"data\":{\"version\":\"2.45.0\",\"revision\":\"tocsin\",\"branch\":\"\","
                        + "\"buildUser\":\"\",\"buildDate\":\"\",\"goVersion\":\"\"}}"));
        // What Grafana's Prometheus data source asks besides queries, answered as a Prometheus that holds only
        // remote-written data answers: no metric metadata (that comes from scrapes), no exemplars, and no recording
        // or alerting rule groups (Tocsin's alerting is its monitors, under /api/v1/monitor).
        f.get("/prometheus/api/v1/metadata", Access.scope(Scope.READ), ex -> empty(ex, "{}"));
        for (Method m : List.of(Method.GET, Method.POST)) {
            f.route(m, "/prometheus/api/v1/query_exemplars", Access.scope(Scope.READ), MAX_FORM,
                    ex -> empty(ex, "[]"));
        }
        f.get("/prometheus/api/v1/rules", Access.scope(Scope.READ), ex -> empty(ex, "{\"groups\":[]}"));
        f.get("/prometheus/api/v1/alerts", Access.scope(Scope.READ), ex -> empty(ex, "{\"alerts\":[]}"));
    }

    private static void empty(Exchange ex, String data) {
        ex.text(200, "application/json", "{\"status\":\"success\",\"data\":" + data + "}");
    }

    private interface Call {
        ApiResponse run(Map<String, List<String>> params);
    }

    private static ApiResponse withParams(Exchange ex, Call call) {
        Map<String, List<String>> params = new LinkedHashMap<>();
        for (String name : ex.request().query().names()) {
            params.put(name, new ArrayList<>(ex.request().query().all(name)));
        }
        String type = ex.header("Content-Type").orElse("").toLowerCase(Locale.ROOT);
        if (ex.request().prologue().method() == Method.POST && type.startsWith("application/x-www-form-urlencoded")) {
            String form = new String(ex.body(), StandardCharsets.UTF_8);
            for (String pair : form.split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                int eq = pair.indexOf('=');
                String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                params.computeIfAbsent(k, x -> new ArrayList<>()).add(v);
            }
        }
        return call.run(params);
    }

    private static String one(Map<String, List<String>> p, String name) {
        List<String> v = p.get(name);
        return v == null || v.isEmpty() ? null : v.get(0);
    }

    private static List<String> all(Map<String, List<String>> p, String name) {
        return p.getOrDefault(name, List.of());
    }

    private static void send(Exchange ex, ApiResponse r) {
        ex.text(r.status(), "application/json", r.body());
    }
}
