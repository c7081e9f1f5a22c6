package tocsin.monitor.eval;

import tocsin.monitor.MonitorIncidentAction;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The durable queue of {@link MonitorIncidentAction}s, as the monitor store writes them with their transition; this
 * is the side the {@link IncidentDispatcher} drains. Owned by this module; the SQL implementation is in
 * {@code tocsin-state}, and every implementation passes the same contract suite.
 *
 * <p>Guarantees: an action is held by at most one unexpired lease; a lease that expires (the worker died while
 * applying it) makes it claimable again; {@link #applied} and {@link #retry} by a worker that lost its lease change
 * nothing. Actions of one handle and dedup key are claimable one at a time, in the order they were written: an
 * action waits while an earlier one of its key is pending or leased, so a resolve never overtakes the trigger it
 * resolves (a trigger replayed after its resolve would reopen the incident). An action that failed for good does not
 * hold back later ones. Thread-safe, and safe from several processes on one database.
 */
public interface IncidentOutbox {

    /**
     * Leases up to {@code limit} due actions (pending and due, or leased with an expired lease, and first of their
     * key) to {@code owner} until {@code now + lease}, counting the attempt.
     */
    List<Claim> claim(String owner, Instant now, Duration lease, int limit);

    /** Records that a claimed action was applied, if the lease is still held. */
    void applied(Claim claim, Instant now);

    /**
     * Records a failed attempt, if the lease is still held: pending again from {@code retryAt}, or failed for good
     * when {@code retryAt} is empty.
     */
    void retry(Claim claim, Instant now, Optional<Instant> retryAt, String error);

    /** The most recently written actions, newest first, with where they stand: for tests and operators. */
    List<Entry> recent(int limit);

    /**
     * An action leased to a worker.
     *
     * @param attempts attempts including this one (at least 1)
     */
    record Claim(MonitorIncidentAction action, String owner, int attempts) {
        public Claim {
            Objects.requireNonNull(action, "action");
            Objects.requireNonNull(owner, "owner");
        }
    }

    /** Where a stored action stands. */
    enum State { PENDING, APPLYING, APPLIED, FAILED }

    /** A stored action and its progress. */
    record Entry(String key, String handle, MonitorIncidentAction.Action action, String dedupKey, State state,
                 int attempts, Optional<String> lastError) {
    }
}
