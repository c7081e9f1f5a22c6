package tocsin.notify.subscription;

import java.util.Map;
import java.util.Optional;
import java.util.Set;

import tocsin.notify.Notification;

/**
 * PagerDuty's v3 webhook event types: those a subscription may ask for, those Tocsin emits, and those chat
 * extensions post. Stateless.
 */
public final class EventTypes {

    public static final String TRIGGERED = "incident.triggered";
    public static final String ACKNOWLEDGED = "incident.acknowledged";
    public static final String UNACKNOWLEDGED = "incident.unacknowledged";
    public static final String RESOLVED = "incident.resolved";
    public static final String ESCALATED = "incident.escalated";
    public static final String REASSIGNED = "incident.reassigned";
    public static final String DELEGATED = "incident.delegated";
    public static final String ANNOTATED = "incident.annotated";
    public static final String PRIORITY_UPDATED = "incident.priority_updated";

    /** What Tocsin emits. */
    public static final Set<String> EMITTED = Set.of(TRIGGERED, ACKNOWLEDGED, UNACKNOWLEDGED, RESOLVED, ESCALATED,
            REASSIGNED, DELEGATED, ANNOTATED, PRIORITY_UPDATED);

    /**
     * Every type PagerDuty documents for subscriptions. Tocsin accepts them all, so subscriptions written for
     * PagerDuty work unchanged, and emits {@link #EMITTED}; the others (responders, status updates, workflows,
     * conference bridges, custom fields, services) describe features Tocsin does not have.
     */
    public static final Set<String> KNOWN = Set.of(TRIGGERED, ACKNOWLEDGED, UNACKNOWLEDGED, RESOLVED, ESCALATED,
            REASSIGNED, DELEGATED, ANNOTATED, PRIORITY_UPDATED, "incident.reopened", "incident.responder.added",
            "incident.responder.replied", "incident.status_update_published", "incident.conference_bridge.updated",
            "incident.custom_field_values.updated", "incident.incident_type.changed", "incident.workflow.started",
            "incident.workflow.completed", "service.created", "service.updated", "service.deleted");

    private static final Map<String, Notification.Event> CHAT = Map.of(TRIGGERED, Notification.Event.TRIGGERED,
            ACKNOWLEDGED, Notification.Event.ACKNOWLEDGED, UNACKNOWLEDGED, Notification.Event.UNACKNOWLEDGED,
            RESOLVED, Notification.Event.RESOLVED, ESCALATED, Notification.Event.ESCALATED,
            REASSIGNED, Notification.Event.REASSIGNED, DELEGATED, Notification.Event.REASSIGNED);

    /** The events a chat extension posts: the incident's lifecycle. */
    public static final Set<String> CHAT_EVENTS = CHAT.keySet();

    private EventTypes() {
    }

    /** The chat notification event for a v3 event type, if chat posts it. */
    public static Optional<Notification.Event> chatEvent(String eventType) {
        return Optional.ofNullable(CHAT.get(eventType));
    }
}
