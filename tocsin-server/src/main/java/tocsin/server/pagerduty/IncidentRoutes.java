package tocsin.server.pagerduty;

import com.fasterxml.jackson.databind.JsonNode;
import tocsin.core.access.Scope;
import tocsin.oncall.escalation.UserLookup;
import tocsin.oncall.incident.IncidentUpdate;
import tocsin.oncall.incident.Incidents;
import tocsin.oncall.incident.NewIncident;
import tocsin.oncall.paging.Actor;
import tocsin.oncall.paging.Alert;
import tocsin.oncall.paging.Incident;
import tocsin.oncall.paging.IncidentFilter;
import tocsin.oncall.paging.IncidentStore;
import tocsin.oncall.paging.LogEntry;
import tocsin.oncall.paging.Note;
import tocsin.oncall.paging.PagingConfigStore;
import tocsin.oncall.paging.Service;
import tocsin.oncall.paging.Urgency;
import tocsin.server.http.Access;
import tocsin.server.http.ApiProblem;
import tocsin.server.http.Dialect;
import tocsin.server.http.Exchange;
import tocsin.server.http.RouteTable;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * PagerDuty's {@code /incidents}: list with its filters ({@code statuses[]}, {@code service_ids[]},
 * {@code urgencies[]}, {@code user_ids[]}, {@code incident_key}, {@code since}/{@code until} defaulting to the last
 * 30 days before {@code until} (or now), {@code date_range=all}, {@code sort_by=created_at[:asc|:desc]}), get, create, update (acknowledge,
 * resolve, reassign, escalation level, escalation policy, urgency, priority, title) one or many, snooze, merge,
 * notes, log entries and alerts. Writes name the acting user in PagerDuty's {@code From:} header (or come from a
 * logged-in user). Racing writes are serialised by the incident's version: each is re-applied on the fresh incident
 * or answered 409, never interleaved. Thread-safe.
 */
public final class IncidentRoutes {
    static final int MAX_BULK = 250;
    private static final Set<String> STATUSES = Set.of("triggered", "acknowledged", "resolved");

    private final PagingConfigStore config;
    private final IncidentStore store;
    private final Incidents incidents;
    private final UserLookup users;
    private final PdRefs refs;
    private final InstantSource clock;

    public IncidentRoutes(PagingConfigStore config, IncidentStore store, Incidents incidents, UserLookup users,
                          PdRefs refs, InstantSource clock) {
        this.config = config;
        this.store = store;
        this.incidents = incidents;
        this.users = users;
        this.refs = refs;
        this.clock = clock;
    }

    public void register(RouteTable routes) {
        routes.family(Dialect.PAGERDUTY_REST)
                .get("/incidents", Access.scope(Scope.READ), PagingErrors.mapped(this::list))
                .post("/incidents", Access.scope(Scope.WRITE), PagingErrors.mapped(this::create))
                .put("/incidents", Access.scope(Scope.WRITE), PagingErrors.mapped(this::bulkUpdate))
                .get("/incidents/{id}", Access.scope(Scope.READ), PagingErrors.mapped(this::get))
                .put("/incidents/{id}", Access.scope(Scope.WRITE), PagingErrors.mapped(this::update))
                .post("/incidents/{id}/snooze", Access.scope(Scope.WRITE), PagingErrors.mapped(this::snooze))
                .put("/incidents/{id}/merge", Access.scope(Scope.WRITE), PagingErrors.mapped(this::merge))
                .get("/incidents/{id}/notes", Access.scope(Scope.READ), PagingErrors.mapped(this::notes))
                .post("/incidents/{id}/notes", Access.scope(Scope.WRITE), PagingErrors.mapped(this::addNote))
                .get("/incidents/{id}/alerts", Access.scope(Scope.READ), PagingErrors.mapped(this::alerts))
                .get("/incidents/{id}/log_entries", Access.scope(Scope.READ), PagingErrors.mapped(this::logEntries));
    }

    private void list(Exchange ex) {
        PdPaging paging = PdPaging.of(ex);
        ZoneId zone = PdQuery.zone(ex, "time_zone", ZoneOffset.UTC);
        Set<Incident.Status> statuses = EnumSet.noneOf(Incident.Status.class);
        for (String s : PdQuery.list(ex, "statuses")) {
            statuses.add(Incident.Status.parse(s).orElseThrow(() -> ApiProblem.invalidField("statuses[]",
                    "must be triggered, acknowledged or resolved, got '" + s + "'")));
        }
        Set<Urgency> urgencies = EnumSet.noneOf(Urgency.class);
        for (String u : PdQuery.list(ex, "urgencies")) {
            urgencies.add(Urgency.parse(u).orElseThrow(() -> ApiProblem.invalidField("urgencies[]",
                    "must be high or low, got '" + u + "'")));
        }
        Instant since = null;
        Instant until = null;
        String range = ex.query("date_range").orElse("");
        if (!range.isEmpty() && !range.equals("all")) {
            throw ApiProblem.invalidField("date_range", "must be all, got '" + range + "'");
        }
        if (!range.equals("all")) {
            // Without until, nothing is cut at the top: an incident opened this millisecond is listed.
            until = PdQuery.instant(ex, "until", zone).orElse(null);
            Instant end = until == null ? clock.instant() : until;
            since = PdQuery.instant(ex, "since", zone).orElseGet(() -> end.minus(Duration.ofDays(30)));
            if (until != null && !until.isAfter(since)) {
                throw ApiProblem.invalidField("until", "must be after since");
            }
        }
        String sort = ex.query("sort_by").orElse("created_at:asc");
        boolean newestFirst = switch (sort) {
            case "created_at", "created_at:asc", "incident_number", "incident_number:asc" -> false;
            case "created_at:desc", "incident_number:desc" -> true;
            default -> throw ApiProblem.invalidField("sort_by", "must be created_at or incident_number, each with "
                    + ":asc or :desc, got '" + sort + "'");
        };
        IncidentFilter filter = new IncidentFilter(statuses, PdQuery.list(ex, "service_ids"), urgencies,
                PdQuery.list(ex, "user_ids"), ex.query("incident_key").filter(s -> !s.isBlank()).orElse(null), since,
                until, newestFirst, paging.offset(), paging.limit());
        IncidentStore.Page<Incident> page = store.incidents(filter);
        ex.json(200, paging.envelope("incidents", page.items().stream().map(this::render).toList(), page.more(),
                paging.total() ? store.count(filter) : -1));
    }

    private void get(Exchange ex) {
        ex.json(200, Map.of("incident", render(find(ex.pathParam("id")))));
    }

    private void create(Exchange ex) {
        Actor actor = PagingErrors.actor(ex, users, true);
        PdFields f = PdFields.root(ex.jsonBody(), "incident");
        String title = f.text("title", Incident.MAX_TITLE);
        String service = f.optRefId("service").orElse(null);
        if (service == null && !f.errors().stream().anyMatch(e -> e.startsWith("incident.service"))) {
            f.error("service", "is required ({\"id\": ..., \"type\": \"service_reference\"})");
        }
        Urgency urgency = f.optEnum("urgency", Set.of("high", "low")).flatMap(Urgency::parse).orElse(null);
        String key = f.optText("incident_key", 255).orElse(null);
        String policy = f.optRefId("escalation_policy").orElse(null);
        List<String> assignees = assignees(f);
        String priority = f.optRefId("priority").orElse(null);
        String details = f.object("body").flatMap(b -> b.optText("details", 65_536)).orElse(null);
        f.throwIfInvalid();
        Incident created = incidents.create(new NewIncident(title, service, urgency, key, policy, assignees,
                priority, details), actor);
        ex.json(201, Map.of("incident", render(created)));
    }

    private void update(Exchange ex) {
        Actor actor = PagingErrors.actor(ex, users, true);
        PdFields f = PdFields.root(ex.jsonBody(), "incident");
        IncidentUpdate u = parseUpdate(f);
        f.throwIfInvalid();
        ex.json(200, Map.of("incident", render(incidents.update(ex.pathParam("id"), u, actor))));
    }

    /** {@code PUT /incidents}: up to 250 incidents, each applied on its own; all are checked before any applies. */
    private void bulkUpdate(Exchange ex) {
        Actor actor = PagingErrors.actor(ex, users, true);
        JsonNode body = ex.jsonBody();
        JsonNode items = body.get("incidents");
        if (items == null || !items.isArray() || items.isEmpty()) {
            throw ApiProblem.badRequest("Invalid Input Provided", List.of("incidents: must be a non-empty array"));
        }
        if (items.size() > MAX_BULK) {
            throw ApiProblem.badRequest("Invalid Input Provided", List.of("incidents: at most " + MAX_BULK
                    + " incidents per request, got " + items.size()));
        }
        var factory = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance;
        PdFields root = PdFields.root(factory.objectNode().set("incidents", factory.objectNode()), "incidents");
        List<String> ids = new ArrayList<>();
        List<IncidentUpdate> updates = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            JsonNode item = items.get(i);
            PdFields f = root.nested(item.isObject() ? item : factory.objectNode(), "incidents[" + i + "]");
            if (!item.isObject()) {
                f.error("", "must be an incident reference object");
            }
            ids.add(f.text("id", 32));
            updates.add(parseUpdate(f));
        }
        root.throwIfInvalid();
        List<Map<String, Object>> out = new ArrayList<>();
        for (int i = 0; i < ids.size(); i++) {
            out.add(render(incidents.update(ids.get(i), updates.get(i), actor)));
        }
        ex.json(200, Map.of("incidents", out));
    }

    private IncidentUpdate parseUpdate(PdFields f) {
        Incident.Status status = f.optEnum("status", Set.of("acknowledged", "resolved"))
                .flatMap(Incident.Status::parse).orElse(null);
        if (f.has("status") && status == null && f.optText("status", 32).map(STATUSES::contains).orElse(false)) {
            f.error("status", "can only be set to acknowledged or resolved");
        }
        String title = f.optText("title", Incident.MAX_TITLE).orElse(null);
        Urgency urgency = f.optEnum("urgency", Set.of("high", "low")).flatMap(Urgency::parse).orElse(null);
        String priority = f.present("priority") ? f.optRefId("priority").orElse("") : null;
        Integer level = f.optLong("escalation_level", 1, 20).map(Long::intValue).orElse(null);
        List<String> assignees = f.has("assignments") ? assignees(f) : null;
        if (assignees != null && assignees.isEmpty()) {
            f.error("assignments", "must name at least one user");
        }
        String policy = f.optRefId("escalation_policy").orElse(null);
        String resolution = f.optText("resolution", 65_536).orElse(null);
        return new IncidentUpdate(status, title, urgency, priority, level, assignees, policy, resolution);
    }

    private static List<String> assignees(PdFields f) {
        List<String> out = new ArrayList<>();
        for (PdFields a : f.objects("assignments")) {
            a.optRefId("assignee").ifPresentOrElse(out::add, () -> a.error("assignee", "is required ({\"id\": ..., "
                    + "\"type\": \"user_reference\"})"));
        }
        return out;
    }

    private void snooze(Exchange ex) {
        Actor actor = PagingErrors.actor(ex, users, true);
        JsonNode body = ex.jsonBody();
        JsonNode d = body.get("duration");
        if (d == null || !d.canConvertToLong() || !d.isIntegralNumber()) {
            throw ApiProblem.badRequest("Invalid Input Provided", List.of("duration: must be a number of seconds"));
        }
        Incident snoozed = incidents.snooze(ex.pathParam("id"), Duration.ofSeconds(d.asLong()), actor);
        ex.json(201, Map.of("incident", render(snoozed)));
    }

    private void merge(Exchange ex) {
        Actor actor = PagingErrors.actor(ex, users, true);
        JsonNode body = ex.jsonBody();
        JsonNode sources = body.get("source_incidents");
        List<String> ids = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        if (sources == null || !sources.isArray() || sources.isEmpty()) {
            errors.add("source_incidents: must be a non-empty array of incident references");
        } else {
            for (int i = 0; i < sources.size(); i++) {
                String id = sources.get(i).path("id").asText("");
                if (id.isEmpty()) {
                    errors.add("source_incidents[" + i + "].id: is required");
                }
                ids.add(id);
            }
        }
        if (!errors.isEmpty()) {
            throw ApiProblem.badRequest("Invalid Input Provided", errors);
        }
        ex.json(200, Map.of("incident", render(incidents.merge(ex.pathParam("id"), ids, actor))));
    }

    private void notes(Exchange ex) {
        Incident i = find(ex.pathParam("id"));
        ex.json(200, Map.of("notes", store.notes(i.id()).stream().map(this::renderNote).toList()));
    }

    private void addNote(Exchange ex) {
        Actor actor = PagingErrors.actor(ex, users, true);
        PdFields f = PdFields.root(ex.jsonBody(), "note");
        String content = f.text("content", Note.MAX_CONTENT);
        f.throwIfInvalid();
        String userId = "user_reference".equals(actor.agentType()) ? actor.agentId() : null;
        ex.json(201, Map.of("note", renderNote(incidents.addNote(ex.pathParam("id"), userId, content))));
    }

    private void alerts(Exchange ex) {
        Incident i = find(ex.pathParam("id"));
        PdPaging paging = PdPaging.of(ex);
        ex.json(200, paging.page("alerts", store.alerts(i.id()).stream().map(a -> renderAlert(a, i)).toList()));
    }

    private void logEntries(Exchange ex) {
        Incident i = find(ex.pathParam("id"));
        PdPaging paging = PdPaging.of(ex);
        IncidentStore.Page<LogEntry> page = store.logEntries(i.id(), null, null, paging.offset(), paging.limit());
        ex.json(200, paging.envelope("log_entries", page.items().stream().map(this::renderLogEntry).toList(),
                page.more(), -1));
    }

    private Incident find(String id) {
        return store.incident(id).orElseThrow(() -> ApiProblem.notFound("Incident " + id + " not found"));
    }

    // ---- rendering

    Map<String, Object> render(Incident i) {
        Map<String, Object> out = refs.object("incident", "incidents", i.id(), "[#" + i.number() + "] " + i.title());
        out.put("incident_number", i.number());
        out.put("title", i.title());
        out.put("description", i.title());
        out.put("created_at", i.createdAt().toString());
        out.put("status", i.status().wireName());
        out.put("incident_key", i.incidentKey());
        out.put("service", refs.ref("service", "services", i.serviceId(), config.service(i.serviceId())
                .map(Service::name).orElse(i.serviceId())));
        out.put("assignments", i.assignees().stream().map(u -> Map.of("at", i.statusChangedAt().toString(),
                "assignee", user(u))).toList());
        out.put("acknowledgements", i.acknowledgements().stream().map(a -> Map.of("at", a.at().toString(),
                "acknowledger", user(a.by()))).toList());
        out.put("last_status_change_at", i.statusChangedAt().toString());
        out.put("resolved_at", i.resolvedAt() == null ? null : i.resolvedAt().toString());
        out.put("escalation_policy", refs.ref("escalation_policy", "escalation_policies", i.policyId(),
                config.policy(i.policyId()).map(p -> p.name()).orElse(i.policyId())));
        out.put("escalation_level", i.level());
        out.put("teams", List.of());
        out.put("urgency", i.urgency().wireName());
        out.put("priority", i.priority() == null ? null : Map.of("id", i.priority(), "type", "priority_reference"));
        out.put("merged_into", i.mergedInto() == null ? null : refs.ref("incident", "incidents", i.mergedInto(),
                i.mergedInto()));
        return out;
    }

    private Map<String, Object> user(String id) {
        if (id.contains(":")) {
            String[] kind = id.split(":", 2);
            return Map.of("id", kind[1], "type", kind[0] + "_reference", "summary", id);
        }
        return refs.ref("user", "users", id, users.name(id).orElse(id));
    }

    Map<String, Object> renderLogEntry(LogEntry e) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", e.id());
        out.put("type", e.type());
        out.put("summary", e.summary());
        out.put("self", refs.publicUrl() + "/log_entries/" + e.id());
        out.put("html_url", null);
        out.put("created_at", e.createdAt().toString());
        out.put("agent", e.agentType() == null ? null : Map.of("id", String.valueOf(e.agentId()), "type",
                e.agentType(), "summary", e.agentType().equals("user_reference")
                        ? users.name(e.agentId()).orElse(e.agentId()) : String.valueOf(e.agentId())));
        out.put("channel", Map.of("type", e.channel()));
        out.put("incident", refs.ref("incident", "incidents", e.incidentId(), e.incidentId()));
        out.put("service", refs.ref("service", "services", e.serviceId(), e.serviceId()));
        if (e.userId() != null) {
            out.put("user", user(e.userId()));
        }
        out.put("escalation_level", e.level());
        return out;
    }

    private Map<String, Object> renderAlert(Alert a, Incident i) {
        Map<String, Object> out = refs.object("alert", "incidents/" + i.id() + "/alerts", a.id(), a.summary());
        out.put("created_at", a.createdAt().toString());
        out.put("status", a.resolved() ? "resolved" : "triggered");
        out.put("alert_key", a.dedupKey());
        out.put("service", refs.ref("service", "services", a.serviceId(), a.serviceId()));
        out.put("incident", refs.ref("incident", "incidents", a.incidentId(), a.incidentId()));
        out.put("severity", a.severity());
        out.put("suppressed", false);
        Map<String, Object> cef = new LinkedHashMap<>();
        cef.put("source_origin", a.source());
        cef.put("source_component", a.component());
        cef.put("service_group", a.group());
        cef.put("event_class", a.className());
        cef.put("severity", a.severity());
        cef.put("details", EventRoutes.tree(a.customDetails()));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", "alert_body");
        body.put("details", EventRoutes.tree(a.customDetails()));
        body.put("cef_details", cef);
        out.put("body", body);
        out.put("event_count", a.eventCount());
        return out;
    }

    private Map<String, Object> renderNote(Note n) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", n.id());
        out.put("user", n.userId() == null ? null : user(n.userId()));
        out.put("content", n.content());
        out.put("created_at", n.createdAt().toString());
        return out;
    }
}
