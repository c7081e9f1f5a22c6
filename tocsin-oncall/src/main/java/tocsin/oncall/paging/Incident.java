package tocsin.oncall.paging;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * An incident: something broke on a service, and people are paged until one of them acknowledges it. PagerDuty's
 * incident. Immutable; every change is a new value with the same {@code version}, which the store checks and bumps
 * (optimistic concurrency), so two racing changes cannot both win.
 *
 * @param id               null until stored
 * @param number           {@code incident_number}, increasing from 1; 0 until stored
 * @param title            the summary people see
 * @param serviceId        the service it belongs to
 * @param policyId         the escalation policy paging it
 * @param status           triggered, acknowledged or resolved
 * @param urgency          high or low
 * @param priority         a priority id, or null
 * @param incidentKey      {@code incident_key}: the dedup key that opened it; unique among the service's open
 *                         incidents
 * @param groupKey         what alert grouping matches new alerts on; null when the service does not group
 * @param level            the escalation level last paged, 1-based; 0 before the first page
 * @param loop             how many times the policy has been repeated, 0 on the first pass
 * @param step             how many escalation steps have been taken: it names each step in notification
 *                         idempotency keys
 * @param assignees        the user ids currently assigned
 * @param acknowledgements who acknowledged, and when; empty unless acknowledged
 * @param createdAt        when it was triggered
 * @param statusChangedAt  {@code last_status_change_at}
 * @param resolvedAt       when it was resolved, or null
 * @param mergedInto       the incident it was merged into, or null
 * @param version          bumped on every stored change; 0 before the first store
 */
public record Incident(String id, long number, String title, String serviceId, String policyId, Status status,
                       Urgency urgency, String priority, String incidentKey, String groupKey, int level, int loop,
                       int step, List<String> assignees, List<Acknowledgement> acknowledgements, Instant createdAt,
                       Instant statusChangedAt, Instant resolvedAt, String mergedInto, long version) {

    /** PagerDuty's incident statuses. */
    public enum Status {
        TRIGGERED, ACKNOWLEDGED, RESOLVED;

        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Optional<Status> parse(String s) {
            for (Status v : values()) {
                if (v.wireName().equalsIgnoreCase(s)) {
                    return Optional.of(v);
                }
            }
            return Optional.empty();
        }
    }

    /** Who acknowledged, a user id or {@code service:<id>} for an event, and when. */
    public record Acknowledgement(String by, Instant at) {
        public Acknowledgement {
            Objects.requireNonNull(by, "by");
            Objects.requireNonNull(at, "at");
        }
    }

    public static final int MAX_TITLE = 1024;

    public Incident {
        Objects.requireNonNull(title, "title");
        Objects.requireNonNull(serviceId, "serviceId");
        Objects.requireNonNull(policyId, "policyId");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(urgency, "urgency");
        Objects.requireNonNull(incidentKey, "incidentKey");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(statusChangedAt, "statusChangedAt");
        assignees = List.copyOf(assignees);
        acknowledgements = List.copyOf(acknowledgements);
        if (title.length() > MAX_TITLE) {
            title = title.substring(0, MAX_TITLE);
        }
    }

    /** A new triggered incident, not yet stored. */
    public static Incident open(String title, String serviceId, String policyId, Urgency urgency, String incidentKey,
                                String groupKey, Instant at) {
        return new Incident(null, 0, title, serviceId, policyId, Status.TRIGGERED, urgency, null, incidentKey,
                groupKey, 0, 0, 0, List.of(), List.of(), at, at, null, null, 0);
    }

    public boolean isOpen() {
        return status != Status.RESOLVED;
    }

    public Incident withStatus(Status newStatus, Instant at) {
        List<Acknowledgement> acks = newStatus == Status.ACKNOWLEDGED ? acknowledgements : List.of();
        Instant resolved = newStatus == Status.RESOLVED ? at : null;
        return new Incident(id, number, title, serviceId, policyId, newStatus, urgency, priority, incidentKey,
                groupKey, level, loop, step, assignees, acks, createdAt, at, resolved, mergedInto, version);
    }

    public Incident acknowledgedBy(String by, Instant at) {
        List<Acknowledgement> acks = new java.util.ArrayList<>(status == Status.ACKNOWLEDGED ? acknowledgements
                : List.of());
        acks.add(new Acknowledgement(by, at));
        return new Incident(id, number, title, serviceId, policyId, Status.ACKNOWLEDGED, urgency, priority,
                incidentKey, groupKey, level, loop, step, assignees, acks, createdAt, at, null, mergedInto, version);
    }

    /** The incident after paging {@code newLevel} of loop {@code newLoop} as step {@code step + 1}. */
    public Incident escalated(int newLevel, int newLoop, List<String> newAssignees) {
        return new Incident(id, number, title, serviceId, policyId, status, urgency, priority, incidentKey, groupKey,
                newLevel, newLoop, step + 1, newAssignees, acknowledgements, createdAt, statusChangedAt, resolvedAt,
                mergedInto, version);
    }

    public Incident withAssignees(List<String> newAssignees) {
        return new Incident(id, number, title, serviceId, policyId, status, urgency, priority, incidentKey, groupKey,
                level, loop, step, newAssignees, acknowledgements, createdAt, statusChangedAt, resolvedAt, mergedInto,
                version);
    }

    public Incident withPolicy(String newPolicyId) {
        return new Incident(id, number, title, serviceId, newPolicyId, status, urgency, priority, incidentKey,
                groupKey, level, loop, step, assignees, acknowledgements, createdAt, statusChangedAt, resolvedAt,
                mergedInto, version);
    }

    public Incident withUrgency(Urgency newUrgency) {
        return new Incident(id, number, title, serviceId, policyId, status, newUrgency, priority, incidentKey,
                groupKey, level, loop, step, assignees, acknowledgements, createdAt, statusChangedAt, resolvedAt,
                mergedInto, version);
    }

    public Incident withPriority(String newPriority) {
        return new Incident(id, number, title, serviceId, policyId, status, urgency, newPriority, incidentKey,
                groupKey, level, loop, step, assignees, acknowledgements, createdAt, statusChangedAt, resolvedAt,
                mergedInto, version);
    }

    public Incident withTitle(String newTitle) {
        return new Incident(id, number, newTitle, serviceId, policyId, status, urgency, priority, incidentKey,
                groupKey, level, loop, step, assignees, acknowledgements, createdAt, statusChangedAt, resolvedAt,
                mergedInto, version);
    }

    public Incident mergedInto(String targetId, Instant at) {
        return new Incident(id, number, title, serviceId, policyId, Status.RESOLVED, urgency, priority, incidentKey,
                groupKey, level, loop, step, assignees, List.of(), createdAt, at, at, targetId, version);
    }

    /** The same incident as the store returns it after a write. */
    public Incident stored(String newId, long newNumber, long newVersion) {
        return new Incident(newId, newNumber, title, serviceId, policyId, status, urgency, priority, incidentKey,
                groupKey, level, loop, step, assignees, acknowledgements, createdAt, statusChangedAt, resolvedAt,
                mergedInto, newVersion);
    }
}
