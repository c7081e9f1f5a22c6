package tocsin.notify.template;

import tocsin.notify.IncidentSnapshot;
import tocsin.notify.Notification;

/**
 * What a phone call says: who calls, which incident on which service, how urgent, the value, and the keys to press.
 * No links (they cannot be spoken usefully) and no markup; the TwiML builder escapes it for XML. Titles are cut
 * so the prompt stays under half a minute. Stateless.
 */
public final class VoiceScript {

    static final int MAX_TITLE = 200;

    /** The keys the call accepts, PagerDuty's: 4 acknowledge, 6 resolve, 9 repeat. */
    public static final char ACKNOWLEDGE_KEY = '4';
    public static final char RESOLVE_KEY = '6';
    public static final char REPEAT_KEY = '9';

    private VoiceScript() {
    }

    /** The announcement, read before the key prompt. */
    public static String announcement(Notification n) {
        IncidentSnapshot i = n.incident();
        StringBuilder sb = new StringBuilder("This is Tocsin. ")
                .append(Wording.urgencyLabel(i.urgency())).append(" urgency incident number ").append(i.number())
                .append(", ").append(Wording.eventLabel(n.event()).toLowerCase(java.util.Locale.ROOT))
                .append(", on service ").append(Wording.oneLine(i.serviceName())).append(": ")
                .append(Wording.truncate(Wording.oneLine(i.title()), MAX_TITLE));
        if (!endsSentence(sb)) {
            sb.append('.');
        }
        i.triggeringValue().ifPresent(v -> sb.append(" The value is ").append(Wording.oneLine(v)).append('.'));
        return sb.toString();
    }

    /** The key prompt for the incident's status; empty when there is nothing left to do. */
    public static String prompt(IncidentSnapshot.Status status) {
        return switch (status) {
            case TRIGGERED -> "Press " + ACKNOWLEDGE_KEY + " to acknowledge, " + RESOLVE_KEY + " to resolve, or "
                    + REPEAT_KEY + " to repeat this message.";
            case ACKNOWLEDGED -> "Press " + RESOLVE_KEY + " to resolve, or " + REPEAT_KEY
                    + " to repeat this message.";
            case RESOLVED -> "";
        };
    }

    private static boolean endsSentence(CharSequence s) {
        char last = s.charAt(s.length() - 1);
        return last == '.' || last == '!' || last == '?';
    }
}
