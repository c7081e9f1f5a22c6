package tocsin.state;

import java.time.InstantSource;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;

import tocsin.core.access.AccessStore.NewUser;
import tocsin.core.access.Role;
import tocsin.oncall.escalation.EscalationEngine;
import tocsin.oncall.escalation.EscalationObserver;
import tocsin.oncall.escalation.Outbox;
import tocsin.oncall.escalation.UserLookup;
import tocsin.oncall.incident.Incidents;
import tocsin.oncall.paging.EscalationPolicy;
import tocsin.oncall.paging.EscalationRule;
import tocsin.oncall.paging.Integration;
import tocsin.oncall.paging.Service;

/**
 * The smallest paging setup the delivery contracts start from: Alice, a one-level policy paging her, and the
 * incident front door over the real escalation engine; services with an Events API integration on demand.
 *
 * @param alice     Alice's user id
 * @param policy    the policy paging her
 * @param incidents the incident front door
 */
record OnePersonPaging(StateStore state, String alice, EscalationPolicy policy, Incidents incidents) {

    static OnePersonPaging on(StateStore state, InstantSource clock) {
        String alice = state.accessStore().createUser(new NewUser("alice@example.com", "Alice", Role.RESPONDER,
                ZoneOffset.UTC, null)).id();
        UserLookup users = UserLookup.of(state.accessStore());
        EscalationEngine engine = new EscalationEngine(state.incidentStore(), id -> Optional.empty(), users,
                Outbox.RECORDING, EscalationObserver.NONE, clock);
        Incidents incidents = new Incidents(state.pagingConfigStore(), state.incidentStore(), engine, users);
        return new OnePersonPaging(state, alice, policy(state, "ops", alice), incidents);
    }

    /** A policy paging {@code userId} at its only level, escalating after 30 minutes. */
    static EscalationPolicy policy(StateStore state, String name, String userId) {
        return state.pagingConfigStore().savePolicy(new EscalationPolicy(null, name, null, 0, null,
                List.of(new EscalationRule(null, 30, List.of(tocsin.oncall.paging.Target.user(userId)),
                        EscalationRule.Assignment.ASSIGN_TO_EVERYONE)), 0, null));
    }

    /** A service on the policy with an Events API v2 integration whose routing key is {@code key}. */
    Integration service(String name, String key) {
        Service service = state.pagingConfigStore().saveService(new Service(null, name, null, policy.id(), null, null,
                null, null, null, 0, null));
        return state.pagingConfigStore().saveIntegration(new Integration(null, service.id(), "events",
                Integration.Type.EVENTS_API_V2, key, null));
    }
}
