package tocsin.oncall.escalation;

import java.time.Instant;

import tocsin.oncall.paging.Incident;
import tocsin.oncall.paging.IncidentTx;
import tocsin.oncall.paging.LogEntry;
import tocsin.oncall.paging.Notification;

/**
 * Where the escalation engine puts a request to notify one person of one step, inside the transaction of the
 * incident change that caused it. The default {@link #RECORDING} writes the outbox row and, until the delivery
 * pipeline records real attempts, a {@code notify_log_entry} in the incident's timeline. Implementations are
 * stateless and thread-safe.
 */
@FunctionalInterface
public interface Outbox {

    /**
     * Adds the request for {@code userId} at the incident's current step.
     *
     * @return false when that step had already notified that user (the idempotency key exists)
     */
    boolean enqueue(IncidentTx tx, Incident incident, String userId, String userName, String reason, Instant at);

    Outbox RECORDING = (tx, incident, userId, userName, reason, at) -> {
        if (!tx.enqueue(Notification.of(incident, userId, reason, at))) {
            return false;
        }
        tx.log(new LogEntry(null, incident.id(), incident.serviceId(), LogEntry.NOTIFY, at, "auto", null, null,
                userId, incident.level(), "Notification requested for " + userName + " (level " + incident.level()
                + ", " + incident.urgency().wireName() + " urgency, " + reason + ")"));
        return true;
    };
}
