package tocsin.oncall.paging;

import java.time.Instant;
import java.util.Objects;

/**
 * How a service sets the urgency of its incidents, PagerDuty's {@code incident_urgency_rule}: a constant, or one
 * urgency during support hours and another outside them. Immutable.
 *
 * @param supportHours null for a constant rule
 * @param urgency      the constant urgency, or the one during support hours
 * @param outside      the urgency outside support hours; null for a constant rule
 */
public record UrgencyRule(SupportHours supportHours, Urgency urgency, Urgency outside) {

    public static final UrgencyRule HIGH = new UrgencyRule(null, Urgency.HIGH, null);

    public UrgencyRule {
        Objects.requireNonNull(urgency, "urgency");
        if ((supportHours == null) != (outside == null)) {
            throw new IllegalArgumentException("support hours and the urgency outside them come together");
        }
    }

    public static UrgencyRule constant(Urgency urgency) {
        return new UrgencyRule(null, urgency, null);
    }

    public boolean usesSupportHours() {
        return supportHours != null;
    }

    /** The urgency of an incident triggered at {@code instant}. */
    public Urgency urgencyAt(Instant instant) {
        return supportHours == null || supportHours.contains(instant) ? urgency : outside;
    }
}
