package tocsin.notify.slack;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A posted Slack message: its channel and timestamp, which {@code chat.update} needs. Stored in the delivery log as
 * the provider message id, {@code C0123ABC/1503435956.000247}. Immutable.
 */
public record SlackMessageRef(String channel, String ts) {

    private static final Pattern FORM = Pattern.compile("([A-Z0-9]{2,32})/([0-9]{1,12}\\.[0-9]{1,9})");

    /** The provider message id form. */
    public String id() {
        return channel + "/" + ts;
    }

    /** Parses {@link #id()}; empty for ids of other channels. */
    public static Optional<SlackMessageRef> parse(String id) {
        var m = FORM.matcher(id);
        return m.matches() ? Optional.of(new SlackMessageRef(m.group(1), m.group(2))) : Optional.empty();
    }
}
