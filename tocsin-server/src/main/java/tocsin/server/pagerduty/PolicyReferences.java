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

    /** The policies whose rules target {@code target}, by name. */
    List<EscalationPolicy> targeting(Target target);

    /** None: for a directory served without the paging side. */
    PolicyReferences NONE = t -> List.of();

    /** The policies of a paging configuration store. */
    static PolicyReferences of(PagingConfigStore config) {
        return t -> config.policies().stream().filter(p -> p.allTargets().contains(t)).toList();
    }

    /** PagerDuty references to the policies targeting {@code target}. */
    default List<Map<String, Object>> refs(Target target, PdRefs refs) {
        return targeting(target).stream()
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
