package tocsin.notify.direct;

import tocsin.notify.email.SmtpSettings;
import tocsin.notify.slack.SlackSettings;
import tocsin.notify.webhook.NamedWebhook;

import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * What direct handles may name, from the configuration: Slack (a bot token; channels are Slack's), Teams channels by
 * name (a Workflows webhook URL each), webhooks by name, and e-mail (an SMTP server). Validation asks
 * {@link #problem}; delivery resolves names through the same object, so a handle that validated is delivered to
 * what the configuration says at delivery time. Immutable and thread-safe.
 *
 * <p>Slack handles: {@code @slack-<channel>}; Datadog's {@code @slack-<account>-<channel>} is accepted when
 * {@code slackAccount} is set and the handle starts with it (Tocsin posts with one bot token, so the account only
 * has to match). A channel that looks like a Slack id ({@code C0123ABC}) is used as is, any other name as
 * {@code #name}.
 *
 * @param slackAccount the account name Datadog handles may carry, or null
 * @param teams        Teams channel name to webhook URL
 * @param webhooks     webhook name to definition
 */
public record DirectTargets(Optional<SlackSettings> slack, String slackAccount, Map<String, String> teams,
                            Map<String, NamedWebhook> webhooks, Optional<SmtpSettings> email) {
    private static final Pattern SLACK_ID = Pattern.compile("[CGD][A-Z0-9]{6,31}");

    public DirectTargets {
        Objects.requireNonNull(slack, "slack");
        teams = Map.copyOf(teams);
        webhooks = Map.copyOf(webhooks);
        Objects.requireNonNull(email, "email");
    }

    /** Nothing configured: every direct handle is refused. */
    public static DirectTargets none() {
        return new DirectTargets(Optional.empty(), null, Map.of(), Map.of(), Optional.empty());
    }

    /** Empty when a handle of {@code kind} naming {@code target} can be delivered; otherwise what to configure. */
    public Optional<String> problem(DirectMessage.Kind kind, String target) {
        return switch (kind) {
            case SLACK -> slack.isPresent() ? Optional.empty() : Optional.of("Slack is not configured: set "
                    + "notify.slack.bot_token (a bot with the chat:write scope) to post to channels");
            case TEAMS -> teams.containsKey(target) ? Optional.empty() : Optional.of("no Teams channel named '"
                    + target + "' under notify.teams.channels" + known(teams));
            case WEBHOOK -> webhooks.containsKey(target) ? Optional.empty() : Optional.of("no webhook named '"
                    + target + "' under notify.webhooks" + known(webhooks));
            case EMAIL -> email.isPresent() ? Optional.empty() : Optional.of("e-mail is not configured: set "
                    + "notify.email (an SMTP server) to mail addresses named in monitors");
        };
    }

    private static String known(Map<String, ?> names) {
        return names.isEmpty() ? " (none are configured)" : " (configured: " + String.join(", ",
                new TreeMap<>(names).keySet()) + ")";
    }

    /** The {@code channel} to post a {@code @slack-…} handle's target to. */
    public String slackChannel(String target) {
        String channel = target;
        if (slackAccount != null && target.toLowerCase(Locale.ROOT).startsWith(slackAccount.toLowerCase(Locale.ROOT)
                + "-") && target.length() > slackAccount.length() + 1) {
            channel = target.substring(slackAccount.length() + 1);
        }
        return SLACK_ID.matcher(channel).matches() ? channel : "#" + channel;
    }
}
