package tocsin.notify.dispatch;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import tocsin.notify.dispatch.DeliveryQueue.Attempt;
import tocsin.notify.dispatch.DeliveryQueue.State;

/**
 * The persistent delivery log of on-call handoff notifications, owned by the {@link HandoffDispatcher}: the
 * escalation engine records one request per shift start or end (PagerDuty's {@code on_call_handoff_notifications});
 * this queue turns each into one delivery per contact method and tracks it the way {@link DeliveryQueue} tracks
 * pages: {@link #expand} once, {@link #claim} under a lease, {@link #record} each attempt.
 *
 * <p>Guarantees, proven by the contract test of every backend: {@link #expand} is idempotent (a request is
 * expanded at most once, whatever crashes or races); a delivery is held by at most one unexpired lease; a late
 * {@link #record} by a lease that was lost changes nothing. Thread-safe, and safe from several processes on one
 * database.
 */
public interface HandoffQueue {

    /** Requests not yet expanded, oldest first. */
    List<Request> pending(int limit);

    /**
     * Plans one delivery per contact method and marks the request expanded, in one transaction.
     *
     * @return false when it had already been expanded (nothing written)
     */
    boolean expand(Request request, List<String> contactMethodIds, Instant now);

    /** Leases up to {@code limit} due deliveries (pending and due, or sending with an expired lease). */
    List<Claim> claim(String owner, Instant now, Duration lease, int limit);

    /** Records an attempt and moves the delivery to delivered, pending again at {@code retryAt}, or failed. */
    void record(Claim claim, Attempt attempt);

    /** The deliveries of one request, in the order they were planned: for tests and the log. */
    List<Delivery> deliveries(String requestId);

    /** Going on call, or coming off it. */
    enum Change {
        ON_CALL, OFF_CALL
    }

    /**
     * One handoff to announce: {@code userId} goes on (or off) call for a schedule at {@code at}.
     *
     * @param key  the handoff's idempotency key, unique per schedule, person, change and time
     * @param zone the person's time zone, for the time in the message
     */
    record Request(String id, String key, String userId, String scheduleId, String scheduleName, Change change,
                   Instant at, ZoneId zone) {
        public Request {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(userId, "userId");
            Objects.requireNonNull(scheduleId, "scheduleId");
            Objects.requireNonNull(scheduleName, "scheduleName");
            Objects.requireNonNull(change, "change");
            Objects.requireNonNull(at, "at");
            Objects.requireNonNull(zone, "zone");
        }
    }

    /**
     * A delivery leased to a dispatcher.
     *
     * @param attempts attempts made including this one (at least 1)
     */
    record Claim(String deliveryId, String owner, Request request, String contactMethodId, int attempts,
                 Instant firstAttemptAt) {
        public Claim {
            Objects.requireNonNull(deliveryId, "deliveryId");
            Objects.requireNonNull(owner, "owner");
            Objects.requireNonNull(request, "request");
            Objects.requireNonNull(contactMethodId, "contactMethodId");
            Objects.requireNonNull(firstAttemptAt, "firstAttemptAt");
            if (attempts < 1) {
                throw new IllegalArgumentException("attempts must be at least 1: " + attempts);
            }
        }

        /** The idempotency key of this message: the handoff's, for this contact method. */
        public String key() {
            return request.key() + "/" + contactMethodId;
        }
    }

    /** A delivery as stored. */
    record Delivery(String id, String requestId, String contactMethodId, State state, int attempts,
                    Optional<String> providerMessageId, Optional<String> lastError) {
    }
}
