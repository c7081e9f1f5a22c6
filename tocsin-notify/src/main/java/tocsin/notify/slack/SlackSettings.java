package tocsin.notify.slack;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * Slack Web API access; the shape of {@code notify.slack} in the configuration file. Immutable; {@link #toString()}
 * hides the token.
 *
 * @param botToken the bot token ({@code xoxb-...}) that posts and updates messages
 * @param baseUrl  {@code https://slack.com/api}, or a compatible API
 * @param timeout  bound of each request
 */
public record SlackSettings(String botToken, URI baseUrl, Duration timeout) {

    public SlackSettings {
        Objects.requireNonNull(botToken, "botToken");
        Objects.requireNonNull(baseUrl, "baseUrl");
        Objects.requireNonNull(timeout, "timeout");
        if (!botToken.startsWith("xox")) {
            throw new IllegalArgumentException("botToken must be a Slack token (xoxb-...)");
        }
        if (!baseUrl.isAbsolute()) {
            throw new IllegalArgumentException("baseUrl must be absolute: " + baseUrl);
        }
    }

    URI method(String name) {
        String b = baseUrl.toString();
        return URI.create((b.endsWith("/") ? b : b + "/") + name);
    }

    @Override
    public String toString() {
        return "SlackSettings[" + baseUrl + ", botToken=***]";
    }
}
