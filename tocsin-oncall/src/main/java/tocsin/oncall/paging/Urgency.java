package tocsin.oncall.paging;

import java.util.Locale;
import java.util.Optional;

/** An incident's urgency, PagerDuty's {@code high}/{@code low}. */
public enum Urgency {
    HIGH, LOW;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<Urgency> parse(String s) {
        for (Urgency u : values()) {
            if (u.wireName().equalsIgnoreCase(s)) {
                return Optional.of(u);
            }
        }
        return Optional.empty();
    }
}
