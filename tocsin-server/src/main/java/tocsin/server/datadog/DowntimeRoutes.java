package tocsin.server.datadog;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.http.Method;
import tocsin.core.access.Scope;
import tocsin.monitor.downtime.Downtime;
import tocsin.monitor.downtime.DowntimeService;
import tocsin.monitor.json.DowntimeJson;
import tocsin.server.http.Access;
import tocsin.server.http.ApiProblem;
import tocsin.server.http.Dialect;
import tocsin.server.http.Exchange;
import tocsin.server.http.RouteTable;

import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;

/**
 * Datadog's v2 downtime API, {@code /api/v2/downtime}: schedule (one-off or RRULE recurrences), get, list
 * ({@code current_only}, {@code page[offset]}, {@code page[limit]}), update ({@code PATCH}) and cancel
 * ({@code DELETE}, 204), in Datadog's JSON:API shapes. Parse, validate, call {@link DowntimeService}, map.
 */
public final class DowntimeRoutes {
    static final long MAX_BODY = 64 * 1024;

    private final DowntimeService downtimes;
    private final InstantSource clock;

    public DowntimeRoutes(DowntimeService downtimes, InstantSource clock) {
        this.downtimes = downtimes;
        this.clock = clock;
    }

    public void register(RouteTable routes) {
        Access read = Access.scope(Scope.READ);
        Access write = Access.scope(Scope.WRITE);
        routes.family(Dialect.DATADOG)
                .get("/api/v2/downtime", read, this::list)
                .post("/api/v2/downtime", write, MAX_BODY, this::create)
                .get("/api/v2/downtime/{downtime_id}", read, this::get)
                .route(Method.PATCH, "/api/v2/downtime/{downtime_id}", write, MAX_BODY, this::update)
                .delete("/api/v2/downtime/{downtime_id}", write, this::cancel);
    }

    private void create(Exchange ex) {
        Instant now = clock.instant();
        Downtime d = read(ex.jsonBody(), null, now);
        ex.json(200, DowntimeJson.response(downtimes.create(d), now));
    }

    private void get(Exchange ex) {
        ex.json(200, DowntimeJson.response(existing(ex), clock.instant()));
    }

    private void update(Exchange ex) {
        Downtime current = existing(ex);
        Instant now = clock.instant();
        com.fasterxml.jackson.databind.JsonNode body = ex.jsonBody();
        String bodyId = body.path("data").path("id").asText(null);
        Downtime d = read(body, current, now);
        if (bodyId != null && !bodyId.equals(current.id())) {
            throw ApiProblem.invalidField("data.id", "'" + bodyId + "' does not match the downtime in the path");
        }
        Downtime updated = downtimes.update(d).orElseThrow(() -> notFound(current.id()));
        ex.json(200, DowntimeJson.response(updated, now));
    }

    private void cancel(Exchange ex) {
        downtimes.cancel(existing(ex).id());
        ex.noContent();
    }

    private void list(Exchange ex) {
        List<String> errors = new ArrayList<>();
        boolean currentOnly = ex.query("current_only").map(v -> {
            if (!v.equals("true") && !v.equals("false")) {
                errors.add("current_only: must be true or false, got '" + v + "'");
            }
            return v.equals("true");
        }).orElse(false);
        long offset = longParam(ex, "page[offset]", 0, 1_000_000, errors);
        long limit = longParam(ex, "page[limit]", 30, 1000, errors);
        if (!errors.isEmpty()) {
            throw ApiProblem.badRequest("Invalid parameters", errors);
        }
        Instant now = clock.instant();
        List<Downtime> all = downtimes.list(currentOnly);
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        ArrayNode data = root.putArray("data");
        all.stream().skip(offset).limit(limit).forEach(d -> data.add(DowntimeJson.data(d, now)));
        root.putObject("meta").putObject("page").put("total_filtered_count", all.size());
        ex.json(200, root);
    }

    private static long longParam(Exchange ex, String name, long dflt, long max, List<String> errors) {
        String v = ex.query(name).orElse(null);
        if (v == null) {
            return dflt;
        }
        try {
            long n = Long.parseLong(v.trim());
            if (n < 0 || n > max) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            errors.add(name + ": must be a whole number between 0 and " + max + ", got '" + v + "'");
            return dflt;
        }
    }

    private static Downtime read(com.fasterxml.jackson.databind.JsonNode body, Downtime current, Instant now) {
        List<String> errors = new ArrayList<>();
        Downtime d = DowntimeJson.read(body, current, now, errors);
        if (!errors.isEmpty()) {
            throw ApiProblem.badRequest("Invalid downtime", errors);
        }
        return d;
    }

    private Downtime existing(Exchange ex) {
        String id = ex.pathParam("downtime_id");
        return downtimes.find(id).orElseThrow(() -> notFound(id));
    }

    private static ApiProblem notFound(String id) {
        return ApiProblem.notFound("Downtime not found: " + id);
    }
}
