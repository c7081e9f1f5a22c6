package tocsin.notify;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * When to try a failed delivery again: exponential backoff with full jitter (a uniformly random wait between zero
 * and the exponential cap, as AWS's "Exponential Backoff and Jitter" recommends, so a provider outage does not end
 * in a thundering herd), bounded by a number of attempts and by the time since the first attempt. A provider's
 * {@code Retry-After} is a floor: the policy never retries sooner than asked, and gives up instead when the wait
 * would pass the deadline. Permanent failures are never retried. Immutable and thread-safe; the caller passes its
 * clock reading and its random source, so decisions are reproducible in tests.
 *
 * @param maxAttempts    total attempts, the first included (1 = never retry)
 * @param initialBackoff the cap of the first wait
 * @param maxBackoff     the largest cap, however many attempts came before
 * @param maxElapsed     no attempt starts later than this after the first
 * @param multiplier     growth of the cap per attempt ({@code >= 1})
 */
public record RetryPolicy(int maxAttempts, Duration initialBackoff, Duration maxBackoff, Duration maxElapsed,
                          double multiplier) {

    /**
     * Paging defaults: 8 attempts within 15 minutes, waits capped at 2 s, 4 s, 8 s, ... 2 min. An escalation step
     * usually times out within 15-30 minutes; a page that could not be delivered by then has been overtaken.
     */
    public static final RetryPolicy PAGING =
            new RetryPolicy(8, Duration.ofSeconds(2), Duration.ofMinutes(2), Duration.ofMinutes(15), 2.0);

    public RetryPolicy {
        Objects.requireNonNull(initialBackoff, "initialBackoff");
        Objects.requireNonNull(maxBackoff, "maxBackoff");
        Objects.requireNonNull(maxElapsed, "maxElapsed");
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1: " + maxAttempts);
        }
        if (initialBackoff.isNegative() || initialBackoff.isZero()) {
            throw new IllegalArgumentException("initialBackoff must be positive: " + initialBackoff);
        }
        if (maxBackoff.compareTo(initialBackoff) < 0) {
            throw new IllegalArgumentException("maxBackoff " + maxBackoff + " is below initialBackoff " + initialBackoff);
        }
        if (maxElapsed.isNegative()) {
            throw new IllegalArgumentException("maxElapsed must not be negative: " + maxElapsed);
        }
        if (!(multiplier >= 1.0) || Double.isInfinite(multiplier)) {
            throw new IllegalArgumentException("multiplier must be a finite number >= 1: " + multiplier);
        }
    }

    /** What to do after a failed attempt. */
    public sealed interface Decision permits RetryAt, GiveUp {
    }

    /** Try again at {@code at}, which is {@code delay} after the failure. */
    public record RetryAt(Instant at, Duration delay) implements Decision {
    }

    /** Stop; {@code reason} says why, for the delivery log. */
    public record GiveUp(String reason) implements Decision {
    }

    /**
     * Decides after a failed attempt.
     *
     * @param attemptsMade attempts made so far, the failed one included (1 after the first failure)
     * @param firstAttempt when the first attempt started
     * @param now          now, as the caller's clock says
     * @param failure      how the attempt failed
     * @param random       the jitter source (e.g. {@code ThreadLocalRandom.current()}; a seeded one in tests)
     */
    public Decision next(int attemptsMade, Instant firstAttempt, Instant now, DeliveryException failure,
                         RandomGenerator random) {
        Objects.requireNonNull(failure, "failure");
        if (attemptsMade < 1) {
            throw new IllegalArgumentException("attemptsMade must be at least 1: " + attemptsMade);
        }
        if (failure instanceof PermanentDeliveryException) {
            return new GiveUp("permanent failure (" + failure.reason() + ")");
        }
        if (attemptsMade >= maxAttempts) {
            return new GiveUp("gave up after " + attemptsMade + " attempts (last: " + failure.reason() + ")");
        }
        long capMillis = capMillis(attemptsMade);
        Duration delay = Duration.ofMillis(random.nextLong(capMillis + 1));
        if (failure instanceof RetryableDeliveryException r && r.retryAfter().isPresent()
                && r.retryAfter().get().compareTo(delay) > 0) {
            delay = r.retryAfter().get();
        }
        Instant at = now.plus(delay);
        if (Duration.between(firstAttempt, at).compareTo(maxElapsed) > 0) {
            return new GiveUp("gave up: the next attempt would start more than " + maxElapsed
                    + " after the first (last: " + failure.reason() + ")");
        }
        return new RetryAt(at, delay);
    }

    /** The jitter cap after {@code attemptsMade} attempts: initial * multiplier^(attempts-1), at most maxBackoff. */
    long capMillis(int attemptsMade) {
        double cap = initialBackoff.toMillis() * Math.pow(multiplier, attemptsMade - 1);
        return (long) Math.min(cap, maxBackoff.toMillis());
    }
}
