package tocsin.oncall.paging;

import java.time.Instant;
import java.util.Objects;

/**
 * One line of an incident's timeline: PagerDuty's log entry. {@code type} is PagerDuty's log entry type
 * ({@link #TRIGGER}, {@link #NOTIFY}, ...). Immutable.
 *
 * @param id         null until stored
 * @param channel    {@code channel.type}: how it happened ({@code api}, {@code auto}, {@code timeout},
 *                   {@code web_trigger}, {@code nobody_on_call}, ...)
 * @param agentType  {@code agent.type}: {@code user_reference}, {@code service_reference},
 *                   {@code integration_reference}, or null when Tocsin itself acted
 * @param agentId    the agent's id, or null
 * @param userId     the user paged, assigned or notified, or null
 * @param level      the escalation level concerned, or 0
 * @param summary    what a person reads
 */
public record LogEntry(String id, String incidentId, String serviceId, String type, Instant createdAt,
                       String channel, String agentType, String agentId, String userId, int level, String summary) {

    public static final String TRIGGER = "trigger_log_entry";
    public static final String ACKNOWLEDGE = "acknowledge_log_entry";
    public static final String UNACKNOWLEDGE = "unacknowledge_log_entry";
    public static final String RESOLVE = "resolve_log_entry";
    public static final String ASSIGN = "assign_log_entry";
    public static final String ESCALATE = "escalate_log_entry";
    /** The incident was reassigned to another escalation policy. */
    public static final String DELEGATE = "delegate_log_entry";
    public static final String NOTIFY = "notify_log_entry";
    public static final String ANNOTATE = "annotate_log_entry";
    public static final String SNOOZE = "snooze_log_entry";
    public static final String URGENCY_CHANGE = "urgency_change_log_entry";
    public static final String PRIORITY_CHANGE = "priority_change_log_entry";
    public static final String EXHAUST_ESCALATION_PATH = "exhaust_escalation_path_log_entry";
    public static final String REPEAT_ESCALATION_PATH = "repeat_escalation_path_log_entry";
    public static final String MERGE = "merge_log_entry";
    /** Tocsin's loud entry: an escalation level resolved to nobody, so nobody was paged. */
    public static final String NOBODY_PAGED = "nobody_paged_log_entry";

    public LogEntry {
        Objects.requireNonNull(incidentId, "incidentId");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(summary, "summary");
    }

    /** An entry for {@code incident} without a target user. */
    public static LogEntry of(Incident incident, String type, Instant at, String channel, String agentType,
                              String agentId, String summary) {
        return new LogEntry(null, incident.id(), incident.serviceId(), type, at, channel, agentType, agentId, null,
                incident.level(), summary);
    }

    public LogEntry withId(String newId) {
        return new LogEntry(newId, incidentId, serviceId, type, createdAt, channel, agentType, agentId, userId, level,
                summary);
    }
}
