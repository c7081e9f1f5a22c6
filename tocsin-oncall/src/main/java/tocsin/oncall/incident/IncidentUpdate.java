package tocsin.oncall.incident;

import java.util.List;

import tocsin.oncall.paging.Incident;
import tocsin.oncall.paging.Urgency;

/**
 * The changes of one {@code PUT /incidents/{id}} (or one item of a bulk PUT); null fields are left alone. Immutable.
 *
 * @param status          acknowledged or resolved
 * @param escalationLevel page this level of the policy now
 * @param assignees       reassign to these users
 * @param policyId        move to this escalation policy, paging its first level
 * @param priority        a priority id; the empty string clears it
 */
public record IncidentUpdate(Incident.Status status, String title, Urgency urgency, String priority,
                             Integer escalationLevel, List<String> assignees, String policyId, String resolution) {

    public IncidentUpdate {
        assignees = assignees == null ? null : List.copyOf(assignees);
    }

    public static IncidentUpdate status(Incident.Status status) {
        return new IncidentUpdate(status, null, null, null, null, null, null, null);
    }

    /** Whether the update sets the status and nothing else. */
    public boolean isEmptyButStatus() {
        return title == null && urgency == null && priority == null && escalationLevel == null && assignees == null
                && policyId == null;
    }

    public boolean isEmpty() {
        return status == null && title == null && urgency == null && priority == null && escalationLevel == null
                && assignees == null && policyId == null;
    }
}
