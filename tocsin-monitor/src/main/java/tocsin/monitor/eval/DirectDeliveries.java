package tocsin.monitor.eval;

import tocsin.monitor.Monitor;
import tocsin.monitor.MonitorDelivery;
import tocsin.monitor.MonitorStatus;
import tocsin.monitor.MonitorType;
import tocsin.monitor.MonitorValidator;
import tocsin.monitor.query.MetricAlertQuery;
import tocsin.monitor.query.MonitorQuery;
import tocsin.monitor.query.MonitorQueryException;
import tocsin.monitor.template.Handle;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns a monitor notification into one {@link MonitorDelivery} per direct handle it names, with Datadog's webhook
 * variables ({@code $ALERT_TITLE}, {@code $EVENT_MSG}, {@code $ALERT_TRANSITION}, ...) computed once, when the
 * notification happens, so that what is delivered is what was true then. Handles that open incidents and e-mail
 * handles that are not addresses are skipped (validation refused them). Immutable and thread-safe: one per compiled
 * monitor.
 */
final class DirectDeliveries {
    private final Monitor monitor;
    /** The parsed query, or null for a query the parser no longer accepts (it was valid when stored). */
    private final MonitorQuery query;

    DirectDeliveries(Monitor monitor) {
        this.monitor = monitor;
        MonitorQuery q;
        try {
            q = MonitorValidator.parse(monitor.definition().type(), monitor.definition().query());
        } catch (MonitorQueryException e) {
            q = null;
        }
        this.query = q;
    }

    /**
     * @param groupTags  the group's tags by key
     * @param cycleStart when the group's current alert cycle began (its first trigger), or null
     */
    List<MonitorDelivery> of(MonitorNotification n, Map<String, String> groupTags, Instant cycleStart) {
        List<MonitorDelivery> out = new ArrayList<>();
        Map<String, String> vars = null;
        for (Handle h : n.handles()) {
            if (h.kind().opensIncidents() || (h.kind() == Handle.Kind.EMAIL && !h.isAddress())) {
                continue;
            }
            if (vars == null) {
                vars = variables(n, groupTags, cycleStart);
            }
            String key = digest("monitor/" + n.monitorId() + "/" + n.group() + "/" + n.at().toEpochMilli() + "/"
                    + n.to().name() + "/" + (n.renotify() ? "renotify" : "notify") + "/" + h.text().toLowerCase(
                    java.util.Locale.ROOT));
            Map<String, String> withId = new LinkedHashMap<>(vars);
            withId.put("ID", key);
            out.add(new MonitorDelivery(key, n.monitorId(), n.group(), h.kind(), h.target(), h.text(),
                    vars.get("ALERT_TITLE"), n.message(), withId, n.at()));
        }
        return out;
    }

    /** {@code Triggered}, {@code Warn}, {@code No Data}, {@code Recovered}; renotifications as {@code Re-…}. */
    static String transition(MonitorStatus to, boolean renotify) {
        String base = switch (to) {
            case ALERT -> "Triggered";
            case WARN -> "Warn";
            case NO_DATA -> "No Data";
            case OK -> "Recovered";
            default -> to.wireName();
        };
        return renotify && to != MonitorStatus.OK ? "Re-" + base : base;
    }

    /** The title Datadog gives a monitor notification: {@code [Triggered on {host:web-1}] Disk full}. */
    static String title(MonitorNotification n) {
        String scope = n.group().equals("*") ? "" : " on {" + n.group() + "}";
        return "[" + transition(n.to(), n.renotify()) + scope + "] " + (n.monitorName() == null ? ""
                : n.monitorName());
    }

    private Map<String, String> variables(MonitorNotification n, Map<String, String> groupTags, Instant cycleStart) {
        Map<String, String> v = new LinkedHashMap<>();
        String title = title(n);
        String scope = n.group().equals("*") ? "" : String.join(", ", n.group().split(","));
        List<String> tags = new ArrayList<>();
        if (!n.group().equals("*")) {
            tags.addAll(List.of(n.group().split(",")));
        }
        for (String t : monitor.definition().tags()) {
            if (!tags.contains(t)) {
                tags.add(t);
            }
        }
        v.put("AGGREG_KEY", digest("aggregate/" + n.monitorId() + "/" + n.group()));
        v.put("ALERT_CYCLE_KEY", digest("cycle/" + n.monitorId() + "/" + n.group() + "/"
                + (cycleStart == null ? "" : cycleStart.toEpochMilli())));
        v.put("ALERT_ID", Long.toString(n.monitorId()));
        v.put("ALERT_METRIC", metric());
        v.put("ALERT_PRIORITY", n.priority() == null ? "" : "P" + n.priority());
        v.put("ALERT_QUERY", monitor.definition().query());
        v.put("ALERT_SCOPE", scope);
        v.put("ALERT_STATUS", status(n, scope));
        v.put("ALERT_TITLE", title);
        v.put("ALERT_TRANSITION", transition(n.to(), n.renotify()));
        v.put("ALERT_TYPE", switch (n.to()) {
            case ALERT, NO_DATA -> "error";
            case WARN -> "warning";
            case OK -> "success";
            default -> "info";
        });
        v.put("DATE", Long.toString(n.at().toEpochMilli()));
        v.put("LAST_UPDATED", Long.toString(n.at().toEpochMilli()));
        v.put("EVENT_MSG", n.message());
        v.put("TEXT_ONLY_MSG", n.message());
        v.put("EVENT_TITLE", title);
        v.put("EVENT_TYPE", eventType());
        v.put("HOSTNAME", groupTags.getOrDefault("host", ""));
        v.put("PRIORITY", "normal");
        v.put("TAGS", String.join(",", tags));
        v.put("USER", "");
        v.put("USERNAME", "");
        v.put("EMAIL", "");
        return v;
    }

    private String eventType() {
        MonitorType type = monitor.definition().type();
        return switch (type) {
            case METRIC_ALERT -> "metric_alert_monitor";
            case QUERY_ALERT -> "query_alert_monitor";
            case SERVICE_CHECK -> "service_check";
            case COMPOSITE -> "composite_monitor";
        };
    }

    private String metric() {
        if (query instanceof MetricAlertQuery m) {
            try {
                return m.parsedMetric().singleMetric().map(s -> s.metric()).orElse("");
            } catch (RuntimeException e) {
                return "";
            }
        }
        return "";
    }

    /**
     * Datadog's one-line summary: {@code avg:cpu{*} over host:web-1 was > 90 on average during the last 5m}; for
     * other monitor types, the monitor's name and the new status.
     */
    private String status(MonitorNotification n, String scope) {
        if (!(query instanceof MetricAlertQuery m) || m.change() != MetricAlertQuery.Change.NONE) {
            return (n.monitorName() == null ? "" : n.monitorName()) + (scope.isEmpty() ? "" : " over " + scope)
                    + " is " + n.to().wireName();
        }
        boolean above = m.comparator().above();
        String how = switch (m.aggregator().kind()) {
            case AVG -> "on average";
            case SUM -> "in total";
            case MIN -> above ? "at all times" : "at least once";
            case MAX -> above ? "at least once" : "at all times";
            case PERCENTILE -> "at the p" + MonitorQuery.number(m.aggregator().percentile());
        };
        return m.metric() + (scope.isEmpty() ? "" : " over " + scope) + " was " + m.comparator().symbol() + " "
                + MonitorQuery.number(m.threshold()) + " " + how + " during the last " + m.window().amount() + m.window().unit();
    }

    static String digest(String text) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every JDK", e);
        }
    }
}
