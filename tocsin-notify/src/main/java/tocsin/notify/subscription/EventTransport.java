package tocsin.notify.subscription;

import java.net.URI;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import tocsin.notify.Channels;
import tocsin.notify.Delivery;
import tocsin.notify.DeliveryException;
import tocsin.notify.IdempotencyKey;
import tocsin.notify.IncidentSnapshot;
import tocsin.notify.Links;
import tocsin.notify.Notification;
import tocsin.notify.PermanentDeliveryException;
import tocsin.notify.Target;
import tocsin.notify.webhook.PagerDutyWebhookChannel;

/**
 * Sends one recorded event to an endpoint. Implementations are thread-safe and classify failures as the channels do.
 */
@FunctionalInterface
public interface EventTransport {

    /**
     * @param event      the v3 event object as recorded
     * @param supersedes the message an earlier event about the incident left in the endpoint's chat, if any
     */
    Delivery send(Endpoint endpoint, ObjectNode event, Optional<String> supersedes) throws DeliveryException;

    /**
     * Webhook subscriptions through {@code pagerDuty} (the event as recorded, signed with the subscription's
     * secret, its custom headers added); chat extensions through {@code chat}, as a notification read back from the
     * event, so Slack's Web API updates the incident's message in place.
     */
    static EventTransport over(PagerDutyWebhookChannel pagerDuty, Channels chat) {
        Objects.requireNonNull(pagerDuty, "pagerDuty");
        Objects.requireNonNull(chat, "chat");
        return (endpoint, event, supersedes) -> {
            if (endpoint.channel() == Target.Kind.PAGERDUTY_WEBHOOK) {
                Map<String, String> headers = new LinkedHashMap<>();
                endpoint.customHeaders().forEach(h -> headers.put(h.name(), h.value()));
                return pagerDuty.deliver(endpoint.target(), endpoint.id(), event, headers);
            }
            return chat.send(notification(endpoint, event, supersedes));
        };
    }

    /**
     * The chat notification an event stands for: the incident from {@code data}, the event from
     * {@code event_type}, keyed by the event id and the endpoint.
     *
     * @throws PermanentDeliveryException when chat does not post this event type
     */
    static Notification notification(Endpoint endpoint, JsonNode event, Optional<String> supersedes)
            throws PermanentDeliveryException {
        String type = event.path("event_type").asText();
        Notification.Event what = EventTypes.chatEvent(type).orElseThrow(() -> new PermanentDeliveryException(
                "unsupported_event", "chat does not post " + type + " events"));
        JsonNode d = event.path("data");
        IncidentSnapshot incident = new IncidentSnapshot(d.path("id").asText(), d.path("number").asLong(),
                d.path("title").asText(), d.path("title").asText(), d.at("/service/id").asText(),
                d.at("/service/summary").asText(),
                IncidentSnapshot.Urgency.valueOf(d.path("urgency").asText("high").toUpperCase(Locale.ROOT)),
                IncidentSnapshot.Status.valueOf(d.path("status").asText().toUpperCase(Locale.ROOT)),
                Optional.empty(), Instant.parse(d.path("created_at").asText()));
        IdempotencyKey key = new IdempotencyKey(incident.id(), -1, event.path("id").asText(), endpoint.id());
        return new Notification(key, endpoint.target(), what, incident,
                Links.incidentOnly(URI.create(d.path("html_url").asText())),
                Instant.parse(event.path("occurred_at").asText()), supersedes);
    }
}
