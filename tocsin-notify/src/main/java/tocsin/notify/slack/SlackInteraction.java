package tocsin.notify.slack;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import tocsin.notify.http.FormBody;
import tocsin.notify.template.SlackBlocks;

import java.util.Optional;

/**
 * A click on a Tocsin button, from Slack's {@code block_actions} interaction payload (a form body with one field,
 * {@code payload}, holding JSON). Parse only after {@link SlackSignature} said VALID. Immutable.
 *
 * @param action      acknowledge or resolve
 * @param incidentId  the button's value
 * @param slackUserId who clicked ({@code U...}), to map to a Tocsin user
 * @param slackTeamId the workspace
 * @param message     the message the button was on, to update in place
 * @param responseUrl where Slack accepts a reply for this interaction, if given
 */
public record SlackInteraction(Action action, String incidentId, String slackUserId, String slackTeamId,
                               Optional<SlackMessageRef> message, Optional<String> responseUrl) {

    /** The button clicked. */
    public enum Action {
        ACKNOWLEDGE, RESOLVE
    }

    /** Longest body accepted; real payloads are a few kilobytes. */
    public static final int MAX_BODY = 64 * 1024;

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * Parses the raw form body of an interaction request.
     *
     * @throws IllegalArgumentException naming what is wrong, for a 400 answer
     */
    public static SlackInteraction parse(String formBody) {
        if (formBody == null || formBody.length() > MAX_BODY) {
            throw new IllegalArgumentException("body: missing or larger than " + MAX_BODY + " bytes");
        }
        String payload = FormBody.first(FormBody.parse(formBody), "payload");
        if (payload == null) {
            throw new IllegalArgumentException("payload: missing form field");
        }
        JsonNode p;
        try {
            p = JSON.readTree(payload);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("payload: not JSON (" + e.getOriginalMessage() + ")");
        }
        if (p == null || !p.isObject() || !"block_actions".equals(p.path("type").asText())) {
            throw new IllegalArgumentException("payload.type: expected block_actions");
        }
        JsonNode clicked = p.path("actions").path(0);
        Action action = switch (clicked.path("action_id").asText("")) {
            case SlackBlocks.ACKNOWLEDGE_ACTION -> Action.ACKNOWLEDGE;
            case SlackBlocks.RESOLVE_ACTION -> Action.RESOLVE;
            default -> throw new IllegalArgumentException("payload.actions[0].action_id: not a Tocsin action: "
                    + truncate(clicked.path("action_id").asText("(none)")));
        };
        String incident = text(clicked, "value", "payload.actions[0].value");
        String user = text(p.path("user"), "id", "payload.user.id");
        String team = p.path("team").path("id").asText("");
        Optional<SlackMessageRef> message = Optional.empty();
        String channel = p.path("channel").path("id").asText("");
        String ts = p.path("container").path("message_ts").asText(p.path("message").path("ts").asText(""));
        if (!channel.isEmpty() && !ts.isEmpty()) {
            message = SlackMessageRef.parse(channel + "/" + ts);
        }
        Optional<String> responseUrl = Optional.of(p.path("response_url").asText("")).filter(s -> !s.isEmpty());
        return new SlackInteraction(action, incident, user, team, message, responseUrl);
    }

    private static String text(JsonNode node, String field, String path) {
        String v = node.path(field).asText("");
        if (v.isEmpty() || v.length() > 64) {
            throw new IllegalArgumentException(path + ": missing or longer than 64 characters");
        }
        return v;
    }

    private static String truncate(String s) {
        return s.length() > 64 ? s.substring(0, 64) + "…" : s;
    }
}
