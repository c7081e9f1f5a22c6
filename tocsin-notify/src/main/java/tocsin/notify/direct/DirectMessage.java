package tocsin.notify.direct;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * One message for one direct target, as queued. It carries everything a channel needs (the notification is
 * rendered before it is queued), so delivery never reads the state that produced it. Immutable.
 *
 * @param key        the idempotency key: the same on every attempt; the webhook event id and the e-mail
 *                   {@code Message-ID} derive from it
 * @param kind       which channel delivers it
 * @param target     the name in the handle: a Slack channel, a Teams channel or webhook name from the configuration,
 *                   an e-mail address
 * @param title      one line, e.g. {@code [Triggered on {host:db-1}] Disk full}
 * @param text       the rendered message
 * @param variables  values a webhook payload template may use, by name without {@code $} (Datadog's webhook
 *                   variables); {@code LINK} is added at delivery
 * @param link       the path, under Tocsin's public URL, of the page about what happened ({@code /ui/monitors/12})
 * @param thread     what related messages share (an alert's group), so mail clients thread them
 * @param occurredAt when it happened, not when it is sent
 */
public record DirectMessage(String key, Kind kind, String target, String title, String text,
                            Map<String, String> variables, String link, String thread, Instant occurredAt) {

    /** The direct channel kinds. */
    public enum Kind {
        SLACK, TEAMS, WEBHOOK, EMAIL
    }

    public DirectMessage {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(title, "title");
        Objects.requireNonNull(text, "text");
        variables = Map.copyOf(variables);
        Objects.requireNonNull(link, "link");
        Objects.requireNonNull(thread, "thread");
        Objects.requireNonNull(occurredAt, "occurredAt");
    }
}
