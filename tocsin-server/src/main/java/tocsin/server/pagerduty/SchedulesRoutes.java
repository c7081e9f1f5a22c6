package tocsin.server.pagerduty;

import com.fasterxml.jackson.databind.JsonNode;
import tocsin.core.access.Scope;
import tocsin.oncall.Entry;
import tocsin.oncall.InvalidScheduleException;
import tocsin.oncall.RenderedSchedule;
import tocsin.oncall.Schedule;
import tocsin.oncall.ScheduleOverride;
import tocsin.oncall.ScheduleRenderer;
import tocsin.oncall.directory.Page;
import tocsin.oncall.directory.Person;
import tocsin.oncall.directory.ScheduleStore;
import tocsin.oncall.directory.StoredSchedule;
import tocsin.server.http.Access;
import tocsin.server.http.ApiProblem;
import tocsin.server.http.Dialect;
import tocsin.server.http.Exchange;
import tocsin.server.http.RouteTable;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static tocsin.server.pagerduty.DirectoryApi.MAX_QUERY;
import static tocsin.server.pagerduty.DirectoryApi.guarded;

/**
 * PagerDuty's {@code /schedules}: list (with {@code query}), create, get (rendered over {@code since}/{@code until}
 * in {@code time_zone}), update, delete, {@code POST /schedules/preview} (rendered, not saved),
 * {@code /schedules/{id}/overrides} (list, create one or many, delete) and {@code /schedules/{id}/users}. Rendering is
 * {@link ScheduleRenderer}'s. Without {@code since} a rendering starts now; without {@code until} it covers a week;
 * a window is at most {@link #MAX_WINDOW} long and may hold at most {@link #MAX_RENDERED_ENTRIES} entries, bounding
 * the work and the response size one request can ask for.
 *
 * <p>An update is optimistic: it names the version it read, and one that lost a race with another update of the same
 * schedule is answered {@code 409} in PagerDuty's error shape, leaving the winner's schedule intact. Thread-safe.
 */
final class SchedulesRoutes {
    static final Duration MAX_WINDOW = Duration.ofDays(366);
    /** The most entries one response renders (layers, overrides and final schedule together), bounding its size. */
    static final int MAX_RENDERED_ENTRIES = 20_000;
    private static final Duration DEFAULT_WINDOW = Duration.ofDays(7);
    /** How far beyond the window {@code overflow=true} looks for the true ends of entries crossing its edges. */
    static final Duration OVERFLOW_MARGIN = Duration.ofDays(35);
    private static final int BODY_LIMIT = 512 * 1024;
    private static final int MAX_OVERRIDES_PER_REQUEST = 100;

    private final DirectoryApi api;

    SchedulesRoutes(DirectoryApi api) {
        this.api = api;
    }

    void register(RouteTable routes) {
        routes.family(Dialect.PAGERDUTY_REST)
                .get("/schedules", Access.scope(Scope.READ), guarded(this::list))
                .post("/schedules", Access.scope(Scope.WRITE), BODY_LIMIT, guarded(this::create))
                .post("/schedules/preview", Access.scope(Scope.READ), BODY_LIMIT, guarded(this::preview))
                .get("/schedules/{id}", Access.scope(Scope.READ), guarded(this::get))
                .route(io.helidon.http.Method.PUT, "/schedules/{id}", Access.scope(Scope.WRITE), BODY_LIMIT,
                        guarded(this::update))
                .delete("/schedules/{id}", Access.scope(Scope.WRITE), guarded(this::delete))
                .get("/schedules/{id}/overrides", Access.scope(Scope.READ), guarded(this::listOverrides))
                .post("/schedules/{id}/overrides", Access.scope(Scope.WRITE), BODY_LIMIT,
                        guarded(this::createOverrides))
                .delete("/schedules/{id}/overrides/{override}", Access.scope(Scope.WRITE),
                        guarded(this::deleteOverride))
                .get("/schedules/{id}/users", Access.scope(Scope.READ), guarded(this::users));
    }

    private void list(Exchange ex) {
        PdPaging paging = PdPaging.of(ex);
        String query = PdQuery.text(ex, "query", MAX_QUERY).orElse(null);
        Page<StoredSchedule> page = api.schedules().schedules(query, paging.offset(), paging.limit());
        Set<String> ids = new LinkedHashSet<>();
        page.items().forEach(s -> ids.addAll(ScheduleJson.userIds(s.schedule(), null)));
        List<Map<String, Object>> items = new ArrayList<>();
        List<tocsin.oncall.paging.EscalationPolicy> policies = api.policies().policies();
        for (StoredSchedule s : page.items()) {
            Map<String, Object> item = new ScheduleJson(api.json(), names(ids), s.schedule().timeZone())
                    .summary(s.schedule(), s.description());
            item.put("escalation_policies", policyRefs(policies, s.id()));
            items.add(item);
        }
        ex.json(200, paging.envelope("schedules", items, page.more(paging.offset()), page.total()));
    }

    private void get(Exchange ex) {
        StoredSchedule s = find(ex.pathParam("id"));
        answer(ex, 200, s);
    }

    private void create(Exchange ex) {
        ScheduleStore.Draft draft = readSchedule(ex);
        StoredSchedule created = DirectoryApi.within("schedule", () -> api.schedules().createSchedule(draft));
        ex.response().header("Location", api.json().refs().self("schedules", created.id()));
        answer(ex, 201, created);
    }

    private void update(Exchange ex) {
        StoredSchedule old = find(ex.pathParam("id"));
        ScheduleStore.Draft draft = readSchedule(ex);
        StoredSchedule updated = DirectoryApi.within("schedule",
                        () -> api.schedules().updateSchedule(old.id(), old.version(), draft))
                .orElseThrow(() -> notFound(old.id()));
        answer(ex, 200, updated);
    }

    private List<Map<String, Object>> policyRefs(List<tocsin.oncall.paging.EscalationPolicy> policies,
                                                 String scheduleId) {
        return PolicyReferences.refs(policies, tocsin.oncall.paging.Target.schedule(scheduleId), api.json().refs());
    }

    private void delete(Exchange ex) {
        api.policies().requireUnused(tocsin.oncall.paging.Target.schedule(ex.pathParam("id")), "schedule",
                "The schedule");
        if (!api.schedules().deleteSchedule(ex.pathParam("id"))) {
            throw notFound(ex.pathParam("id"));
        }
        ex.noContent();
    }

    private void preview(Exchange ex) {
        ScheduleStore.Draft draft = readSchedule(ex);
        Schedule schedule = build(() -> new Schedule(null, draft.name(), draft.timeZone(), draft.layers()));
        ZoneId zone = PdQuery.zone(ex, "time_zone", draft.timeZone());
        Window w = window(ex, zone);
        RenderedSchedule r = render(schedule, w);
        ex.json(200, Map.of("schedule", new ScheduleJson(api.json(), names(ScheduleJson.userIds(schedule, r)), zone)
                .full(schedule, draft.description(), r, null, Map.of())));
    }

    private void listOverrides(Exchange ex) {
        StoredSchedule s = find(ex.pathParam("id"));
        ZoneId zone = PdQuery.zone(ex, "time_zone", s.schedule().timeZone());
        Window w = requiredWindow(ex, zone);
        boolean overflow = PdQuery.bool(ex, "overflow").orElse(false);
        List<ScheduleOverride> overrides = api.schedules().overrides(s.id(), w.since(), w.until());
        Set<String> ids = new LinkedHashSet<>();
        overrides.forEach(o -> ids.add(o.userId()));
        ScheduleJson json = new ScheduleJson(api.json(), names(ids), zone);
        List<Map<String, Object>> out = new ArrayList<>();
        for (ScheduleOverride o : overrides) {
            out.add(json.override(overflow ? o : new ScheduleOverride(o.id(), o.userId(),
                    o.start().isBefore(w.since()) ? w.since() : o.start(),
                    o.end().isAfter(w.until()) ? w.until() : o.end())));
        }
        ex.json(200, Map.of("overrides", out));
    }

    /**
     * One override ({@code {"override": {...}}}, answered {@code 201 {"override": {...}}}) or many
     * ({@code {"overrides": [...]}}, answered {@code 201} with one {@code {"status", "override"|"errors"}} per item,
     * as PagerDuty does: the valid ones are created, the invalid ones say why).
     */
    private void createOverrides(Exchange ex) {
        StoredSchedule s = find(ex.pathParam("id"));
        JsonNode body = ex.jsonBody();
        ZoneId zone = s.schedule().timeZone();
        if (body.has("overrides") && !body.get("overrides").isNull()) {
            createMany(ex, s, body.get("overrides"), zone);
            return;
        }
        PdFields f = PdFields.root(body, "override");
        ScheduleOverride o = new ScheduleReader(api.people()).override(f, zone);
        f.throwIfInvalid();
        ScheduleOverride created = api.schedules().addOverrides(s.id(), List.of(o))
                .orElseThrow(() -> notFound(s.id())).getFirst();
        ex.json(201, Map.of("override", new ScheduleJson(api.json(), names(Set.of(created.userId())), zone)
                .override(created)));
    }

    private void createMany(Exchange ex, StoredSchedule s, JsonNode array, ZoneId zone) {
        if (!array.isArray() || array.isEmpty()) {
            throw ApiProblem.invalidField("overrides", "must be a non-empty array of overrides");
        }
        if (array.size() > MAX_OVERRIDES_PER_REQUEST) {
            throw ApiProblem.invalidField("overrides", "has " + array.size() + " overrides; at most "
                    + MAX_OVERRIDES_PER_REQUEST + " per request");
        }
        ScheduleReader reader = new ScheduleReader(api.people());
        List<ScheduleOverride> valid = new ArrayList<>();
        List<Object> results = new ArrayList<>();
        for (int i = 0; i < array.size(); i++) {
            String path = "overrides[" + i + "]";
            if (!array.get(i).isObject()) {
                results.add(failed(List.of(path + ": must be an override object")));
                continue;
            }
            PdFields f = PdFields.root(ex.context().json().createObjectNode().set(path, array.get(i)), path);
            ScheduleOverride o = reader.override(f, zone);
            if (o == null) {
                results.add(failed(f.errors()));
            } else {
                valid.add(o);
                results.add(o);
            }
        }
        List<ScheduleOverride> created = valid.isEmpty() ? List.of()
                : api.schedules().addOverrides(s.id(), valid).orElseThrow(() -> notFound(s.id()));
        Set<String> ids = new LinkedHashSet<>();
        created.forEach(o -> ids.add(o.userId()));
        ScheduleJson json = new ScheduleJson(api.json(), names(ids), zone);
        int next = 0;
        for (int i = 0; i < results.size(); i++) {
            if (results.get(i) instanceof ScheduleOverride) {
                Map<String, Object> ok = new LinkedHashMap<>();
                ok.put("status", 201);
                ok.put("override", json.override(created.get(next++)));
                results.set(i, ok);
            }
        }
        ex.json(201, results);
    }

    private static Map<String, Object> failed(List<String> errors) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("status", 400);
        m.put("errors", errors);
        return m;
    }

    private void deleteOverride(Exchange ex) {
        StoredSchedule s = find(ex.pathParam("id"));
        if (!api.schedules().deleteOverride(s.id(), ex.pathParam("override"))) {
            throw ApiProblem.notFound("Override Not Found: no override with id " + ex.pathParam("override")
                    + " on schedule " + s.id());
        }
        ex.noContent();
    }

    private void users(Exchange ex) {
        StoredSchedule s = find(ex.pathParam("id"));
        Window w = window(ex, s.schedule().timeZone());
        RenderedSchedule r = render(withOverrides(s, w), w);
        Set<String> ids = new LinkedHashSet<>();
        r.finalSchedule().renderedScheduleEntries().forEach(e -> ids.add(e.userId()));
        List<Person> persons = new ArrayList<>(api.people().people(ids));
        persons.sort(java.util.Comparator.comparing((Person p) -> p.name().toLowerCase(java.util.Locale.ROOT))
                .thenComparing(Person::id));
        ex.json(200, Map.of("users", api.users(persons, Set.of(), api.json())));
    }

    // ---- shared

    /**
     * The schedule rendered over the request's window. With {@code overflow=true} entries that cross the window's
     * ends are shown whole, as far as {@link #OVERFLOW_MARGIN} beyond them, as PagerDuty's {@code overflow} asks.
     */
    private void answer(Exchange ex, int status, StoredSchedule s) {
        ZoneId zone = PdQuery.zone(ex, "time_zone", s.schedule().timeZone());
        Window w = window(ex, zone);
        Schedule schedule = withOverrides(s, w);
        RenderedSchedule r = render(schedule, w);
        RenderedSchedule wide = null;
        Set<String> ids = ScheduleJson.userIds(schedule, r);
        if (PdQuery.bool(ex, "overflow").orElse(false)) {
            Window outer = new Window(w.since().minus(OVERFLOW_MARGIN), w.until().plus(OVERFLOW_MARGIN));
            Schedule outerSchedule = withOverrides(s, outer);
            wide = render(outerSchedule, outer);
            ids.addAll(ScheduleJson.userIds(outerSchedule, wide));
        }
        ScheduleJson json = new ScheduleJson(api.json(), names(ids), zone);
        Map<String, Object> full = json.full(schedule, s.description(), r, wide,
                ICalRoutes.feedUrls(api, ScheduleStore.Feed.Kind.SCHEDULE, s.id()));
        full.put("escalation_policies", policyRefs(api.policies().policies(), s.id()));
        ex.json(status, Map.of("schedule", full));
    }

    /** The stored schedule with the overrides that fall into the window. */
    private Schedule withOverrides(StoredSchedule s, Window w) {
        return s.schedule().withOverrides(api.schedules().overrides(s.id(), w.since(), w.until()));
    }

    private ScheduleStore.Draft readSchedule(Exchange ex) {
        PdFields f = PdFields.root(ex.jsonBody(), "schedule");
        ScheduleStore.Draft draft = new ScheduleReader(api.people()).schedule(f);
        f.throwIfInvalid();
        // the model's own checks across layers (duplicate layer ids)
        build(() -> new Schedule(null, draft.name(), draft.timeZone(), draft.layers()));
        return draft;
    }

    private static <T> T build(java.util.function.Supplier<T> construct) {
        try {
            return construct.get();
        } catch (InvalidScheduleException e) {
            throw DirectoryApi.problem(e, "schedule");
        }
    }

    private static RenderedSchedule render(Schedule schedule, Window w) {
        RenderedSchedule r;
        try {
            r = ScheduleRenderer.render(schedule, w.since(), w.until());
        } catch (InvalidScheduleException e) {
            throw ApiProblem.badRequest("Invalid Input Provided",
                    e.problems().stream().map(Object::toString).toList());
        }
        long entries = r.finalSchedule().renderedScheduleEntries().size()
                + r.overridesSubschedule().renderedScheduleEntries().size();
        for (var layer : r.scheduleLayers()) {
            entries += layer.renderedScheduleEntries().size();
        }
        if (entries > MAX_RENDERED_ENTRIES) {
            throw ApiProblem.invalidField("until", "the window holds " + entries + " rendered entries, more than "
                    + MAX_RENDERED_ENTRIES + "; ask for a shorter window");
        }
        return r;
    }

    /** A rendering window: {@code [since, until)}, the part of the schedule a response shows. */
    record Window(Instant since, Instant until) {
    }

    private Window window(Exchange ex, ZoneId zone) {
        Instant since = PdQuery.instant(ex, "since", zone)
                .orElseGet(() -> Instant.ofEpochSecond(api.clock().instant().getEpochSecond()));
        Instant until = PdQuery.instant(ex, "until", zone).orElse(since.plus(DEFAULT_WINDOW));
        return checked(since, until);
    }

    private static Window requiredWindow(Exchange ex, ZoneId zone) {
        Instant since = PdQuery.instant(ex, "since", zone)
                .orElseThrow(() -> ApiProblem.invalidField("since", "is required"));
        Instant until = PdQuery.instant(ex, "until", zone)
                .orElseThrow(() -> ApiProblem.invalidField("until", "is required"));
        return checked(since, until);
    }

    private static Window checked(Instant since, Instant until) {
        if (!until.isAfter(since)) {
            throw ApiProblem.invalidField("until", "must be after since (" + since + "), got " + until);
        }
        if (Duration.between(since, until).compareTo(MAX_WINDOW) > 0) {
            throw ApiProblem.invalidField("until", "is more than " + MAX_WINDOW.toDays()
                    + " days after since; ask for a shorter window");
        }
        return new Window(since, until);
    }

    private Map<String, String> names(Set<String> ids) {
        Map<String, String> out = new HashMap<>();
        api.people().people(ids).forEach(p -> out.put(p.id(), p.name()));
        return out;
    }

    private StoredSchedule find(String id) {
        return api.schedules().schedule(id).orElseThrow(() -> notFound(id));
    }

    private static ApiProblem notFound(String id) {
        return ApiProblem.notFound("Schedule Not Found: no schedule with id " + id);
    }

    /** The on-call shifts of {@code userId} in a rendering, for feeds. */
    static List<Entry> shiftsOf(RenderedSchedule r, String userId) {
        return r.finalSchedule().renderedScheduleEntries().stream().filter(e -> e.userId().equals(userId)).toList();
    }
}
