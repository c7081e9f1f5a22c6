package tocsin.notify.webhook;

import com.fasterxml.jackson.databind.node.ObjectNode;
import tocsin.notify.Channel;
import tocsin.notify.Delivery;
import tocsin.notify.DeliveryException;
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
        ObjectNode event = envelope(id, n.event().eventType(), "incident", n.occurredAt());
        event.set("data", IncidentJson.pagerDuty(n, sender.api));
        return post(n.target(), n.key().contactMethodId(), id, event);
    }

    /** Sends PagerDuty's test event, {@code pagey.ping}, to a subscription. */
    public Delivery ping(Target target, String subscriptionId) throws DeliveryException {
        String id = UUID.randomUUID().toString();
        ObjectNode event = envelope(id, "pagey.ping", "pagey", sender.clock.instant());
        event.putObject("data").put("message", "Hello from your friend Pagey!").put("type", "ping");
        return post(target, subscriptionId, id, event);
    }

    private static ObjectNode envelope(String id, String type, String resourceType, Instant occurredAt) {
        ObjectNode event = IncidentJson.JSON.objectNode();
        event.put("id", id).put("event_type", type).put("resource_type", resourceType)
                .put("occurred_at", IncidentJson.timestamp(occurredAt));
        event.putNull("agent");
        event.putNull("client");
        return event;
    }

    private Delivery post(Target target, String subscriptionId, String id, ObjectNode event)
            throws DeliveryException {
        String secret = target.signingSecret().orElseThrow(() -> new PermanentDeliveryException("no_secret",
                "a PagerDuty webhook subscription needs a signing secret"));
        ObjectNode body = IncidentJson.JSON.objectNode();
        body.set("event", event);
        String json = HttpExchange.json(body);
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("User-Agent", USER_AGENT);
        headers.put(SIGNATURE_HEADER, "v1=" + WebhookSignature.hex(secret, json.getBytes(StandardCharsets.UTF_8)));
        headers.put("X-Webhook-Id", id);
        headers.put("X-Webhook-Subscription", subscriptionId);
        return sender.post(target, id, json, headers);
    }
}
