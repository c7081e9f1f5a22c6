package tocsin.notify;

import java.util.Objects;
import java.util.Optional;

/**
 * Where a notification goes: the channel kind and the address in that channel's terms. Resolved from the user's
 * contact method or the subscription when the notification is dispatched, so a secret is never stored with the
 * queued notification. Immutable; {@link #toString()} hides the secret.
 *
 * @param kind          which channel delivers it
 * @param address       an e-mail address, an E.164 phone number, a Slack channel id, or an https webhook URL
 * @param signingSecret the secret that signs webhook bodies ({@link Kind#WEBHOOK}, {@link Kind#PAGERDUTY_WEBHOOK});
 *                      empty for the other kinds
 */
public record Target(Kind kind, String address, Optional<String> signingSecret) {

    /** The channel kinds. Each is delivered by exactly one {@link Channel}. */
    public enum Kind {
        EMAIL, SMS, VOICE, SLACK, SLACK_WEBHOOK, TEAMS, WEBHOOK, PAGERDUTY_WEBHOOK
    }

    public Target {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(signingSecret, "signingSecret");
        if (address.isBlank()) {
            throw new IllegalArgumentException("address must not be blank");
        }
    }

    public static Target of(Kind kind, String address) {
        return new Target(kind, address, Optional.empty());
    }

    public static Target signed(Kind kind, String address, String secret) {
        return new Target(kind, address, Optional.of(secret));
    }

    @Override
    public String toString() {
        return kind + ":" + address + (signingSecret.isPresent() ? " (signed)" : "");
    }
}
