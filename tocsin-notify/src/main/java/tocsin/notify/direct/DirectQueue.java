package tocsin.notify.direct;

import tocsin.notify.dispatch.DeliveryQueue.Attempt;
import tocsin.notify.dispatch.DeliveryQueue.State;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The durable queue of direct messages, owned by the {@link DirectDispatcher}. Messages are written by their
 * producer in the transaction of the change that caused them (for monitors: {@code MonitorStore.save}); this
 * interface is the delivery side.
 *
 * <p>Guarantees every implementation keeps (the contract test proves them on each backend): a message is held by at
 * most one unexpired lease; a lease that expires (the dispatcher died mid-send) makes it claimable again with the
 * same key; {@link #record} by a dispatcher that lost its lease changes nothing. Thread-safe, and safe from several
 * processes on one database.
 */
public interface DirectQueue {

    /**
     * Leases up to {@code limit} due messages (pending and due, or sending with an expired lease) to {@code owner}
     * until {@code now + lease}, counting the attempt.
     */
    List<Claim> claim(String owner, Instant now, Duration lease, int limit);

    /** Records an attempt of a claimed message and moves it to its next state, if the lease is still held. */
    void record(Claim claim, Attempt attempt);

    /** When the earliest pending message falls due, if any. */
    Optional<Instant> nextDue();

    /** The most recently queued messages, newest first, with their delivery state: for tests and operators. */
    List<Delivery> recent(int limit);

    /**
     * A message leased to a dispatcher.
     *
     * @param attempts       attempts including this one (at least 1)
     * @param firstAttemptAt when the first attempt was claimed
     */
    record Claim(String id, String owner, int attempts, Instant firstAttemptAt, DirectMessage message) {
        public Claim {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(owner, "owner");
            Objects.requireNonNull(firstAttemptAt, "firstAttemptAt");
            Objects.requireNonNull(message, "message");
            if (attempts < 1) {
                throw new IllegalArgumentException("attempts must be at least 1: " + attempts);
            }
        }
    }

    /** A message as stored, with where its delivery stands. */
    record Delivery(String key, DirectMessage.Kind kind, String target, State state, int attempts,
                    Optional<String> providerMessageId, Optional<String> lastError) {
    }
}
