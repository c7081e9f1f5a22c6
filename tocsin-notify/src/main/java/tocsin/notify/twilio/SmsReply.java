package tocsin.notify.twilio;

import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Pattern;

/**
 * A reply to a page by SMS, from the {@code Body} of Twilio's inbound-message webhook: {@code 4} acknowledges and
 * {@code 6} resolves (PagerDuty's codes, which the SMS template prints), optionally followed by the incident number
 * ({@code 4 42}, {@code 6 #42}); {@code ack 42} and {@code resolve 42} work too. Without a number the reply means
 * the sender's one open incident it can apply to; the server refuses it, listing the numbers, when there are several.
 * Anything else is not a reply (answer with help). Immutable.
 *
 * @param action         acknowledge or resolve
 * @param incidentNumber the incident number, when given
 */
public record SmsReply(Action action, OptionalLong incidentNumber) {

    /** What the reply asks for. */
    public enum Action {
        ACKNOWLEDGE, RESOLVE
    }

    private static final Pattern REPLY = Pattern.compile(
            "\\s*(4|6|ack|acknowledge|resolve)\\s*(?:#?\\s*([0-9]{1,12}))?\\s*[.!]?\\s*");

    /** The reply in {@code body}, if it is one. */
    public static Optional<SmsReply> parse(String body) {
        if (body == null || body.length() > 160) {
            return Optional.empty();
        }
        var m = REPLY.matcher(body.toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            return Optional.empty();
        }
        Action action = switch (m.group(1)) {
            case "4", "ack", "acknowledge" -> Action.ACKNOWLEDGE;
            default -> Action.RESOLVE;
        };
        OptionalLong number = m.group(2) == null ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(m.group(2)));
        if (number.isPresent() && number.getAsLong() == 0) {
            return Optional.empty();
        }
        return Optional.of(new SmsReply(action, number));
    }

    /** The help text for a message that is not a reply. */
    public static String help() {
        return "Tocsin: reply 4 <incident number> to acknowledge, 6 <incident number> to resolve.";
    }
}
