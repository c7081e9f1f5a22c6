package tocsin.notify.dispatch;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import tocsin.notify.IdempotencyKey;
import tocsin.notify.IncidentSnapshot;
import tocsin.notify.DeliveryException;
import tocsin.notify.Notification;
import tocsin.notify.RetryPolicy;

/**
 * The persistent delivery log between the notification outbox and the channels, owned by the {@link Dispatcher}.
 *
 * <p>Lifecycle of a delivery: {@link #expand} turns one outbox {@link Request} into one {@code PENDING} delivery per
 * notification rule, due at the request time plus the rule's delay; {@link #claim} hands due deliveries to one
 * dispatcher under a lease ({@code SENDING}); {@link #record} stores the attempt and the next state
 * ({@code DELIVERED}, {@code PENDING} again at a later time, or {@code FAILED}). A lease that expires (the dispatcher
 * died mid-send) makes the delivery claimable again; the channel's idempotency key lets providers drop the repeat.
 *
 * <p>Noise control adds two states. A claimed delivery over its person's rate limit is {@link #hold held}
 * ({@code HELD}: not an attempt; nothing was sent). When the limit allows again, the dispatcher leases every held
 * delivery of one person and contact method at once ({@link #claimDigest}, {@code DIGESTING}), sends them as one
 * digest and {@link #recordDigest records} the outcome on each. A digest whose lease expires (the dispatcher died
 * mid-send) or that is to be retried is claimed again as the same set, before any newly held delivery, so the
 * digest's idempotency key (derived from that set) is the same on every attempt.
 *
 * <p>Guarantees an implementation must keep, each proven by the contract test of every backend:
 * <ul>
 *   <li>{@link #expand} is idempotent: a request is expanded at most once, whatever crashes or races;</li>
 *   <li>a delivery is held by at most one unexpired lease;</li>
 *   <li>{@link #claim} reads the incident in the same transaction: deliveries of an incident that is no longer
 *       triggered (acknowledged, resolved, merged) are {@code CANCELLED} instead of claimed, so nothing is sent
 *       after an acknowledgement commits;</li>
 *   <li>every attempt is recorded in the incident's timeline as a {@code notify_log_entry}.</li>
 * </ul>
 * Implementations are thread-safe and safe to use from several processes on one database.
 */
public interface DeliveryQueue {

    /** Outbox requests not yet expanded, oldest first. */
    List<Request> pending(int limit);

    /**
     * Expands {@code request} into one delivery per plan, and marks it expanded, in one transaction. With no plans,
     * writes a loud timeline entry saying why nobody was notified ({@code problem}).
     *
     * @return false when the request had already been expanded (nothing written)
     */
    boolean expand(Request request, List<Plan> plans, String problem, Instant now);

    /**
     * Cancels the pending deliveries of incidents that are no longer triggered, then leases up to {@code limit}
     * due deliveries (pending and due, or sending with an expired lease) to {@code owner} until
     * {@code now + lease}, counting the attempt.
     */
    List<Claim> claim(String owner, Instant now, Duration lease, int limit);

    /**
     * Records one attempt of a claimed delivery in the incident's timeline and moves the delivery to its next
     * state. When the lease was lost meanwhile the attempt is still recorded but the state is left to the new
     * holder.
     */
    void record(Claim claim, Attempt attempt);

    /**
     * Holds a claimed delivery back for a digest: {@code HELD} from {@code at}, the claim's attempt given back, and a
     * timeline entry on the incident saying why ({@code detail}) through {@code channel} to {@code target}. When
     * the lease was lost meanwhile nothing changes.
     */
    void hold(Claim claim, Instant at, String channel, String target, String detail);

    /** The person and contact method of every held delivery and every digest whose lease expired, each once. */
    List<HeldGroup> heldGroups(Instant now);

    /**
     * Leases the held deliveries of one person's contact method as one digest to {@code owner} until
     * {@code now + lease}: the deliveries of an expired digest lease if there are any (the same set again), else up
     * to {@code limit} held ones, oldest first. Like {@link #claim}, first cancels (and records on their timelines)
     * held deliveries of incidents that are no longer triggered.
     */
    List<Claim> claimDigest(String owner, HeldGroup group, Instant now, Duration lease, int limit);

    /**
     * Records one attempt of a digest on every delivery it carried, each in its incident's timeline: delivered (in
     * the digest's provider message id); retry (the same set is claimed again at {@code retryAt}); or failed.
     *
     * @param incidents how many incidents the digest listed
     */
    void recordDigest(List<Claim> claims, Attempt attempt, int incidents);

    /** Cancels every pending or held delivery of the incident; returns how many. */
    int cancel(String incidentId, Instant now);

    /** When the earliest pending delivery falls due, if any. */
    Optional<Instant> nextDue();

    /** The deliveries of an incident, in the order they were planned: for the timeline and tests. */
    List<Delivery> deliveries(String incidentId);

    /** The state of one delivery. */
    enum State {
        PENDING, SENDING, DELIVERED, FAILED, CANCELLED,
        /** Over the rate limit, waiting for a digest. */
        HELD,
        /** Leased as part of a digest. */
        DIGESTING
    }

    /** One person's contact method with held deliveries: one digest goes to it. */
    record HeldGroup(String userId, String contactMethodId) {
        public HeldGroup {
            Objects.requireNonNull(userId, "userId");
            Objects.requireNonNull(contactMethodId, "contactMethodId");
        }
    }

    /** How an attempt ended. */
    enum Outcome {
        DELIVERED, RETRY, FAILED
    }

    /** An outbox row: notify {@code userId} of step {@code step} of the incident. */
    record Request(String notificationId, String incidentId, String userId, int step,
                   IncidentSnapshot.Urgency urgency, String reason, Instant createdAt) {
        public Request {
            Objects.requireNonNull(notificationId, "notificationId");
            Objects.requireNonNull(incidentId, "incidentId");
            Objects.requireNonNull(userId, "userId");
            Objects.requireNonNull(urgency, "urgency");
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(createdAt, "createdAt");
        }
    }

    /** One delivery to plan: through {@code contactMethodId} at {@code dueAt}, by rule {@code ruleId}. */
    record Plan(String ruleId, String contactMethodId, Instant dueAt) {
        public Plan {
            Objects.requireNonNull(ruleId, "ruleId");
            Objects.requireNonNull(contactMethodId, "contactMethodId");
            Objects.requireNonNull(dueAt, "dueAt");
        }
    }

    /**
     * A delivery leased to a dispatcher.
     *
     * @param attempts       attempts made including this one (at least 1)
     * @param firstAttemptAt when the first attempt was claimed
     * @param event          what the request announces ({@code trigger} → triggered, a re-page → escalated)
     */
    record Claim(String deliveryId, String owner, IdempotencyKey key, int attempts, Instant firstAttemptAt,
                 Optional<String> providerMessageId, IncidentSnapshot incident, Notification.Event event,
                 Instant requestedAt) {
        public Claim {
            Objects.requireNonNull(deliveryId, "deliveryId");
            Objects.requireNonNull(owner, "owner");
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(firstAttemptAt, "firstAttemptAt");
            Objects.requireNonNull(providerMessageId, "providerMessageId");
            Objects.requireNonNull(incident, "incident");
            Objects.requireNonNull(event, "event");
            Objects.requireNonNull(requestedAt, "requestedAt");
            if (attempts < 1) {
                throw new IllegalArgumentException("attempts must be at least 1: " + attempts);
            }
        }
    }

    /**
     * One attempt, as recorded.
     *
     * @param channel           the target kind in lower case, or {@code none} when there was nothing to send to
     * @param target            the address, for people (e-mail address, number, webhook host)
     * @param providerMessageId the provider's id of the message, when it gave one
     * @param detail            what happened, for people
     * @param retryAt           for {@link Outcome#RETRY}: when to try again
     */
    record Attempt(Instant at, String channel, String target, Outcome outcome, Optional<String> providerMessageId,
                   String detail, Optional<Instant> retryAt) {
        public Attempt {
            Objects.requireNonNull(at, "at");
            Objects.requireNonNull(channel, "channel");
            Objects.requireNonNull(target, "target");
            Objects.requireNonNull(outcome, "outcome");
            Objects.requireNonNull(providerMessageId, "providerMessageId");
            Objects.requireNonNull(detail, "detail");
            Objects.requireNonNull(retryAt, "retryAt");
            if ((outcome == Outcome.RETRY) != retryAt.isPresent()) {
                throw new IllegalArgumentException("retryAt is required for RETRY and only for it");
            }
        }

        /**
         * The record of a failed attempt, as {@code policy} decides after it: a retry at the time the policy picks,
         * or a failure for good, with why.
         *
         * @param attempts       attempts made, the failed one included
         * @param firstAttemptAt when the first attempt was made
         */
        public static Attempt failed(RetryPolicy policy, int attempts, Instant firstAttemptAt, Instant now,
                                     DeliveryException e, java.util.random.RandomGenerator random, String channel,
                                     String target) {
            String why = e.reason() + ": " + e.getMessage();
            return switch (policy.next(attempts, firstAttemptAt, now, e, random)) {
                case RetryPolicy.RetryAt at -> new Attempt(now, channel, target, Outcome.RETRY, Optional.empty(),
                        why + "; retrying in " + at.delay().toMillis() + " ms", Optional.of(at.at()));
                case RetryPolicy.GiveUp g -> new Attempt(now, channel, target, Outcome.FAILED, Optional.empty(),
                        why + "; " + g.reason(), Optional.empty());
            };
        }
    }

    /** A delivery as stored. */
    record Delivery(String id, String notificationId, String ruleId, String contactMethodId, String userId,
                    int step, State state, int attempts, Instant dueAt, Optional<String> providerMessageId,
                    Optional<String> lastError) {
    }
}
