package tocsin.oncall.paging;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * One level of an escalation policy: page {@code targets}, and if nobody acknowledges within
 * {@code delayMinutes}, move to the next level. PagerDuty's {@code escalation_rules[]} item. Immutable.
 *
 * @param id           the rule's id; null until stored
 * @param delayMinutes {@code escalation_delay_in_minutes}, at least 1
 * @param targets      {@code targets}, at least one, in order
 * @param assignment   {@code escalation_rule_assignment_strategy}: page every target, or one in turn
 */
public record EscalationRule(String id, int delayMinutes, List<Target> targets, Assignment assignment) {

    /** The longest delay accepted: one week, far beyond any sane escalation. */
    public static final int MAX_DELAY_MINUTES = 7 * 24 * 60;

    /** PagerDuty's {@code escalation_rule_assignment_strategy.type}. */
    public enum Assignment {
        /** Everyone the targets resolve to is paged. */
        ASSIGN_TO_EVERYONE,
        /** One person per trigger, in turn over the people the targets resolve to. */
        ROUND_ROBIN;

        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Optional<Assignment> parse(String s) {
            for (Assignment a : values()) {
                if (a.wireName().equalsIgnoreCase(s)) {
                    return Optional.of(a);
                }
            }
            return Optional.empty();
        }
    }

    public EscalationRule {
        Checks checks = new Checks();
        if (delayMinutes < 1 || delayMinutes > MAX_DELAY_MINUTES) {
            checks.add("escalation_delay_in_minutes", "must be between 1 and " + MAX_DELAY_MINUTES + ", got "
                    + delayMinutes);
        }
        if (targets == null || targets.isEmpty()) {
            checks.add("targets", "must name at least one user or schedule");
            targets = List.of();
        } else {
            targets = List.copyOf(targets);
        }
        if (assignment == null) {
            assignment = Assignment.ASSIGN_TO_EVERYONE;
        }
        checks.throwIfAny();
    }

    public EscalationRule withId(String newId) {
        return new EscalationRule(newId, delayMinutes, targets, assignment);
    }
}
