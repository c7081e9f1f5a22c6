package tocsin.oncall.paging;

import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Set;

/**
 * Something that can break and whose incidents page an escalation policy: PagerDuty's service. Immutable.
 *
 * @param id                 null until stored
 * @param name               unique, at most 255 characters
 * @param description        may be null
 * @param policyId           {@code escalation_policy.id}
 * @param status             {@code active}, {@code warning}, {@code critical}, {@code maintenance} or
 *                           {@code disabled}; a disabled service drops events
 * @param ackTimeout         {@code acknowledgement_timeout}: an acknowledged incident re-triggers after it; null for
 *                           never
 * @param autoResolveTimeout {@code auto_resolve_timeout}: an open incident resolves itself after it; null for never
 * @param urgencyRule        {@code incident_urgency_rule}
 * @param grouping           {@code alert_grouping_parameters}
 * @param version            bumped on every stored change
 * @param createdAt          null until stored
 */
public record Service(String id, String name, String description, String policyId, String status,
                      Duration ackTimeout, Duration autoResolveTimeout, UrgencyRule urgencyRule,
                      AlertGrouping grouping, long version, Instant createdAt) {

    public static final Set<String> STATUSES = Set.of("active", "warning", "critical", "maintenance", "disabled");

    public Service {
        Checks checks = new Checks();
        checks.required("name", name);
        checks.maxLength("name", name, 255);
        checks.maxLength("description", description, 1024);
        checks.required("escalation_policy.id", policyId);
        status = status == null ? "active" : status.toLowerCase(Locale.ROOT);
        if (!STATUSES.contains(status)) {
            checks.add("status", "must be one of active, critical, disabled, maintenance, warning; got '"
                    + status + "'");
        }
        checkTimeout(checks, "acknowledgement_timeout", ackTimeout);
        checkTimeout(checks, "auto_resolve_timeout", autoResolveTimeout);
        urgencyRule = urgencyRule == null ? UrgencyRule.HIGH : urgencyRule;
        grouping = grouping == null ? AlertGrouping.NONE : grouping;
        checks.throwIfAny();
    }

    private static void checkTimeout(Checks checks, String field, Duration d) {
        if (d != null && (d.getSeconds() < 60 || d.compareTo(Duration.ofDays(7)) > 0)) {
            checks.add(field, "must be between 60 and 604800 seconds, or null to disable, got " + d.getSeconds());
        }
    }

    public boolean disabled() {
        return status.equals("disabled");
    }

    public Service stored(String newId, long newVersion, Instant created) {
        return new Service(newId, name, description, policyId, status, ackTimeout, autoResolveTimeout, urgencyRule,
                grouping, newVersion, created);
    }
}
