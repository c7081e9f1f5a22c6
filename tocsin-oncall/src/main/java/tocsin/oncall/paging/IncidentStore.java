package tocsin.oncall.paging;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Where incidents, their alerts and timelines, the notification outbox and the escalation timers are kept. Every
 * change goes through {@link #inTransaction}: what one piece of work writes (the incident, its log entries, the
 * notifications it causes, its next timer) commits together or not at all. Reads outside a transaction see
 * committed data only.
 *
 * <p>Implementations are thread-safe; a {@link IncidentTx} is confined to the thread running the work.
 */
public interface IncidentStore {

    /**
     * Runs {@code work} in one transaction. A {@link RuntimeException} from the work rolls it back and is rethrown;
     * {@link PagingException.Conflict} signals a lost optimistic race, after which the caller may retry.
     */
    <T> T inTransaction(Function<IncidentTx, T> work);

    /** An incident by id, or by its number given as digits. */
    Optional<Incident> incident(String idOrNumber);

    /** A page of incidents and whether more match. */
    Page<Incident> incidents(IncidentFilter filter);

    /** How many incidents match the filter, ignoring its offset and limit (PagerDuty's {@code total=true}). */
    long count(IncidentFilter filter);

    /**
     * Log entries, oldest first.
     *
     * @param incidentId null for every incident's
     * @param since      at or after, or null
     * @param until      before, or null
     */
    Page<LogEntry> logEntries(String incidentId, Instant since, Instant until, int offset, int limit);

    List<Alert> alerts(String incidentId);

    List<Note> notes(String incidentId);

    /** The outbox rows of an incident, in creation order. */
    List<Notification> notifications(String incidentId);

    /** Timers due at or before {@code now}, earliest first. */
    List<EscalationTimer> dueTimers(Instant now, int limit);

    /** When the next timer is due, if any. */
    Optional<Instant> nextTimerDue();

    ChangeEvent saveChange(ChangeEvent event);

    /** Change events, newest first. */
    Page<ChangeEvent> changes(String serviceId, int offset, int limit);

    /** One page of a list, and whether more rows follow it. */
    record Page<T>(List<T> items, boolean more) {
        public Page {
            items = List.copyOf(items);
        }
    }
}
