package tocsin.server.notify;

import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

import tocsin.notify.IdempotencyKey;
import tocsin.notify.IncidentSnapshot;
import tocsin.notify.Notification;
import tocsin.notify.Target;
import tocsin.notify.dispatch.Linker;
import tocsin.notify.template.TriggeringValue;
import tocsin.oncall.incident.IncidentUpdate;
import tocsin.oncall.incident.Incidents;
import tocsin.oncall.paging.Actor;
import tocsin.oncall.paging.Incident;
import tocsin.oncall.paging.IncidentFilter;
import tocsin.oncall.paging.IncidentStore;
import tocsin.oncall.paging.PagingConfigStore;
import tocsin.oncall.paging.PagingException;

/**
 * Acknowledging and resolving from outside Tocsin, on behalf of a person whose identity a proof established (a
 * signed link, a provider's signed callback): the one place where the link, SMS, phone and Slack paths act, through
 * the incidents front door, so each leaves the same timeline entry ({@code acknowledge_log_entry} or
 * {@code resolve_log_entry} with the person as agent and the path as {@code channel.type}) and the dispatcher cancels
 * the incident's pending deliveries in its next claim.
 *
 * <p>Idempotent: acting on an incident that is already where the action leads changes nothing and says so, which is
 * what a replayed callback or a second click gets. Thread-safe.
 */
public final class IncidentActions {

    /** What a person asks for. */
    public enum Action {
        ACKNOWLEDGE("acknowledged"), RESOLVE("resolved");

        private final String pastTense;

        Action(String pastTense) {
            this.pastTense = pastTense;
        }

        /** "acknowledged", "resolved". */
        public String pastTense() {
            return pastTense;
        }
    }

    /** How an action ended. */
    public enum Outcome {
        /** The incident changed. */
        DONE,
        /** Asked to acknowledge an incident someone already acknowledged: nothing changed. */
        ALREADY_ACKNOWLEDGED,
        /** The incident was already resolved: nothing changed. */
        ALREADY_RESOLVED
    }

    /** The outcome and the incident as it is now. */
    public record Result(Outcome outcome, Incident incident) {
    }

    private final IncidentStore store;
    private final PagingConfigStore config;
    private final Incidents incidents;

    public IncidentActions(IncidentStore store, PagingConfigStore config, Incidents incidents) {
        this.store = Objects.requireNonNull(store, "store");
        this.config = Objects.requireNonNull(config, "config");
        this.incidents = Objects.requireNonNull(incidents, "incidents");
    }

    /** The incident by id or number. */
    public Optional<Incident> incident(String idOrNumber) {
        return store.incident(idOrNumber);
    }

    /**
     * Does {@code action} on the incident as {@code userId}, recorded with {@code channel} ({@code link},
     * {@code sms}, {@code phone}, {@code slack}).
     *
     * @throws PagingException.NotFound when the incident does not exist
     */
    public Result act(String incidentId, String userId, Action action, String channel) {
        Actor actor = new Actor("user_reference", userId, channel);
        for (int attempt = 0; ; attempt++) {
            Incident incident = store.incident(incidentId).orElseThrow(() -> new PagingException.NotFound(
                    "incident " + incidentId));
            if (incident.status() == Incident.Status.RESOLVED) {
                return new Result(Outcome.ALREADY_RESOLVED, incident);
            }
            if (action == Action.ACKNOWLEDGE && incident.status() == Incident.Status.ACKNOWLEDGED) {
                return new Result(Outcome.ALREADY_ACKNOWLEDGED, incident);
            }
            Incident.Status target = action == Action.ACKNOWLEDGE ? Incident.Status.ACKNOWLEDGED
                    : Incident.Status.RESOLVED;
            try {
                return new Result(Outcome.DONE, incidents.update(incident.id(), new IncidentUpdate(target, null, null,
                        null, null, null, null, null), actor));
            } catch (PagingException.Invalid e) {
                // resolved by someone else between the read and the update: answer from the fresh state
                if (attempt > 0) {
                    throw e;
                }
            }
        }
    }

    /**
     * Which of {@code candidates} the incident concerns: one it is assigned to, else one it paged (an outbox row
     * for them); empty when it concerns none of them.
     */
    public Optional<String> pagedUser(Incident incident, Collection<String> candidates) {
        for (String assignee : incident.assignees()) {
            if (candidates.contains(assignee)) {
                return Optional.of(assignee);
            }
        }
        return store.notifications(incident.id()).stream().map(n -> n.userId()).filter(candidates::contains)
                .findFirst();
    }

    /**
     * The open incidents assigned to any of {@code userIds} that {@code action} can change (triggered ones for an
     * acknowledgement, acknowledged ones too for a resolve), newest first, at most {@code limit}.
     */
    public List<Incident> assignedOpen(Collection<String> userIds, Action action, int limit) {
        Set<Incident.Status> statuses = action == Action.ACKNOWLEDGE ? Set.of(Incident.Status.TRIGGERED)
                : Set.of(Incident.Status.TRIGGERED, Incident.Status.ACKNOWLEDGED);
        return store.incidents(new IncidentFilter(statuses, List.of(), Set.of(), List.copyOf(userIds), null, null,
                null, true, 0, limit)).items();
    }

    /** A notification describing the incident as it is now to {@code userId} at {@code target}, for answers. */
    public Notification describe(Incident incident, String userId, Target target, Linker linker) {
        IncidentSnapshot snapshot = snapshot(incident);
        Notification.Event event = switch (incident.status()) {
            case TRIGGERED -> Notification.Event.TRIGGERED;
            case ACKNOWLEDGED -> Notification.Event.ACKNOWLEDGED;
            case RESOLVED -> Notification.Event.RESOLVED;
        };
        return new Notification(new IdempotencyKey(incident.id(), incident.step(), userId, "callback"), target, event,
                snapshot, linker.links(snapshot, userId), incident.statusChangedAt(), Optional.empty());
    }

    /** The incident as notifications describe it, with its service's name and its first alert's triggering value. */
    public IncidentSnapshot snapshot(Incident i) {
        String service = config.service(i.serviceId()).map(s -> s.name()).orElse(i.serviceId());
        return new IncidentSnapshot(i.id(), i.number(), i.title(), i.title(), i.serviceId(), service,
                IncidentSnapshot.Urgency.valueOf(i.urgency().name()),
                IncidentSnapshot.Status.valueOf(i.status().name()),
                store.alerts(i.id()).stream().findFirst().flatMap(a -> TriggeringValue.of(a.customDetails())),
                i.createdAt());
    }
}
