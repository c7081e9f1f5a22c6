package tocsin.notify.webhook;

import tocsin.notify.Delivery;
import tocsin.notify.DeliveryException;
import tocsin.notify.Target;
import tocsin.notify.http.HttpExchange;
import tocsin.notify.http.WebhookUrls;

import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Map;
import java.util.Objects;

/**
 * What both webhook flavours share: the exchange, the public URL their payloads link to, the clock that stamps
 * signatures, and one event POSTed to a target's URL, delivered under the event id. Thread-safe.
 */
final class WebhookSender {

    final URI api;
    final InstantSource clock;
    private final HttpExchange http;

    WebhookSender(URI api, Duration timeout, InstantSource clock) {
        this.api = Objects.requireNonNull(api, "api");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.http = HttpExchange.create(timeout, clock);
    }

    Delivery post(Target target, String eventId, String json, Map<String, String> headers)
            throws DeliveryException {
        HttpResponse<String> response = http.postJson(WebhookUrls.require(target.address()), json, headers,
                "the webhook receiver refused the event");
        return new Delivery(eventId, "webhook " + response.statusCode());
    }
}
