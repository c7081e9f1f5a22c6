package tocsin.server.pagerduty;

import tocsin.oncall.Entry;
import tocsin.oncall.Layer;
import tocsin.oncall.RenderedSchedule;
import tocsin.oncall.Restriction;
import tocsin.oncall.Schedule;
import tocsin.oncall.ScheduleOverride;
import tocsin.oncall.Subschedule;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Schedules and overrides in PagerDuty's REST shapes: the schedule object with its {@code schedule_layers} (each with
 * {@code rendered_schedule_entries} and {@code rendered_coverage_percentage}), {@code overrides_subschedule} and
 * {@code final_schedule}. Times are shown in {@code zone} with its offset ({@code 2026-03-29T09:00:00+02:00}), as
 * PagerDuty shows them in the {@code time_zone} asked for. A layer's own zone (Tocsin's follow-the-sun extension)
 * appears as its {@code time_zone}; PagerDuty's clients ignore the unknown field. Immutable, thread-safe.
 */
final class ScheduleJson {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ISO_OFFSET_DATE_TIME;
    private static final DateTimeFormatter TIME_OF_DAY = DateTimeFormatter.ofPattern("HH:mm:ss");

    private final DirectoryJson json;
    private final Map<String, String> names;
    private final ZoneId zone;

    /**
     * @param names user id to name, for the references' {@code summary}
     * @param zone  the zone times are shown in
     */
    ScheduleJson(DirectoryJson json, Map<String, String> names, ZoneId zone) {
        this.json = json;
        this.names = Map.copyOf(names);
        this.zone = zone;
    }

    /** Every user id a schedule, its overrides and a rendering of it name, for looking up their names at once. */
    static Set<String> userIds(Schedule schedule, RenderedSchedule rendered) {
        Set<String> ids = new LinkedHashSet<>();
        schedule.layers().forEach(l -> ids.addAll(l.userIds()));
        schedule.overrides().forEach(o -> ids.add(o.userId()));
        if (rendered != null) {
            rendered.scheduleLayers().forEach(s -> s.renderedScheduleEntries().forEach(e -> ids.add(e.userId())));
            rendered.finalSchedule().renderedScheduleEntries().forEach(e -> ids.add(e.userId()));
        }
        return ids;
    }

    /** The schedule as lists show it: without layers or rendering. */
    Map<String, Object> summary(Schedule s, String description) {
        Map<String, Object> m = head(s, description);
        m.put("users", users(s));
        m.put("escalation_policies", List.of());
        m.put("teams", List.of());
        return m;
    }

    /**
     * The whole schedule with its layers rendered over a window; {@code feeds} adds its calendar URLs.
     *
     * @param wide null to show entries cut at the window's ends (PagerDuty's default), or the same schedule rendered
     *             over a wider window, whose entries that overlap {@code r}'s window are shown whole
     *             ({@code overflow=true}); coverage is always {@code r}'s
     */
    Map<String, Object> full(Schedule s, String description, RenderedSchedule r, RenderedSchedule wide,
                             Map<String, Object> feeds) {
        Map<String, Object> m = head(s, description);
        List<Map<String, Object>> layers = new ArrayList<>();
        for (int i = 0; i < s.layers().size(); i++) {
            layers.add(layer(s.layers().get(i), r.scheduleLayers().get(i),
                    shown(r.scheduleLayers().get(i), wide == null ? null : wide.scheduleLayers().get(i), r)));
        }
        m.put("schedule_layers", layers);
        m.put("overrides_subschedule", subschedule(r.overridesSubschedule(),
                shown(r.overridesSubschedule(), wide == null ? null : wide.overridesSubschedule(), r)));
        m.put("final_schedule", subschedule(r.finalSchedule(),
                shown(r.finalSchedule(), wide == null ? null : wide.finalSchedule(), r)));
        m.put("users", users(s));
        m.put("escalation_policies", List.of());
        m.put("teams", List.of());
        m.putAll(feeds);
        return m;
    }

    /** The entries of {@code wide} that overlap {@code [since, until)}, not cut at its ends. */
    static List<Entry> overlapping(Subschedule wide, Instant since, Instant until) {
        return wide.renderedScheduleEntries().stream()
                .filter(e -> e.end().isAfter(since) && e.start().isBefore(until)).toList();
    }

    private static List<Entry> shown(Subschedule clipped, Subschedule wide, RenderedSchedule r) {
        return wide == null ? clipped.renderedScheduleEntries() : overlapping(wide, r.since(), r.until());
    }

    Map<String, Object> override(ScheduleOverride o) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", o.id());
        m.put("start", time(o.start()));
        m.put("end", time(o.end()));
        m.put("user", userRef(o.userId()));
        return m;
    }

    private Map<String, Object> head(Schedule s, String description) {
        Map<String, Object> m = s.id() == null ? new LinkedHashMap<>()
                : json.refs().object("schedule", "schedules", s.id(), s.name());
        if (s.id() == null) {
            m.put("type", "schedule");
            m.put("summary", s.name());
        }
        m.put("name", s.name());
        m.put("time_zone", s.timeZone().getId());
        m.put("description", description);
        return m;
    }

    private Map<String, Object> layer(Layer l, Subschedule rendered, List<Entry> entries) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", l.id());
        m.put("name", rendered.name());
        m.put("start", time(l.start()));
        m.put("end", l.end() == null ? null : time(l.end()));
        m.put("rotation_virtual_start", time(l.rotationVirtualStart()));
        m.put("rotation_turn_length_seconds", l.turnLength().toSeconds());
        if (l.timeZone() != null) {
            m.put("time_zone", l.timeZone().getId());
        }
        m.put("users", l.userIds().stream().map(u -> Map.of("user", userRef(u))).toList());
        m.put("restrictions", l.restrictions().stream().map(ScheduleJson::restriction).toList());
        m.put("rendered_schedule_entries", entryList(entries));
        m.put("rendered_coverage_percentage", rendered.renderedCoveragePercentage());
        return m;
    }

    private static Map<String, Object> restriction(Restriction r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", r.type());
        m.put("start_time_of_day", r.startTimeOfDay().format(TIME_OF_DAY));
        m.put("duration_seconds", r.duration().toSeconds());
        if (r instanceof Restriction.Weekly w) {
            m.put("start_day_of_week", w.startDayOfWeek().getValue());
        }
        return m;
    }

    private Map<String, Object> subschedule(Subschedule sub, List<Entry> entries) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", sub.name());
        m.put("rendered_schedule_entries", entryList(entries));
        m.put("rendered_coverage_percentage", sub.renderedCoveragePercentage());
        return m;
    }

    private List<Map<String, Object>> entryList(List<Entry> entries) {
        List<Map<String, Object>> out = new ArrayList<>(entries.size());
        for (Entry e : entries) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("start", time(e.start()));
            m.put("end", time(e.end()));
            m.put("user", userRef(e.userId()));
            out.add(m);
        }
        return out;
    }

    private List<Map<String, Object>> users(Schedule s) {
        Set<String> ids = new LinkedHashSet<>();
        s.layers().forEach(l -> ids.addAll(l.userIds()));
        return ids.stream().map(this::userRef).toList();
    }

    private Map<String, Object> userRef(String id) {
        return json.userRef(id, names.getOrDefault(id, id));
    }

    private String time(Instant t) {
        return TIME.format(t.atZone(zone).toOffsetDateTime());
    }
}
