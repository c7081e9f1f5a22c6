package tocsin.server.auth;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class LoginThrottleTest {
    private final AtomicLong now = new AtomicLong(Instant.parse("2026-01-01T00:00:00Z").toEpochMilli());
    private final InstantSource clock = () -> Instant.ofEpochMilli(now.get());
    private final LoginThrottle throttle = new LoginThrottle(3, Duration.ofMinutes(15), clock);

    @Test
    void locksAnAccountAfterRepeatedFailuresUntilTheWindowPasses() {
        for (int i = 0; i < 3; i++) {
            assertThat(throttle.retryAfterSeconds("Alice@example.com")).isZero();
            throttle.failed("alice@example.com");
            now.addAndGet(1000);
        }
        assertThat(throttle.retryAfterSeconds("ALICE@example.com")).isEqualTo(15 * 60 - 3);
        assertThat(throttle.retryAfterSeconds("bob@example.com")).isZero();
        now.addAndGet(Duration.ofMinutes(15).toMillis() - 3000);
        assertThat(throttle.retryAfterSeconds("alice@example.com")).isZero();
    }

    @Test
    void successClearsTheCount() {
        throttle.failed("a@b.c");
        throttle.failed("a@b.c");
        throttle.succeeded("a@b.c");
        throttle.failed("a@b.c");
        throttle.failed("a@b.c");
        assertThat(throttle.retryAfterSeconds("a@b.c")).isZero();
    }
}
