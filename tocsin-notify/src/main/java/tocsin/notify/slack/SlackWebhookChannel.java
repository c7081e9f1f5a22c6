package tocsin.notify.slack;

import tocsin.notify.Channel;
import tocsin.notify.Delivery;
import tocsin.notify.DeliveryException;
import tocsin.notify.Notification;
import tocsin.notify.Target;
import tocsin.notify.http.HttpExchange;
import tocsin.notify.http.WebhookUrls;
import tocsin.notify.template.SlackBlocks;

import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Map;

/**
 * Slack incoming webhooks: the same Block Kit message POSTed as JSON to the webhook URL (the target address). Slack
 * answers {@code 200 ok}, or a status with a plain-text error ({@code invalid_payload}, {@code no_service},
 * {@code channel_not_found}, {@code channel_is_archived}, ...). A webhook cannot update its messages, and returns no
 * message id, so the provider message id is the notification's idempotency digest. Thread-safe.
 */
public final class SlackWebhookChannel implements Channel {

    private final HttpExchange http;

    public SlackWebhookChannel(Duration timeout, InstantSource clock) {
        this.http = HttpExchange.create(timeout, clock);
    }

    @Override
    public Target.Kind kind() {
        return Target.Kind.SLACK_WEBHOOK;
    }

    @Override
    public Delivery send(Notification n) throws DeliveryException {
        requireOwnKind(n);
        URI url = WebhookUrls.require(n.target().address());
        HttpResponse<String> response = http.postJson(url, HttpExchange.json(SlackBlocks.message(n)), Map.of(),
                "the Slack webhook refused the message");
        return new Delivery(n.key().digest(), "slack webhook " + response.statusCode());
    }
}
