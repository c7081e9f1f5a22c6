package tocsin.notify.template;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import tocsin.notify.direct.DirectMessage;

import java.net.URI;

/**
 * Slack and Teams renderings of a {@link DirectMessage} (a monitor notification sent to a channel): the title, the
 * message as its author wrote it (Markdown stays Markdown, as in Datadog's integrations), and a link to the page about
 * it. Monitor messages are written by the people who own the channel, so unlike incident titles they are not
 * escaped beyond what keeps the payload well-formed. Stateless.
 */
public final class DirectTemplates {
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private DirectTemplates() {
    }

    /** {@code {"text": title, "blocks": [header, message, context with the link]}}; the caller adds the channel. */
    public static ObjectNode slack(DirectMessage m, URI link) {
        ObjectNode msg = JSON.objectNode();
        msg.put("text", Wording.truncate(m.title(), SlackBlocks.MAX_TEXT));
        ArrayNode blocks = msg.putArray("blocks");
        blocks.addObject().put("type", "header").putObject("text").put("type", "plain_text")
                .put("text", Wording.truncate(Wording.oneLine(m.title()), SlackBlocks.MAX_HEADER));
        if (!m.text().isBlank()) {
            blocks.addObject().put("type", "section").putObject("text").put("type", "mrkdwn")
                    .put("text", Wording.truncate(m.text().strip(), SlackBlocks.MAX_SECTION));
        }
        blocks.addObject().put("type", "context").putArray("elements").addObject().put("type", "mrkdwn")
                .put("text", "<" + link + "|Open in Tocsin>");
        return msg;
    }

    /** A Teams {@code message} with one Adaptive Card 1.4: a coloured status line, the title, the text, a link. */
    public static ObjectNode teams(DirectMessage m, URI link) {
        ObjectNode msg = JSON.objectNode().put("type", "message");
        ObjectNode attachment = msg.putArray("attachments").addObject();
        attachment.put("contentType", TeamsCard.CARD_CONTENT_TYPE);
        attachment.putNull("contentUrl");
        ObjectNode card = attachment.putObject("content");
        card.put("$schema", "http://adaptivecards.io/schemas/adaptive-card.json")
                .put("type", "AdaptiveCard").put("version", "1.4");
        ArrayNode body = card.putArray("body");
        String type = m.variables().getOrDefault("ALERT_TYPE", "info");
        body.addObject().put("type", "TextBlock").put("text", m.variables().getOrDefault("ALERT_TRANSITION", "")
                .toUpperCase(java.util.Locale.ROOT)).put("weight", "Bolder").put("size", "Small")
                .put("color", switch (type) {
                    case "error" -> "Attention";
                    case "warning" -> "Warning";
                    case "success" -> "Good";
                    default -> "Default";
                });
        body.addObject().put("type", "TextBlock").put("text", Wording.truncate(Wording.oneLine(m.title()),
                TeamsCard.MAX_TEXT)).put("weight", "Bolder").put("size", "Large").put("wrap", true);
        if (!m.text().isBlank()) {
            body.addObject().put("type", "TextBlock").put("text", Wording.truncate(m.text().strip(),
                    TeamsCard.MAX_TEXT)).put("wrap", true);
        }
        card.putArray("actions").addObject().put("type", "Action.OpenUrl").put("title", "Open in Tocsin")
                .put("url", link.toString());
        return msg;
    }

    /** The plain-text e-mail body: the message, then the link. */
    public static String email(DirectMessage m, URI link) {
        return (m.text().isBlank() ? m.title() : m.text().strip()) + "\n\n" + link + "\n";
    }
}
