package tocsin.notify.template;

import tocsin.notify.IncidentSnapshot;
import tocsin.notify.Notification;

import java.net.URI;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The e-mail of a notification: a one-line subject, a plain-text part and an HTML part that say the same. The HTML
 * is a single table with inline styles (what mail clients render reliably), every user-provided string escaped.
 * The acknowledge and resolve buttons lead to Tocsin's confirmation page, never straight to the action, so a link
 * scanner that fetches them changes nothing. Stateless.
 */
public final class EmailTemplate {

    static final int MAX_SUBJECT = 200;

    /** One rendered mail. */
    public record Email(String subject, String text, String html) {
    }

    private EmailTemplate() {
    }

    public static Email render(Notification n) {
        return new Email(subject(n), text(n), html(n));
    }

    /** {@code [Tocsin] Triggered: #42 Error rate above 5% (checkout)}. */
    public static String subject(Notification n) {
        IncidentSnapshot i = n.incident();
        String s = "[Tocsin] " + Wording.eventLabel(n.event()) + ": #" + i.number() + " "
                + Wording.oneLine(i.title()) + " (" + Wording.oneLine(i.serviceName()) + ")";
        return Wording.truncate(s, MAX_SUBJECT);
    }

    private static List<Map.Entry<String, String>> facts(Notification n) {
        IncidentSnapshot i = n.incident();
        List<Map.Entry<String, String>> facts = new ArrayList<>();
        facts.add(Map.entry("Service", i.serviceName()));
        facts.add(Map.entry("Urgency", Wording.urgencyLabel(i.urgency())));
        facts.add(Map.entry("Status", Wording.statusLabel(i.status())));
        i.triggeringValue().ifPresent(v -> facts.add(Map.entry("Value", v)));
        facts.add(Map.entry("Opened", DateTimeFormatter.ISO_INSTANT.format(i.createdAt())));
        return facts;
    }

    private static List<Map.Entry<String, URI>> actions(Notification n) {
        List<Map.Entry<String, URI>> actions = new ArrayList<>();
        actions.add(Map.entry("Open incident", n.links().incident()));
        if (n.incident().status() == IncidentSnapshot.Status.TRIGGERED) {
            n.links().acknowledge().ifPresent(u -> actions.add(Map.entry("Acknowledge", u)));
        }
        if (n.incident().status() != IncidentSnapshot.Status.RESOLVED) {
            n.links().resolve().ifPresent(u -> actions.add(Map.entry("Resolve", u)));
        }
        return actions;
    }

    static String text(Notification n) {
        IncidentSnapshot i = n.incident();
        StringBuilder sb = new StringBuilder();
        sb.append(Wording.eventLabel(n.event())).append(": #").append(i.number()).append(' ')
                .append(Wording.oneLine(i.title())).append("\n\n");
        for (var f : facts(n)) {
            sb.append(String.format("%-9s %s%n", f.getKey() + ":", Wording.oneLine(f.getValue())));
        }
        if (!i.summary().isBlank()) {
            sb.append('\n').append(i.summary().strip()).append('\n');
        }
        sb.append('\n');
        for (var a : actions(n)) {
            sb.append(String.format("%-14s %s%n", a.getKey() + ":", a.getValue()));
        }
        sb.append("\n-- \nSent by Tocsin. Acknowledge and resolve links ask for confirmation before acting.\n");
        return sb.toString();
    }

    static String html(Notification n) {
        IncidentSnapshot i = n.incident();
        String color = switch (i.status()) {
            case TRIGGERED -> "#d93025";
            case ACKNOWLEDGED -> "#f29900";
            case RESOLVED -> "#188038";
        };
        StringBuilder sb = new StringBuilder(2048);
        sb.append("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>")
                .append(Html.escape(subject(n))).append("</title></head>\n")
                .append("<body style=\"margin:0;padding:16px;font-family:Arial,Helvetica,sans-serif;color:#202124\">\n")
                .append("<table role=\"presentation\" cellpadding=\"0\" cellspacing=\"0\" style=\"max-width:600px;")
                .append("border-top:4px solid ").append(color).append("\">\n")
                .append("<tr><td style=\"padding:12px 0;font-size:13px;color:").append(color)
                .append(";font-weight:bold;text-transform:uppercase\">")
                .append(Html.escape(Wording.eventLabel(n.event()))).append("</td></tr>\n")
                .append("<tr><td style=\"font-size:20px;font-weight:bold;padding-bottom:12px\"><a href=\"")
                .append(Html.escape(n.links().incident().toString())).append("\" style=\"color:#202124\">#")
                .append(i.number()).append(' ').append(Html.escape(Wording.oneLine(i.title())))
                .append("</a></td></tr>\n<tr><td><table role=\"presentation\" cellpadding=\"4\" cellspacing=\"0\">\n");
        for (var f : facts(n)) {
            sb.append("<tr><td style=\"color:#5f6368\">").append(Html.escape(f.getKey()))
                    .append("</td><td>").append(Html.escape(Wording.oneLine(f.getValue()))).append("</td></tr>\n");
        }
        sb.append("</table></td></tr>\n");
        if (!i.summary().isBlank()) {
            sb.append("<tr><td style=\"padding:12px 0;white-space:pre-wrap\">")
                    .append(Html.escape(i.summary().strip())).append("</td></tr>\n");
        }
        sb.append("<tr><td style=\"padding:12px 0\">");
        for (var a : actions(n)) {
            boolean primary = !"Open incident".equals(a.getKey());
            sb.append("<a href=\"").append(Html.escape(a.getValue().toString()))
                    .append("\" style=\"display:inline-block;margin-right:8px;padding:8px 16px;border-radius:4px;")
                    .append("text-decoration:none;")
                    .append(primary ? "background:" + color + ";color:#ffffff" : "border:1px solid #dadce0;color:#1a73e8")
                    .append("\">").append(Html.escape(a.getKey())).append("</a>");
        }
        sb.append("</td></tr>\n<tr><td style=\"font-size:12px;color:#5f6368;padding-top:12px\">Sent by Tocsin. ")
                .append("Acknowledge and resolve links ask for confirmation before acting.</td></tr>\n")
                .append("</table>\n</body></html>\n");
        return sb.toString();
    }
}
