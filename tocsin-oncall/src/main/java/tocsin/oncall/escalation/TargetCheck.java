package tocsin.oncall.escalation;

import java.util.ArrayList;
import java.util.List;

import tocsin.oncall.paging.EscalationPolicy;
import tocsin.oncall.paging.EscalationRule;
import tocsin.oncall.paging.PagingException;
import tocsin.oncall.paging.Target;

/**
 * Checks that every user and schedule an escalation policy names exists, before it is stored: a policy that pages a
 * missing person would fail only at 3 a.m. Stateless.
 */
public final class TargetCheck {
    private TargetCheck() {
    }

    /**
     * @throws PagingException.Invalid naming each missing target, e.g.
     *                                 {@code escalation_policy.escalation_rules[1].targets[0].id: no user 'PX'}
     */
    public static void check(EscalationPolicy policy, UserLookup users, ScheduleLookup schedules) {
        List<String> problems = new ArrayList<>();
        for (int r = 0; r < policy.rules().size(); r++) {
            EscalationRule rule = policy.rules().get(r);
            for (int t = 0; t < rule.targets().size(); t++) {
                Target target = rule.targets().get(t);
                String at = "escalation_policy.escalation_rules[" + r + "].targets[" + t + "].id";
                boolean exists = switch (target.kind()) {
                    case USER -> users.exists(target.id());
                    case SCHEDULE -> schedules.schedule(target.id()).isPresent();
                };
                if (!exists) {
                    problems.add(at + ": no " + (target.kind() == Target.Kind.USER ? "user" : "schedule") + " '"
                            + target.id() + "'");
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new PagingException.Invalid(problems);
        }
    }
}
