package tocsin.notify.template;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import tocsin.notify.IncidentSnapshot;
import tocsin.notify.Notification;

import java.net.URI;

/**
 * A Microsoft Teams message for a notification, as the Workflows "post to a channel when a webhook request is
 * received" trigger (and the retired Office 365 connectors) accept it: a {@code message} whose single attachment is
 * an Adaptive Card 1.4 with the incident, a fact set and buttons that open the incident and the signed acknowledge
 * and resolve confirmation pages. Teams cards cannot call back without a bot registration, so the buttons are
 * {@code Action.OpenUrl}. User text is Markdown-escaped. Stateless.
 */
public final class TeamsCard {

    public static final String CARD_CONTENT_TYPE = "application/vnd.microsoft.card.adaptive";
    static final int MAX_TEXT = 2000;

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private TeamsCard() {
    }

    public static ObjectNode message(Notification n) {
        IncidentSnapshot i = n.incident();
        ObjectNode msg = JSON.objectNode().put("type", "message");
        ObjectNode attachment = msg.putArray("attachments").addObject();
        attachment.put("contentType", CARD_CONTENT_TYPE);
        attachment.putNull("contentUrl");
        ObjectNode card = attachment.putObject("content");
        card.put("$schema", "http://adaptivecards.io/schemas/adaptive-card.json")
                .put("type", "AdaptiveCard").put("version", "1.4");
        ArrayNode body = card.putArray("body");
        body.addObject().put("type", "TextBlock").put("text", Wording.eventLabel(n.event()).toUpperCase(
                java.util.Locale.ROOT)).put("weight", "Bolder").put("color", color(i.status())).put("size", "Small");
        body.addObject().put("type", "TextBlock").put("text", "#" + i.number() + " "
                + markdown(Wording.truncate(Wording.oneLine(i.title()), MAX_TEXT))).put("weight", "Bolder").put("size", "Large").put("wrap", true);
        if (!i.summary().isBlank()) {
            body.addObject().put("type", "TextBlock").put("text", markdown(Wording.truncate(i.summary().strip(), MAX_TEXT)))
                    .put("wrap", true);
        }
        ArrayNode facts = body.addObject().put("type", "FactSet").putArray("facts");
        fact(facts, "Service", i.serviceName());
        fact(facts, "Urgency", Wording.urgencyLabel(i.urgency()));
        fact(facts, "Status", Wording.statusLabel(i.status()));
        i.triggeringValue().ifPresent(v -> fact(facts, "Value", v));

        ArrayNode actions = card.putArray("actions");
        open(actions, "Open incident", n.links().incident());
        if (i.status() == IncidentSnapshot.Status.TRIGGERED) {
            n.links().acknowledge().ifPresent(u -> open(actions, "Acknowledge", u));
        }
        if (i.status() != IncidentSnapshot.Status.RESOLVED) {
            n.links().resolve().ifPresent(u -> open(actions, "Resolve", u));
        }
        return msg;
    }

    private static String color(IncidentSnapshot.Status status) {
        return switch (status) {
            case TRIGGERED -> "Attention";
            case ACKNOWLEDGED -> "Warning";
            case RESOLVED -> "Good";
        };
    }

    private static void fact(ArrayNode facts, String title, String value) {
        facts.addObject().put("title", title).put("value", markdown(Wording.truncate(Wording.oneLine(value), MAX_TEXT)));
    }

    /**
     * Backslash-escapes the characters that make emphasis, code and links in Adaptive Cards' Markdown subset, so a
     * title such as {@code [click](https://evil)} shows as typed instead of becoming a link. Escaping only these keeps
     * the text readable on the Teams clients whose escape handling is incomplete.
     */
    static String markdown(String text) {
        StringBuilder sb = new StringBuilder(text.length() + 8);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if ("\\*_[]~`".indexOf(c) >= 0) {
                sb.append('\\');
            }
            sb.append(c);
        }
        return sb.toString();
    }

    private static void open(ArrayNode actions, String title, URI url) {
        actions.addObject().put("type", "Action.OpenUrl").put("title", title).put("url", url.toString());
    }
}
