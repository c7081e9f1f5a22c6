package tocsin.server.pagerduty;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import tocsin.oncall.incident.AlertEvent;
import tocsin.oncall.incident.EventResult;
import tocsin.oncall.incident.Incidents;
import tocsin.oncall.paging.ChangeEvent;
import tocsin.oncall.paging.IncidentStore;
import tocsin.oncall.paging.Integration;
import tocsin.oncall.paging.PagingConfigStore;
import tocsin.server.http.Access;
import tocsin.server.http.ApiProblem;
import tocsin.server.http.Dialect;
import tocsin.server.http.Exchange;
import tocsin.server.http.RouteTable;

import java.time.Instant;
import java.time.InstantSource;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * PagerDuty's Events APIs: v2 {@code POST /v2/enqueue} (trigger, acknowledge, resolve), {@code POST
 * /v2/change/enqueue}, and the legacy v1 {@code POST /generic/2010-04-15/create_event.json}. Events authenticate by
 * their integration key in the body, so the routes are public and the key is checked here: a well-formed key that
 * names no integration of the right type is a 400, as PagerDuty answers it.
 *
 * <p>Answers: 202 {@code {"status":"success","message":"Event processed","dedup_key":...}} (v1: 200 with
 * {@code incident_key}); 400 {@code {"status":"invalid event","message":"Event object is invalid","errors":[...]}}
 * naming every problem; 429 {@code {"status":"throttle event",...}} past {@link #EVENTS_PER_MINUTE} per key; 413
 * past {@link #MAX_EVENT_BYTES}. Explicit JSON nulls read as absent; the placeholder payload real clients send with
 * acknowledge and resolve ({@code "summary":"BLANK"}) is ignored, since only a trigger reads the payload.
 * Stateless besides the rate limiter; thread-safe.
 */
public final class EventRoutes {
    /** PagerDuty's documented size limit of one event. */
    public static final int MAX_EVENT_BYTES = 512 * 1024;
    /** PagerDuty's documented rate limit per integration key. */
    public static final int EVENTS_PER_MINUTE = 120;
    private static final Set<String> SEVERITIES = Set.of("critical", "error", "warning", "info");
    private static final Set<String> ACTIONS = Set.of("trigger", "acknowledge", "resolve");
    private static final int MAX_SUMMARY = 1024;
    private static final int MAX_KEY = 255;

    private final PagingConfigStore config;
    private final IncidentStore store;
    private final Incidents incidents;
    private final InstantSource clock;
    private final EventRateLimit rateLimit;

    public EventRoutes(PagingConfigStore config, IncidentStore store, Incidents incidents, InstantSource clock) {
        this.config = config;
        this.store = store;
        this.incidents = incidents;
        this.clock = clock;
        this.rateLimit = new EventRateLimit(clock, EVENTS_PER_MINUTE);
    }

    public void register(RouteTable routes) {
        routes.family(Dialect.PAGERDUTY_EVENTS)
                .post("/v2/enqueue", Access.PUBLIC, MAX_EVENT_BYTES, PagingErrors.mapped(this::enqueue))
                .post("/v2/change/enqueue", Access.PUBLIC, MAX_EVENT_BYTES, PagingErrors.mapped(this::change))
                .post("/generic/2010-04-15/create_event.json", Access.PUBLIC, MAX_EVENT_BYTES,
                        PagingErrors.mapped(this::v1));
    }

    private void enqueue(Exchange ex) {
        JsonNode body = object(ex);
        List<String> errors = new ArrayList<>();
        String key = routingKey(body, "routing_key", errors);
        String action = text(body, "event_action", errors).map(s -> s.toLowerCase(Locale.ROOT)).orElse(null);
        if (action == null) {
            missing(errors, "event_action");
        } else if (!ACTIONS.contains(action)) {
            errors.add("'event_action' is invalid (expected trigger, acknowledge or resolve), got '" + action + "'");
        }
        String dedup = text(body, "dedup_key", errors).orElse(null);
        if (dedup != null && dedup.length() > MAX_KEY) {
            errors.add("'dedup_key' is longer than " + MAX_KEY + " characters");
        }
        AlertEvent event = null;
        if ("trigger".equals(action)) {
            event = payload(ex.context().json(), body, dedup, errors);
        } else if (action != null && dedup == null && ACTIONS.contains(action)) {
            errors.add("'dedup_key' is missing or blank (required to " + action + ")");
        }
        Integration integration = integration(key, Integration.Type.EVENTS_API_V2, "routing_key", errors);
        EventResult result = switch (action) {
            case "trigger" -> incidents.trigger(integration, event);
            case "acknowledge" -> incidents.acknowledge(integration, dedup);
            default -> incidents.resolve(integration, dedup);
        };
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("status", "success");
        out.put("message", "Event processed");
        out.put("dedup_key", result.dedupKey());
        ex.json(202, out);
    }

    private void change(Exchange ex) {
        JsonNode body = object(ex);
        List<String> errors = new ArrayList<>();
        String key = routingKey(body, "routing_key", errors);
        JsonNode payload = body.get("payload");
        String summary = null;
        String source = null;
        Instant at = clock.instant();
        if (payload == null || !payload.isObject()) {
            errors.add("'payload' is missing or not an object");
        } else {
            summary = text(payload, "summary", errors, "payload.summary").orElse(null);
            if (summary == null) {
                missing(errors, "payload.summary");
            }
            source = text(payload, "source", errors, "payload.source").orElse(null);
            at = timestamp(payload, errors).orElse(at);
        }
        JsonNode links = body.get("links");
        if (links != null && !links.isNull() && !links.isArray()) {
            errors.add("'links' must be an array");
        }
        Integration integration = integration(key, Integration.Type.EVENTS_API_V2, "routing_key", errors);
        ObjectMapper json = ex.context().json();
        store.saveChange(new ChangeEvent(null, integration.serviceId(), integration.id(), truncate(summary),
                source, at, jsonText(json, payload == null ? null : payload.get("custom_details")),
                jsonText(json, links), clock.instant()));
        ex.json(202, Map.of("status", "success", "message", "Change event processed"));
    }

    /** The legacy Events API v1, PagerDuty's generic {@code create_event.json}. */
    private void v1(Exchange ex) {
        JsonNode body = object(ex);
        List<String> errors = new ArrayList<>();
        String key = routingKey(body, "service_key", errors);
        String type = text(body, "event_type", errors).map(s -> s.toLowerCase(Locale.ROOT)).orElse(null);
        if (type == null) {
            missing(errors, "event_type");
        } else if (!ACTIONS.contains(type)) {
            errors.add("'event_type' is invalid (expected trigger, acknowledge or resolve), got '" + type + "'");
        }
        String incidentKey = text(body, "incident_key", errors).orElse(null);
        if (incidentKey != null && incidentKey.length() > MAX_KEY) {
            errors.add("'incident_key' is longer than " + MAX_KEY + " characters");
        }
        String description = text(body, "description", errors).orElse(null);
        if ("trigger".equals(type) && description == null) {
            missing(errors, "description");
        } else if (type != null && !"trigger".equals(type) && incidentKey == null && ACTIONS.contains(type)) {
            errors.add("'incident_key' is missing or blank (required to " + type + ")");
        }
        Integration integration = integration(key, Integration.Type.EVENTS_API_V1, "service_key", errors);
        EventResult result = switch (type) {
            case "trigger" -> incidents.trigger(integration, new AlertEvent(incidentKey, truncate(description),
                    text(body, "client", errors).orElse(null), null, null, null, null,
                    jsonText(ex.context().json(), body.get("details")), scalars(body.get("details"))));
            case "acknowledge" -> incidents.acknowledge(integration, incidentKey);
            default -> incidents.resolve(integration, incidentKey);
        };
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("status", "success");
        out.put("message", "Event processed");
        out.put("incident_key", result.dedupKey());
        ex.json(200, out);
    }

    /** The v2 trigger payload; problems go to {@code errors}. */
    private AlertEvent payload(ObjectMapper json, JsonNode body, String dedup, List<String> errors) {
        JsonNode p = body.get("payload");
        if (p == null || !p.isObject()) {
            errors.add("'payload' is missing or not an object");
            return null;
        }
        String summary = text(p, "summary", errors, "payload.summary").orElse(null);
        if (summary == null) {
            missing(errors, "payload.summary");
        }
        String source = text(p, "source", errors, "payload.source").orElse(null);
        if (source == null) {
            missing(errors, "payload.source");
        }
        String severity = text(p, "severity", errors, "payload.severity").map(s -> s.toLowerCase(Locale.ROOT))
                .orElse(null);
        if (severity == null) {
            missing(errors, "payload.severity");
        } else if (!SEVERITIES.contains(severity)) {
            errors.add("'payload.severity' is invalid (expected critical, error, warning or info), got '" + severity
                    + "'");
        }
        timestamp(p, errors);
        String component = text(p, "component", errors, "payload.component").orElse(null);
        String group = text(p, "group", errors, "payload.group").orElse(null);
        String className = text(p, "class", errors, "payload.class").orElse(null);
        if (summary == null || source == null || severity == null) {
            return null;
        }
        return new AlertEvent(dedup, truncate(summary), source, severity, component, group, className,
                jsonText(json, p.get("custom_details")), scalars(p.get("custom_details")));
    }

    /** The integration a key names; every collected problem is thrown first, then an unknown key. */
    private Integration integration(String key, Integration.Type type, String field, List<String> errors) {
        if (!errors.isEmpty()) {
            throw invalid(errors);
        }
        Optional<Integration> integration = config.integrationByKey(key).filter(i -> i.type() == type);
        if (integration.isEmpty()) {
            throw invalid(List.of("'" + field + "' is not the key of any " + type.wireName() + " (check the "
                    + "integration's key on its service)"));
        }
        if (!rateLimit.tryAcquire(key)) {
            throw new ApiProblem(ApiProblem.Kind.TOO_MANY_REQUESTS,
                    "Requests for this service are arriving too quickly. Please retry later.");
        }
        return integration.get();
    }

    private static JsonNode object(Exchange ex) {
        JsonNode body = ex.jsonBody();
        if (!body.isObject()) {
            throw invalid(List.of("the event must be a JSON object"));
        }
        return body;
    }

    private static String routingKey(JsonNode body, String field, List<String> errors) {
        String key = text(body, field, errors).orElse(null);
        if (key == null) {
            missing(errors, field);
        } else if (key.length() != 32) {
            errors.add("Length of '" + field + "' is incorrect (should be 32 characters)");
        }
        return key;
    }

    private static Optional<Instant> timestamp(JsonNode payload, List<String> errors) {
        Optional<String> raw = text(payload, "timestamp", errors, "payload.timestamp");
        if (raw.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(PdQuery.parseInstant("payload.timestamp", raw.get(), ZoneOffset.UTC));
        } catch (ApiProblem e) {
            errors.add("'payload.timestamp' is not an ISO 8601 date-time: '" + raw.get() + "'");
            return Optional.empty();
        }
    }

    private static Optional<String> text(JsonNode node, String field, List<String> errors) {
        return text(node, field, errors, field);
    }

    private static Optional<String> text(JsonNode node, String field, List<String> errors, String path) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return Optional.empty();
        }
        if (!v.isValueNode() || v.isBinary()) {
            errors.add("'" + path + "' must be a string");
            return Optional.empty();
        }
        String s = v.asText().strip();
        return s.isEmpty() ? Optional.empty() : Optional.of(s);
    }

    private static void missing(List<String> errors, String field) {
        errors.add("'" + field + "' is missing or blank");
    }

    private static ApiProblem invalid(List<String> errors) {
        return ApiProblem.badRequest("Event object is invalid", errors);
    }

    private static String truncate(String s) {
        return s == null || s.length() <= MAX_SUMMARY ? s : s.substring(0, MAX_SUMMARY);
    }

    private static final ObjectMapper TREES = new ObjectMapper();

    /** Stored JSON text as a tree to embed in a response; null stays null. */
    static JsonNode tree(String storedJson) {
        if (storedJson == null) {
            return null;
        }
        try {
            return TREES.readTree(storedJson);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            return TREES.getNodeFactory().textNode(storedJson);
        }
    }

    static String jsonText(ObjectMapper json, JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        try {
            return json.writeValueAsString(node);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("a parsed JSON tree is always writable", e);
        }
    }

    /** The top-level scalar values of {@code custom_details}, for content-based alert grouping. */
    static Map<String, String> scalars(JsonNode details) {
        Map<String, String> out = new LinkedHashMap<>();
        if (details != null && details.isObject()) {
            details.properties().forEach(e -> {
                if (e.getValue().isValueNode() && !e.getValue().isNull()) {
                    out.put(e.getKey(), e.getValue().asText());
                }
            });
        }
        return out;
    }
}
