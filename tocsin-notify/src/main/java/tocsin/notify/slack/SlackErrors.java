package tocsin.notify.slack;

import tocsin.notify.DeliveryException;
import tocsin.notify.PermanentDeliveryException;
import tocsin.notify.RetryableDeliveryException;

import java.time.Duration;
import java.util.Set;

/**
 * Slack's {@code "ok": false} error strings, classified: the few that mean "later" are retryable, everything else
 * (bad channel, bad token, missing scope, bad blocks, unknown errors) needs a person to fix the configuration.
 */
final class SlackErrors {

    static final Set<String> RETRYABLE = Set.of("ratelimited", "rate_limited", "internal_error", "fatal_error",
            "service_unavailable", "request_timeout", "team_added_to_org");

    private SlackErrors() {
    }

    static DeliveryException classify(String error, String method, Duration retryAfter) {
        String text = "Slack " + method + " failed: " + error;
        String reason = "slack_" + error;
        if (RETRYABLE.contains(error)) {
            return new RetryableDeliveryException(reason, text, retryAfter, null);
        }
        return new PermanentDeliveryException(reason, text + hint(error));
    }

    private static String hint(String error) {
        return switch (error) {
            case "channel_not_found" -> " (the channel does not exist, or the bot cannot see it)";
            case "not_in_channel" -> " (invite the bot to the channel)";
            case "invalid_auth", "not_authed", "token_revoked", "token_expired", "account_inactive" ->
                    " (check notify.slack.bot_token)";
            case "missing_scope" -> " (the bot needs the chat:write scope)";
            default -> "";
        };
    }
}
