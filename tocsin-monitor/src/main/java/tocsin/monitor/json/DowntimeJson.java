package tocsin.monitor.json;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import tocsin.monitor.downtime.Downtime;
import tocsin.monitor.downtime.Downtime.OneTime;
import tocsin.monitor.downtime.Downtime.Recurrence;
import tocsin.monitor.downtime.Downtime.Recurring;
import tocsin.monitor.downtime.Rrule;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Datadog v2 downtimes in their JSON:API shape, both ways: {@code {"data":{"type":"downtime","attributes":{...}}}}
 * requests into {@link Downtime}s, every bad field named, and downtimes into response documents. Also the stored
 * form of a downtime's attributes. Stateless and thread-safe.
 */
public final class DowntimeJson {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Pattern DURATION = Pattern.compile("(\\d{1,6})([mhdw])");
    private static final DateTimeFormatter LOCAL = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm");
    private static final Set<String> ATTRIBUTES = Set.of("scope", "monitor_identifier", "schedule", "message",
            "display_timezone", "mute_first_recovery_notification", "notify_end_states", "notify_end_types");
    static final Set<String> END_STATES = Set.of("alert", "no data", "warn");
    static final Set<String> END_TYPES = Set.of("canceled", "expired");

    private DowntimeJson() {
    }

    /**
     * Reads a create request, or an update ({@code PATCH}) when {@code current} is given: absent attributes keep
     * their current values. Adds one error per bad field; the result is meaningful only when none were added.
     *
     * @param now what a schedule without a start starts at
     */
    public static Downtime read(JsonNode body, Downtime current, Instant now, List<String> errors) {
        FieldReader r = new FieldReader(errors);
        JsonNode data = body.get("data");
        if (!body.isObject() || data == null || !data.isObject()) {
            r.error("data", "is required: {\"data\":{\"type\":\"downtime\",\"attributes\":{...}}}");
            return null;
        }
        Optional<String> type = r.string(data, "type", "data.type", 50);
        if (type.isPresent() && !type.get().equals("downtime")) {
            r.error("data.type", "must be 'downtime', got '" + type.get() + "'");
        }
        Optional<JsonNode> attrs = r.object(data, "attributes", "data.attributes");
        if (attrs.isEmpty()) {
            if (errors.isEmpty()) {
                r.error("data.attributes", "is required");
            }
            return null;
        }
        JsonNode a = attrs.get();
        String p = "data.attributes.";
        r.unknownFields(a, p, ATTRIBUTES, Set.of());
        String scope = r.string(a, "scope", p + "scope", 2000).orElse(current == null ? null : current.scope());
        if (scope == null && errors.stream().noneMatch(e -> e.startsWith(p + "scope:"))) {
            r.error(p + "scope", "is required");
        } else if (scope != null) {
            try {
                Downtime.scopeFilter(scope);
            } catch (IllegalArgumentException e) {
                r.error(p + "scope", e.getMessage());
            }
        }
        Long monitorId = current == null ? null : current.monitorId();
        List<String> monitorTags = current == null ? List.of() : current.monitorTags();
        Optional<JsonNode> ident = r.object(a, "monitor_identifier", p + "monitor_identifier");
        if (ident.isPresent()) {
            JsonNode i = ident.get();
            r.unknownFields(i, p + "monitor_identifier.", Set.of("monitor_id", "monitor_tags"), Set.of());
            monitorId = r.integer(i, "monitor_id", p + "monitor_identifier.monitor_id", 1, Long.MAX_VALUE)
                    .orElse(null);
            monitorTags = r.strings(i, "monitor_tags", p + "monitor_identifier.monitor_tags", 50, 200)
                    .orElse(List.of());
            if ((monitorId == null) == monitorTags.isEmpty() && errors.stream().noneMatch(e -> e.startsWith(p
                    + "monitor_identifier"))) {
                r.error(p + "monitor_identifier", "must hold either monitor_id or a non-empty monitor_tags");
            }
        } else if (current == null && !r.present(a, "monitor_identifier").isPresent()
                && errors.stream().noneMatch(e -> e.startsWith(p + "monitor_identifier"))) {
            r.error(p + "monitor_identifier", "is required");
        }
        String timezone = r.string(a, "display_timezone", p + "display_timezone", 64)
                .orElse(current == null ? "UTC" : current.displayTimezone());
        Downtime.Schedule schedule = current == null ? new OneTime(now, null) : current.schedule();
        Optional<JsonNode> s = r.object(a, "schedule", p + "schedule");
        if (s.isPresent()) {
            schedule = schedule(s.get(), now, r, p + "schedule");
        }
        String message = r.string(a, "message", p + "message", 20_000).orElse(current == null ? "" : current.message());
        boolean muteFirst = r.bool(a, "mute_first_recovery_notification", p + "mute_first_recovery_notification")
                .orElse(current != null && current.muteFirstRecoveryNotification());
        List<String> endStates = oneOf(r, a, "notify_end_states", p, END_STATES,
                current == null ? List.of("alert", "no data", "warn") : current.notifyEndStates());
        List<String> endTypes = oneOf(r, a, "notify_end_types", p, END_TYPES,
                current == null ? List.of("expired") : current.notifyEndTypes());
        if (!errors.isEmpty() || schedule == null) {
            return null;
        }
        return new Downtime(current == null ? "" : current.id(), current == null ? 0 : current.v1Id(), scope, monitorId, monitorTags, schedule, message,
                timezone, muteFirst, endStates, endTypes, current == null ? now : current.created(), now,
                current == null ? null : current.canceled());
    }

    static List<String> oneOf(FieldReader r, JsonNode a, String field, String p, Set<String> allowed,
                                      List<String> dflt) {
        List<String> values = r.strings(a, field, p + field, 10, 20).orElse(dflt);
        for (int i = 0; i < values.size(); i++) {
            if (!allowed.contains(values.get(i))) {
                r.error(p + field + "[" + i + "]", "unknown value '" + values.get(i) + "': expected one of "
                        + String.join(", ", new java.util.TreeSet<>(allowed)));
            }
        }
        return values;
    }

    private static Downtime.Schedule schedule(JsonNode s, Instant now, FieldReader r, String path) {
        if (s.has("recurrences")) {
            r.unknownFields(s, path + ".", Set.of("recurrences", "timezone"), Set.of());
            ZoneId zone = ZoneId.of("UTC");
            Optional<String> tz = r.string(s, "timezone", path + ".timezone", 64);
            if (tz.isPresent()) {
                try {
                    zone = ZoneId.of(tz.get());
                } catch (DateTimeException e) {
                    r.error(path + ".timezone", "unknown time zone '" + tz.get() + "'");
                }
            }
            JsonNode recs = s.get("recurrences");
            if (!recs.isArray() || recs.isEmpty() || recs.size() > 10) {
                r.error(path + ".recurrences", "must be an array of 1 to 10 recurrences");
                return null;
            }
            List<Recurrence> out = new ArrayList<>();
            for (int i = 0; i < recs.size(); i++) {
                String rp = path + ".recurrences[" + i + "]";
                JsonNode rec = recs.get(i);
                if (!rec.isObject()) {
                    r.error(rp, "must be an object, got " + FieldReader.kind(rec));
                    continue;
                }
                r.unknownFields(rec, rp + ".", Set.of("rrule", "duration", "start"), Set.of());
                Optional<String> rule = r.string(rec, "rrule", rp + ".rrule", 500);
                Optional<String> duration = r.string(rec, "duration", rp + ".duration", 20);
                Optional<String> start = r.string(rec, "start", rp + ".start", 40);
                if (rule.isEmpty() || duration.isEmpty()) {
                    if (rule.isEmpty() && !rec.has("rrule")) {
                        r.error(rp + ".rrule", "is required");
                    }
                    if (duration.isEmpty() && !rec.has("duration")) {
                        r.error(rp + ".duration", "is required");
                    }
                    continue;
                }
                try {
                    Rrule.parse(rule.get());
                } catch (IllegalArgumentException e) {
                    r.error(rp + ".rrule", e.getMessage());
                    continue;
                }
                Duration d = duration(duration.get());
                if (d == null) {
                    r.error(rp + ".duration", "must be a whole number followed by m, h, d or w, such as 2h, got '"
                            + duration.get() + "'");
                    continue;
                }
                LocalDateTime st;
                try {
                    st = start.isPresent() ? LocalDateTime.parse(start.get(), LOCAL)
                            : LocalDateTime.ofInstant(now, zone).truncatedTo(ChronoUnit.MINUTES);
                } catch (DateTimeException e) {
                    r.error(rp + ".start", "must be YYYY-MM-DDTHH:MM in the schedule's time zone, got '"
                            + start.get() + "'");
                    continue;
                }
                out.add(new Recurrence(rule.get(), d, st));
            }
            return out.size() == recs.size() ? new Recurring(out, zone) : null;
        }
        r.unknownFields(s, path + ".", Set.of("start", "end"), Set.of());
        Instant start = instant(s, "start", path, r).orElse(now);
        Instant end = instant(s, "end", path, r).orElse(null);
        if (end != null && !end.isAfter(start)) {
            r.error(path + ".end", "must be after start");
            return null;
        }
        return new OneTime(start, end);
    }

    private static Optional<Instant> instant(JsonNode s, String field, String path, FieldReader r) {
        return r.string(s, field, path + "." + field, 40).flatMap(v -> {
            try {
                return Optional.of(OffsetDateTime.parse(v).toInstant());
            } catch (DateTimeException e) {
                r.error(path + "." + field, "must be an ISO-8601 date-time with offset, such as "
                        + "2026-03-01T09:00:00Z, got '" + v + "'");
                return Optional.empty();
            }
        });
    }

    static Duration duration(String text) {
        Matcher m = DURATION.matcher(text.trim());
        if (!m.matches() || Long.parseLong(m.group(1)) == 0) {
            return null;
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            case "d" -> Duration.ofDays(n);
            default -> Duration.ofDays(7 * n);
        };
    }

    private static String durationText(Duration d) {
        long minutes = d.toMinutes();
        if (minutes % (7 * 1440) == 0) {
            return minutes / (7 * 1440) + "w";
        }
        if (minutes % 1440 == 0) {
            return minutes / 1440 + "d";
        }
        return minutes % 60 == 0 ? minutes / 60 + "h" : minutes + "m";
    }

    /** A downtime as Datadog's {@code DowntimeResponse}: {@code {"data":{...}}}. */
    public static ObjectNode response(Downtime d, Instant now) {
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        root.set("data", data(d, now));
        return root;
    }

    /** The {@code data} object of one downtime. */
    public static ObjectNode data(Downtime d, Instant now) {
        ObjectNode data = JsonNodeFactory.instance.objectNode();
        data.put("type", "downtime");
        data.put("id", d.id());
        ObjectNode a = attributes(d);
        a.put("status", d.status(now));
        a.put("created", MonitorJson.time(d.created()));
        a.put("modified", MonitorJson.time(d.modified()));
        if (d.canceled() == null) {
            a.putNull("canceled");
        } else {
            a.put("canceled", MonitorJson.time(d.canceled()));
        }
        if (d.schedule() instanceof Recurring) {
            ObjectNode current = ((ObjectNode) a.get("schedule")).putObject("current_downtime");
            d.activeAt(now).ifPresent(p -> {
                current.put("start", MonitorJson.time(p.start()));
                current.put("end", MonitorJson.time(p.end()));
            });
        }
        data.set("attributes", a);
        ObjectNode rel = data.putObject("relationships");
        rel.putObject("created_by").putNull("data");
        ObjectNode monitor = rel.putObject("monitor");
        if (d.monitorId() == null) {
            monitor.putNull("data");
        } else {
            ObjectNode m = monitor.putObject("data");
            m.put("id", Long.toString(d.monitorId()));
            m.put("type", "monitors");
        }
        return data;
    }

    private static ObjectNode attributes(Downtime d) {
        ObjectNode a = JsonNodeFactory.instance.objectNode();
        a.put("scope", d.scope());
        ObjectNode ident = a.putObject("monitor_identifier");
        if (d.monitorId() != null) {
            ident.put("monitor_id", d.monitorId());
        } else {
            ArrayNode tags = ident.putArray("monitor_tags");
            d.monitorTags().forEach(tags::add);
        }
        ObjectNode s = a.putObject("schedule");
        switch (d.schedule()) {
            case OneTime o -> {
                s.put("start", MonitorJson.time(o.start()));
                if (o.end() == null) {
                    s.putNull("end");
                } else {
                    s.put("end", MonitorJson.time(o.end()));
                }
            }
            case Recurring r -> {
                s.put("timezone", r.zone().getId());
                ArrayNode recs = s.putArray("recurrences");
                for (Recurrence rec : r.recurrences()) {
                    ObjectNode e = recs.addObject();
                    e.put("rrule", rec.rrule());
                    e.put("duration", durationText(rec.duration()));
                    e.put("start", rec.start().format(LOCAL));
                }
            }
        }
        a.put("message", d.message());
        a.put("display_timezone", d.displayTimezone());
        a.put("mute_first_recovery_notification", d.muteFirstRecoveryNotification());
        ArrayNode states = a.putArray("notify_end_states");
        d.notifyEndStates().forEach(states::add);
        ArrayNode types = a.putArray("notify_end_types");
        d.notifyEndTypes().forEach(types::add);
        return a;
    }

    /** The stored form of a downtime's definition. */
    public static String storedText(Downtime d) {
        return attributes(d).toString();
    }

    /** Reads a downtime stored by {@link #storedText}. */
    public static Downtime fromStored(String id, long v1Id, String text, Instant created, Instant modified,
                                      Instant canceled) {
        List<String> errors = new ArrayList<>();
        try {
            ObjectNode body = JsonNodeFactory.instance.objectNode();
            ObjectNode data = body.putObject("data");
            data.put("type", "downtime");
            data.set("attributes", MAPPER.readTree(text));
            Downtime d = read(body, null, created, errors);
            if (!errors.isEmpty()) {
                throw new IllegalStateException("stored downtime " + id + " is invalid: " + errors);
            }
            return new Downtime(id, v1Id, d.scope(), d.monitorId(), d.monitorTags(), d.schedule(), d.message(),
                    d.displayTimezone(), d.muteFirstRecoveryNotification(), d.notifyEndStates(), d.notifyEndTypes(),
                    created, modified, canceled);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored downtime " + id + " is not JSON", e);
        }
    }
}
