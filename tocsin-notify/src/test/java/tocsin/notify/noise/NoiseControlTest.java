package tocsin.notify.noise;

import org.junit.jupiter.api.Test;
import tocsin.notify.IncidentSnapshot;
import tocsin.notify.Target;
import tocsin.notify.TestNotifications;
import tocsin.notify.template.Gsm7;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class NoiseControlTest {

    static final class ManualClock implements InstantSource {
        volatile Instant now = Instant.parse("2026-12-05T07:00:00Z");

        @Override
        public Instant instant() {
            return now;
        }
    }

    final ManualClock clock = new ManualClock();

    @Test
    void aBurstIsAllowedThenOnePerPeriod() {
        RateLimiter limiter = new RateLimiter(3, Duration.ofMinutes(1), clock, 100);
        String key = RateLimiter.key("PUSER01", Target.Kind.SMS);
        assertThat(limiter.tryAcquire(key)).isTrue();
        assertThat(limiter.tryAcquire(key)).isTrue();
        assertThat(limiter.tryAcquire(key)).isTrue();
        assertThat(limiter.tryAcquire(key)).isFalse();
        assertThat(limiter.nextAllowed(key)).isEqualTo(clock.now.plus(Duration.ofMinutes(1)));
        clock.now = clock.now.plusSeconds(59);
        assertThat(limiter.tryAcquire(key)).isFalse();
        clock.now = clock.now.plusSeconds(1);
        assertThat(limiter.tryAcquire(key)).isTrue();
        assertThat(limiter.tryAcquire(key)).isFalse();
        assertThat(limiter.tryAcquire(RateLimiter.key("PUSER01", Target.Kind.EMAIL))).as("other channel").isTrue();
        assertThat(limiter.tryAcquire(RateLimiter.key("PUSER02", Target.Kind.SMS))).as("other user").isTrue();
        clock.now = clock.now.plus(Duration.ofHours(5));
        assertThat(limiter.nextAllowed(key)).isEqualTo(clock.now);
        int allowed = 0;
        for (int i = 0; i < 10; i++) {
            allowed += limiter.tryAcquire(key) ? 1 : 0;
        }
        assertThat(allowed).as("a long quiet refills the burst, never more").isEqualTo(3);
    }

    @Test
    void concurrentCallersNeverExceedTheBurst() throws Exception {
        RateLimiter limiter = new RateLimiter(5, Duration.ofHours(1), clock, 100);
        AtomicInteger granted = new AtomicInteger();
        try (var pool = Executors.newFixedThreadPool(8)) {
            for (int i = 0; i < 200; i++) {
                pool.submit(() -> {
                    if (limiter.tryAcquire("k")) {
                        granted.incrementAndGet();
                    }
                });
            }
        }
        assertThat(granted.get()).isEqualTo(5);
    }

    @Test
    void memoryIsBoundedByMaxKeys() {
        RateLimiter limiter = new RateLimiter(1, Duration.ofMinutes(1), clock, 50);
        for (int i = 0; i < 1_000; i++) {
            limiter.tryAcquire("user-" + i);
            clock.now = clock.now.plusMillis(1);
        }
        assertThat(limiter.size()).isLessThanOrEqualTo(50);
        assertThat(limiter.tryAcquire("user-999")).as("the most recent keys are kept").isFalse();
    }

    @Test
    void badLimitsAreRefused() {
        assertThatThrownBy(() -> new RateLimiter(0, Duration.ofMinutes(1), clock, 1)).hasMessageContaining("burst");
        assertThatThrownBy(() -> new RateLimiter(1, Duration.ZERO, clock, 1)).hasMessageContaining("refillEvery");
        assertThatThrownBy(() -> new RateLimiter(1, Duration.ofMinutes(1), clock, 0)).hasMessageContaining("maxKeys");
    }

    static List<IncidentSnapshot> storm(int n) {
        IncidentSnapshot base = TestNotifications.incident();
        List<IncidentSnapshot> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(new IncidentSnapshot("PINC" + (100 + i), 100 + i, "Host down " + i, "", "PSVC" + i,
                    "service-" + i, i % 3 == 0 ? IncidentSnapshot.Urgency.HIGH : IncidentSnapshot.Urgency.LOW,
                    IncidentSnapshot.Status.TRIGGERED, Optional.empty(), base.createdAt().plusSeconds(i)));
        }
        return out;
    }

    @Test
    void aStormBecomesOneSmsWithinOneSegment() {
        Digest digest = new Digest(storm(37), URI.create("https://tocsin.example.com/incidents"));
        String sms = digest.sms(Gsm7.SINGLE_GSM);
        assertThat(sms).startsWith("Tocsin: 37 incidents (13 high): #136 service-36;")
                .endsWith(" more https://tocsin.example.com/incidents");
        assertThat(Gsm7.septets(sms)).isLessThanOrEqualTo(160);
        assertThat(new Digest(storm(1), URI.create("https://t.example/i")).sms(160))
                .isEqualTo("Tocsin: 1 incident (1 high): #100 service-0; https://t.example/i");
    }

    @Test
    void theTextDigestListsEveryIncident() {
        String text = new Digest(storm(4), URI.create("https://tocsin.example.com/incidents")).text();
        assertThat(text.lines().filter(l -> l.startsWith("#"))).hasSize(4);
        assertThat(text.lines().filter(l -> l.startsWith("#")).findFirst()).contains(
                "#103 high service-3: Host down 3 [triggered]");
        assertThat(text).contains("#103 high service-3: Host down 3 [triggered]\n"
                + "    https://tocsin.example.com/incidents/PINC103\n");
        assertThatThrownBy(() -> new Digest(List.of(), URI.create("https://t.example/i")))
                .hasMessageContaining("at least one");
    }

    @Test
    void aCallNamesTheCountTheServicesAndTheFirstIncidentButReadsNoList() {
        Digest digest = new Digest(storm(7), URI.create("https://tocsin.example.com/incidents"));
        assertThat(digest.spoken()).isEqualTo("This is Tocsin. 7 incidents waiting for you, 3 of them high urgency, "
                + "on service-6, service-3, service-0 and 4 more services. The first is incident number 106: "
                + "Host down 6. Open Tocsin, or read your messages, to see them all.");
        assertThat(digest.subject()).isEqualTo("[Tocsin] 7 incidents held back: service-6, service-3, service-0 and "
                + "4 more services");
        Target sms = Target.of(Target.Kind.SMS, "+15557654321");
        assertThat(digest.notice("k", sms)).satisfies(n -> {
            assertThat(n.sms()).isEqualTo(digest.sms(Gsm7.SINGLE_GSM));
            assertThat(n.text()).isEqualTo(digest.text());
            assertThat(n.target()).isEqualTo(sms);
        });
        List<IncidentSnapshot> twice = new ArrayList<>(storm(2));
        twice.add(twice.getFirst());
        assertThat(new Digest(twice, URI.create("https://t.example/i")).incidents()).as("listed once").hasSize(2);
    }

    @Test
    void theGateLimitsEachUserAndKindByItsOwnPolicy() {
        NoiseGate gate = new NoiseGate(new NoisePolicy(java.util.Map.of(Target.Kind.VOICE,
                new NoisePolicy.Limit(1, Duration.ofMinutes(10)))), clock);
        assertThat(gate.tryAcquire("PUSER01", Target.Kind.VOICE)).isTrue();
        assertThat(gate.tryAcquire("PUSER01", Target.Kind.VOICE)).isFalse();
        assertThat(gate.nextAllowed("PUSER01", Target.Kind.VOICE, clock.now)).isEqualTo(clock.now.plus(
                Duration.ofMinutes(10)));
        assertThat(gate.tryAcquire("PUSER02", Target.Kind.VOICE)).isTrue();
        for (int i = 0; i < 100; i++) {
            assertThat(gate.tryAcquire("PUSER01", Target.Kind.SMS)).as("no limit for SMS here").isTrue();
        }
        assertThat(NoisePolicy.defaults().limit(Target.Kind.VOICE)).hasValueSatisfying(l -> assertThat(l.toString())
                .isEqualTo("2 per 10m"));
        assertThat(new NoisePolicy.Limit(5, Duration.ofSeconds(90)).refillEvery()).isEqualTo(Duration.ofSeconds(18));
    }

    @Test
    void badPoliciesAreRefused() {
        assertThatThrownBy(() -> new NoisePolicy.Limit(0, Duration.ofMinutes(1))).hasMessageContaining("max");
        assertThatThrownBy(() -> new NoisePolicy.Limit(1, Duration.ZERO)).hasMessageContaining("per");
        assertThatThrownBy(() -> new NoisePolicy.Limit(5, Duration.ofMillis(-5))).hasMessageContaining("per");
        assertThatThrownBy(() -> new NoisePolicy.Limit(10, Duration.ofMillis(5))).hasMessageContaining("1 ms");
        assertThatThrownBy(() -> new NoisePolicy(java.util.Map.of(Target.Kind.WEBHOOK,
                new NoisePolicy.Limit(1, Duration.ofMinutes(1))))).hasMessageContaining("cannot be rate limited");
    }
}
