package tocsin.notify.webhook;

import com.fasterxml.jackson.databind.node.ObjectNode;
import tocsin.notify.Channel;
import tocsin.notify.Delivery;
import tocsin.notify.DeliveryException;
import tocsin.notify.IncidentSnapshot;
import tocsin.notify.Notification;
import tocsin.notify.Target;
import tocsin.notify.http.HttpExchange;
import tocsin.notify.http.WebhookUrls;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Tocsin's own webhooks: one JSON event per POST,
 * <pre>{"id": "...", "type": "incident.triggered", "occurred_at": "...", "incident": {PagerDuty's incident fields,
 *  plus "summary" and "triggering_value"}}</pre>
 * with {@code X-Tocsin-Event} (the type), {@code X-Tocsin-Delivery} (the event id, the same for every retry of one
 * notification: receivers dedupe on it) and, when the target has a secret, {@code X-Tocsin-Signature}
 * ({@link WebhookSignature}). Any 2xx is success; 408, 429 and 5xx are retried, other statuses are permanent.
 * Thread-safe.
 */
public final class GenericWebhookChannel implements Channel {

    public static final String USER_AGENT = "Tocsin-Webhook/1";

    private final WebhookSender sender;

    /** @param api Tocsin's public URL, the base of REST links in payloads */
    public GenericWebhookChannel(URI api, Duration timeout, InstantSource clock) {
        this.sender = new WebhookSender(api, timeout, clock);
    }

    @Override
    public Target.Kind kind() {
        return Target.Kind.WEBHOOK;
    }

    @Override
    public Delivery send(Notification n) throws DeliveryException {
        requireOwnKind(n);
        WebhookUrls.require(n.target().address());
        String id = n.key().uuid().toString();
        ObjectNode body = IncidentJson.JSON.objectNode();
        body.put("id", id).put("type", n.event().eventType())
                .put("occurred_at", IncidentJson.timestamp(n.occurredAt()));
        IncidentSnapshot i = n.incident();
        ObjectNode incident = IncidentJson.pagerDuty(n, sender.api);
        incident.put("summary", i.summary());
        i.triggeringValue().ifPresentOrElse(v -> incident.put("triggering_value", v),
                () -> incident.putNull("triggering_value"));
        body.set("incident", incident);
        String json = HttpExchange.json(body);

        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("User-Agent", USER_AGENT);
        headers.put("X-Tocsin-Event", n.event().eventType());
        headers.put("X-Tocsin-Delivery", id);
        n.target().signingSecret().ifPresent(secret -> headers.put(WebhookSignature.HEADER,
                WebhookSignature.header(secret, sender.clock.instant(), json.getBytes(StandardCharsets.UTF_8))));
        return sender.post(n.target(), id, json, headers);
    }
}
