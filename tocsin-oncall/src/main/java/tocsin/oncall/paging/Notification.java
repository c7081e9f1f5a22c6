package tocsin.oncall.paging;

import java.time.Instant;
import java.util.Objects;

/**
 * A request to notify one person of one escalation step: a row of the notification outbox, written in the same
 * transaction as the incident change that caused it. The delivery pipeline reads it and sends it through the
 * person's contact methods. Immutable.
 *
 * @param id             null until stored
 * @param idempotencyKey {@code <incident id>:<step>:<user id>}: unique, so a step never notifies a person twice
 * @param level          the escalation level paged
 * @param step           the incident's escalation step
 * @param reason         {@code trigger}, {@code escalation}, {@code reassign}, {@code ack_timeout}, ...
 * @param dispatchedAt   when the delivery pipeline took it, or null while pending
 */
public record Notification(String id, String idempotencyKey, String incidentId, String userId, int level, int step,
                           Urgency urgency, String reason, Instant createdAt, Instant dispatchedAt) {

    public Notification {
        Objects.requireNonNull(idempotencyKey, "idempotencyKey");
        Objects.requireNonNull(incidentId, "incidentId");
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(urgency, "urgency");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(createdAt, "createdAt");
    }

    /** A pending request for step {@code incident.step()} of {@code incident}. */
    public static Notification of(Incident incident, String userId, String reason, Instant at) {
        return new Notification(null, key(incident.id(), incident.step(), userId), incident.id(), userId,
                incident.level(), incident.step(), incident.urgency(), reason, at, null);
    }

    public static String key(String incidentId, int step, String userId) {
        return incidentId + ":" + step + ":" + userId;
    }
}
