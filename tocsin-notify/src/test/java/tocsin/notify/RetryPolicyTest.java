package tocsin.notify;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RetryPolicyTest {

    static final Instant T0 = Instant.parse("2026-12-05T07:00:00Z");
    static final RetryableDeliveryException TIMEOUT = new RetryableDeliveryException("timeout", "slow");
    static final RetryPolicy POLICY = new RetryPolicy(6, Duration.ofSeconds(1), Duration.ofSeconds(30),
            Duration.ofMinutes(10), 2.0);

    @Test
    void capsGrowExponentiallyUpToTheMaximum() {
        assertThat(POLICY.capMillis(1)).isEqualTo(1_000);
        assertThat(POLICY.capMillis(2)).isEqualTo(2_000);
        assertThat(POLICY.capMillis(3)).isEqualTo(4_000);
        assertThat(POLICY.capMillis(5)).isEqualTo(16_000);
        assertThat(POLICY.capMillis(6)).isEqualTo(30_000);
        assertThat(POLICY.capMillis(60)).isEqualTo(30_000);
    }

    @Property
    void fullJitterStaysWithinZeroAndTheCap(@ForAll @IntRange(min = 1, max = 5) int attempts,
                                            @ForAll @LongRange(min = 0, max = 1_000_000) long seed) {
        var decision = POLICY.next(attempts, T0, T0, TIMEOUT, new SplittableRandom(seed));
        assertThat(decision).isInstanceOf(RetryPolicy.RetryAt.class);
        var at = (RetryPolicy.RetryAt) decision;
        assertThat(at.delay()).isBetween(Duration.ZERO, Duration.ofMillis(POLICY.capMillis(attempts)));
        assertThat(at.at()).isEqualTo(T0.plus(at.delay()));
    }

    @Test
    void jitterSpreadsRetriesAcrossTheWholeWindow() {
        SplittableRandom random = new SplittableRandom(42);
        long min = Long.MAX_VALUE;
        long max = 0;
        for (int i = 0; i < 2_000; i++) {
            long d = ((RetryPolicy.RetryAt) POLICY.next(5, T0, T0, TIMEOUT, random)).delay().toMillis();
            min = Math.min(min, d);
            max = Math.max(max, d);
        }
        assertThat(min).isLessThan(1_000);
        assertThat(max).isGreaterThan(15_000);
    }

    @Test
    void permanentFailuresAreNeverRetried() {
        var d = POLICY.next(1, T0, T0, new PermanentDeliveryException("twilio_21211", "bad number"),
                new SplittableRandom(1));
        assertThat(d).isEqualTo(new RetryPolicy.GiveUp("permanent failure (twilio_21211)"));
    }

    @Test
    void givesUpAfterMaxAttempts() {
        assertThat(POLICY.next(5, T0, T0, TIMEOUT, new SplittableRandom(1))).isInstanceOf(RetryPolicy.RetryAt.class);
        assertThat(POLICY.next(6, T0, T0, TIMEOUT, new SplittableRandom(1)))
                .isEqualTo(new RetryPolicy.GiveUp("gave up after 6 attempts (last: timeout)"));
    }

    @Test
    void retryAfterIsAFloorAndTheDeadlineStillHolds() {
        var slowDown = new RetryableDeliveryException("twilio_20429", "too many", Duration.ofSeconds(90), null);
        var d = (RetryPolicy.RetryAt) POLICY.next(1, T0, T0, slowDown, new SplittableRandom(1));
        assertThat(d.delay()).isEqualTo(Duration.ofSeconds(90));
        assertThat(d.at()).isEqualTo(T0.plusSeconds(90));
        // 9 minutes in, a 90 s wait would pass the 10-minute deadline
        assertThat(POLICY.next(2, T0, T0.plus(Duration.ofMinutes(9)), slowDown, new SplittableRandom(1)))
                .isInstanceOf(RetryPolicy.GiveUp.class);
        // a Retry-After shorter than the jitter does not shorten the wait below the drawn one
        var quick = new RetryableDeliveryException("http_429", "x", Duration.ZERO, null);
        var q = (RetryPolicy.RetryAt) POLICY.next(4, T0, T0, quick, new SplittableRandom(7));
        var plain = (RetryPolicy.RetryAt) POLICY.next(4, T0, T0, TIMEOUT, new SplittableRandom(7));
        assertThat(q.delay()).isEqualTo(plain.delay());
    }

    @Test
    void theSameSeedGivesTheSameDecision() {
        assertThat(POLICY.next(3, T0, T0, TIMEOUT, new SplittableRandom(99)))
                .isEqualTo(POLICY.next(3, T0, T0, TIMEOUT, new SplittableRandom(99)));
    }

    @Test
    void pagingDefaultsFinishWithinFifteenMinutes() {
        SplittableRandom random = new SplittableRandom(3);
        Instant now = T0;
        int attempts = 1;
        RetryPolicy.Decision d;
        while ((d = RetryPolicy.PAGING.next(attempts, T0, now, TIMEOUT, random)) instanceof RetryPolicy.RetryAt at) {
            now = at.at();
            attempts++;
        }
        assertThat(attempts).isLessThanOrEqualTo(8);
        assertThat(Duration.between(T0, now)).isLessThanOrEqualTo(Duration.ofMinutes(15));
    }

    @Test
    void badPoliciesAreRefused() {
        assertThatThrownBy(() -> new RetryPolicy(0, Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ZERO, 2))
                .hasMessageContaining("maxAttempts");
        assertThatThrownBy(() -> new RetryPolicy(1, Duration.ZERO, Duration.ofSeconds(1), Duration.ZERO, 2))
                .hasMessageContaining("initialBackoff");
        assertThatThrownBy(() -> new RetryPolicy(1, Duration.ofSeconds(2), Duration.ofSeconds(1), Duration.ZERO, 2))
                .hasMessageContaining("maxBackoff");
        assertThatThrownBy(() -> new RetryPolicy(1, Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ZERO,
                Double.NaN)).hasMessageContaining("multiplier");
        assertThatThrownBy(() -> new RetryPolicy(1, Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ZERO, 0.5))
                .hasMessageContaining("multiplier");
        assertThatThrownBy(() -> POLICY.next(0, T0, T0, TIMEOUT, new SplittableRandom(1)))
                .hasMessageContaining("attemptsMade");
        assertThatThrownBy(() -> new RetryableDeliveryException("x", "y", Duration.ofSeconds(-1), null))
                .hasMessageContaining("retryAfter");
    }
}
