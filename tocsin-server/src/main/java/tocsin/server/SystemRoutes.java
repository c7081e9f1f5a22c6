package tocsin.server;

import tocsin.core.access.Scope;
import tocsin.server.http.Access;
import tocsin.server.http.Dialect;
import tocsin.server.http.Exchange;
import tocsin.server.http.RouteTable;
import tocsin.server.metrics.SelfMetrics;

import java.util.function.BooleanSupplier;

/**
 * {@code GET /health} (public: load balancers and scripts probe it) and {@code GET /metrics} (Tocsin's own metrics
 * in Prometheus text format; needs read scope, which Prometheus sends as a bearer token).
 */
final class SystemRoutes {
    private final SelfMetrics metrics;
    private final BooleanSupplier accepting;

    SystemRoutes(SelfMetrics metrics, BooleanSupplier accepting) {
        this.metrics = metrics;
        this.accepting = accepting;
    }

    void register(RouteTable routes) {
        routes.family(Dialect.TOCSIN)
                .get("/health", Access.PUBLIC, this::health)
                .get("/metrics", Access.scope(Scope.READ), this::metrics);
    }

    private void health(Exchange ex) {
        if (accepting.getAsBoolean()) {
            ex.text(200, "application/json", "{\"status\":\"ok\"}");
        } else {
            ex.text(503, "application/json", "{\"status\":\"stopping\"}");
        }
    }

    private void metrics(Exchange ex) {
        ex.response().header("Content-Type", SelfMetrics.contentType());
        ex.response().send(metrics.scrape());
    }
}
