package tocsin.notify;

import java.util.Objects;

/**
 * A delivery that did not happen, saying whether trying again can help. The {@link #reason()} is a short stable
 * code for metrics and the delivery log ({@code http_503}, {@code twilio_21211}, {@code smtp_550},
 * {@code timeout}); the message is for people.
 */
public abstract sealed class DeliveryException extends Exception
        permits RetryableDeliveryException, PermanentDeliveryException {

    private final String reason;

    DeliveryException(String reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    /** A short machine-readable code naming the failure. */
    public String reason() {
        return reason;
    }

    /** Whether the same notification may be delivered by a later attempt. */
    public abstract boolean retryable();
}
