package tocsin.notify.slack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import tocsin.notify.Channel;
import tocsin.notify.Delivery;
import tocsin.notify.DeliveryException;
import tocsin.notify.Notification;
import tocsin.notify.PermanentDeliveryException;
import tocsin.notify.RetryableDeliveryException;
import tocsin.notify.Target;
import tocsin.notify.http.HttpExchange;
import tocsin.notify.template.SlackBlocks;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.InstantSource;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Slack messages through the Web API with a bot token: {@code chat.postMessage} for a new message, and
 * {@code chat.update} when the notification supersedes an earlier Slack message (the incident was acknowledged or
 * resolved anywhere), so the channel shows one message per incident whose buttons follow its state. If the earlier
 * message is gone, a new one is posted. The target address is a channel id ({@code C0123ABC}). The provider message
 * id is a {@link SlackMessageRef}. Slack answers HTTP 200 with {@code "ok": false} for most errors; those and HTTP
 * 429 (with {@code Retry-After}) are classified by {@link SlackErrors}. Thread-safe.
 */
public final class SlackWebApiChannel implements Channel {

    private static final Pattern CHANNEL = Pattern.compile("[A-Z0-9]{2,32}");
    /** Update failures after which a fresh message is the right answer. */
    private static final Set<String> GONE = Set.of("message_not_found", "cant_update_message", "edit_window_closed");

    private final SlackSettings settings;
    private final HttpExchange http;

    public SlackWebApiChannel(SlackSettings settings, InstantSource clock) {
        this.settings = settings;
        this.http = HttpExchange.create(settings.timeout(), clock);
    }

    @Override
    public Target.Kind kind() {
        return Target.Kind.SLACK;
    }

    @Override
    public Delivery send(Notification n) throws DeliveryException {
        requireOwnKind(n);
        String channel = n.target().address();
        if (!CHANNEL.matcher(channel).matches()) {
            throw new PermanentDeliveryException("invalid_channel", "not a Slack channel id (such as C0123ABC): "
                    + channel);
        }
        ObjectNode message = SlackBlocks.message(n);
        Optional<SlackMessageRef> earlier = n.supersedes().flatMap(SlackMessageRef::parse)
                .filter(ref -> ref.channel().equals(channel));
        if (earlier.isPresent()) {
            ObjectNode update = message.deepCopy();
            update.put("channel", channel).put("ts", earlier.get().ts());
            try {
                JsonNode answer = call("chat.update", update);
                return new Delivery(new SlackMessageRef(answer.path("channel").asText(channel),
                        answer.path("ts").asText(earlier.get().ts())).id(), "slack updated");
            } catch (PermanentDeliveryException e) {
                if (!GONE.contains(e.reason().substring("slack_".length()))) {
                    throw e;
                }
            }
        }
        return post(channel, message);
    }

    /**
     * Posts a message that belongs to no incident (a monitor's {@code @slack-<channel>}): {@code chat.postMessage}
     * to a channel id or {@code #name}, with link unfurling off.
     *
     * @param message the message fields ({@code text}, {@code blocks}); {@code channel} is set here
     */
    public Delivery post(String channel, ObjectNode message) throws DeliveryException {
        ObjectNode post = message.deepCopy();
        post.put("channel", channel).put("unfurl_links", false).put("unfurl_media", false);
        JsonNode answer = call("chat.postMessage", post);
        String ts = answer.path("ts").asText("");
        if (ts.isEmpty()) {
            throw new RetryableDeliveryException("slack_bad_response", "Slack chat.postMessage answered ok "
                    + "without a ts");
        }
        return new Delivery(new SlackMessageRef(answer.path("channel").asText(channel), ts).id(), "slack posted");
    }

    private JsonNode call(String method, ObjectNode body) throws DeliveryException {
        String json = HttpExchange.json(body);
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(settings.method(method))
                .header("Authorization", "Bearer " + settings.botToken())
                .header("Content-Type", "application/json; charset=utf-8")
                .POST(HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8)));
        JsonNode answer = HttpExchange.parseObject(response.body());
        if (response.statusCode() == 429) {
            throw SlackErrors.classify("ratelimited", method, http.retryAfter(response).orElse(null));
        }
        if (!HttpExchange.isSuccess(response.statusCode())) {
            throw http.classifyStatus(response, "http", "Slack " + method + " failed");
        }
        if (answer == null) {
            throw new RetryableDeliveryException("slack_bad_response", "Slack " + method + " answered "
                    + response.statusCode() + " without JSON" + HttpExchange.snippetSuffix(response.body()));
        }
        if (!answer.path("ok").asBoolean(false)) {
            throw SlackErrors.classify(answer.path("error").asText("unknown_error"), method,
                    http.retryAfter(response).orElse(null));
        }
        return answer;
    }
}
