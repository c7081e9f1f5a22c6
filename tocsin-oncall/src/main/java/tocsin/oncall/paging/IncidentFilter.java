package tocsin.oncall.paging;

import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * Which incidents to list, PagerDuty's {@code GET /incidents} filters. Immutable.
 *
 * @param statuses    empty for all
 * @param serviceIds  empty for all
 * @param urgencies   empty for all
 * @param userIds     incidents assigned to any of these; empty for all
 * @param incidentKey exact {@code incident_key}, or null
 * @param since       created at or after, or null
 * @param until       created before, or null
 * @param newestFirst sort by creation descending (PagerDuty's {@code sort_by=created_at:desc})
 * @param offset      rows to skip
 * @param limit       at most this many rows
 */
public record IncidentFilter(Set<Incident.Status> statuses, List<String> serviceIds, Set<Urgency> urgencies,
                             List<String> userIds, String incidentKey, Instant since, Instant until,
                             boolean newestFirst, int offset, int limit) {

    public IncidentFilter {
        statuses = Set.copyOf(statuses);
        serviceIds = List.copyOf(serviceIds);
        urgencies = Set.copyOf(urgencies);
        userIds = List.copyOf(userIds);
    }

    /** Every incident, oldest first, at most {@code limit}. */
    public static IncidentFilter all(int limit) {
        return new IncidentFilter(Set.of(), List.of(), Set.of(), List.of(), null, null, null, false, 0, limit);
    }
}
