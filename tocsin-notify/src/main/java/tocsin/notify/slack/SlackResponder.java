package tocsin.notify.slack;

import java.net.URI;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Map;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import tocsin.notify.DeliveryException;
import tocsin.notify.http.HttpExchange;

/**
 * Answers a Slack interaction through its {@code response_url}, as Slack documents it: a JSON POST that either
 * replaces the message the button was on ({@code "replace_original": true} with the new text and blocks) or shows a
 * message only to the person who clicked ({@code "response_type": "ephemeral"}). A {@code response_url} takes up to
 * five answers within 30 minutes; failures are returned, never thrown, since the click itself already succeeded.
 * Thread-safe.
 */
public final class SlackResponder {

    private final HttpExchange http;

    public SlackResponder(Duration timeout, InstantSource clock) {
        this.http = HttpExchange.create(timeout, clock);
    }

    /** Shows {@code text} to the person who clicked only. */
    public boolean ephemeral(URI responseUrl, String text) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("response_type", "ephemeral").put("replace_original", false).put("text", text);
        return post(responseUrl, body);
    }

    /** Replaces the message the button was on with {@code message} ({@code text} and {@code blocks}). */
    public boolean replace(URI responseUrl, ObjectNode message) {
        ObjectNode body = message.deepCopy();
        body.put("replace_original", true);
        return post(responseUrl, body);
    }

    private boolean post(URI responseUrl, ObjectNode body) {
        try {
            http.postJson(responseUrl, HttpExchange.json(body), Map.of(), "Slack response_url");
            return true;
        } catch (DeliveryException e) {
            return false;
        }
    }
}
