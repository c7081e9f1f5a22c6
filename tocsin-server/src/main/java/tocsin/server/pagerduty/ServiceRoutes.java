package tocsin.server.pagerduty;

import tocsin.core.access.Scope;
import tocsin.oncall.paging.AlertGrouping;
import tocsin.oncall.paging.ChangeEvent;
import tocsin.oncall.paging.IncidentStore;
import tocsin.oncall.paging.Integration;
import tocsin.oncall.paging.PagingConfigStore;
import tocsin.oncall.paging.Service;
import tocsin.oncall.paging.SupportHours;
import tocsin.oncall.paging.Urgency;
import tocsin.oncall.paging.UrgencyRule;
import tocsin.server.http.Access;
import tocsin.server.http.ApiProblem;
import tocsin.server.http.Dialect;
import tocsin.server.http.Exchange;
import tocsin.server.http.RouteTable;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.LocalTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * PagerDuty's {@code /services} (list, create, get, update, delete) with {@code acknowledgement_timeout},
 * {@code auto_resolve_timeout}, {@code incident_urgency_rule} ({@code constant} or {@code use_support_hours} with
 * {@code support_hours}) and {@code alert_grouping_parameters} ({@code time}, {@code content_based}); its
 * integrations ({@code /services/{id}/integrations}) and change events ({@code /change_events}). An update changes
 * only the fields it sends. Thread-safe.
 */
public final class ServiceRoutes {
    private static final Set<String> INTEGRATION_TYPES = Set.of(Integration.Type.EVENTS_API_V2.wireName(),
            Integration.Type.EVENTS_API_V1.wireName(), Integration.Type.ALERTMANAGER.wireName());

    private final PagingConfigStore config;
    private final IncidentStore store;
    private final PdRefs refs;

    public ServiceRoutes(PagingConfigStore config, IncidentStore store, PdRefs refs) {
        this.config = config;
        this.store = store;
        this.refs = refs;
    }

    public void register(RouteTable routes) {
        routes.family(Dialect.PAGERDUTY_REST)
                .get("/services", Access.scope(Scope.READ), PagingErrors.mapped(this::list))
                .post("/services", Access.scope(Scope.WRITE), PagingErrors.mapped(this::create))
                .get("/services/{id}", Access.scope(Scope.READ), PagingErrors.mapped(this::get))
                .put("/services/{id}", Access.scope(Scope.WRITE), PagingErrors.mapped(this::update))
                .delete("/services/{id}", Access.scope(Scope.WRITE), PagingErrors.mapped(this::delete))
                .get("/services/{id}/integrations", Access.scope(Scope.READ), PagingErrors.mapped(this::integrations))
                .post("/services/{id}/integrations", Access.scope(Scope.WRITE),
                        PagingErrors.mapped(this::createIntegration))
                .get("/services/{id}/integrations/{integration_id}", Access.scope(Scope.READ),
                        PagingErrors.mapped(this::getIntegration))
                .put("/services/{id}/integrations/{integration_id}", Access.scope(Scope.WRITE),
                        PagingErrors.mapped(this::updateIntegration))
                .get("/services/{id}/change_events", Access.scope(Scope.READ),
                        PagingErrors.mapped(ex -> changes(ex, find(ex.pathParam("id")).id())))
                .get("/change_events", Access.scope(Scope.READ), PagingErrors.mapped(ex -> changes(ex, null)));
    }

    private void list(Exchange ex) {
        PdPaging paging = PdPaging.of(ex);
        String query = ex.query("query").orElse("").toLowerCase(Locale.ROOT);
        List<String> policies = PdQuery.list(ex, "escalation_policy_ids");
        List<Map<String, Object>> out = new ArrayList<>();
        for (Service s : config.services()) {
            if (s.name().toLowerCase(Locale.ROOT).contains(query)
                    && (policies.isEmpty() || policies.contains(s.policyId()))) {
                out.add(render(s));
            }
        }
        ex.json(200, paging.page("services", out));
    }

    private void get(Exchange ex) {
        ex.json(200, Map.of("service", render(find(ex.pathParam("id")))));
    }

    private void create(Exchange ex) {
        Service s = parse(PdFields.root(ex.jsonBody(), "service"), null);
        ex.json(201, Map.of("service", render(config.saveService(s))));
    }

    private void update(Exchange ex) {
        Service s = parse(PdFields.root(ex.jsonBody(), "service"), find(ex.pathParam("id")));
        ex.json(200, Map.of("service", render(config.saveService(s))));
    }

    private void delete(Exchange ex) {
        if (!config.deleteService(ex.pathParam("id"))) {
            throw ApiProblem.notFound("Service " + ex.pathParam("id") + " not found");
        }
        ex.noContent();
    }

    private Service find(String id) {
        return config.service(id).orElseThrow(() -> ApiProblem.notFound("Service " + id + " not found"));
    }

    private Service parse(PdFields f, Service base) {
        String name = base == null ? f.text("name", 255) : f.optText("name", 255).orElse(base.name());
        String description = f.optText("description", 1024).orElse(base == null ? null : base.description());
        String policy = f.optRefId("escalation_policy").orElse(base == null ? null : base.policyId());
        if (policy == null && base == null && !f.errors().stream().anyMatch(e -> e.contains("escalation_policy"))) {
            f.error("escalation_policy", "is required ({\"id\": ..., \"type\": \"escalation_policy_reference\"})");
        }
        String status = f.optEnum("status", Service.STATUSES).orElse(base == null ? null : base.status());
        Duration ack = timeout(f, "acknowledgement_timeout", base == null ? null : base.ackTimeout());
        Duration autoResolve = timeout(f, "auto_resolve_timeout", base == null ? null : base.autoResolveTimeout());
        UrgencyRule rule = urgencyRule(f, base == null ? UrgencyRule.HIGH : base.urgencyRule());
        AlertGrouping grouping = grouping(f, base == null ? AlertGrouping.NONE : base.grouping());
        f.throwIfInvalid();
        return EscalationPolicyRoutes.at("service", () -> new Service(base == null ? null : base.id(), name,
                description, policy, status, ack, autoResolve, rule, grouping, base == null ? 0 : base.version(),
                base == null ? null : base.createdAt()));
    }

    /** A timeout in seconds; absent keeps {@code base}, an explicit null disables it. */
    private static Duration timeout(PdFields f, String field, Duration base) {
        if (!f.present(field)) {
            return base;
        }
        return f.optLong(field, 60, 7 * 86_400).map(Duration::ofSeconds).orElse(null);
    }

    private static UrgencyRule urgencyRule(PdFields f, UrgencyRule base) {
        Optional<PdFields> rule = f.object("incident_urgency_rule");
        if (rule.isEmpty()) {
            return base;
        }
        String type = rule.get().optEnum("type", Set.of("constant", "use_support_hours")).orElse(null);
        if (type == null) {
            if (!rule.get().has("type")) {
                rule.get().error("type", "is required: constant or use_support_hours");
            }
            return base;
        }
        if (type.equals("constant")) {
            return UrgencyRule.constant(urgency(rule.get(), "urgency"));
        }
        Urgency during = rule.get().object("during_support_hours").map(d -> urgency(d, "urgency")).orElse(null);
        Urgency outside = rule.get().object("outside_support_hours").map(o -> urgency(o, "urgency")).orElse(null);
        if (during == null) {
            rule.get().error("during_support_hours", "is required for use_support_hours");
        }
        if (outside == null) {
            rule.get().error("outside_support_hours", "is required for use_support_hours");
        }
        SupportHours hours = supportHours(f);
        if (hours == null) {
            f.error("support_hours", "is required when incident_urgency_rule.type is use_support_hours");
        }
        return during == null || outside == null || hours == null ? base : new UrgencyRule(hours, during, outside);
    }

    private static Urgency urgency(PdFields f, String field) {
        Optional<String> v = f.optEnum(field, Set.of("high", "low"));
        if (v.isEmpty() && !f.has(field)) {
            f.error(field, "is required: high or low");
        }
        return v.flatMap(Urgency::parse).orElse(null);
    }

    private static SupportHours supportHours(PdFields f) {
        Optional<PdFields> h = f.object("support_hours");
        if (h.isEmpty()) {
            return null;
        }
        PdFields s = h.get();
        var zone = s.optZone("time_zone");
        if (zone.isEmpty() && !s.has("time_zone")) {
            s.error("time_zone", "is required");
        }
        Set<DayOfWeek> days = EnumSet.noneOf(DayOfWeek.class);
        var raw = s.raw("days_of_week");
        if (raw == null || !raw.isArray() || raw.isEmpty()) {
            s.error("days_of_week", "must list at least one day, 1 (Monday) to 7 (Sunday)");
        } else {
            for (int i = 0; i < raw.size(); i++) {
                if (!raw.get(i).canConvertToInt() || raw.get(i).asInt() < 1 || raw.get(i).asInt() > 7) {
                    s.error("days_of_week[" + i + "]", "must be 1 (Monday) to 7 (Sunday), got " + raw.get(i));
                } else {
                    days.add(DayOfWeek.of(raw.get(i).asInt()));
                }
            }
        }
        LocalTime start = time(s, "start_time");
        LocalTime end = time(s, "end_time");
        if (zone.isEmpty() || days.isEmpty() || start == null || end == null) {
            return null;
        }
        if (!end.isAfter(start)) {
            s.error("end_time", "must be after start_time " + start);
            return null;
        }
        return new SupportHours(zone.get(), days, start, end);
    }

    private static LocalTime time(PdFields f, String field) {
        Optional<String> v = f.optText(field, 16);
        if (v.isEmpty()) {
            if (!f.has(field)) {
                f.error(field, "is required (HH:MM:SS)");
            }
            return null;
        }
        try {
            return LocalTime.parse(v.get());
        } catch (DateTimeParseException e) {
            f.error(field, "must be a time of day HH:MM:SS, got '" + v.get() + "'");
            return null;
        }
    }

    private static AlertGrouping grouping(PdFields f, AlertGrouping base) {
        if (!f.present("alert_grouping_parameters")) {
            return base;
        }
        Optional<PdFields> p = f.object("alert_grouping_parameters");
        if (p.isEmpty() && !f.has("alert_grouping_parameters")) {
            return AlertGrouping.NONE; // an explicit null turns grouping off
        }
        if (p.isEmpty()) {
            return base;
        }
        Optional<String> type = p.get().optEnum("type", Set.of("time", "content_based"));
        if (type.isEmpty()) {
            return p.get().has("type") ? base : AlertGrouping.NONE;
        }
        Optional<PdFields> c = p.get().object("config");
        if (type.get().equals("time")) {
            long minutes = c.flatMap(x -> x.optLong("timeout", 0, 1440)).orElse(0L);
            return new AlertGrouping(AlertGrouping.Type.TIME, Duration.ofMinutes(minutes), null, null, null);
        }
        if (c.isEmpty()) {
            p.get().error("config", "is required for content_based grouping (fields, aggregate, time_window)");
            return base;
        }
        List<String> fields = c.get().texts("fields");
        String aggregate = c.get().optEnum("aggregate", Set.of("all")).orElse("all");
        long window = c.get().optLong("time_window", 0, 86_400).orElse(0L);
        if (!f.errors().isEmpty()) {
            return base;
        }
        return EscalationPolicyRoutes.at("service", () -> new AlertGrouping(AlertGrouping.Type.CONTENT_BASED, null,
                fields, aggregate, Duration.ofSeconds(window)));
    }

    Map<String, Object> render(Service s) {
        Map<String, Object> out = refs.object("service", "services", s.id(), s.name());
        out.put("name", s.name());
        out.put("description", s.description());
        out.put("status", s.status());
        out.put("escalation_policy", refs.ref("escalation_policy", "escalation_policies", s.policyId(),
                config.policy(s.policyId()).map(p -> p.name()).orElse(s.policyId())));
        out.put("acknowledgement_timeout", s.ackTimeout() == null ? null : s.ackTimeout().toSeconds());
        out.put("auto_resolve_timeout", s.autoResolveTimeout() == null ? null : s.autoResolveTimeout().toSeconds());
        UrgencyRule u = s.urgencyRule();
        if (u.usesSupportHours()) {
            out.put("incident_urgency_rule", Map.of("type", "use_support_hours",
                    "during_support_hours", Map.of("type", "constant", "urgency", u.urgency().wireName()),
                    "outside_support_hours", Map.of("type", "constant", "urgency", u.outside().wireName())));
            SupportHours h = u.supportHours();
            Map<String, Object> hours = new LinkedHashMap<>();
            hours.put("type", "fixed_time_per_day");
            hours.put("time_zone", h.zone().getId());
            hours.put("days_of_week", h.days().stream().map(DayOfWeek::getValue).sorted().toList());
            hours.put("start_time", h.start().toString().length() == 5 ? h.start() + ":00" : h.start().toString());
            hours.put("end_time", h.end().toString().length() == 5 ? h.end() + ":00" : h.end().toString());
            out.put("support_hours", hours);
        } else {
            out.put("incident_urgency_rule", Map.of("type", "constant", "urgency", u.urgency().wireName()));
            out.put("support_hours", null);
        }
        AlertGrouping g = s.grouping();
        Map<String, Object> grouping = new LinkedHashMap<>();
        grouping.put("type", g.type().wireName());
        grouping.put("config", switch (g.type()) {
            case NONE -> null;
            case TIME -> Map.of("timeout", g.timeout().toMinutes());
            case CONTENT_BASED -> Map.of("aggregate", g.aggregate(), "fields", g.fields(), "time_window",
                    g.timeWindow().toSeconds());
        });
        out.put("alert_grouping_parameters", grouping);
        out.put("alert_creation", "create_alerts_and_incidents");
        out.put("integrations", config.integrations(s.id()).stream()
                .map(i -> refs.ref(i.type().wireName(), "services/" + s.id() + "/integrations", i.id(),
                        i.name() == null ? i.type().wireName() : i.name())).toList());
        out.put("teams", List.of());
        out.put("created_at", s.createdAt() == null ? null : s.createdAt().toString());
        return out;
    }

    // ---- integrations

    private void integrations(Exchange ex) {
        Service s = find(ex.pathParam("id"));
        ex.json(200, PdPaging.of(ex).page("integrations", config.integrations(s.id()).stream()
                .map(this::renderIntegration).toList()));
    }

    private void createIntegration(Exchange ex) {
        Service s = find(ex.pathParam("id"));
        PdFields f = PdFields.root(ex.jsonBody(), "integration");
        String type = f.text("type", 100);
        if (type != null && Integration.Type.parse(type).isEmpty()) {
            f.error("type", "must be one of " + String.join(", ", new java.util.TreeSet<>(INTEGRATION_TYPES))
                    + ", got '" + type + "'");
        }
        String name = f.optText("name", 255).orElse(null);
        f.throwIfInvalid();
        Integration created = config.saveIntegration(new Integration(null, s.id(), name,
                Integration.Type.parse(type).orElseThrow(), Integration.newKey(), null));
        ex.json(201, Map.of("integration", renderIntegration(created)));
    }

    private void getIntegration(Exchange ex) {
        ex.json(200, Map.of("integration", renderIntegration(findIntegration(ex))));
    }

    private void updateIntegration(Exchange ex) {
        Integration i = findIntegration(ex);
        PdFields f = PdFields.root(ex.jsonBody(), "integration");
        String name = f.optText("name", 255).orElse(i.name());
        f.throwIfInvalid();
        Integration renamed = config.saveIntegration(new Integration(i.id(), i.serviceId(), name, i.type(), i.key(),
                i.createdAt()));
        ex.json(200, Map.of("integration", renderIntegration(renamed)));
    }

    private Integration findIntegration(Exchange ex) {
        String sid = ex.pathParam("id");
        return config.integration(ex.pathParam("integration_id")).filter(i -> i.serviceId().equals(sid))
                .orElseThrow(() -> ApiProblem.notFound("Integration " + ex.pathParam("integration_id")
                        + " not found on service " + sid));
    }

    private Map<String, Object> renderIntegration(Integration i) {
        Map<String, Object> out = refs.object(i.type().wireName(), "services/" + i.serviceId() + "/integrations",
                i.id(), i.name() == null ? i.type().wireName() : i.name());
        out.put("name", i.name());
        out.put("service", refs.ref("service", "services", i.serviceId(), config.service(i.serviceId())
                .map(Service::name).orElse(i.serviceId())));
        out.put("integration_key", i.key());
        if (i.type() == Integration.Type.ALERTMANAGER) {
            out.put("integration_url", refs.publicUrl() + "/api/tocsin/alertmanager/" + i.key());
        }
        out.put("created_at", i.createdAt() == null ? null : i.createdAt().toString());
        return out;
    }

    // ---- change events

    private void changes(Exchange ex, String serviceId) {
        PdPaging paging = PdPaging.of(ex);
        IncidentStore.Page<ChangeEvent> page = store.changes(serviceId, paging.offset(), paging.limit());
        ex.json(200, paging.envelope("change_events", page.items().stream().map(this::renderChange).toList(),
                page.more(), -1));
    }

    private Map<String, Object> renderChange(ChangeEvent e) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", e.id());
        out.put("type", "change_event");
        out.put("summary", e.summary());
        out.put("source", e.source());
        out.put("timestamp", e.timestamp().toString());
        out.put("services", List.of(refs.ref("service", "services", e.serviceId(), config.service(e.serviceId())
                .map(Service::name).orElse(e.serviceId()))));
        out.put("integration", e.integrationId() == null ? null : Map.of("id", e.integrationId(), "type",
                "inbound_integration_reference"));
        out.put("custom_details", EventRoutes.tree(e.customDetails()));
        out.put("links", EventRoutes.tree(e.links()));
        return out;
    }
}
