package tocsin.oncall.incident;

import java.util.List;

import tocsin.oncall.paging.Urgency;

/**
 * {@code POST /incidents}: an incident opened by a person. Immutable.
 *
 * @param urgency     null for the service's rule
 * @param incidentKey null to have one generated
 * @param policyId    null for the service's policy
 * @param assignees   page these users instead of the policy's first level; empty for the policy
 * @param details     {@code body.details}, or null
 */
public record NewIncident(String title, String serviceId, Urgency urgency, String incidentKey, String policyId,
                          List<String> assignees, String priority, String details) {

    public NewIncident {
        assignees = assignees == null ? List.of() : List.copyOf(assignees);
    }
}
