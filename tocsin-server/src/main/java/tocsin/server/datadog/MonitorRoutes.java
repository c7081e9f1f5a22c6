package tocsin.server.datadog;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import tocsin.core.access.Principal;
import tocsin.core.access.Scope;
import tocsin.monitor.Creator;
import tocsin.monitor.InvalidMonitorException;
import tocsin.monitor.Monitor;
import tocsin.monitor.MonitorDefinition;
import tocsin.monitor.MonitorService;
import tocsin.monitor.MonitorStore.MonitorFilter;
import tocsin.monitor.MonitorValidator;
import tocsin.monitor.Transition;
import tocsin.monitor.json.MonitorJson;
import tocsin.monitor.json.MonitorSearch;
import tocsin.server.http.Access;
import tocsin.server.http.ApiProblem;
import tocsin.server.http.Dialect;
import tocsin.server.http.Exchange;
import tocsin.server.http.RouteTable;

import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Predicate;

/**
 * Datadog's monitor API, {@code /api/v1/monitor}: create, get, update, delete, list (a JSON array, as Datadog's
 * clients expect), search, and validate, in Datadog's JSON shapes; plus Tocsin's history of a monitor's group
 * transitions under {@code /api/tocsin/monitors/{id}/history}. Parse, validate, call {@link MonitorService}, map.
 */
public final class MonitorRoutes {
    /** Monitor definitions are small; Datadog's own limit is far below this. */
    static final long MAX_BODY = 256 * 1024;
    static final int DEFAULT_HISTORY = 100;
    static final int MAX_HISTORY = 10_000;

    private final MonitorService monitors;
    private final InstantSource clock;

    public MonitorRoutes(MonitorService monitors, InstantSource clock) {
        this.monitors = monitors;
        this.clock = clock;
    }

    public void register(RouteTable routes) {
        Access read = Access.scope(Scope.READ);
        Access write = Access.scope(Scope.WRITE);
        routes.family(Dialect.DATADOG)
                .get("/api/v1/monitor/search", read, this::search)
                .post("/api/v1/monitor/validate", read, MAX_BODY, this::validate)
                .post("/api/v1/monitor/{monitor_id}/validate", read, MAX_BODY, this::validateExisting)
                .get("/api/v1/monitor", read, this::list)
                .post("/api/v1/monitor", write, MAX_BODY, this::create)
                .get("/api/v1/monitor/{monitor_id}", read, this::get)
                .route(io.helidon.http.Method.PUT, "/api/v1/monitor/{monitor_id}", write, MAX_BODY, this::update)
                .delete("/api/v1/monitor/{monitor_id}", write, this::delete);
        routes.family(Dialect.TOCSIN).get("/api/tocsin/monitors/{monitor_id}/history", read, this::history);
    }

    private void create(Exchange ex) {
        MonitorDefinition d = read(ex.jsonBody(), null);
        Monitor m = invalidAs400(() -> monitors.create(d, creator(ex.principal())));
        ex.json(200, MonitorJson.write(m, List.of(), false));
    }

    private void update(Exchange ex) {
        Monitor current = existing(ex);
        MonitorDefinition d = read(ex.jsonBody(), current.definition());
        Monitor m = invalidAs400(() -> monitors.update(current.id(), d)).orElseThrow(() -> notFound(current.id()));
        ex.json(200, MonitorJson.write(m, monitors.store().groupStates(m.id()), false));
    }

    private void get(Exchange ex) {
        Monitor m = existing(ex);
        ex.json(200, MonitorJson.write(m, monitors.store().groupStates(m.id()), groupStates(ex)));
    }

    private void delete(Exchange ex) {
        long id = id(ex);
        if (!invalidAs400(() -> monitors.delete(id))) {
            throw notFound(id);
        }
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.put("deleted_monitor_id", id);
        ex.json(200, out);
    }

    private void list(Exchange ex) {
        List<String> errors = new ArrayList<>();
        List<String> tags = new ArrayList<>();
        ex.query("monitor_tags").ifPresent(t -> tags.addAll(commaList(t)));
        ex.query("tags").ifPresent(t -> tags.addAll(commaList(t)));
        long idOffset = longParam(ex, "id_offset", 0, 0, Long.MAX_VALUE, errors);
        int pageSize = (int) longParam(ex, "page_size", 100, 1, 1000, errors);
        boolean paged = ex.query("page").isPresent();
        int page = (int) longParam(ex, "page", 0, 0, 1_000_000, errors);
        if (!errors.isEmpty()) {
            throw ApiProblem.badRequest("Invalid parameters", errors);
        }
        List<Monitor> found = monitors.store().list(new MonitorFilter(ex.query("name").orElse(null), tags, idOffset,
                paged ? (page + 1) * pageSize : Integer.MAX_VALUE));
        if (paged) {
            found = found.subList(Math.min(found.size(), page * pageSize), found.size());
        }
        var groups = groupStates(ex);
        ArrayNode out = JsonNodeFactory.instance.arrayNode();
        for (Monitor m : found) {
            out.add(MonitorJson.write(m, monitors.store().groupStates(m.id()), groups));
        }
        ex.json(200, out);
    }

    private void search(Exchange ex) {
        List<String> errors = new ArrayList<>();
        int page = (int) longParam(ex, "page", 0, 0, 1_000_000, errors);
        int perPage = (int) longParam(ex, "per_page", 30, 1, MonitorSearch.MAX_PER_PAGE, errors);
        Predicate<MonitorSearch.Candidate> filter = c -> true;
        try {
            filter = MonitorSearch.parse(ex.query("query").orElse(""));
        } catch (IllegalArgumentException e) {
            errors.add(e.getMessage());
        }
        if (!errors.isEmpty()) {
            throw ApiProblem.badRequest("Invalid search", errors);
        }
        List<MonitorSearch.Candidate> matches = new ArrayList<>();
        for (Monitor m : monitors.store().list(MonitorFilter.ALL)) {
            MonitorSearch.Candidate c = new MonitorSearch.Candidate(m, monitors.store().groupStates(m.id()));
            if (filter.test(c)) {
                matches.add(c);
            }
        }
        ex.json(200, MonitorSearch.page(matches, page, perPage));
    }

    private void validate(Exchange ex) {
        answerValidation(ex, monitors.validate(read(ex.jsonBody(), null), 0));
    }

    private void validateExisting(Exchange ex) {
        Monitor current = existing(ex);
        answerValidation(ex, monitors.validate(read(ex.jsonBody(), current.definition()), current.id()));
    }

    /** Datadog answers a valid monitor with {@code {}}; Tocsin adds {@code warnings} when it has some. */
    private static void answerValidation(Exchange ex, MonitorValidator.Result r) {
        if (!r.valid()) {
            throw ApiProblem.badRequest("Invalid monitor", r.errors());
        }
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        if (!r.warnings().isEmpty()) {
            ArrayNode w = out.putArray("warnings");
            r.warnings().forEach(w::add);
        }
        ex.json(200, out);
    }

    private void history(Exchange ex) {
        Monitor m = existing(ex);
        List<String> errors = new ArrayList<>();
        long now = clock.millis();
        long from = longParam(ex, "from", 0, 0, Long.MAX_VALUE / 1000, errors);
        long to = longParam(ex, "to", now / 1000 + 1, 0, Long.MAX_VALUE / 1000, errors);
        int limit = (int) longParam(ex, "limit", DEFAULT_HISTORY, 1, MAX_HISTORY, errors);
        if (!errors.isEmpty()) {
            throw new ApiProblem(ApiProblem.Kind.BAD_REQUEST, "Invalid parameters", errors);
        }
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.put("monitor_id", m.id());
        ArrayNode items = out.putArray("transitions");
        for (Transition t : monitors.store().history(m.id(), Instant.ofEpochSecond(from), Instant.ofEpochSecond(to),
                limit)) {
            ObjectNode n = items.addObject();
            n.put("group", t.group());
            n.put("from", t.from().wireName());
            n.put("to", t.to().wireName());
            if (t.value() == null) {
                n.putNull("value");
            } else {
                n.put("value", t.value());
            }
            putTime(n, "window_start", t.windowStart());
            putTime(n, "window_end", t.windowEnd());
            putTime(n, "at", t.at());
            n.put("notification", t.notification());
            ArrayNode h = n.putArray("handles");
            t.handles().forEach(h::add);
        }
        ex.json(200, out);
    }

    // ---- helpers

    private static MonitorDefinition read(JsonNode body, MonitorDefinition current) {
        List<String> errors = new ArrayList<>();
        MonitorDefinition d = MonitorJson.read(body, current, errors);
        if (!errors.isEmpty()) {
            throw ApiProblem.badRequest("Invalid monitor", errors);
        }
        return d;
    }

    /** Runs a change: an invalid monitor answers 400, one the configuration file declares 409. */
    private static <T> T invalidAs400(java.util.function.Supplier<T> action) {
        try {
            return action.get();
        } catch (InvalidMonitorException e) {
            throw ApiProblem.badRequest("Invalid monitor", e.errors());
        } catch (tocsin.monitor.ManagedMonitorException e) {
            throw new ApiProblem(ApiProblem.Kind.CONFLICT, "Monitor managed by the configuration file",
                    List.of(e.getMessage()));
        }
    }

    private Monitor existing(Exchange ex) {
        long id = id(ex);
        return monitors.store().find(id).orElseThrow(() -> notFound(id));
    }

    private static long id(Exchange ex) {
        String raw = ex.pathParam("monitor_id");
        try {
            long id = Long.parseLong(raw);
            if (id < 1) {
                throw new NumberFormatException();
            }
            return id;
        } catch (NumberFormatException e) {
            throw ApiProblem.invalidField("monitor_id", "must be a positive integer, got '" + raw + "'");
        }
    }

    private static ApiProblem notFound(long id) {
        return ApiProblem.notFound("Monitor not found: " + id);
    }

    private static java.util.Set<tocsin.monitor.MonitorStatus> groupStates(Exchange ex) {
        try {
            return MonitorJson.groupStates(ex.query("group_states").orElse(null));
        } catch (IllegalArgumentException e) {
            throw ApiProblem.badRequest("Invalid parameters", List.of(e.getMessage()));
        }
    }

    private static List<String> commaList(String s) {
        return Arrays.stream(s.split(",")).map(String::trim).filter(t -> !t.isEmpty()).toList();
    }

    private static long longParam(Exchange ex, String name, long dflt, long min, long max, List<String> errors) {
        String v = ex.query(name).orElse(null);
        if (v == null || v.isBlank()) {
            return dflt;
        }
        try {
            long n = Long.parseLong(v.trim());
            if (n < min || n > max) {
                errors.add(name + ": must be between " + min + " and " + max + ", got " + n);
                return dflt;
            }
            return n;
        } catch (NumberFormatException e) {
            errors.add(name + ": must be an integer, got '" + v + "'");
            return dflt;
        }
    }

    private static void putTime(ObjectNode n, String field, Instant t) {
        if (t == null) {
            n.putNull(field);
        } else {
            n.put(field, t.toString());
        }
    }

    private static Creator creator(Principal p) {
        String email = p.kind() == Principal.Kind.USER ? p.name() : "";
        return new Creator(email, p.name(), p.name());
    }
}
