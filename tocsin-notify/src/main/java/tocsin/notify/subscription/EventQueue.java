package tocsin.notify.subscription;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The durable side of event delivery, owned by the {@link EventDispatcher}: a cursor over the incident timeline,
 * the deliveries recorded from it, and their leases.
 *
 * <p>Guarantees an implementation must keep, each proven by the contract test of every backend:
 * <ul>
 *   <li>timeline entries become visible after the cursor in the order of their sequence numbers, and an entry
 *       with a lower number never becomes visible after one with a higher number (sequence numbers are taken in
 *       commit order), so moving the cursor past an entry never skips an uncommitted one;</li>
 *   <li>{@link #enqueue} moves the cursor and stores the deliveries in one transaction, and only from the cursor
 *       position the caller read, so two dispatchers never record the same entry twice;</li>
 *   <li>a delivery is held by at most one unexpired lease, and a delivery is not claimed while an earlier one of
 *       the same endpoint and incident is still pending or being sent (events arrive in order per incident);</li>
 *   <li>recording a final failure counts it on the endpoint, and reaching the threshold (or being told to)
 *       disables the endpoint and cancels its pending deliveries in the same transaction.</li>
 * </ul>
 * Implementations are thread-safe and safe to use from several processes on one database.
 */
public interface EventQueue {

    /** The cursor and up to {@code limit} timeline entries after it, in sequence order. */
    Batch changes(int limit);

    /** The endpoints that receive events now (active, not disabled). */
    List<Endpoint> receivingEndpoints();

    /**
     * Stores {@code deliveries} and moves the cursor from {@code from} to {@code to}, in one transaction.
     *
     * @return false, writing nothing, when the cursor is no longer at {@code from}
     */
    boolean enqueue(long from, long to, List<NewDelivery> deliveries, Instant now);

    /** Leases up to {@code limit} due deliveries to {@code owner} until {@code now + lease}, counting the attempt. */
    List<Claim> claim(String owner, Instant now, Duration lease, int limit);

    /**
     * Records one attempt and moves the delivery to its next state; a lost lease leaves the state to its new holder.
     *
     * @param disableAfter final failures in a row after which the endpoint is disabled
     * @return true when this attempt disabled the endpoint
     */
    boolean record(Claim claim, Attempt attempt, int disableAfter);

    /** The deliveries of an endpoint in the order they were recorded: for operators and tests. */
    List<StoredDelivery> deliveries(String endpointId);

    /** When the earliest pending delivery falls due, if any. */
    Optional<Instant> nextDue();

    /** The state of one delivery. */
    enum State {
        PENDING, SENDING, DELIVERED, FAILED, CANCELLED
    }

    /** How an attempt ended. */
    enum Outcome {
        DELIVERED, RETRY, FAILED
    }

    /** Timeline entries after {@code cursor}. */
    record Batch(long cursor, List<IncidentChange> changes) {
        public Batch {
            changes = List.copyOf(changes);
        }
    }

    /** One event for one endpoint; {@code payload} is the v3 event object as JSON text, sent as it is. */
    record NewDelivery(String endpointId, String logEntryId, String incidentId, String eventId, String eventType,
                       String payload) {
        public NewDelivery {
            Objects.requireNonNull(endpointId, "endpointId");
            Objects.requireNonNull(logEntryId, "logEntryId");
            Objects.requireNonNull(incidentId, "incidentId");
            Objects.requireNonNull(eventId, "eventId");
            Objects.requireNonNull(eventType, "eventType");
            Objects.requireNonNull(payload, "payload");
        }
    }

    /**
     * A delivery leased to a dispatcher, with its endpoint as it is now (a changed URL or secret applies to the
     * next attempt).
     *
     * @param attempts   attempts including this one
     * @param supersedes the provider message id of the last message delivered to this endpoint about this incident
     *                   (a Slack {@code channel/ts}), which chat channels update in place
     */
    record Claim(String deliveryId, String owner, Endpoint endpoint, String incidentId, String eventId,
                 String eventType, String payload, int attempts, Instant firstAttemptAt,
                 Optional<String> supersedes) {
        public Claim {
            Objects.requireNonNull(deliveryId, "deliveryId");
            Objects.requireNonNull(owner, "owner");
            Objects.requireNonNull(endpoint, "endpoint");
            Objects.requireNonNull(payload, "payload");
            Objects.requireNonNull(firstAttemptAt, "firstAttemptAt");
            Objects.requireNonNull(supersedes, "supersedes");
        }
    }

    /**
     * One attempt.
     *
     * @param retryAt for {@link Outcome#RETRY}: when to try again
     * @param disable for {@link Outcome#FAILED}: disable the endpoint now (the receiver answered 410 Gone)
     */
    record Attempt(Instant at, Outcome outcome, Optional<String> providerMessageId, String detail,
                   Optional<Instant> retryAt, boolean disable) {
        public Attempt {
            Objects.requireNonNull(at, "at");
            Objects.requireNonNull(outcome, "outcome");
            Objects.requireNonNull(providerMessageId, "providerMessageId");
            Objects.requireNonNull(detail, "detail");
            Objects.requireNonNull(retryAt, "retryAt");
            if ((outcome == Outcome.RETRY) != retryAt.isPresent()) {
                throw new IllegalArgumentException("retryAt is required for RETRY and only for it");
            }
        }
    }

    /** A delivery as stored. */
    record StoredDelivery(String id, String endpointId, String incidentId, String eventId, String eventType,
                          State state, int attempts, Optional<String> providerMessageId, Optional<String> lastError) {
    }
}
