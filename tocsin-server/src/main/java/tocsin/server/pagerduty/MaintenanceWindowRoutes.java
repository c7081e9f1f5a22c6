package tocsin.server.pagerduty;

import tocsin.core.access.Scope;
import tocsin.oncall.escalation.UserLookup;
import tocsin.oncall.paging.MaintenanceWindow;
import tocsin.oncall.paging.PagingConfigStore;
import tocsin.oncall.paging.Service;
import tocsin.server.http.Access;
import tocsin.server.http.ApiProblem;
import tocsin.server.http.Dialect;
import tocsin.server.http.Exchange;
import tocsin.server.http.RouteTable;

import java.time.Instant;
import java.time.InstantSource;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * PagerDuty's {@code /maintenance_windows}: list ({@code service_ids[]}, {@code filter=past|future|ongoing}),
 * create, get, update, delete. While a window covers a service, its events are accepted and dropped. Thread-safe.
 */
public final class MaintenanceWindowRoutes {
    private final PagingConfigStore config;
    private final UserLookup users;
    private final PdRefs refs;
    private final InstantSource clock;

    public MaintenanceWindowRoutes(PagingConfigStore config, UserLookup users, PdRefs refs, InstantSource clock) {
        this.config = config;
        this.users = users;
        this.refs = refs;
        this.clock = clock;
    }

    public void register(RouteTable routes) {
        routes.family(Dialect.PAGERDUTY_REST)
                .get("/maintenance_windows", Access.scope(Scope.READ), PagingErrors.mapped(this::list))
                .post("/maintenance_windows", Access.scope(Scope.WRITE), PagingErrors.mapped(this::create))
                .get("/maintenance_windows/{id}", Access.scope(Scope.READ), PagingErrors.mapped(this::get))
                .put("/maintenance_windows/{id}", Access.scope(Scope.WRITE), PagingErrors.mapped(this::update))
                .delete("/maintenance_windows/{id}", Access.scope(Scope.WRITE), PagingErrors.mapped(this::delete));
    }

    private void list(Exchange ex) {
        PdPaging paging = PdPaging.of(ex);
        List<String> services = PdQuery.list(ex, "service_ids");
        String filter = ex.query("filter").orElse("");
        if (!filter.isEmpty() && !Set.of("past", "future", "ongoing").contains(filter)) {
            throw ApiProblem.invalidField("filter", "must be past, future or ongoing, got '" + filter + "'");
        }
        Instant now = clock.instant();
        ex.json(200, paging.page("maintenance_windows", config.windows().stream()
                .filter(w -> services.isEmpty() || w.serviceIds().stream().anyMatch(services::contains))
                .filter(w -> switch (filter) {
                    case "past" -> !w.end().isAfter(now);
                    case "future" -> w.start().isAfter(now);
                    case "ongoing" -> w.covers(now);
                    default -> true;
                }).map(this::render).toList()));
    }

    private void get(Exchange ex) {
        ex.json(200, Map.of("maintenance_window", render(find(ex.pathParam("id")))));
    }

    private void create(Exchange ex) {
        MaintenanceWindow w = parse(PdFields.root(ex.jsonBody(), "maintenance_window"), null,
                PagingErrors.actor(ex, users, false).acknowledger());
        ex.json(201, Map.of("maintenance_window", render(config.saveWindow(w))));
    }

    private void update(Exchange ex) {
        MaintenanceWindow base = find(ex.pathParam("id"));
        MaintenanceWindow w = parse(PdFields.root(ex.jsonBody(), "maintenance_window"), base, base.createdBy());
        ex.json(200, Map.of("maintenance_window", render(config.saveWindow(w))));
    }

    private void delete(Exchange ex) {
        if (!config.deleteWindow(ex.pathParam("id"))) {
            throw ApiProblem.notFound("Maintenance window " + ex.pathParam("id") + " not found");
        }
        ex.noContent();
    }

    private MaintenanceWindow find(String id) {
        return config.window(id).orElseThrow(() -> ApiProblem.notFound("Maintenance window " + id + " not found"));
    }

    private static MaintenanceWindow parse(PdFields f, MaintenanceWindow base, String createdBy) {
        Instant start = f.optInstant("start_time", ZoneOffset.UTC).orElse(base == null ? null : base.start());
        Instant end = f.optInstant("end_time", ZoneOffset.UTC).orElse(base == null ? null : base.end());
        String description = f.optText("description", 1024).orElse(base == null ? null : base.description());
        List<String> services = f.has("services") ? f.refIds("services") : base == null ? List.of()
                : base.serviceIds();
        f.throwIfInvalid();
        return EscalationPolicyRoutes.at("maintenance_window", () -> new MaintenanceWindow(
                base == null ? null : base.id(), start, end, description, services, createdBy));
    }

    private Map<String, Object> render(MaintenanceWindow w) {
        Map<String, Object> out = refs.object("maintenance_window", "maintenance_windows", w.id(),
                w.description() == null ? "Maintenance window" : w.description());
        out.put("start_time", w.start().toString());
        out.put("end_time", w.end().toString());
        out.put("description", w.description());
        out.put("services", w.serviceIds().stream().map(id -> refs.ref("service", "services", id,
                config.service(id).map(Service::name).orElse(id))).toList());
        out.put("teams", List.of());
        out.put("created_by", null);
        return out;
    }
}
