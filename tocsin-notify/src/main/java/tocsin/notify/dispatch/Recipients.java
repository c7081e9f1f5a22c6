package tocsin.notify.dispatch;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import tocsin.notify.IncidentSnapshot;
import tocsin.notify.Target;

/**
 * Who a person is reachable through: their notification rules for an urgency, and where each contact method points
 * now. Owned by the dispatcher; the server adapts the on-call directory to it. Implementations are thread-safe.
 */
public interface Recipients {

    /** The person's rules that apply to {@code urgency}, by delay; empty when they have none (or do not exist). */
    List<Rule> rules(String userId, IncidentSnapshot.Urgency urgency);

    /**
     * Where the contact method delivers to, read at send time so that a corrected address is used by the next
     * attempt; empty when it was deleted.
     *
     * @throws IllegalArgumentException when the contact method cannot be delivered to (e.g. a push token), with a
     *                                  message saying why
     */
    Optional<Target> target(String userId, String contactMethodId);

    /**
     * The contact methods an on-call handoff notification goes to: the person's e-mail and SMS contact methods
     * (never a phone call: a shift change wakes nobody), oldest first; empty when they have none.
     */
    List<String> handoffContactMethods(String userId);

    /** One personal notification rule: use {@code contactMethodId} {@code delay} after the request. */
    record Rule(String id, String contactMethodId, Duration delay) {
        public Rule {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(contactMethodId, "contactMethodId");
            Objects.requireNonNull(delay, "delay");
            if (delay.isNegative()) {
                throw new IllegalArgumentException("delay must not be negative: " + delay);
            }
        }
    }
}
