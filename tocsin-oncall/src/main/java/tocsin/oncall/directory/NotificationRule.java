package tocsin.oncall.directory;

import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * When to use which contact method for a person, PagerDuty's {@code assignment_notification_rule}: for incidents of
 * {@code urgency}, notify through {@code contactMethodId} {@code startDelayInMinutes} after assignment. Immutable,
 * thread-safe.
 */
public record NotificationRule(String id, String userId, int startDelayInMinutes, String contactMethodId,
                               Urgency urgency) {
    public NotificationRule {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(contactMethodId, "contactMethodId");
        Objects.requireNonNull(urgency, "urgency");
        if (startDelayInMinutes < 0) {
            throw new IllegalArgumentException("start_delay_in_minutes: must not be negative");
        }
    }

    /** Incident urgency a rule applies to; {@code any} matches both. */
    public enum Urgency {
        HIGH, LOW, ANY;

        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Optional<Urgency> parse(String s) {
            for (Urgency u : values()) {
                if (u.wireName().equals(s)) {
                    return Optional.of(u);
                }
            }
            return Optional.empty();
        }

        /** Whether a rule of this urgency applies to an incident of {@code incident} urgency. */
        public boolean appliesTo(Urgency incident) {
            return this == ANY || incident == ANY || this == incident;
        }
    }

    /** A rule as created or replaced; the contact method must belong to the same person. */
    public record Draft(int startDelayInMinutes, String contactMethodId, Urgency urgency) {
        public Draft {
            Objects.requireNonNull(contactMethodId, "contactMethodId");
            Objects.requireNonNull(urgency, "urgency");
            if (startDelayInMinutes < 0) {
                throw new IllegalArgumentException("start_delay_in_minutes: must not be negative");
            }
        }
    }
}
