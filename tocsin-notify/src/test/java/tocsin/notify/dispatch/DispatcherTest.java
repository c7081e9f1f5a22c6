package tocsin.notify.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Queue;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import tocsin.notify.Channel;
import tocsin.notify.Channels;
import tocsin.notify.Delivery;
import tocsin.notify.IdempotencyKey;
import tocsin.notify.IncidentSnapshot;
import tocsin.notify.Links;
import tocsin.notify.Notification;
import tocsin.notify.RetryPolicy;
import tocsin.notify.Target;
import tocsin.notify.TestNotifications;

/**
 * The dispatcher's own mechanics, on an in-memory queue: the per-channel concurrency bound, a channel that crashes
 * (its claim is left to the lease), and background rounds. The queue's guarantees are proven on real databases by
 * {@code DeliveryQueueContract} in tocsin-state.
 */
class DispatcherTest {
    private static final InstantSource CLOCK = InstantSource.fixed(TestNotifications.OCCURRED);
    private static final IncidentSnapshot INCIDENT = TestNotifications.incident();

    /** Hands out its claims once; keeps what is recorded. Thread-safe. */
    private static final class MemoryQueue implements DeliveryQueue {
        final Queue<Claim> due = new ConcurrentLinkedQueue<>();
        final List<Attempt> recorded = new CopyOnWriteArrayList<>();

        @Override
        public List<Request> pending(int limit) {
            return List.of();
        }

        @Override
        public boolean expand(Request request, List<Plan> plans, String problem, Instant now) {
            return false;
        }

        @Override
        public List<Claim> claim(String owner, Instant now, Duration lease, int limit) {
            List<Claim> out = new ArrayList<>();
            for (Claim c = due.poll(); c != null && out.size() < limit; c = due.poll()) {
                out.add(c);
            }
            return out;
        }

        @Override
        public void record(Claim claim, Attempt attempt) {
            recorded.add(attempt);
        }

        @Override
        public void hold(Claim claim, Instant at, String channel, String target, String detail) {
            throw new AssertionError("no rate limits here");
        }

        @Override
        public List<HeldGroup> heldGroups(Instant now) {
            return List.of();
        }

        @Override
        public List<Claim> claimDigest(String owner, HeldGroup group, Instant now, Duration lease, int limit) {
            return List.of();
        }

        @Override
        public void recordDigest(List<Claim> claims, Attempt attempt, int incidents) {
            throw new AssertionError("no rate limits here");
        }

        @Override
        public int cancel(String incidentId, Instant now) {
            return 0;
        }

        @Override
        public Optional<Instant> nextDue() {
            return Optional.empty();
        }

        @Override
        public List<Delivery> deliveries(String incidentId) {
            return List.of();
        }
    }

    private static DeliveryQueue.Claim claim(int i) {
        return new DeliveryQueue.Claim("D" + i, "me", new IdempotencyKey(INCIDENT.id(), 1, "U" + i, "C" + i), 1,
                TestNotifications.OCCURRED, Optional.empty(), INCIDENT, Notification.Event.TRIGGERED,
                TestNotifications.CREATED);
    }

    private static final Recipients EVERYONE_BY_EMAIL = new Recipients() {
        @Override
        public List<Rule> rules(String userId, IncidentSnapshot.Urgency urgency) {
            return List.of();
        }

        @Override
        public Optional<Target> target(String userId, String contactMethodId) {
            return Optional.of(Target.of(Target.Kind.EMAIL, userId.toLowerCase() + "@example.com"));
        }

        @Override
        public List<String> handoffContactMethods(String userId) {
            return List.of("C-" + userId);
        }
    };

    /** An e-mail channel that sends with {@code send}. */
    private static Channel email(java.util.function.Function<Notification, Delivery> send) {
        return new Channel() {
            @Override
            public Target.Kind kind() {
                return Target.Kind.EMAIL;
            }

            @Override
            public Delivery send(Notification n) {
                return send.apply(n);
            }
        };
    }

    private static Dispatcher dispatcher(MemoryQueue queue, Channel channel, int perChannel) {
        return new Dispatcher(queue, EVERYONE_BY_EMAIL, Channels.of(List.of(channel)),
                (incident, user) -> Links.incidentOnly(java.net.URI.create("https://t.example/i")),
                DispatchObserver.NONE, CLOCK, "me", new Dispatcher.Options(Duration.ofMillis(20),
                        Duration.ofMinutes(2), 64, perChannel, RetryPolicy.PAGING), new Random(1));
    }

    @Test
    void sendsOfOneChannelAreBoundedAndAllComplete() {
        MemoryQueue queue = new MemoryQueue();
        for (int i = 0; i < 8; i++) {
            queue.due.add(claim(i));
        }
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        Channel slow = email(n -> {
            most.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            try {
                Thread.sleep(30);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            inFlight.decrementAndGet();
            return new Delivery("<" + n.key().digest() + "@t>", "250 ok");
        });
        try (Dispatcher d = dispatcher(queue, slow, 2)) {
            assertThat(d.runOnce()).isEqualTo(8);
        }
        assertThat(most.get()).isEqualTo(2);
        assertThat(queue.recorded).hasSize(8).allMatch(a -> a.outcome() == DeliveryQueue.Outcome.DELIVERED)
                .allMatch(a -> a.providerMessageId().isPresent());
    }

    @Test
    void aChannelThatCrashesLeavesItsClaimToTheLeaseAndTheOthersProceed() {
        MemoryQueue queue = new MemoryQueue();
        queue.due.add(claim(1));
        queue.due.add(claim(2));
        Channel flaky = email(n -> {
            if (n.key().userId().equals("U1")) {
                throw new IllegalStateException("bug");
            }
            return new Delivery("id", "ok");
        });
        try (Dispatcher d = dispatcher(queue, flaky, 1)) {
            assertThat(d.runOnce()).isEqualTo(2);
        }
        assertThat(queue.recorded).singleElement().satisfies(a -> assertThat(a.target())
                .isEqualTo("u2@example.com"));
    }

    @Test
    void backgroundRoundsDeliverUntilClosed() throws Exception {
        MemoryQueue queue = new MemoryQueue();
        CountDownLatch sent = new CountDownLatch(1);
        Channel channel = email(n -> {
            sent.countDown();
            return new Delivery("id", "ok");
        });
        Dispatcher d = dispatcher(queue, channel, 1).start();
        try {
            queue.due.add(claim(1));
            assertThat(sent.await(10, TimeUnit.SECONDS)).isTrue();
        } finally {
            d.close();
        }
        queue.due.add(claim(2));
        Thread.sleep(100); // several poll intervals
        assertThat(queue.due).hasSize(1);
    }
}
