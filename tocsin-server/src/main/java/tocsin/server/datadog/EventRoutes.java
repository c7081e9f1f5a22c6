package tocsin.server.datadog;

import tocsin.core.access.Scope;
import tocsin.core.event.Event;
import tocsin.core.event.EventStore;
import tocsin.ingest.DatadogNames;
import tocsin.ingest.IngestLimits;
import tocsin.ingest.MalformedPayloadException;
import tocsin.ingest.datadog.EventDecoder;
import tocsin.server.http.Access;
import tocsin.server.http.ApiProblem;
import tocsin.server.http.Dialect;
import tocsin.server.http.Exchange;
import tocsin.server.http.RouteTable;

import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Datadog's events API v1: {@code POST /api/v1/events} (202 with the stored event), {@code GET /api/v1/events}
 * ({@code start} and {@code end} in Unix seconds, both required and inclusive; {@code priority}; {@code sources} and
 * {@code tags} comma-separated; {@code page}, 1,000 events a page, newest first) and
 * {@code GET /api/v1/events/{event_id}}, in Datadog's shapes. Events from DogStatsD ({@code _e}) land in the same
 * store. {@code unaggregated} and {@code exclude_aggregate} are accepted and ignored: Tocsin does not aggregate.
 */
public final class EventRoutes {
    static final long MAX_BODY = 1 << 20;
    static final int PAGE_SIZE = 1000;

    private final EventStore store;
    private final InstantSource clock;
    private final IngestLimits limits = IngestLimits.datadog();

    public EventRoutes(EventStore store, InstantSource clock) {
        this.store = store;
        this.clock = clock;
    }

    public void register(RouteTable routes) {
        routes.family(Dialect.DATADOG)
                .post("/api/v1/events", Access.intake(), MAX_BODY, this::create)
                .get("/api/v1/events", Access.scope(Scope.READ), this::list)
                .get("/api/v1/events/{event_id}", Access.scope(Scope.READ), this::get);
    }

    private void create(Exchange ex) {
        EventDecoder.Result decoded;
        try {
            decoded = EventDecoder.decode(ex.body(), clock, limits);
        } catch (MalformedPayloadException e) {
            throw ApiProblem.badRequest("Malformed payload", List.of(e.getMessage()));
        }
        if (decoded.event() == null) {
            throw ApiProblem.badRequest("Invalid event", decoded.errors());
        }
        EventStore.Stored stored = store.add(decoded.event());
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", "ok");
        body.put("event", json(stored));
        ex.json(202, body);
    }

    private void list(Exchange ex) {
        long start = seconds(ex, "start");
        long end = seconds(ex, "end");
        if (end < start) {
            throw ApiProblem.invalidField("end", "is before start");
        }
        Event.Priority priority = ex.query("priority").filter(p -> !p.isBlank()).map(p -> switch (p.trim()
                .toLowerCase(Locale.ROOT)) {
            case "normal" -> Event.Priority.NORMAL;
            case "low" -> Event.Priority.LOW;
            default -> throw ApiProblem.invalidField("priority", "must be normal or low, got '" + p + "'");
        }).orElse(null);
        List<String> sources = commaSeparated(ex, "sources", false);
        List<String> tags = commaSeparated(ex, "tags", true);
        int page = ex.query("page").map(p -> {
            try {
                return Integer.parseInt(p.trim());
            } catch (NumberFormatException e) {
                throw ApiProblem.invalidField("page", "must be a number from 0, got '" + p + "'");
            }
        }).orElse(0);
        if (page < 0 || page > 1000) {
            throw ApiProblem.invalidField("page", "must be from 0 to 1000, got " + page);
        }
        List<Object> events = new ArrayList<>();
        for (EventStore.Stored e : store.list(new EventStore.Query(Instant.ofEpochSecond(start),
                Instant.ofEpochSecond(end).plusMillis(999), priority, sources, tags, PAGE_SIZE, page * PAGE_SIZE))) {
            events.add(json(e));
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("events", events);
        body.put("status", "ok");
        ex.json(200, body);
    }

    private void get(Exchange ex) {
        String raw = ex.pathParam("event_id");
        long id;
        try {
            id = Long.parseLong(raw);
        } catch (NumberFormatException e) {
            throw ApiProblem.invalidField("event_id", "must be a number, got '" + raw + "'");
        }
        EventStore.Stored stored = store.find(id).orElseThrow(() -> ApiProblem.notFound("Event not found"));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("event", json(stored));
        body.put("status", "ok");
        ex.json(200, body);
    }

    private static long seconds(Exchange ex, String name) {
        String v = ex.query(name).orElseThrow(() -> ApiProblem.invalidField(name, "is required (Unix seconds)"));
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw ApiProblem.invalidField(name, "must be Unix seconds, got '" + v + "'");
        }
    }

    private static List<String> commaSeparated(Exchange ex, String name, boolean tags) {
        List<String> out = new ArrayList<>();
        for (String part : ex.query(name).orElse("").split(",")) {
            String v = tags ? DatadogNames.normalizeTag(part) : part.trim();
            if (!v.isEmpty()) {
                out.add(v);
            }
        }
        return out;
    }

    /** An event as Datadog's {@code Event} model has it. */
    static Map<String, Object> json(EventStore.Stored stored) {
        Event e = stored.event();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", stored.id());
        m.put("id_str", Long.toString(stored.id()));
        m.put("title", e.title());
        m.put("text", e.text());
        m.put("date_happened", e.timestamp().getEpochSecond());
        m.put("priority", e.priority().name().toLowerCase(Locale.ROOT));
        m.put("alert_type", e.alertType().name().toLowerCase(Locale.ROOT));
        m.put("host", e.host().isEmpty() ? null : e.host());
        m.put("tags", e.tags());
        m.put("source_type_name", e.sourceType().isEmpty() ? null : e.sourceType());
        if (!e.aggregationKey().isEmpty()) {
            m.put("aggregation_key", e.aggregationKey());
        }
        m.put("url", "/event/event?id=" + stored.id());
        m.put("payload", "{}");
        return m;
    }
}
