package tocsin.server.pagerduty;

import tocsin.oncall.paging.EscalationPolicy;
import tocsin.oncall.paging.PagingConfigStore;
import tocsin.oncall.paging.Target;

import java.util.List;
import java.util.Map;

/**
 * Which escalation policies name a user or a schedule in their rules: what a schedule shows as its
 * {@code escalation_policies}, and why deleting a user or schedule that a policy still pages is refused (it would
 * leave a level that pages nobody). Thread-safe.
 */
@FunctionalInterface
public interface PolicyReferences {

    /** Every escalation policy, read once: a list of schedules asks this once, not once per schedule. */
    List<EscalationPolicy> policies();

    /** None: for a directory served without the paging side. */
    PolicyReferences NONE = List::of;

    /** The policies of a paging configuration store. */
    static PolicyReferences of(PagingConfigStore config) {
        return config::policies;
    }

    /** The policies whose rules target {@code target}. */
    default List<EscalationPolicy> targeting(Target target) {
        return targeting(policies(), target);
    }

    /** Those of {@code all} whose rules target {@code target}. */
    static List<EscalationPolicy> targeting(List<EscalationPolicy> all, Target target) {
        return all.stream().filter(p -> p.allTargets().contains(target)).toList();
    }

    /** PagerDuty references to those of {@code all} that target {@code target}. */
    static List<Map<String, Object>> refs(List<EscalationPolicy> all, Target target, PdRefs refs) {
        return targeting(all, target).stream()
                .map(p -> refs.ref("escalation_policy", "escalation_policies", p.id(), p.name())).toList();
    }

    /** Refuses removing {@code target} while policies page it: a 400 naming them, in PagerDuty's shape. */
    default void requireUnused(Target target, String field, String what) {
        List<EscalationPolicy> using = targeting(target);
        if (!using.isEmpty()) {
            throw tocsin.server.http.ApiProblem.badRequest(what + " cannot be deleted while escalation policies "
                    + "page it", List.of(field + ": used by escalation " + (using.size() == 1 ? "policy " : "policies ")
                    + String.join(", ", using.stream().map(p -> "'" + p.name() + "' (" + p.id() + ")").toList())
                    + "; remove it from their rules first"));
        }
    }
}
