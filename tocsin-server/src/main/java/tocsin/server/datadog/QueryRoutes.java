package tocsin.server.datadog;

import tocsin.core.access.Scope;
import tocsin.query.QueryException;
import tocsin.query.QuerySyntaxException;
import tocsin.query.datadog.DatadogQueryEngine;
import tocsin.query.datadog.QueryResponse;
import tocsin.server.http.Access;
import tocsin.server.http.ApiProblem;
import tocsin.server.http.Dialect;
import tocsin.server.http.Exchange;
import tocsin.server.http.RouteTable;

import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;

/**
 * Datadog's {@code GET /api/v1/query?from=&to=&query=} (from and to in Unix seconds), answered in Datadog's v1
 * shape by the Datadog query engine over the metric store.
 */
public final class QueryRoutes {
    /** Longest range one query may cover; Datadog's own limit is much shorter for raw data. */
    static final long MAX_RANGE_SECONDS = 366L * 24 * 3600;

    private final DatadogQueryEngine engine;
    private final InstantSource clock;

    public QueryRoutes(DatadogQueryEngine engine, InstantSource clock) {
        this.engine = engine;
        this.clock = clock;
    }

    public void register(RouteTable routes) {
        routes.family(Dialect.DATADOG).get("/api/v1/query", Access.scope(Scope.READ), this::query);
    }

    private void query(Exchange ex) {
        List<String> errors = new ArrayList<>();
        long from = seconds(ex, "from", errors);
        long to = seconds(ex, "to", errors);
        String query = ex.query("query").orElse(null);
        if (query == null || query.isBlank()) {
            errors.add("query: is required");
        }
        if (errors.isEmpty() && to < from) {
            errors.add("to: must not be before from");
        }
        if (errors.isEmpty() && to - from > MAX_RANGE_SECONDS) {
            errors.add("to: the range may span at most " + MAX_RANGE_SECONDS + " seconds");
        }
        if (!errors.isEmpty()) {
            throw ApiProblem.badRequest("Invalid query request", errors);
        }
        QueryResponse response;
        try {
            response = engine.query(query, from * 1000, to * 1000, clock.millis());
        } catch (QuerySyntaxException e) {
            throw ApiProblem.badRequest("Error parsing query", List.of("query: " + e.getMessage()));
        } catch (QueryException e) {
            throw ApiProblem.badRequest("Error evaluating query", List.of("query: " + e.getMessage()));
        }
        ex.text(200, "application/json", response.toJson());
    }

    private static long seconds(Exchange ex, String name, List<String> errors) {
        String v = ex.query(name).orElse(null);
        if (v == null || v.isBlank()) {
            errors.add(name + ": is required (Unix seconds)");
            return 0;
        }
        try {
            return (long) Double.parseDouble(v.trim());
        } catch (NumberFormatException e) {
            errors.add(name + ": must be Unix seconds, got '" + v + "'");
            return 0;
        }
    }
}
