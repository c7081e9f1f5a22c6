package tocsin.oncall.paging;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One alert, the thing an event source reported, grouped under an incident: PagerDuty's alert. Its
 * {@code dedupKey} is unique among the service's triggered alerts; a repeated trigger with that key only counts
 * ({@code eventCount}). Immutable.
 *
 * @param customDetails {@code payload.custom_details} as JSON text, or null
 */
public record Alert(String id, String incidentId, String serviceId, String integrationId, String dedupKey,
                    boolean resolved, String summary, String source, String severity, String component,
                    String group, String className, String customDetails, int eventCount, Instant createdAt,
                    Instant resolvedAt) {

    /** The payload fields content-based grouping may compare. */
    public static final List<String> GROUPABLE_FIELDS = List.of("summary", "source", "severity", "component",
            "group", "class");

    public Alert {
        Objects.requireNonNull(serviceId, "serviceId");
        Objects.requireNonNull(dedupKey, "dedupKey");
        Objects.requireNonNull(summary, "summary");
        Objects.requireNonNull(createdAt, "createdAt");
    }

    public Alert counted() {
        return new Alert(id, incidentId, serviceId, integrationId, dedupKey, resolved, summary, source, severity,
                component, group, className, customDetails, eventCount + 1, createdAt, resolvedAt);
    }

    public Alert resolvedAt(Instant at) {
        return new Alert(id, incidentId, serviceId, integrationId, dedupKey, true, summary, source, severity,
                component, group, className, customDetails, eventCount, createdAt, at);
    }

    public Alert movedTo(String newIncidentId) {
        return new Alert(id, newIncidentId, serviceId, integrationId, dedupKey, resolved, summary, source, severity,
                component, group, className, customDetails, eventCount, createdAt, resolvedAt);
    }

    public Alert withId(String newId) {
        return new Alert(newId, incidentId, serviceId, integrationId, dedupKey, resolved, summary, source, severity,
                component, group, className, customDetails, eventCount, createdAt, resolvedAt);
    }
}
