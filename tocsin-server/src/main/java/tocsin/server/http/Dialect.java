package tocsin.server.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Set;

/**
 * The error language of a family of routes. Clients of each vendor API parse errors in that vendor's shape, so every
 * route answers failures the way the API it imitates does:
 *
 * <ul>
 *   <li>{@link #DATADOG}: {@code {"errors":["..."]}}</li>
 *   <li>{@link #PAGERDUTY_REST}: {@code {"error":{"message":"...","code":2001,"errors":["..."]}}}</li>
 *   <li>{@link #PAGERDUTY_EVENTS}: {@code {"status":"invalid event","message":"...","errors":["..."]}}</li>
 *   <li>{@link #PROMETHEUS}: {@code {"status":"error","errorType":"bad_data","error":"..."}}</li>
 *   <li>{@link #OTLP}: a {@code google.rpc.Status} in JSON, {@code {"code":3,"message":"..."}}</li>
 *   <li>{@link #TOCSIN}: RFC 9457 {@code application/problem+json}</li>
 * </ul>
 */
public enum Dialect {
    DATADOG, PAGERDUTY_REST, PAGERDUTY_EVENTS, PROMETHEUS, OTLP, TOCSIN;

    private static final Set<String> PAGERDUTY_REST_ROOTS = Set.of("users", "teams", "schedules",
            "escalation_policies", "services", "oncalls", "incidents", "maintenance_windows", "log_entries",
            "webhook_subscriptions", "priorities", "abilities", "notifications", "vendors", "extensions",
            "extension_schemas");

    /**
     * The dialect for a path that matched no route, or for errors raised before routing. Routes declare their own
     * dialect; this guess only decides the shape of a 404 or a protocol-level error.
     */
    public static Dialect forPath(String path) {
        if (path.startsWith("/prometheus/") || path.equals("/api/v1/write")) {
            return PROMETHEUS;
        }
        if (path.equals("/v1/metrics") || path.equals("/v1/logs") || path.equals("/v1/traces")) {
            return OTLP;
        }
        if (path.startsWith("/api/tocsin/") || path.equals("/api/tocsin")) {
            return TOCSIN;
        }
        if (path.startsWith("/api/")) {
            return DATADOG;
        }
        if (path.startsWith("/v2/enqueue") || path.startsWith("/v2/change/enqueue")
                || path.startsWith("/generic/2010-04-15/")) {
            return PAGERDUTY_EVENTS;
        }
        String first = path.length() > 1 ? path.substring(1).split("/", 2)[0] : "";
        return PAGERDUTY_REST_ROOTS.contains(first) ? PAGERDUTY_REST : TOCSIN;
    }

    /** The media type of an error body in this dialect. */
    public String errorContentType() {
        return this == TOCSIN ? "application/problem+json" : "application/json";
    }

    /** Renders an error body in this dialect. */
    public ObjectNode render(ObjectMapper json, ApiProblem problem, String instancePath) {
        ObjectNode root = json.createObjectNode();
        switch (this) {
            case DATADOG -> {
                ArrayNode errors = root.putArray("errors");
                if (problem.errors().isEmpty()) {
                    errors.add(problem.getMessage());
                } else {
                    problem.errors().forEach(errors::add);
                }
            }
            case PAGERDUTY_REST -> {
                ObjectNode error = root.putObject("error");
                error.put("message", problem.getMessage());
                error.put("code", pagerDutyCode(problem.kind()));
                ArrayNode errors = error.putArray("errors");
                problem.errors().forEach(errors::add);
            }
            case PAGERDUTY_EVENTS -> {
                root.put("status", problem.kind() == ApiProblem.Kind.TOO_MANY_REQUESTS ? "throttle event"
                        : problem.status() >= 500 ? "error" : "invalid event");
                root.put("message", problem.getMessage());
                ArrayNode errors = root.putArray("errors");
                problem.errors().forEach(errors::add);
            }
            case PROMETHEUS -> {
                root.put("status", "error");
                root.put("errorType", prometheusType(problem.kind()));
                root.put("error", problem.errors().isEmpty() ? problem.getMessage()
                        : problem.getMessage() + ": " + String.join("; ", problem.errors()));
            }
            case OTLP -> {
                root.put("code", grpcCode(problem.kind()));
                root.put("message", problem.errors().isEmpty() ? problem.getMessage()
                        : problem.getMessage() + ": " + String.join("; ", problem.errors()));
            }
            case TOCSIN -> {
                root.put("type", "about:blank");
                root.put("title", title(problem.status()));
                root.put("status", problem.status());
                root.put("detail", problem.getMessage());
                root.put("instance", instancePath);
                if (!problem.errors().isEmpty()) {
                    ArrayNode errors = root.putArray("errors");
                    problem.errors().forEach(errors::add);
                }
            }
        }
        return root;
    }

    /** PagerDuty REST API error codes as its documentation lists them. */
    static int pagerDutyCode(ApiProblem.Kind kind) {
        return switch (kind) {
            case BAD_REQUEST, UNPROCESSABLE, UNSUPPORTED_MEDIA_TYPE, PAYLOAD_TOO_LARGE, CONFLICT -> 2001;
            case UNAUTHORIZED -> 2006;
            case FORBIDDEN -> 2010;
            case NOT_FOUND, METHOD_NOT_ALLOWED -> 2100;
            case TOO_MANY_REQUESTS -> 2020;
            case INTERNAL, UNAVAILABLE -> 2000;
        };
    }

    /** google.rpc.Code for an OTLP error body. */
    static int grpcCode(ApiProblem.Kind kind) {
        return switch (kind) {
            case BAD_REQUEST, UNPROCESSABLE, UNSUPPORTED_MEDIA_TYPE -> 3;
            case NOT_FOUND, METHOD_NOT_ALLOWED -> 5;
            case CONFLICT -> 6;
            case FORBIDDEN -> 7;
            case PAYLOAD_TOO_LARGE, TOO_MANY_REQUESTS -> 8;
            case UNAUTHORIZED -> 16;
            case UNAVAILABLE -> 14;
            case INTERNAL -> 13;
        };
    }

    private static String prometheusType(ApiProblem.Kind kind) {
        return switch (kind) {
            case BAD_REQUEST, UNPROCESSABLE, UNSUPPORTED_MEDIA_TYPE, PAYLOAD_TOO_LARGE -> "bad_data";
            case NOT_FOUND, METHOD_NOT_ALLOWED -> "not_found";
            case UNAVAILABLE, TOO_MANY_REQUESTS -> "unavailable";
            case UNAUTHORIZED, FORBIDDEN -> "unauthorized";
            default -> "internal";
        };
    }

    static String title(int status) {
        return switch (status) {
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 409 -> "Conflict";
            case 413 -> "Content Too Large";
            case 415 -> "Unsupported Media Type";
            case 422 -> "Unprocessable Content";
            case 429 -> "Too Many Requests";
            case 503 -> "Service Unavailable";
            default -> "Internal Server Error";
        };
    }
}
