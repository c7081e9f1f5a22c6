package tocsin.server.pagerduty;

import com.fasterxml.jackson.databind.JsonNode;
import tocsin.oncall.incident.AlertEvent;
import tocsin.oncall.incident.Incidents;
import tocsin.oncall.paging.Integration;
import tocsin.oncall.paging.PagingConfigStore;
import tocsin.server.http.Access;
import tocsin.server.http.ApiProblem;
import tocsin.server.http.Dialect;
import tocsin.server.http.Exchange;
import tocsin.server.http.RouteTable;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Prometheus Alertmanager's webhook receiver ({@code webhook_configs}, payload version 4) at
 * {@code POST /api/tocsin/alertmanager/{integration_key}}: each alert group is one incident, keyed by the group's
 * {@code groupKey}. A {@code firing} notification triggers (a repeat only counts, by the dedup key); a
 * {@code resolved} one resolves the incident. The integration key in the path is the proof, as Alertmanager's
 * webhook has no signature. Thread-safe.
 */
public final class AlertmanagerRoutes {
    private final PagingConfigStore config;
    private final Incidents incidents;

    public AlertmanagerRoutes(PagingConfigStore config, Incidents incidents) {
        this.config = config;
        this.incidents = incidents;
    }

    public void register(RouteTable routes) {
        routes.family(Dialect.TOCSIN).post("/api/tocsin/alertmanager/{key}", Access.PUBLIC,
                EventRoutes.MAX_EVENT_BYTES * 2L, PagingErrors.mapped(this::receive));
    }

    private void receive(Exchange ex) {
        Integration integration = config.integrationByKey(ex.pathParam("key"))
                .filter(i -> i.type() == Integration.Type.ALERTMANAGER)
                .orElseThrow(() -> ApiProblem.notFound("No Alertmanager integration has this key"));
        JsonNode body = ex.jsonBody();
        List<String> errors = new ArrayList<>();
        if (!body.isObject()) {
            throw ApiProblem.badRequest("Invalid Alertmanager notification", List.of("body: must be an object"));
        }
        String version = body.path("version").asText("");
        if (!version.equals("4")) {
            errors.add("version: must be \"4\" (Alertmanager's webhook payload), got '" + version + "'");
        }
        String groupKey = body.path("groupKey").asText("");
        if (groupKey.isEmpty()) {
            errors.add("groupKey: is required");
        }
        String status = body.path("status").asText("");
        if (!status.equals("firing") && !status.equals("resolved")) {
            errors.add("status: must be firing or resolved, got '" + status + "'");
        }
        JsonNode alerts = body.get("alerts");
        if (alerts == null || !alerts.isArray()) {
            errors.add("alerts: must be an array");
        }
        if (!errors.isEmpty()) {
            throw ApiProblem.badRequest("Invalid Alertmanager notification", errors);
        }
        String dedup = "alertmanager-" + sha256(groupKey);
        if (status.equals("resolved")) {
            incidents.resolve(integration, dedup);
        } else {
            incidents.trigger(integration, event(ex, body, dedup, alerts));
        }
        ex.json(200, Map.of("status", "success", "dedup_key", dedup));
    }

    /** The incident for a firing group: titled as Alertmanager's default template titles it. */
    private static AlertEvent event(Exchange ex, JsonNode body, String dedup, JsonNode alerts) {
        int firing = 0;
        for (JsonNode a : alerts) {
            if ("firing".equals(a.path("status").asText())) {
                firing++;
            }
        }
        Map<String, String> group = labels(body.get("groupLabels"));
        Map<String, String> common = labels(body.get("commonLabels"));
        String summary = body.path("commonAnnotations").path("summary").asText("");
        if (summary.isEmpty()) {
            summary = "[FIRING:" + firing + "] " + String.join(" ", group.values());
        }
        String severity = switch (common.getOrDefault("severity", "critical")) {
            case "warning", "warn" -> "warning";
            case "info", "none" -> "info";
            case "error" -> "error";
            default -> "critical";
        };
        String source = alerts.isEmpty() ? "alertmanager" : alerts.get(0).path("labels").path("instance")
                .asText(body.path("externalURL").asText("alertmanager"));
        return new AlertEvent(dedup, summary, source, severity, common.get("job"), common.get("alertname"), null,
                EventRoutes.jsonText(ex.context().json(), body), common);
    }

    private static Map<String, String> labels(JsonNode node) {
        Map<String, String> out = new TreeMap<>();
        if (node != null && node.isObject()) {
            node.properties().forEach(e -> out.put(e.getKey(), e.getValue().asText()));
        }
        return out;
    }

    private static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(s.getBytes(StandardCharsets.UTF_8)), 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JDK", e);
        }
    }
}
