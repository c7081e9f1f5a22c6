package tocsin.server.datadog;

import com.fasterxml.jackson.databind.JsonNode;
import tocsin.core.access.Scope;
import tocsin.core.metric.MetricMetadata;
import tocsin.core.metric.MetricMetadataStore;
import tocsin.server.http.Access;
import tocsin.server.http.ApiProblem;
import tocsin.server.http.Dialect;
import tocsin.server.http.Exchange;
import tocsin.server.http.RouteTable;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Datadog's metric metadata API: {@code GET /api/v1/metrics/{metric_name}} (404 for a metric whose metadata was never
 * set) and {@code PUT /api/v1/metrics/{metric_name}} (sets the fields the body has, keeps the others, answers the
 * result), in Datadog's {@code MetricMetadata} shape. Every field is checked and a bad one named.
 */
public final class MetricMetadataRoutes {
    static final Set<String> TYPES = Set.of("gauge", "rate", "count", "distribution");
    private static final Pattern METRIC = Pattern.compile("[A-Za-z][A-Za-z0-9_.]{0,199}");

    private final MetricMetadataStore store;

    public MetricMetadataRoutes(MetricMetadataStore store) {
        this.store = store;
    }

    public void register(RouteTable routes) {
        routes.family(Dialect.DATADOG)
                .get("/api/v1/metrics/{metric_name}", Access.scope(Scope.READ), this::get)
                .put("/api/v1/metrics/{metric_name}", Access.scope(Scope.WRITE), this::update);
    }

    private void get(Exchange ex) {
        String metric = metric(ex);
        ex.json(200, json(store.find(metric).orElseThrow(() -> ApiProblem.notFound("Metric not found: " + metric))));
    }

    private void update(Exchange ex) {
        String metric = metric(ex);
        JsonNode body = ex.jsonBody();
        if (!body.isObject()) {
            throw ApiProblem.invalidField("body", "must be a JSON object of metadata fields");
        }
        List<String> errors = new ArrayList<>();
        String type = text(body, "type", 32, errors);
        if (type != null && !TYPES.contains(type)) {
            errors.add("type: must be one of gauge, rate, count, distribution; got '" + type + "'");
        }
        Integer interval = null;
        JsonNode i = body.get("statsd_interval");
        if (i != null && !i.isNull()) {
            if (!i.canConvertToInt() || !i.isIntegralNumber() || i.asInt() < 1 || i.asInt() > 86_400) {
                errors.add("statsd_interval: must be a whole number of seconds from 1 to 86400, got " + i);
            } else {
                interval = i.asInt();
            }
        }
        String unit = unit(body, "unit", errors);
        String perUnit = unit(body, "per_unit", errors);
        String description = text(body, "description", MetricMetadata.MAX_DESCRIPTION, errors);
        String shortName = text(body, "short_name", 400, errors);
        if (!errors.isEmpty()) {
            throw ApiProblem.badRequest("Invalid metric metadata", errors);
        }
        // integration is Datadog's to set; accepted and not stored, as Datadog ignores it on PUT
        ex.json(200, json(store.update(metric, new MetricMetadata(type, interval, unit, perUnit, description,
                shortName, null))));
    }

    private static String metric(Exchange ex) {
        String metric = ex.pathParam("metric_name");
        if (!METRIC.matcher(metric).matches()) {
            throw ApiProblem.invalidField("metric_name", "is not a metric name: '" + metric + "'");
        }
        return metric;
    }

    private static String text(JsonNode body, String field, int max, List<String> errors) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            errors.add(field + ": must be a string, got " + v.getNodeType().name().toLowerCase());
            return null;
        }
        if (v.asText().length() > max) {
            errors.add(field + ": longer than " + max + " characters");
            return null;
        }
        return v.asText();
    }

    private static String unit(JsonNode body, String field, List<String> errors) {
        String unit = text(body, field, 50, errors);
        if (unit != null && !MetricMetadata.isUnitName(unit)) {
            errors.add(field + ": '" + unit + "' is not a unit name (lower-case letters and _, such as byte, "
                    + "request, millisecond)");
            return null;
        }
        return unit;
    }

    /** Datadog's {@code MetricMetadata}: every field, null when not known. */
    static Map<String, Object> json(MetricMetadata m) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("description", m.description());
        out.put("integration", m.integration());
        out.put("per_unit", m.perUnit());
        out.put("short_name", m.shortName());
        out.put("statsd_interval", m.statsdInterval());
        out.put("type", m.type());
        out.put("unit", m.unit());
        return out;
    }
}
