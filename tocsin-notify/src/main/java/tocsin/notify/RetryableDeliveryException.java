package tocsin.notify;

import java.time.Duration;
import java.util.Optional;

/**
 * The provider could not take the notification now (timeout, 5xx, throttling, connection refused, SMTP 4xx); the
 * same request may succeed later. {@link #retryAfter()} carries the provider's own hint ({@code Retry-After}), which
 * the {@link RetryPolicy} honours.
 */
public final class RetryableDeliveryException extends DeliveryException {

    private final Duration retryAfter;

    public RetryableDeliveryException(String reason, String message) {
        this(reason, message, null, null);
    }

    public RetryableDeliveryException(String reason, String message, Duration retryAfter, Throwable cause) {
        super(reason, message, cause);
        if (retryAfter != null && retryAfter.isNegative()) {
            throw new IllegalArgumentException("retryAfter must not be negative: " + retryAfter);
        }
        this.retryAfter = retryAfter;
    }

    /** How long the provider asked us to wait, if it said. */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }

    @Override
    public boolean retryable() {
        return true;
    }
}
