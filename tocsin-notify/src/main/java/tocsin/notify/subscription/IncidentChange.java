package tocsin.notify.subscription;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

import tocsin.notify.IncidentSnapshot;

/**
 * One entry of an incident's timeline, as the event pipeline reads it after the cursor: the log entry, the incident
 * as it is when read, and what decides the event type. Immutable.
 *
 * @param logEntryId   the log entry's id
 * @param seq          its commit-ordered sequence number (the cursor's unit)
 * @param logType      PagerDuty's log entry type ({@code trigger_log_entry}, ...)
 * @param channel      the log entry's channel type ({@code api}, {@code auto}, {@code note}, ...)
 * @param agentType    who acted, as a reference type, or null when Tocsin did
 * @param agentId      their id, or null
 * @param summary      the log entry's summary
 * @param occurredAt   when it happened
 * @param incident     the incident when read, with the status the entry left it in
 * @param teamIds      the teams of the incident's assignees (for team-scoped endpoints)
 * @param firstTrigger for a trigger entry: whether it opened the incident (later ones add alerts to it)
 * @param mergedInto   the incident this one was merged into, or null
 */
public record IncidentChange(String logEntryId, long seq, String logType, String channel, String agentType,
                             String agentId, String summary, Instant occurredAt, IncidentSnapshot incident,
                             Set<String> teamIds, boolean firstTrigger, String mergedInto) {

    public IncidentChange {
        Objects.requireNonNull(logEntryId, "logEntryId");
        Objects.requireNonNull(logType, "logType");
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(summary, "summary");
        Objects.requireNonNull(occurredAt, "occurredAt");
        Objects.requireNonNull(incident, "incident");
        teamIds = Set.copyOf(teamIds);
    }

    /**
     * The PagerDuty v3 event type this entry announces, or empty for entries no event reports (notifications,
     * snoozes, alerts grouped into an open incident, Tocsin's own annotations, the initial assignment).
     */
    public Optional<String> eventType() {
        String type = switch (logType) {
            case "trigger_log_entry" -> firstTrigger ? EventTypes.TRIGGERED : null;
            case "acknowledge_log_entry" -> EventTypes.ACKNOWLEDGED;
            case "unacknowledge_log_entry" -> EventTypes.UNACKNOWLEDGED;
            case "resolve_log_entry" -> EventTypes.RESOLVED;
            case "merge_log_entry" -> mergedInto != null ? EventTypes.RESOLVED : null;
            case "escalate_log_entry" -> EventTypes.ESCALATED;
            case "delegate_log_entry" -> EventTypes.DELEGATED;
            // a manual reassignment; the assignment made while opening the incident is part of the trigger
            case "assign_log_entry" -> "api".equals(channel) && !occurredAt.equals(incident.createdAt())
                    ? EventTypes.REASSIGNED : null;
            case "annotate_log_entry" -> "note".equals(channel) ? EventTypes.ANNOTATED : null;
            case "priority_change_log_entry" -> EventTypes.PRIORITY_UPDATED;
            default -> null;
        };
        return Optional.ofNullable(type);
    }

    /** The incident as the event describes it: in the status the entry left it in, not a later one. */
    public IncidentSnapshot incidentAsOfEvent() {
        IncidentSnapshot.Status status = switch (logType) {
            case "trigger_log_entry", "unacknowledge_log_entry" -> IncidentSnapshot.Status.TRIGGERED;
            case "acknowledge_log_entry" -> IncidentSnapshot.Status.ACKNOWLEDGED;
            case "resolve_log_entry", "merge_log_entry" -> IncidentSnapshot.Status.RESOLVED;
            default -> incident.status();
        };
        IncidentSnapshot i = incident;
        return new IncidentSnapshot(i.id(), i.number(), i.title(), i.summary(), i.serviceId(), i.serviceName(),
                i.urgency(), status, i.triggeringValue(), i.createdAt());
    }
}
