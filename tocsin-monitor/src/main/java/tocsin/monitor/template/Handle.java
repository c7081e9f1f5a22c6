package tocsin.monitor.template;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An {@code @}-handle in a monitor message: who or what a notification goes to. Immutable.
 *
 * @param kind   what the handle addresses
 * @param target the part after the kind's prefix ({@code Web} in {@code @pagerduty-Web}); the whole address for
 *               e-mail
 * @param text   the handle as written, with its {@code @}
 */
public record Handle(Kind kind, String target, String text) {

    /** What a handle addresses, by its prefix. */
    public enum Kind {
        /** {@code @pagerduty-<Service>}: opens and resolves a Tocsin incident on that service. */
        PAGERDUTY("pagerduty-"),
        /** {@code @oncall-<team>}: opens and resolves a Tocsin incident for that team. */
        ONCALL("oncall-"),
        /** {@code @slack-<channel>} or {@code @slack-<workspace>-<channel>}. */
        SLACK("slack-"),
        /** {@code @teams-<channel>}. */
        TEAMS("teams-"),
        /** {@code @webhook-<name>}: a webhook named in the configuration. */
        WEBHOOK("webhook-"),
        /** {@code @user@example.com}. */
        EMAIL("");

        private final String prefix;

        Kind(String prefix) {
            this.prefix = prefix;
        }

        public String prefix() {
            return prefix;
        }

        /** Whether this kind opens an incident rather than sending a message directly. */
        public boolean opensIncidents() {
            return this == PAGERDUTY || this == ONCALL;
        }
    }

    // An @ that does not follow a word character (so "a@b.c" inside text is an address only when it starts at '@').
    private static final Pattern HANDLE = Pattern.compile("(?<![\\w@.])@([A-Za-z0-9][A-Za-z0-9_.+\\-]*"
            + "(?:@[A-Za-z0-9](?:[A-Za-z0-9\\-]*[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9\\-]*[A-Za-z0-9])?)+)?)");

    public Handle {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(text, "text");
    }

    /**
     * The handles in a text, in order, each once. A word after {@code @} that has no known prefix and is not an
     * e-mail address is returned as an {@link Kind#EMAIL} handle without a domain, which no resolver accepts; so
     * validation can name it.
     */
    public static List<Handle> find(String text) {
        Set<Handle> out = new LinkedHashSet<>();
        Matcher m = HANDLE.matcher(text);
        while (m.find()) {
            String body = m.group(1);
            // Trailing punctuation belongs to the sentence: "page @ops@example.com."
            while (body.endsWith(".") || body.endsWith("-")) {
                body = body.substring(0, body.length() - 1);
            }
            out.add(parse(body));
        }
        return List.copyOf(new ArrayList<>(out));
    }

    static Handle parse(String body) {
        String lower = body.toLowerCase(Locale.ROOT);
        for (Kind k : Kind.values()) {
            if (k != Kind.EMAIL && lower.startsWith(k.prefix) && body.length() > k.prefix.length()) {
                return new Handle(k, body.substring(k.prefix.length()), "@" + body);
            }
        }
        return new Handle(Kind.EMAIL, body, "@" + body);
    }

    /** Whether an e-mail handle has the shape of an address. */
    public boolean isAddress() {
        return kind == Kind.EMAIL && target.indexOf('@') > 0;
    }
}
