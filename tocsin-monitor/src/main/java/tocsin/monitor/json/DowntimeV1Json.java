package tocsin.monitor.json;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import tocsin.monitor.downtime.Downtime;
import tocsin.monitor.downtime.Downtime.OneTime;
import tocsin.monitor.downtime.Downtime.Recurring;
import tocsin.monitor.downtime.Rrule;
import tocsin.monitor.downtime.V1Downtime;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Datadog v1 downtimes ({@code /api/v1/downtime}) in their flat JSON shape, both ways: requests into
 * {@link Downtime}s, every bad field named, and downtimes into v1 objects. The mapping between the v1 fields and the
 * model is {@link V1Downtime}'s. Stateless and thread-safe.
 */
public final class DowntimeV1Json {
    /** The latest epoch second accepted: the end of year 9999. */
    static final long MAX_EPOCH = 253_402_300_799L;
    private static final Set<String> FIELDS = Set.of("scope", "monitor_id", "monitor_tags", "start", "end",
            "timezone", "message", "recurrence", "mute_first_recovery_notification", "notify_end_states",
            "notify_end_types");
    /** Read-only fields a client sends back when it updates an object it read: accepted and ignored. */
    private static final Set<String> READ_ONLY = Set.of("id", "active", "active_child", "canceled", "creator_id",
            "disabled", "downtime_type", "parent_id", "child_id", "updater_id");
    private static final Set<String> RECURRENCE_FIELDS = Set.of("type", "period", "week_days", "until_date",
            "until_occurrences", "rrule");

    private DowntimeV1Json() {
    }

    /**
     * Reads a create request ({@code POST}), or an update ({@code PUT}) when {@code current} is given: absent fields
     * keep their current values, and the schedule stays as it is unless {@code start}, {@code end},
     * {@code timezone} or {@code recurrence} is sent. Adds one error per bad field; the result is meaningful only
     * when none were added.
     *
     * @param now the start of a downtime created without one
     */
    public static Downtime read(JsonNode body, Downtime current, Instant now, List<String> errors) {
        FieldReader r = new FieldReader(errors);
        if (!body.isObject()) {
            r.error("body", "must be a JSON object, got " + FieldReader.kind(body));
            return null;
        }
        r.unknownFields(body, "", FIELDS, READ_ONLY);
        String scope = scope(body, r);
        if (scope == null && current == null && errors.stream().noneMatch(e -> e.startsWith("scope"))) {
            r.error("scope", "is required: a list of tags such as [\"env:prod\"], or [\"*\"]");
        }
        if (scope == null && current != null) {
            scope = current.scope();
        }
        Long monitorId = current == null ? null : current.monitorId();
        List<String> monitorTags = current == null ? List.of("*") : current.monitorTags();
        Optional<Long> id = r.integer(body, "monitor_id", "monitor_id", 1, Long.MAX_VALUE);
        Optional<List<String>> tags = r.strings(body, "monitor_tags", "monitor_tags", 50, 200);
        boolean tagsGiven = tags.isPresent() && !tags.get().isEmpty() && !tags.get().equals(List.of("*"));
        if (id.isPresent() && tagsGiven) {
            r.error("monitor_tags", "cannot be combined with monitor_id: a downtime names one monitor or monitor tags");
        } else if (id.isPresent()) {
            monitorId = id.get();
            monitorTags = List.of();
        } else if (tags.isPresent()) {
            monitorId = null;
            monitorTags = tags.get().isEmpty() ? List.of("*") : tags.get();
        }
        Optional<String> tz = r.string(body, "timezone", "timezone", 64);
        ZoneId zone = null;
        if (tz.isPresent()) {
            try {
                zone = ZoneId.of(tz.get());
            } catch (DateTimeException e) {
                r.error("timezone", "unknown time zone '" + tz.get() + "'");
            }
        }
        String timezone = zone != null ? zone.getId() : current == null ? "UTC" : v1Timezone(current);
        Downtime.Schedule schedule = schedule(body, current, now, ZoneId.of(timezone), r);
        String message = r.string(body, "message", "message", 20_000)
                .orElse(current == null ? "" : current.message());
        boolean muteFirst = r.bool(body, "mute_first_recovery_notification", "mute_first_recovery_notification")
                .orElse(current != null && current.muteFirstRecoveryNotification());
        List<String> endStates = DowntimeJson.oneOf(r, body, "notify_end_states", "", DowntimeJson.END_STATES,
                current == null ? List.of("alert", "no data", "warn") : current.notifyEndStates());
        List<String> endTypes = DowntimeJson.oneOf(r, body, "notify_end_types", "", DowntimeJson.END_TYPES,
                current == null ? List.of("expired") : current.notifyEndTypes());
        if (!errors.isEmpty() || schedule == null) {
            return null;
        }
        return new Downtime(current == null ? "" : current.id(), current == null ? 0 : current.v1Id(), scope,
                monitorId, monitorTags, schedule, message, timezone, muteFirst, endStates, endTypes,
                current == null ? now : current.created(), now, current == null ? null : current.canceled());
    }

    /** The v2 scope query of the {@code scope} field (a list of tags, or one comma-separated string); null if none. */
    private static String scope(JsonNode body, FieldReader r) {
        Optional<JsonNode> v = r.present(body, "scope");
        if (v.isEmpty()) {
            return null;
        }
        List<String> tags;
        if (v.get().isTextual()) {
            tags = List.of(v.get().textValue().split(",", -1));
        } else {
            int before = r.errors().size();
            tags = r.strings(body, "scope", "scope", 50, 200).orElse(List.of());
            if (r.errors().size() > before) {
                return null;
            }
        }
        tags = tags.stream().map(String::trim).toList();
        if (tags.isEmpty() || tags.stream().anyMatch(String::isEmpty)) {
            r.error("scope", "must be a non-empty list of tags such as [\"env:prod\", \"host:db-1\"], or [\"*\"]");
            return null;
        }
        if (tags.contains("*") && tags.size() > 1) {
            r.error("scope", "'*' stands alone: it already means every group");
            return null;
        }
        String query = V1Downtime.scopeQuery(tags);
        try {
            Downtime.scopeFilter(query);
        } catch (IllegalArgumentException e) {
            r.error("scope", e.getMessage());
            return null;
        }
        return query;
    }

    private static Downtime.Schedule schedule(JsonNode body, Downtime current, Instant now, ZoneId zone,
                                              FieldReader r) {
        boolean touched = body.has("start") || body.has("end") || body.has("timezone") || body.has("recurrence");
        if (current != null && !touched) {
            return current.schedule();
        }
        Downtime.Period first = current == null ? null : firstPeriod(current.schedule());
        Instant start = r.integer(body, "start", "start", 0, MAX_EPOCH).map(Instant::ofEpochSecond)
                .orElse(first == null ? now : first.start());
        Instant end = body.has("end") ? r.integer(body, "end", "end", 0, MAX_EPOCH).map(Instant::ofEpochSecond)
                .orElse(null) : first == null ? null : first.end();
        V1Downtime.Recurrence recurrence;
        if (body.has("recurrence")) {
            recurrence = r.object(body, "recurrence", "recurrence").map(n -> recurrence(n, r)).orElse(null);
            if (recurrence == null && r.present(body, "recurrence").isPresent()) {
                return null;
            }
        } else {
            recurrence = current != null && current.schedule() instanceof Recurring rec
                    ? V1Downtime.recurrence(rec.recurrences().getFirst().rrule()) : null;
        }
        if (end != null && !end.isAfter(start)) {
            r.error("end", "must be after start (" + start.getEpochSecond() + "), got " + end.getEpochSecond());
            return null;
        }
        if (recurrence == null) {
            return new OneTime(start, end);
        }
        if (end == null) {
            r.error("end", "is required with a recurrence: start and end are the first occurrence");
            return null;
        }
        // v2 keeps recurrences to the minute: the start moves back to its minute and the duration rounds up, so the
        // stored occurrence always covers the requested one.
        LocalDateTime localStart = LocalDateTime.ofInstant(start, zone).truncatedTo(ChronoUnit.MINUTES);
        long seconds = Duration.between(localStart.atZone(zone).toInstant(), end).toSeconds();
        Duration duration = Duration.ofMinutes((seconds + 59) / 60);
        return new Recurring(List.of(new Downtime.Recurrence(V1Downtime.rrule(recurrence), duration, localStart)),
                zone);
    }

    private static V1Downtime.Recurrence recurrence(JsonNode n, FieldReader r) {
        int before = r.errors().size();
        r.unknownFields(n, "recurrence.", RECURRENCE_FIELDS, Set.of());
        Optional<String> type = r.string(n, "type", "recurrence.type", 20);
        if (type.isEmpty() && r.errors().size() == before) {
            r.error("recurrence.type", "is required: one of " + String.join(", ", V1Downtime.TYPES));
        } else if (type.isPresent() && !V1Downtime.TYPES.contains(type.get())) {
            r.error("recurrence.type", "must be one of " + String.join(", ", V1Downtime.TYPES) + ", got '"
                    + type.get() + "'");
        }
        Optional<Long> period = r.integer(n, "period", "recurrence.period", 1, 1000);
        Optional<List<String>> days = r.strings(n, "week_days", "recurrence.week_days", 7, 20);
        days.ifPresent(ds -> {
            for (int i = 0; i < ds.size(); i++) {
                if (!V1Downtime.isWeekDay(ds.get(i))) {
                    r.error("recurrence.week_days[" + i + "]", "must be one of "
                            + String.join(", ", V1Downtime.WEEK_DAYS) + ", got '" + ds.get(i) + "'");
                }
            }
        });
        Optional<Long> untilDate = r.integer(n, "until_date", "recurrence.until_date", 0, MAX_EPOCH);
        Optional<Long> untilOccurrences = r.integer(n, "until_occurrences", "recurrence.until_occurrences", 1,
                100_000);
        Optional<String> rrule = r.string(n, "rrule", "recurrence.rrule", 500);
        if (untilDate.isPresent() && untilOccurrences.isPresent()) {
            r.error("recurrence.until_occurrences", "cannot be combined with until_date");
        }
        if (type.isPresent() && type.get().equals("rrule")) {
            if (rrule.isEmpty() && !n.has("rrule")) {
                r.error("recurrence.rrule", "is required with type rrule");
            }
            for (String f : List.of("period", "week_days", "until_date", "until_occurrences")) {
                if (r.present(n, f).isPresent()) {
                    r.error("recurrence." + f, "is not used with type rrule: write INTERVAL, BYDAY, UNTIL or COUNT "
                            + "in the rrule");
                }
            }
        } else {
            if (rrule.isPresent()) {
                r.error("recurrence.rrule", "is used only with type rrule");
            }
            if (days.isPresent() && !days.get().isEmpty() && type.isPresent() && !type.get().equals("weeks")) {
                r.error("recurrence.week_days", "is used only with type weeks");
            }
        }
        if (r.errors().size() > before) {
            return null;
        }
        V1Downtime.Recurrence rec = new V1Downtime.Recurrence(type.get(), period.orElse(1L).intValue(),
                days.orElse(List.of()), untilDate.orElse(null), untilOccurrences.map(Long::intValue).orElse(null),
                rrule.orElse(null));
        try {
            Rrule.parse(V1Downtime.rrule(rec));
        } catch (IllegalArgumentException e) {
            r.error("recurrence.rrule", e.getMessage());
            return null;
        }
        return rec;
    }

    /** The first occurrence of a schedule as v1 shows it. */
    private static Downtime.Period firstPeriod(Downtime.Schedule s) {
        return switch (s) {
            case OneTime o -> new Downtime.Period(o.start(), o.end());
            case Recurring rec -> V1Downtime.firstOccurrence(rec);
        };
    }

    /** v1's {@code timezone}: the recurrence's zone for a recurring downtime, else the display time zone. */
    private static String v1Timezone(Downtime d) {
        return d.schedule() instanceof Recurring rec ? rec.zone().getId() : d.displayTimezone();
    }

    /** A downtime as a v1 object. */
    public static ObjectNode write(Downtime d, Instant now) {
        List<String> scope = V1Downtime.scopeTags(d.scope());
        Optional<Downtime.Period> current = d.activeAt(now);
        Downtime.Period first = firstPeriod(d.schedule());
        ObjectNode o = common(d, scope, current.isPresent(), first);
        o.put("id", d.v1Id());
        if (d.schedule() instanceof Recurring && current.isPresent()) {
            ObjectNode child = common(d, scope, true, current.get());
            child.putNull("id");
            child.put("parent_id", d.v1Id());
            child.putNull("recurrence");
            o.set("active_child", child);
        } else {
            o.putNull("active_child");
        }
        if (d.schedule() instanceof Recurring rec) {
            V1Downtime.Recurrence v = V1Downtime.recurrence(rec.recurrences().getFirst().rrule());
            ObjectNode r = o.putObject("recurrence");
            r.put("type", v.type());
            if (v.type().equals("rrule")) {
                r.put("rrule", v.rrule());
            } else {
                r.put("period", v.period());
                if (v.type().equals("weeks") && !v.weekDays().isEmpty()) {
                    ArrayNode days = r.putArray("week_days");
                    v.weekDays().forEach(days::add);
                } else {
                    r.putNull("week_days");
                }
                putOrNull(r, "until_date", v.untilDate());
                putOrNull(r, "until_occurrences", v.untilOccurrences() == null ? null : (long) v.untilOccurrences());
            }
        } else {
            o.putNull("recurrence");
        }
        o.putNull("parent_id");
        o.putNull("child_id");
        return o;
    }

    private static ObjectNode common(Downtime d, List<String> scope, boolean active, Downtime.Period period) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("active", active);
        putOrNull(o, "canceled", d.canceled() == null ? null : d.canceled().getEpochSecond());
        o.putNull("creator_id");
        o.put("disabled", d.canceled() != null);
        o.put("downtime_type", V1Downtime.downtimeType(scope));
        o.put("start", period.start().getEpochSecond());
        putOrNull(o, "end", period.end() == null ? null : period.end().getEpochSecond());
        o.put("message", d.message());
        putOrNull(o, "monitor_id", d.monitorId());
        ArrayNode tags = o.putArray("monitor_tags");
        (d.monitorTags().isEmpty() ? List.of("*") : d.monitorTags()).forEach(tags::add);
        o.put("mute_first_recovery_notification", d.muteFirstRecoveryNotification());
        ArrayNode states = o.putArray("notify_end_states");
        d.notifyEndStates().forEach(states::add);
        ArrayNode types = o.putArray("notify_end_types");
        d.notifyEndTypes().forEach(types::add);
        ArrayNode s = o.putArray("scope");
        scope.forEach(s::add);
        o.put("timezone", v1Timezone(d));
        o.putNull("updater_id");
        return o;
    }

    private static void putOrNull(ObjectNode o, String field, Long value) {
        if (value == null) {
            o.putNull(field);
        } else {
            o.put(field, value);
        }
    }
}
