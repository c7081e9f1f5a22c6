package tocsin.notify.webhook;

import com.fasterxml.jackson.databind.node.ObjectNode;
import tocsin.notify.Channel;
import tocsin.notify.Delivery;
import tocsin.notify.DeliveryException;
import tocsin.notify.IncidentSnapshot;
import tocsin.notify.Notification;
import tocsin.notify.PermanentDeliveryException;
import tocsin.notify.Target;
import tocsin.notify.http.HttpExchange;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * PagerDuty v3 webhook deliveries: one event per POST, {@code {"event": {"id", "event_type", "resource_type",
 * "occurred_at", "agent", "client", "data"}}} with PagerDuty's incident representation as {@code data}, signed as
 * PagerDuty signs ({@code X-PagerDuty-Signature: v1=} and the hex HMAC-SHA256 of the raw body under the
 * subscription's secret), with {@code X-Webhook-Id} (the event id, the same for every retry, so receivers dedupe on
 * it) and {@code X-Webhook-Subscription}. The target address is the subscription's URL, its secret the target's
 * signing secret; the subscription id is the key's contact method id. {@link #ping} sends PagerDuty's
 * {@code pagey.ping} test event. Thread-safe.
 */
public final class PagerDutyWebhookChannel implements Channel {

    public static final String SIGNATURE_HEADER = "X-PagerDuty-Signature";
    public static final String USER_AGENT = "PagerDuty-Webhook/V3.0";

    private final WebhookSender sender;

    /**
     * @param api   Tocsin's public URL, the base of the REST {@code self} links in payloads
     * @param clock stamps {@code occurred_at} of pings
     */
    public PagerDutyWebhookChannel(URI api, Duration timeout, InstantSource clock) {
        this.sender = new WebhookSender(api, timeout, clock);
    }

    @Override
    public Target.Kind kind() {
        return Target.Kind.PAGERDUTY_WEBHOOK;
    }

    @Override
    public Delivery send(Notification n) throws DeliveryException {
        requireOwnKind(n);
        String id = n.key().uuid().toString();
        ObjectNode event = incidentEvent(sender.api, id, n.event().eventType(), n.occurredAt(), n.incident(),
                n.links().incident(), null);
        return post(n.target(), n.key().contactMethodId(), id, event, Map.of());
    }

    /**
     * A v3 incident event of any of PagerDuty's incident event types ({@code incident.annotated},
     * {@code incident.delegated}, ...), as webhook subscriptions record it before delivering it with
     * {@link #deliver}.
     *
     * @param api     Tocsin's public URL, the base of the REST {@code self} links
     * @param htmlUrl the incident's page
     * @param agent   who caused the event, as a PagerDuty reference ({@code user_reference},
     *                {@code service_reference}), or null when Tocsin itself acted
     */
    public static ObjectNode incidentEvent(URI api, String id, String eventType, Instant occurredAt,
                                           IncidentSnapshot incident, URI htmlUrl, ObjectNode agent) {
        ObjectNode event = envelope(id, eventType, "incident", occurredAt);
        if (agent != null) {
            event.set("agent", agent);
        }
        event.set("data", IncidentJson.pagerDuty(incident, htmlUrl, api));
        return event;
    }

    /**
     * Delivers an event built by {@link #incidentEvent} to a subscription: wrapped, signed and identified as
     * {@link #send} does, with the subscription's custom headers added. A custom header never replaces one of
     * PagerDuty's own ({@link #RESERVED_HEADERS}).
     */
    public Delivery deliver(Target target, String subscriptionId, ObjectNode event, Map<String, String> customHeaders)
            throws DeliveryException {
        requireOwnKind(target);
        return post(target, subscriptionId, event.path("id").asText(), event, customHeaders);
    }

    /** Headers the channel sets itself (lower case); subscriptions cannot add them. */
    public static final java.util.Set<String> RESERVED_HEADERS = java.util.Set.of("user-agent", "content-type",
            "content-length", "host", "connection", "expect", "upgrade", "transfer-encoding",
            SIGNATURE_HEADER.toLowerCase(java.util.Locale.ROOT), "x-webhook-id", "x-webhook-subscription");

    /** Sends PagerDuty's test event, {@code pagey.ping}, to a subscription. */
    public Delivery ping(Target target, String subscriptionId) throws DeliveryException {
        String id = UUID.randomUUID().toString();
        ObjectNode event = envelope(id, "pagey.ping", "pagey", sender.clock.instant());
        event.putObject("data").put("message", "Hello from your friend Pagey!").put("type", "ping");
        return post(target, subscriptionId, id, event, Map.of());
    }

    private static ObjectNode envelope(String id, String type, String resourceType, Instant occurredAt) {
        ObjectNode event = IncidentJson.JSON.objectNode();
        event.put("id", id).put("event_type", type).put("resource_type", resourceType)
                .put("occurred_at", IncidentJson.timestamp(occurredAt));
        event.putNull("agent");
        event.putNull("client");
        return event;
    }

    private Delivery post(Target target, String subscriptionId, String id, ObjectNode event,
                          Map<String, String> customHeaders) throws DeliveryException {
        String secret = target.signingSecret().orElseThrow(() -> new PermanentDeliveryException("no_secret",
                "a PagerDuty webhook subscription needs a signing secret"));
        ObjectNode body = IncidentJson.JSON.objectNode();
        body.set("event", event);
        String json = HttpExchange.json(body);
        Map<String, String> headers = new LinkedHashMap<>();
        customHeaders.forEach((name, value) -> {
            if (!RESERVED_HEADERS.contains(name.toLowerCase(java.util.Locale.ROOT))) {
                headers.put(name, value);
            }
        });
        headers.put("User-Agent", USER_AGENT);
        headers.put(SIGNATURE_HEADER, "v1=" + WebhookSignature.hex(secret, json.getBytes(StandardCharsets.UTF_8)));
        headers.put("X-Webhook-Id", id);
        headers.put("X-Webhook-Subscription", subscriptionId);
        return sender.post(target, id, json, headers);
    }
}
