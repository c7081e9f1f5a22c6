package tocsin.notify.webhook;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tocsin.notify.Delivery;
import tocsin.notify.DeliveryException;
import tocsin.notify.Notification;
import tocsin.notify.RetryPolicy;
import tocsin.notify.Target;
import tocsin.notify.TestNotifications;
import tocsin.notify.http.HttpSink;
import tocsin.notify.http.HttpSink.Response;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The dispatcher's loop in miniature: a channel, the retry policy and a receiver that fails before it succeeds.
 * Shows that classification, Retry-After and the idempotency key work together: every attempt carries the same
 * delivery id and body, waits are at least what the receiver asked, a permanent failure stops at once.
 */
class RetryScenarioTest {

    static final class ManualClock implements InstantSource {
        Instant now = Instant.parse("2026-12-05T07:00:00Z");

        @Override
        public Instant instant() {
            return now;
        }
    }

    final HttpSink receiver = new HttpSink();
    final ManualClock clock = new ManualClock();
    final GenericWebhookChannel channel = new GenericWebhookChannel(URI.create("https://tocsin.example.com"),
            Duration.ofSeconds(5), clock);
    final List<Duration> waits = new ArrayList<>();

    @AfterEach
    void close() {
        receiver.close();
    }

    /** Sends until delivered or the policy gives up; returns the delivery or the reason for giving up. */
    Object deliver(Notification n) {
        Instant first = clock.instant();
        SplittableRandom random = new SplittableRandom(2026);
        for (int attempt = 1; ; attempt++) {
            try {
                return channel.send(n);
            } catch (DeliveryException e) {
                switch (RetryPolicy.PAGING.next(attempt, first, clock.instant(), e, random)) {
                    case RetryPolicy.RetryAt at -> {
                        waits.add(at.delay());
                        clock.now = at.at();
                    }
                    case RetryPolicy.GiveUp g -> {
                        return g.reason();
                    }
                }
            }
        }
    }

    @Test
    void outageThenThrottlingThenSuccessDeliversOnceUnderOneId() {
        receiver.answer(Response.text(503, "down"), Response.text(429, "slow down").withHeader("Retry-After", "20"),
                Response.text(200, "ok"));
        Notification n = TestNotifications.page(Target.signed(Target.Kind.WEBHOOK, receiver.uri("/hook").toString(),
                "s3cret"));
        Object outcome = deliver(n);

        assertThat(outcome).isInstanceOf(Delivery.class);
        List<HttpSink.Request> requests = receiver.requests();
        assertThat(requests).hasSize(3);
        assertThat(requests).extracting(r -> r.header("X-Tocsin-Delivery")).containsOnly(n.key().uuid().toString());
        assertThat(requests).extracting(HttpSink.Request::body).containsOnly(requests.get(0).body());
        assertThat(waits).hasSize(2);
        assertThat(waits.get(1)).isGreaterThanOrEqualTo(Duration.ofSeconds(20));
        // each attempt is signed when it is sent, so a receiver's replay window holds for late retries too
        assertThat(requests.get(2).header("X-Tocsin-Signature"))
                .startsWith("t=" + clock.instant().getEpochSecond() + ",");
    }

    @Test
    void aPermanentRefusalStopsAfterOneAttempt() {
        receiver.answer(Response.text(404, "no such hook"));
        Object outcome = deliver(TestNotifications.page(Target.of(Target.Kind.WEBHOOK,
                receiver.uri("/gone").toString())));
        assertThat(outcome).isEqualTo("permanent failure (http_404)");
        assertThat(receiver.requests()).hasSize(1);
    }

    @Test
    void aReceiverThatNeverRecoversIsGivenUpOnWithinTheDeadline() {
        receiver.answer(Response.text(500, "still down"));
        Instant start = clock.instant();
        Object outcome = deliver(TestNotifications.page(Target.of(Target.Kind.WEBHOOK,
                receiver.uri("/hook").toString())));
        assertThat(outcome).asString().startsWith("gave up");
        assertThat(receiver.requests()).hasSizeLessThanOrEqualTo(RetryPolicy.PAGING.maxAttempts());
        assertThat(Duration.between(start, clock.instant())).isLessThanOrEqualTo(RetryPolicy.PAGING.maxElapsed());
    }
}
