package tocsin.oncall.paging;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The writes and reads of one {@link IncidentStore#inTransaction transaction}. Reads see the transaction's own
 * writes. Not thread-safe; valid only inside the work it was handed to.
 */
public interface IncidentTx {

    /** Reads and locks the incident: call it before touching the incident's timers, alerts or outbox rows. */
    Optional<Incident> incident(String id);

    /** The escalation policy, read in this transaction. */
    Optional<EscalationPolicy> policy(String id);

    /** The service, read in this transaction. */
    Optional<Service> service(String id);

    /** The service's open incident with this {@code incident_key}. */
    Optional<Incident> openIncidentByKey(String serviceId, String incidentKey);

    /** The service's newest open incident with this group key, created at or after {@code createdSince}. */
    Optional<Incident> openIncidentByGroup(String serviceId, String groupKey, Instant createdSince);

    /** Stores a new incident, assigning its id, the next incident number and version 1. */
    Incident insertIncident(Incident draft);

    /**
     * Replaces the stored incident and bumps its version.
     *
     * @throws PagingException.Conflict when {@code changed.version()} is no longer the stored version
     */
    Incident updateIncident(Incident changed);

    /** The service's triggered alert with this dedup key. */
    Optional<Alert> openAlert(String serviceId, String dedupKey);

    Alert insertAlert(Alert alert);

    void updateAlert(Alert alert);

    List<Alert> alerts(String incidentId);

    LogEntry log(LogEntry entry);

    Note addNote(Note note);

    /** Adds a notification request to the outbox; false when its idempotency key is already there. */
    boolean enqueue(Notification notification);

    /** Sets the incident's timer of that kind, replacing any earlier one. */
    void setTimer(String incidentId, EscalationTimer.Kind kind, Instant dueAt, int step);

    void cancelTimers(String incidentId, Set<EscalationTimer.Kind> kinds);

    /** Claims a due timer by deleting it; false when another worker claimed it first. */
    boolean claimTimer(EscalationTimer timer);

    /** The round-robin counter of an escalation rule: returns its value and increments it. */
    long nextRoundRobin(String ruleId);
}
