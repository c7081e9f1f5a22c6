package tocsin.notify;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * The incident as the notification describes it, copied when the notification was queued: a notification about a
 * trigger still says "triggered" when it is retried after someone acknowledged. Immutable.
 *
 * @param id              the incident's id ({@code PABC123})
 * @param number          the incident's number, unique per account, used in SMS reply codes and subjects
 * @param title           one line: what is wrong
 * @param summary         detail (monitor message, alert description); may be empty
 * @param serviceId       the service's id
 * @param serviceName     the service's name
 * @param urgency         high pages people, low may wait
 * @param status          the status at the time of the event
 * @param triggeringValue the value that crossed the threshold, formatted for people ({@code "5.2 %"}), if any
 * @param createdAt       when the incident was opened
 */
public record IncidentSnapshot(String id, long number, String title, String summary, String serviceId,
                               String serviceName, Urgency urgency, Status status,
                               Optional<String> triggeringValue, Instant createdAt) {

    /** Incident urgency, as PagerDuty names it. */
    public enum Urgency {
        HIGH, LOW;

        public String wireName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** Incident status, as PagerDuty names it. */
    public enum Status {
        TRIGGERED, ACKNOWLEDGED, RESOLVED;

        public String wireName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public IncidentSnapshot {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(title, "title");
        Objects.requireNonNull(summary, "summary");
        Objects.requireNonNull(serviceId, "serviceId");
        Objects.requireNonNull(serviceName, "serviceName");
        Objects.requireNonNull(urgency, "urgency");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(triggeringValue, "triggeringValue");
        Objects.requireNonNull(createdAt, "createdAt");
        if (number <= 0) {
            throw new IllegalArgumentException("number must be positive: " + number);
        }
    }
}
