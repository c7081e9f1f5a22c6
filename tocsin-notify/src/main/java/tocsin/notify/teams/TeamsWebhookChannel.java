package tocsin.notify.teams;

import tocsin.notify.Channel;
import tocsin.notify.Delivery;
import tocsin.notify.DeliveryException;
import tocsin.notify.Notification;
import tocsin.notify.Target;
import tocsin.notify.http.HttpExchange;
import tocsin.notify.http.WebhookUrls;
import com.fasterxml.jackson.databind.node.ObjectNode;
import tocsin.notify.template.TeamsCard;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Map;

/**
 * Teams notifications: the {@link TeamsCard} message POSTed to the channel's webhook URL (the target address), a
 * Power Automate Workflows "When a Teams webhook request is received" trigger or a legacy incoming webhook. Workflows
 * answers 202 Accepted, legacy webhooks 200 with body {@code 1}; both count as delivered. Neither returns a message
 * id, so the provider message id is the notification's idempotency digest. Thread-safe.
 */
public final class TeamsWebhookChannel implements Channel {

    private final HttpExchange http;

    public TeamsWebhookChannel(Duration timeout, InstantSource clock) {
        this.http = HttpExchange.create(timeout, clock);
    }

    @Override
    public Target.Kind kind() {
        return Target.Kind.TEAMS;
    }

    @Override
    public Delivery send(Notification n) throws DeliveryException {
        requireOwnKind(n);
        HttpResponse<String> response = http.postJson(WebhookUrls.require(n.target().address()),
                HttpExchange.json(TeamsCard.message(n)), Map.of(), "the Teams webhook refused the card");
        return new Delivery(n.key().digest(), "teams " + response.statusCode());
    }

    /**
     * POSTs a message that belongs to no incident (a monitor's {@code @teams-<channel>}) to a channel's webhook URL.
     *
     * @param id the message's idempotency id, recorded as the provider message id (Teams returns none)
     */
    public Delivery post(String url, ObjectNode message, String id) throws DeliveryException {
        HttpResponse<String> response = http.postJson(WebhookUrls.require(url), HttpExchange.json(message), Map.of(),
                "the Teams webhook refused the card");
        return new Delivery(id, "teams " + response.statusCode());
    }
}
