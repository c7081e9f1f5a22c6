package tocsin.notify.template;

import tocsin.notify.IncidentSnapshot;
import tocsin.notify.Notification;

import java.util.Locale;

/** The words every medium shares, so an SMS, a mail and a chat message name the same event the same way. */
final class Wording {

    private Wording() {
    }

    /** "Triggered", "Escalated", "Acknowledged", ... */
    static String eventLabel(Notification.Event event) {
        return switch (event) {
            case TRIGGERED -> "Triggered";
            case ESCALATED -> "Escalated";
            case ACKNOWLEDGED -> "Acknowledged";
            case UNACKNOWLEDGED -> "Unacknowledged";
            case RESOLVED -> "Resolved";
            case REASSIGNED -> "Reassigned";
        };
    }

    static String urgencyLabel(IncidentSnapshot.Urgency urgency) {
        return urgency == IncidentSnapshot.Urgency.HIGH ? "High" : "Low";
    }

    static String statusLabel(IncidentSnapshot.Status status) {
        String s = status.wireName();
        return s.substring(0, 1).toUpperCase(Locale.ROOT) + s.substring(1);
    }

    /** Collapses runs of whitespace (newlines included) to one space: for one-line media. */
    static String oneLine(String text) {
        return text.strip().replaceAll("\\s+", " ");
    }

    /** At most {@code max} UTF-16 units, cut at a code point boundary, ending with "…" when cut. */
    static String truncate(String text, int max) {
        if (text.length() <= max) {
            return text;
        }
        int end = Math.max(0, max - 1);
        if (end > 0 && Character.isHighSurrogate(text.charAt(end - 1))) {
            end--;
        }
        return text.substring(0, end) + "…";
    }
}
