package tocsin.oncall.paging;

import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * Whom an escalation rule pages: a user, or whoever a schedule has on call at that moment. PagerDuty's
 * {@code escalation_rules[].targets[]} item. Immutable.
 *
 * @param kind the reference type
 * @param id   the user's or schedule's id
 */
public record Target(Kind kind, String id) {

    /** The target reference types, by their PagerDuty wire names. */
    public enum Kind {
        USER("user_reference"), SCHEDULE("schedule_reference");

        private final String wireName;

        Kind(String wireName) {
            this.wireName = wireName;
        }

        public String wireName() {
            return wireName;
        }

        /** Accepts {@code user_reference}/{@code user} and {@code schedule_reference}/{@code schedule}. */
        public static Optional<Kind> parse(String s) {
            if (s == null) {
                return Optional.empty();
            }
            return switch (s.toLowerCase(Locale.ROOT)) {
                case "user_reference", "user" -> Optional.of(USER);
                case "schedule_reference", "schedule" -> Optional.of(SCHEDULE);
                default -> Optional.empty();
            };
        }
    }

    public Target {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(id, "id");
    }

    public static Target user(String id) {
        return new Target(Kind.USER, id);
    }

    public static Target schedule(String id) {
        return new Target(Kind.SCHEDULE, id);
    }
}
