package tocsin.notify.template;

import tocsin.notify.Notification;

/**
 * The SMS text of a notification, within one segment where possible: 160 GSM-7 septets, or 70 UCS-2 units when the
 * text needs characters GSM-7 lacks. Only the incident title is ever shortened; the prefix (incident number,
 * urgency or event, service), the triggering value, the incident link and the reply codes always survive. When they
 * leave no room for {@value #MIN_TITLE} title characters (a long public URL; UCS-2 text, where one segment holds
 * only 70), the message grows to the fewest segments that do, at most {@value #MAX_SEGMENTS}. Stateless.
 *
 * <p>Shape: {@code Tocsin #42 HIGH checkout: Error rate above 5% (value 5.2 %) https://t.example/incidents/PX
 * Reply 4 42 to ack, 6 42 to resolve}. Reply codes follow PagerDuty's (4 acknowledge, 6 resolve) with the incident
 * number, so a reply is unambiguous when several incidents are open.
 */
public final class SmsTemplate {

    /** Title characters kept before a message may grow to a second segment. */
    static final int MIN_TITLE = 20;
    static final int MAX_SERVICE = 40;
    static final int MAX_VALUE = 24;
    /** The most segments a message may take to keep {@link #MIN_TITLE} title characters: UCS-2 needs three. */
    static final int MAX_SEGMENTS = 3;

    /** One rendered SMS. */
    public record Sms(String text, boolean unicode, int segments) {
    }

    private SmsTemplate() {
    }

    public static Sms render(Notification n) {
        var incident = n.incident();
        String head = "Tocsin #" + incident.number() + " "
                + (n.event().isPage() ? incident.urgency().name() : Wording.eventLabel(n.event()).toUpperCase(
                java.util.Locale.ROOT)) + " "
                + Wording.truncate(Gsm7.normalize(Wording.oneLine(incident.serviceName())), MAX_SERVICE) + ": ";
        String title = Gsm7.normalize(Wording.oneLine(incident.title()));
        String value = incident.triggeringValue()
                .map(v -> " (value " + Wording.truncate(Gsm7.normalize(Wording.oneLine(v)), MAX_VALUE) + ")")
                .orElse("");
        String tail = " " + n.links().incident() + replyCodes(n);
        boolean unicode = !Gsm7.encodable(head + title + value + tail);

        int fixed = measure(head + value + tail, unicode);
        int wantedTitle = Math.min(measure(title, unicode), MIN_TITLE);
        int limit = capacity(MAX_SEGMENTS, unicode);
        for (int segments = 1; segments < MAX_SEGMENTS; segments++) {
            if (fixed + wantedTitle <= capacity(segments, unicode)) {
                limit = capacity(segments, unicode);
                break;
            }
        }
        int titleBudget = Math.max(limit - fixed, wantedTitle);
        String text = head + cut(title, titleBudget, unicode) + value + tail;
        return new Sms(text, unicode, segments(measure(text, unicode), unicode));
    }

    private static String replyCodes(Notification n) {
        long number = n.incident().number();
        return switch (n.incident().status()) {
            case TRIGGERED -> " Reply 4 " + number + " to ack, 6 " + number + " to resolve";
            case ACKNOWLEDGED -> " Reply 6 " + number + " to resolve";
            case RESOLVED -> "";
        };
    }

    /** GSM-7 septets, or UTF-16 units for UCS-2. */
    static int measure(String text, boolean unicode) {
        return unicode ? text.length() : Gsm7.septets(text);
    }

    /** {@code text} cut to at most {@code budget} units, with an ellipsis when cut; never splits a code point. */
    static String cut(String text, int budget, boolean unicode) {
        if (measure(text, unicode) <= budget) {
            return text;
        }
        String ellipsis = unicode ? "…" : "...";
        int room = budget - measure(ellipsis, unicode);
        if (room <= 0) {
            return "";
        }
        int used = 0;
        int i = 0;
        while (i < text.length()) {
            int cp = text.codePointAt(i);
            int width = unicode ? Character.charCount(cp) : Gsm7.septets(text.substring(i, i + Character.charCount(cp)));
            if (used + width > room) {
                break;
            }
            used += width;
            i += Character.charCount(cp);
        }
        return text.substring(0, i).stripTrailing() + ellipsis;
    }

    /** How many units {@code segments} concatenated segments carry. */
    static int capacity(int segments, boolean unicode) {
        if (segments == 1) {
            return unicode ? Gsm7.SINGLE_UCS2 : Gsm7.SINGLE_GSM;
        }
        return segments * (unicode ? Gsm7.MULTI_UCS2 : Gsm7.MULTI_GSM);
    }

    static int segments(int length, boolean unicode) {
        int single = unicode ? Gsm7.SINGLE_UCS2 : Gsm7.SINGLE_GSM;
        int multi = unicode ? Gsm7.MULTI_UCS2 : Gsm7.MULTI_GSM;
        return length <= single ? 1 : (length + multi - 1) / multi;
    }
}
