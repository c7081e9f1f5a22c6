package tocsin.oncall.paging;

import java.time.Instant;
import java.util.Objects;

/**
 * A durable timer of one incident: when {@code dueAt} passes, the escalation engine claims it (deleting its row)
 * and applies its effect in the same transaction, so it fires exactly once. An incident has at most one timer of each
 * kind. Immutable.
 *
 * @param id   the row's id
 * @param step the incident's escalation step when the timer was set; a timer whose step is stale is dropped
 */
public record EscalationTimer(String id, String incidentId, Kind kind, Instant dueAt, int step) {

    /** What happens when a timer fires. */
    public enum Kind {
        /** Nobody acknowledged within the rule's delay: page the next level. */
        ESCALATE,
        /** An acknowledged incident was not resolved within the service's acknowledgement timeout: re-trigger. */
        ACK_TIMEOUT,
        /** The service's auto-resolve timeout passed: resolve. */
        AUTO_RESOLVE,
        /** A snooze ended: re-trigger. */
        SNOOZE_END
    }

    public EscalationTimer {
        Objects.requireNonNull(incidentId, "incidentId");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(dueAt, "dueAt");
    }
}
