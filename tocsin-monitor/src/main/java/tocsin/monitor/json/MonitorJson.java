package tocsin.monitor.json;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import tocsin.monitor.GroupState;
import tocsin.monitor.Monitor;
import tocsin.monitor.MonitorDefinition;
import tocsin.monitor.MonitorOptions;
import tocsin.monitor.MonitorStatus;
import tocsin.monitor.MonitorType;
import tocsin.monitor.OnMissingData;
import tocsin.monitor.Thresholds;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Monitors in Datadog's v1 JSON shape, both ways: request bodies into {@link MonitorDefinition}s (every bad field
 * named, all at once) and monitors into response documents. Fields Datadog has but Tocsin does not evaluate
 * (synthetics, scheduling, restricted roles, ...) are accepted and ignored so that existing clients keep working;
 * anything else unknown is an error. Stateless and thread-safe.
 */
public final class MonitorJson {
    static final int MAX_NAME = 1000;
    static final int MAX_MESSAGE = 20_000;
    static final int MAX_QUERY = 10_000;
    static final int MAX_TAGS = 100;
    static final int MAX_TAG = 200;

    private static final Set<String> FIELDS = Set.of("name", "type", "query", "message", "tags", "priority",
            "options");
    private static final Set<String> READ_ONLY = Set.of("id", "org_id", "created", "modified", "deleted", "creator",
            "overall_state", "overall_state_modified", "state", "multi", "restricted_roles", "draft_status", "assets",
            "matching_downtimes", "created_at", "classification");
    private static final Set<String> OPTIONS = Set.of("thresholds", "evaluation_delay", "new_group_delay",
            "new_host_delay", "require_full_window", "notify_no_data", "no_data_timeframe", "on_missing_data",
            "renotify_interval", "renotify_occurrences", "renotify_statuses", "escalation_message", "include_tags",
            "notify_by", "timeout_h", "notify_audit", "silenced");
    private static final Set<String> OPTIONS_IGNORED = Set.of("aggregation", "device_ids", "enable_logs_sample",
            "enable_samples", "group_retention_duration", "groupby_simple_monitor", "locked", "min_failure_duration",
            "min_location_failed", "notification_preset_name", "scheduling_options", "synthetics_check_id",
            "threshold_windows", "variables", "priority", "restriction_policy");
    private static final Set<String> THRESHOLDS = Set.of("critical", "warning", "critical_recovery",
            "warning_recovery", "ok", "unknown");
    private static final com.fasterxml.jackson.databind.ObjectMapper MAPPER =
            new com.fasterxml.jackson.databind.ObjectMapper();
    private static final DateTimeFormatter TIME = DateTimeFormatter.ISO_OFFSET_DATE_TIME;

    private MonitorJson() {
    }

    /**
     * Reads a create request, or an update when {@code current} is given (absent fields keep their current
     * values). Adds an error per bad field to {@code errors}; the result is meaningful only when none were added.
     */
    public static MonitorDefinition read(JsonNode body, MonitorDefinition current, List<String> errors) {
        FieldReader r = new FieldReader(errors);
        if (!body.isObject()) {
            r.error("body", "must be a JSON object, got " + FieldReader.kind(body));
            return null;
        }
        r.unknownFields(body, "", FIELDS, READ_ONLY);
        String name = r.string(body, "name", "name", MAX_NAME).orElse(current == null ? null : current.name());
        if (name == null || name.isBlank()) {
            if (errors.stream().noneMatch(e -> e.startsWith("name:"))) {
                r.error("name", "is required");
            }
        }
        MonitorType type = null;
        Optional<String> typeName = r.string(body, "type", "type", 100);
        if (typeName.isPresent()) {
            type = MonitorType.ofWireName(typeName.get()).orElse(null);
            if (type == null) {
                r.error("type", "unknown monitor type '" + typeName.get()
                        + "': expected metric alert, query alert, service check or composite");
            } else if (current != null && current.type() != type && !(current.type().isMetric() && type.isMetric())) {
                r.error("type", "cannot change a " + current.type().wireName() + " monitor into a " + type.wireName());
            }
        } else if (current != null) {
            type = current.type();
        } else if (errors.stream().noneMatch(e -> e.startsWith("type:"))) {
            r.error("type", "is required");
        }
        String query = r.string(body, "query", "query", MAX_QUERY).orElse(current == null ? null : current.query());
        if (query == null && errors.stream().noneMatch(e -> e.startsWith("query:"))) {
            r.error("query", "is required");
        }
        String message = r.string(body, "message", "message", MAX_MESSAGE)
                .orElse(current == null ? "" : current.message());
        List<String> tags = r.strings(body, "tags", "tags", MAX_TAGS, MAX_TAG)
                .orElse(current == null ? List.of() : current.tags());
        Long priority = current == null ? null : current.priority();
        if (body.has("priority")) {
            priority = r.integer(body, "priority", "priority", 1, 5).orElse(null);
        }
        MonitorOptions options = current == null ? MonitorOptions.defaults() : current.options();
        Optional<JsonNode> opts = r.object(body, "options", "options");
        if (opts.isPresent()) {
            options = readOptions(opts.get(), r);
        }
        if (!errors.isEmpty()) {
            return null;
        }
        return new MonitorDefinition(name, type, query, message, tags, priority, options);
    }

    static MonitorOptions readOptions(JsonNode o, FieldReader r) {
        r.unknownFields(o, "options.", OPTIONS, OPTIONS_IGNORED);
        Thresholds thresholds = Thresholds.NONE;
        Optional<JsonNode> t = r.object(o, "thresholds", "options.thresholds");
        if (t.isPresent()) {
            r.unknownFields(t.get(), "options.thresholds.", THRESHOLDS, Set.of());
            String p = "options.thresholds.";
            thresholds = new Thresholds(r.number(t.get(), "critical", p + "critical").orElse(null),
                    r.number(t.get(), "warning", p + "warning").orElse(null),
                    r.number(t.get(), "critical_recovery", p + "critical_recovery").orElse(null),
                    r.number(t.get(), "warning_recovery", p + "warning_recovery").orElse(null),
                    r.number(t.get(), "ok", p + "ok").orElse(null),
                    r.number(t.get(), "unknown", p + "unknown").orElse(null));
        }
        OnMissingData missing = OnMissingData.DEFAULT;
        Optional<String> m = r.string(o, "on_missing_data", "options.on_missing_data", 100);
        if (m.isPresent()) {
            missing = OnMissingData.ofWireName(m.get()).orElse(null);
            if (missing == null) {
                r.error("options.on_missing_data", "unknown value '" + m.get()
                        + "': expected default, show_no_data, show_and_notify_no_data or resolve");
                missing = OnMissingData.DEFAULT;
            }
        }
        Set<MonitorStatus> renotify = new LinkedHashSet<>();
        List<String> statuses = r.strings(o, "renotify_statuses", "options.renotify_statuses", 3, 20)
                .orElse(List.of());
        for (int i = 0; i < statuses.size(); i++) {
            Optional<MonitorStatus> s = MonitorStatus.ofWireName(statuses.get(i))
                    .filter(x -> x == MonitorStatus.ALERT || x == MonitorStatus.WARN || x == MonitorStatus.NO_DATA);
            if (s.isEmpty()) {
                r.error("options.renotify_statuses[" + i + "]", "unknown status '" + statuses.get(i)
                        + "': expected alert, warn or no data");
            } else {
                renotify.add(s.get());
            }
        }
        Map<String, Long> silenced = new LinkedHashMap<>();
        r.object(o, "silenced", "options.silenced").ifPresent(s -> s.fieldNames().forEachRemaining(scope -> {
            JsonNode v = s.get(scope);
            if (v.isNull()) {
                silenced.put(scope, null);
            } else {
                r.integer(s, scope, "options.silenced." + scope, 0, Long.MAX_VALUE)
                        .ifPresent(until -> silenced.put(scope, until));
            }
        }));
        return new MonitorOptions(thresholds,
                r.integer(o, "evaluation_delay", "options.evaluation_delay", 0, 86_400).orElse(0L),
                r.integer(o, "new_group_delay", "options.new_group_delay", 0, 86_400).orElse(0L),
                r.integer(o, "new_host_delay", "options.new_host_delay", 0, 86_400).orElse(null),
                r.bool(o, "require_full_window", "options.require_full_window").orElse(false),
                r.bool(o, "notify_no_data", "options.notify_no_data").orElse(false),
                r.integer(o, "no_data_timeframe", "options.no_data_timeframe", 1, 10_080).orElse(null),
                missing,
                r.integer(o, "renotify_interval", "options.renotify_interval", 0, 10_080).orElse(null),
                r.integer(o, "renotify_occurrences", "options.renotify_occurrences", 1, 1000).orElse(null),
                renotify,
                r.string(o, "escalation_message", "options.escalation_message", MAX_MESSAGE).orElse(""),
                r.bool(o, "include_tags", "options.include_tags").orElse(true),
                r.strings(o, "notify_by", "options.notify_by", 20, MAX_TAG).orElse(List.of()),
                r.integer(o, "timeout_h", "options.timeout_h", 0, 24).orElse(null),
                r.bool(o, "notify_audit", "options.notify_audit").orElse(false),
                silenced);
    }

    /** The options as Datadog returns them; also the stored form. */
    public static ObjectNode writeOptions(MonitorOptions o) {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        ObjectNode t = n.putObject("thresholds");
        Thresholds th = o.thresholds();
        putNumber(t, "critical", th.critical());
        putNumber(t, "warning", th.warning());
        putNumber(t, "critical_recovery", th.criticalRecovery());
        putNumber(t, "warning_recovery", th.warningRecovery());
        putNumber(t, "ok", th.ok());
        putNumber(t, "unknown", th.unknown());
        n.put("evaluation_delay", o.evaluationDelay());
        n.put("new_group_delay", o.newGroupDelay());
        if (o.newHostDelay() != null) {
            n.put("new_host_delay", o.newHostDelay());
        }
        n.put("require_full_window", o.requireFullWindow());
        n.put("notify_no_data", o.notifyNoData());
        if (o.noDataTimeframe() != null) {
            n.put("no_data_timeframe", o.noDataTimeframe());
        }
        n.put("on_missing_data", o.onMissingData().wireName());
        if (o.renotifyInterval() != null) {
            n.put("renotify_interval", o.renotifyInterval());
        }
        if (o.renotifyOccurrences() != null) {
            n.put("renotify_occurrences", o.renotifyOccurrences());
        }
        if (!o.renotifyStatuses().isEmpty()) {
            var a = n.putArray("renotify_statuses");
            o.renotifyStatuses().stream().sorted().forEach(s -> a.add(s.renotifyName()));
        }
        n.put("escalation_message", o.escalationMessage());
        n.put("include_tags", o.includeTags());
        if (!o.notifyBy().isEmpty()) {
            var a = n.putArray("notify_by");
            o.notifyBy().forEach(a::add);
        }
        if (o.timeoutH() != null) {
            n.put("timeout_h", o.timeoutH());
        }
        n.put("notify_audit", o.notifyAudit());
        ObjectNode s = n.putObject("silenced");
        o.silenced().entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
            if (e.getValue() == null) {
                s.putNull(e.getKey());
            } else {
                s.put(e.getKey(), e.getValue());
            }
        });
        return n;
    }

    /** The stored form of options: {@link #writeOptions} as text. */
    public static String optionsText(MonitorOptions o) {
        return writeOptions(o).toString();
    }

    /** Reads options stored by {@link #optionsText}. */
    public static MonitorOptions optionsFromText(String text) {
        try {
            return readStoredOptions(MAPPER.readTree(text));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("stored monitor options are not JSON: " + e.getOriginalMessage(), e);
        }
    }

    /** Reads options written by {@link #writeOptions}; throws on a document it did not write. */
    public static MonitorOptions readStoredOptions(JsonNode stored) {
        List<String> errors = new ArrayList<>();
        MonitorOptions o = readOptions(stored, new FieldReader(errors));
        if (!errors.isEmpty()) {
            throw new IllegalStateException("stored monitor options are invalid: " + errors);
        }
        return o;
    }

    /**
     * A monitor as {@code GET /api/v1/monitor/{id}} returns it.
     *
     * @param states the monitor's group states; their worst status is {@code overall_state}
     * @param groups whether to include {@code state.groups} ({@code group_states=all})
     */
    public static ObjectNode write(Monitor m, Collection<GroupState> states, boolean groups) {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        MonitorDefinition d = m.definition();
        n.put("id", m.id());
        n.put("org_id", 1);
        n.put("type", d.type().wireName());
        n.put("query", d.query());
        n.put("name", d.name());
        n.put("message", d.message());
        var tags = n.putArray("tags");
        d.tags().forEach(tags::add);
        n.set("options", writeOptions(d.options()));
        if (d.priority() == null) {
            n.putNull("priority");
        } else {
            n.put("priority", d.priority());
        }
        n.put("created", time(m.created()));
        n.put("modified", time(m.modified()));
        n.putNull("deleted");
        ObjectNode c = n.putObject("creator");
        c.put("email", m.creator().email());
        c.put("handle", m.creator().handle());
        c.put("name", m.creator().name());
        MonitorStatus overall = overall(states);
        n.put("overall_state", overall.wireName());
        Instant changed = states.stream().map(GroupState::modifiedAt).max(Instant::compareTo).orElse(m.modified());
        n.put("overall_state_modified", time(changed));
        n.put("multi", states.stream().anyMatch(s -> !s.group().equals("*")));
        n.putNull("restricted_roles");
        n.putArray("matching_downtimes");
        if (groups) {
            ObjectNode g = n.putObject("state").putObject("groups");
            for (GroupState s : states) {
                ObjectNode e = g.putObject(s.group());
                e.put("name", s.group());
                e.put("status", s.status().wireName());
                putSeconds(e, "last_triggered_ts", s.lastTriggeredAt());
                putSeconds(e, "last_resolved_ts", s.lastResolvedAt());
                putSeconds(e, "last_nodata_ts", s.lastNoDataAt());
                putSeconds(e, "last_notified_ts", s.lastNotifiedAt());
            }
        }
        return n;
    }

    /** The worst status among the groups; OK when there are none. */
    public static MonitorStatus overall(Collection<GroupState> states) {
        MonitorStatus worst = MonitorStatus.OK;
        for (GroupState s : states) {
            worst = MonitorStatus.worst(worst, s.status());
        }
        return worst;
    }

    static String time(Instant t) {
        return OffsetDateTime.ofInstant(t, ZoneOffset.UTC).format(TIME);
    }

    private static void putNumber(ObjectNode n, String field, Double v) {
        if (v != null) {
            n.put(field, v.doubleValue());
        }
    }

    private static void putSeconds(ObjectNode n, String field, Instant t) {
        if (t == null) {
            n.putNull(field);
        } else {
            n.put(field, t.getEpochSecond());
        }
    }
}
