package tocsin.notify;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One message to send: what happened ({@link Event}) to which incident, to which target, with which links. The
 * dispatcher builds it from the outbox row and the current contact method; channels only read it. Immutable.
 *
 * @param key        the idempotency key, the same for every attempt
 * @param target     where it goes
 * @param event      what happened
 * @param incident   the incident as of the event
 * @param links      the incident link and the signed action links for this user
 * @param occurredAt when the event happened (not when it is sent)
 * @param supersedes the provider message id of an earlier delivery about this incident to the same target; channels
 *                   that can edit a message in place (Slack Web API) update it, others send a new message
 */
public record Notification(IdempotencyKey key, Target target, Event event, IncidentSnapshot incident, Links links,
                           Instant occurredAt, Optional<String> supersedes) {

    /** What the notification reports; the names are PagerDuty's v3 webhook event types. */
    public enum Event {
        TRIGGERED("incident.triggered"),
        ESCALATED("incident.escalated"),
        ACKNOWLEDGED("incident.acknowledged"),
        UNACKNOWLEDGED("incident.unacknowledged"),
        RESOLVED("incident.resolved"),
        REASSIGNED("incident.reassigned");

        private final String eventType;

        Event(String eventType) {
            this.eventType = eventType;
        }

        /** The PagerDuty v3 event type, e.g. {@code incident.triggered}. */
        public String eventType() {
            return eventType;
        }

        /** Whether this event asks someone to act (a page) rather than reporting an outcome. */
        public boolean isPage() {
            return this == TRIGGERED || this == ESCALATED || this == UNACKNOWLEDGED || this == REASSIGNED;
        }
    }

    public Notification {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(event, "event");
        Objects.requireNonNull(incident, "incident");
        Objects.requireNonNull(links, "links");
        Objects.requireNonNull(occurredAt, "occurredAt");
        Objects.requireNonNull(supersedes, "supersedes");
        if (!key.incidentId().equals(incident.id())) {
            throw new IllegalArgumentException("key is for incident " + key.incidentId() + " but the notification is"
                    + " about " + incident.id());
        }
    }

    /** The same notification to another target (tests, fan-out of one step to several contact methods). */
    public Notification withTarget(Target other) {
        return new Notification(key, other, event, incident, links, occurredAt, supersedes);
    }
}
