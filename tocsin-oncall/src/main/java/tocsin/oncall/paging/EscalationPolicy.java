package tocsin.oncall.paging;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Who is paged, in which order, for a service's incidents: PagerDuty's escalation policy. Immutable.
 *
 * @param id                  the policy's id; null until stored
 * @param name                unique, at most 255 characters
 * @param description         may be null
 * @param numLoops            {@code num_loops}: how often the whole policy repeats after its last rule, 0 to 9
 * @param handoffNotifications {@code on_call_handoff_notifications}: {@code if_has_services} or {@code always}
 * @param rules               {@code escalation_rules}, at least one, level 1 first
 * @param version             bumped on every stored change (optimistic concurrency); 0 before the first store
 * @param createdAt           when it was created; null until stored
 */
public record EscalationPolicy(String id, String name, String description, int numLoops,
                               String handoffNotifications, List<EscalationRule> rules, long version,
                               Instant createdAt) {

    public static final int MAX_LOOPS = 9;
    public static final Set<String> HANDOFF_VALUES = Set.of("if_has_services", "always");

    public EscalationPolicy {
        Checks checks = new Checks();
        checks.required("name", name);
        checks.maxLength("name", name, 255);
        checks.maxLength("description", description, 1024);
        if (numLoops < 0 || numLoops > MAX_LOOPS) {
            checks.add("num_loops", "must be between 0 and " + MAX_LOOPS + ", got " + numLoops);
        }
        handoffNotifications = handoffNotifications == null ? "if_has_services"
                : handoffNotifications.toLowerCase(Locale.ROOT);
        if (!HANDOFF_VALUES.contains(handoffNotifications)) {
            checks.add("on_call_handoff_notifications", "must be if_has_services or always, got '"
                    + handoffNotifications + "'");
        }
        if (rules == null || rules.isEmpty()) {
            checks.add("escalation_rules", "must contain at least one rule");
            rules = List.of();
        } else {
            rules = List.copyOf(rules);
        }
        checks.throwIfAny();
    }

    /** The rule of 1-based {@code level}. */
    public EscalationRule level(int level) {
        return rules.get(level - 1);
    }

    /** Every user and schedule the policy names, for reference checks. */
    public List<Target> allTargets() {
        List<Target> out = new ArrayList<>();
        rules.forEach(r -> out.addAll(r.targets()));
        return out;
    }

    public EscalationPolicy stored(String newId, List<EscalationRule> storedRules, long newVersion, Instant created) {
        return new EscalationPolicy(newId, name, description, numLoops, handoffNotifications, storedRules, newVersion,
                created);
    }
}
