package tocsin.notify.template;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import tocsin.notify.IncidentSnapshot;
import tocsin.notify.Notification;

/**
 * A Slack message for a notification: a fallback {@code text} (what notifications and screen readers show) and
 * Block Kit {@code blocks} with the incident, its facts and Acknowledge / Resolve buttons. The buttons are
 * interactive (Slack posts them to the app's request URL, where the signature is verified); their {@code value} is
 * the incident id and their {@code action_id}s are {@link #ACKNOWLEDGE_ACTION} and {@link #RESOLVE_ACTION}. Buttons
 * disappear as the incident moves on, so {@code chat.update} with a later notification leaves no stale button.
 * User text is escaped for mrkdwn ({@code & < >}) and cut to Block Kit's limits. Stateless.
 */
public final class SlackBlocks {

    public static final String ACKNOWLEDGE_ACTION = "tocsin_acknowledge";
    public static final String RESOLVE_ACTION = "tocsin_resolve";
    public static final String ACTIONS_BLOCK = "tocsin_incident_actions";

    /** Block Kit limits: section text 3000, a field 2000, header text 150, button text 75. */
    static final int MAX_SECTION = 3000;
    static final int MAX_FIELD = 2000;
    static final int MAX_HEADER = 150;
    static final int MAX_TEXT = 4000;

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private SlackBlocks() {
    }

    /** {@code {"text": ..., "blocks": [...]}}; the caller adds {@code channel} (and {@code ts} for updates). */
    public static ObjectNode message(Notification n) {
        IncidentSnapshot i = n.incident();
        ObjectNode msg = JSON.objectNode();
        msg.put("text", Wording.truncate(fallback(n), MAX_TEXT));
        ArrayNode blocks = msg.putArray("blocks");

        ObjectNode header = blocks.addObject().put("type", "header");
        plain(header.putObject("text"), Wording.truncate(emoji(i.status()) + " " + Wording.eventLabel(n.event())
                + ": #" + i.number() + " " + Wording.oneLine(i.title()), MAX_HEADER));

        StringBuilder body = new StringBuilder("*<").append(n.links().incident()).append("|#").append(i.number())
                .append(' ').append(escape(Wording.oneLine(i.title()))).append(">*");
        if (!i.summary().isBlank()) {
            body.append('\n').append(escape(i.summary().strip()));
        }
        ObjectNode section = blocks.addObject().put("type", "section");
        mrkdwn(section.putObject("text"), Wording.truncate(body.toString(), MAX_SECTION));
        ArrayNode fields = section.putArray("fields");
        field(fields, "Service", i.serviceName());
        field(fields, "Urgency", Wording.urgencyLabel(i.urgency()));
        field(fields, "Status", Wording.statusLabel(i.status()));
        i.triggeringValue().ifPresent(v -> field(fields, "Value", v));

        if (i.status() != IncidentSnapshot.Status.RESOLVED) {
            ObjectNode actions = blocks.addObject().put("type", "actions").put("block_id", ACTIONS_BLOCK);
            ArrayNode elements = actions.putArray("elements");
            if (i.status() == IncidentSnapshot.Status.TRIGGERED) {
                button(elements, ACKNOWLEDGE_ACTION, "Acknowledge", "primary", i.id());
            }
            button(elements, RESOLVE_ACTION, "Resolve", "danger", i.id());
        }
        return msg;
    }

    /** The one-line fallback: {@code Triggered: #42 Error rate above 5% (checkout, high urgency)}. */
    static String fallback(Notification n) {
        IncidentSnapshot i = n.incident();
        return Wording.eventLabel(n.event()) + ": #" + i.number() + " " + escape(Wording.oneLine(i.title())) + " ("
                + escape(Wording.oneLine(i.serviceName())) + ", " + i.urgency().wireName() + " urgency)";
    }

    private static String emoji(IncidentSnapshot.Status status) {
        return switch (status) {
            case TRIGGERED -> ":red_circle:";
            case ACKNOWLEDGED -> ":large_orange_circle:";
            case RESOLVED -> ":large_green_circle:";
        };
    }

    private static void field(ArrayNode fields, String name, String value) {
        mrkdwn(fields.addObject(), Wording.truncate("*" + name + "*\n" + escape(Wording.oneLine(value)), MAX_FIELD));
    }

    private static void button(ArrayNode elements, String actionId, String label, String style, String value) {
        ObjectNode b = elements.addObject().put("type", "button").put("action_id", actionId);
        plain(b.putObject("text"), label);
        b.put("style", style).put("value", value);
    }

    private static void plain(ObjectNode text, String value) {
        text.put("type", "plain_text").put("text", value).put("emoji", true);
    }

    private static void mrkdwn(ObjectNode text, String value) {
        text.put("type", "mrkdwn").put("text", value);
    }

    /** Slack's escaping for message text: {@code & < >} only (mrkdwn control characters). */
    public static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
