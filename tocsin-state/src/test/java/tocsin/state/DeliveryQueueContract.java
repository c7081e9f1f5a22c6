package tocsin.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import tocsin.notify.Channel;
import tocsin.notify.Channels;
import tocsin.notify.Delivery;
import tocsin.notify.DeliveryException;
import tocsin.notify.Links;
import tocsin.notify.Notice;
import tocsin.notify.Notification;
import tocsin.notify.PermanentDeliveryException;
import tocsin.notify.RetryPolicy;
import tocsin.notify.RetryableDeliveryException;
import tocsin.notify.Target;
import tocsin.notify.dispatch.DeliveryQueue;
import tocsin.notify.dispatch.DeliveryQueue.State;
import tocsin.notify.dispatch.DispatchObserver;
import tocsin.notify.dispatch.Dispatcher;
import tocsin.notify.noise.NoisePolicy;
import tocsin.oncall.directory.ContactMethod;
import tocsin.oncall.directory.NotificationRule;
import tocsin.oncall.incident.AlertEvent;
import tocsin.oncall.incident.IncidentUpdate;
import tocsin.oncall.incident.Incidents;
import tocsin.oncall.paging.Actor;
import tocsin.oncall.paging.Incident;
import tocsin.oncall.paging.Integration;
import tocsin.oncall.paging.LogEntry;

/**
 * What every backend owes the delivery pipeline: the {@link DeliveryQueue} contract, driven through the real
 * {@link Dispatcher}, the real escalation engine and outbox, and personal notification rules from the directory, on
 * a {@link ManualClock}. Channels are scripted stand-ins that record what they were asked to send. Extended by the
 * SQLite and PostgreSQL tests.
 */
public abstract class DeliveryQueueContract {

    private static final Instant START = Instant.parse("2026-03-02T09:00:00Z");
    private static final Dispatcher.Options OPTIONS = new Dispatcher.Options(Duration.ofMillis(100),
            Duration.ofMinutes(2), 50, 2, RetryPolicy.PAGING);

    protected final ManualClock clock = new ManualClock(START);
    private StateStore state;
    private Incidents incidents;
    private DeliveryQueue queue;
    private Integration integration;
    private String alice;
    private final ScriptedChannel email = new ScriptedChannel(Target.Kind.EMAIL);
    private final ScriptedChannel sms = new ScriptedChannel(Target.Kind.SMS);
    private final List<String> observed = new CopyOnWriteArrayList<>();
    private Dispatcher dispatcher;

    protected abstract StateConfig newStateConfig(InstantSource clock);

    @BeforeEach
    final void open() {
        state = StateStore.open(newStateConfig(clock));
        queue = state.deliveryQueue();
        OnePersonPaging paging = OnePersonPaging.on(state, clock);
        alice = paging.alice();
        incidents = paging.incidents();
        integration = paging.service("checkout", "0123456789abcdef0123456789abcdef");
        dispatcher = dispatcher("node-a");
    }

    @AfterEach
    final void close() {
        dispatcher.close();
        state.close();
    }

    private Dispatcher dispatcher(String owner) {
        return dispatcher(owner, OPTIONS);
    }

    private Dispatcher dispatcher(String owner, Dispatcher.Options options) {
        return new Dispatcher(queue, state.recipients(), Channels.of(List.of(email, sms)),
                (incident, user) -> Links.incidentOnly(java.net.URI.create("https://tocsin.example/incidents/"
                        + incident.id())), new DispatchObserver() {
                    @Override
                    public void attempt(String channel, String outcome) {
                        observed.add(channel + ":" + outcome);
                    }

                    @Override
                    public void unreachable(String userId) {
                        observed.add("unreachable:" + userId);
                    }

                    @Override
                    public void held(String channel) {
                        observed.add(channel + ":held");
                    }

                    @Override
                    public void digest(String channel, String outcome, int deliveries) {
                        observed.add(channel + ":digest:" + outcome + ":" + deliveries);
                    }
                }, clock, owner, options, new Random(7));
    }

    private String contact(ContactMethod.Type type, String address, Integer country, int delayMinutes) {
        ContactMethod m = state.peopleStore().createContactMethod(alice, new ContactMethod.Draft(type, "Work",
                address, country)).orElseThrow();
        state.peopleStore().createNotificationRule(alice, new NotificationRule.Draft(delayMinutes, m.id(),
                NotificationRule.Urgency.HIGH)).orElseThrow();
        return m.id();
    }

    private String trigger() {
        return trigger("db");
    }

    private String trigger(String dedupKey) {
        return incidents.trigger(integration, new AlertEvent(dedupKey, "Database down " + dedupKey, "db-1",
                "critical", null, null, null, null, Map.of())).incidentId();
    }

    private void advance(Duration d) {
        clock.advance(d);
        dispatcher.runOnce();
    }

    private List<String> notifyLog(String incidentId) {
        return state.incidentStore().logEntries(incidentId, null, null, 0, 1000).items().stream()
                .filter(e -> e.type().equals(LogEntry.NOTIFY)).map(LogEntry::summary).toList();
    }

    private List<State> states(String incidentId) {
        return queue.deliveries(incidentId).stream().map(DeliveryQueue.Delivery::state).toList();
    }

    // ---- personal notification rules

    @Test
    void eachRuleDeliversAtItsDelay() {
        contact(ContactMethod.Type.EMAIL, "alice@example.com", null, 0);
        contact(ContactMethod.Type.SMS, "5557654321", 1, 1);
        String id = trigger();

        dispatcher.runOnce();
        assertThat(email.sent).hasSize(1);
        assertThat(sms.sent).isEmpty();
        Notification n = email.sent.getFirst();
        assertThat(n.target()).isEqualTo(Target.of(Target.Kind.EMAIL, "alice@example.com"));
        assertThat(n.event()).isEqualTo(Notification.Event.TRIGGERED);
        assertThat(n.incident().title()).isEqualTo("Database down db");
        assertThat(n.incident().serviceName()).isEqualTo("checkout");
        assertThat(n.key().userId()).isEqualTo(alice);

        advance(Duration.ofSeconds(59));
        assertThat(sms.sent).isEmpty();
        advance(Duration.ofSeconds(1));
        assertThat(sms.sent).extracting(x -> x.target().address()).containsExactly("+15557654321");
        advance(Duration.ofMinutes(5));
        assertThat(email.sent).hasSize(1);
        assertThat(sms.sent).hasSize(1);

        assertThat(states(id)).containsExactly(State.DELIVERED, State.DELIVERED);
        assertThat(notifyLog(id)).anyMatch(s -> s.startsWith("Notified by email at alice@example.com, attempt 1: "
                + "delivered (message id email-1)")).anyMatch(s -> s.startsWith("Notified by sms at +15557654321"));
        assertThat(observed).containsExactly("email:delivered", "sms:delivered");
    }

    @Test
    void acknowledgingCancelsEveryPendingDelivery() {
        contact(ContactMethod.Type.EMAIL, "alice@example.com", null, 0);
        contact(ContactMethod.Type.SMS, "5557654321", 1, 3);
        String id = trigger();
        dispatcher.runOnce();

        incidents.update(id, new IncidentUpdate(Incident.Status.ACKNOWLEDGED, null, null, null, null, null, null,
                null), Actor.user(alice));
        advance(Duration.ofMinutes(10));

        assertThat(sms.sent).isEmpty();
        assertThat(states(id)).containsExactly(State.DELIVERED, State.CANCELLED);
    }

    @Test
    void anAcknowledgementBeforeTheClaimWinsEvenWhenTheDeliveryIsDue() {
        contact(ContactMethod.Type.EMAIL, "alice@example.com", null, 0);
        String id = trigger();
        incidents.update(id, new IncidentUpdate(Incident.Status.RESOLVED, null, null, null, null, null, null,
                null), Actor.user(alice));

        dispatcher.runOnce();

        assertThat(email.sent).isEmpty();
        assertThat(states(id)).containsExactly(State.CANCELLED);
    }

    @Test
    void aPersonWithoutRulesIsLoudOnTheIncident() {
        String id = trigger();
        dispatcher.runOnce();

        assertThat(state.incidentStore().logEntries(id, null, null, 0, 100).items())
                .filteredOn(e -> e.type().equals(LogEntry.NOBODY_PAGED)).extracting(LogEntry::summary)
                .singleElement().asString().contains("Could not notify user " + alice
                        + ": no notification rule for high-urgency incidents");
        assertThat(observed).containsExactly("unreachable:" + alice);
        assertThat(queue.deliveries(id)).isEmpty();
        dispatcher.runOnce();
        assertThat(observed).hasSize(1);
    }

    // ---- retries and failures

    @Test
    void aRetryableFailureIsRetriedWithBackoffThenSucceeds() {
        contact(ContactMethod.Type.EMAIL, "alice@example.com", null, 0);
        email.failures.add(new RetryableDeliveryException("smtp_unavailable", "421 try later"));
        String id = trigger();

        dispatcher.runOnce();
        assertThat(email.sent).isEmpty();
        assertThat(states(id)).containsExactly(State.PENDING);
        Instant retryAt = queue.nextDue().orElseThrow();
        assertThat(retryAt).isAfterOrEqualTo(clock.instant()).isBeforeOrEqualTo(clock.instant().plusSeconds(2));

        clock.set(retryAt);
        dispatcher.runOnce();

        assertThat(email.sent).hasSize(1);
        DeliveryQueue.Delivery d = queue.deliveries(id).getFirst();
        assertThat(d.state()).isEqualTo(State.DELIVERED);
        assertThat(d.attempts()).isEqualTo(2);
        assertThat(d.providerMessageId()).contains("email-1");
        assertThat(notifyLog(id)).anyMatch(s -> s.contains("attempt 1: failed, will retry. smtp_unavailable: 421"))
                .anyMatch(s -> s.contains("attempt 2: delivered"));
        assertThat(observed).containsExactly("email:retry", "email:delivered");
    }

    @Test
    void aPermanentFailureStopsThatDeliveryAndIsRecorded() {
        contact(ContactMethod.Type.EMAIL, "alice@example.com", null, 0);
        contact(ContactMethod.Type.SMS, "5557654321", 1, 0);
        email.failures.add(new PermanentDeliveryException("mailbox_unavailable", "550 no such user"));
        String id = trigger();

        dispatcher.runOnce();
        advance(Duration.ofMinutes(20));

        assertThat(email.calls).isEqualTo(1);
        assertThat(sms.sent).hasSize(1);
        DeliveryQueue.Delivery failed = queue.deliveries(id).stream().filter(x -> x.state() == State.FAILED)
                .findFirst().orElseThrow();
        assertThat(failed.lastError().orElseThrow()).contains("550 no such user").contains("permanent failure");
        assertThat(notifyLog(id)).anyMatch(s -> s.startsWith("Notified by email at alice@example.com, attempt 1: "
                + "failed. mailbox_unavailable: 550 no such user"));
    }

    @Test
    void aContactMethodWithoutAChannelFailsAtOnceAndSaysWhy() {
        contact(ContactMethod.Type.PUSH_NOTIFICATION, "device-token", null, 0);
        String id = trigger();
        dispatcher.runOnce();

        assertThat(states(id)).containsExactly(State.FAILED);
        assertThat(notifyLog(id)).anyMatch(s -> s.contains("push notifications have no channel"));
        assertThat(observed).containsExactly("none:failed");
    }

    @Test
    void retriesStopWhenThePolicyGivesUp() {
        contact(ContactMethod.Type.EMAIL, "alice@example.com", null, 0);
        for (int i = 0; i < 20; i++) {
            email.failures.add(new RetryableDeliveryException("timeout", "read timed out"));
        }
        String id = trigger();
        dispatcher.runOnce();
        for (int i = 0; i < 30 && queue.nextDue().isPresent(); i++) {
            clock.set(queue.nextDue().get());
            dispatcher.runOnce();
        }

        assertThat(email.calls).isEqualTo(RetryPolicy.PAGING.maxAttempts());
        assertThat(states(id)).containsExactly(State.FAILED);
        assertThat(queue.deliveries(id).getFirst().lastError().orElseThrow()).contains("gave up after 8 attempts");
    }

    // ---- crash safety

    @Test
    void aLeaseThatExpiresIsRedeliveredOnceWithTheSameIdempotencyKey() {
        contact(ContactMethod.Type.EMAIL, "alice@example.com", null, 0);
        String id = trigger();
        dispatcher.runOnce(); // expands and delivers
        assertThat(email.sent).hasSize(1);

        // a second step: a dispatcher that claims it and dies before sending
        incidents.update(id, new IncidentUpdate(null, null, null, null, 1, null, null, null), Actor.user(alice));
        List<DeliveryQueue.Request> pending = queue.pending(10);
        assertThat(pending).hasSize(1);
        DeliveryQueue.Request r = pending.getFirst();
        queue.expand(r, List.of(new DeliveryQueue.Plan(queue.deliveries(id).getFirst().ruleId(),
                queue.deliveries(id).getFirst().contactMethodId(), r.createdAt())), "", clock.instant());
        List<DeliveryQueue.Claim> crashed = queue.claim("node-b", clock.instant(), OPTIONS.lease(), 10);
        assertThat(crashed).hasSize(1);

        dispatcher.runOnce();
        assertThat(email.sent).hasSize(1);
        advance(OPTIONS.lease().minusSeconds(1));
        assertThat(email.sent).hasSize(1);
        advance(Duration.ofSeconds(1));
        assertThat(email.sent).hasSize(2);
        assertThat(email.sent.get(1).key()).isEqualTo(crashed.getFirst().key());
        advance(OPTIONS.lease().multipliedBy(2));
        assertThat(email.sent).hasSize(2);

        DeliveryQueue.Delivery redelivered = queue.deliveries(id).get(1);
        assertThat(redelivered.state()).isEqualTo(State.DELIVERED);
        assertThat(redelivered.attempts()).isEqualTo(2);
        // the crashed node's late report does not undo the new holder's result
        queue.record(crashed.getFirst(), new DeliveryQueue.Attempt(clock.instant(), "email", "alice@example.com",
                DeliveryQueue.Outcome.FAILED, Optional.empty(), "late", Optional.empty()));
        assertThat(queue.deliveries(id).get(1).state()).isEqualTo(State.DELIVERED);
    }

    @Test
    void expandingIsIdempotent() {
        String cm = contact(ContactMethod.Type.EMAIL, "alice@example.com", null, 0);
        String id = trigger();
        DeliveryQueue.Request r = queue.pending(10).getFirst();
        List<DeliveryQueue.Plan> plans = List.of(new DeliveryQueue.Plan("R1", cm, r.createdAt()));

        assertThat(queue.expand(r, plans, "", clock.instant())).isTrue();
        assertThat(queue.expand(r, plans, "", clock.instant())).isFalse();
        assertThat(queue.pending(10)).isEmpty();
        assertThat(queue.deliveries(id)).hasSize(1);
    }

    @Test
    void concurrentClaimersNeverShareADelivery() throws Exception {
        String cm = contact(ContactMethod.Type.EMAIL, "alice@example.com", null, 0);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            String id = incidents.trigger(integration, new AlertEvent("k" + i, "down " + i, "db", "critical", null,
                    null, null, null, Map.of())).incidentId();
            ids.add(id);
        }
        for (DeliveryQueue.Request r : queue.pending(100)) {
            queue.expand(r, List.of(new DeliveryQueue.Plan("R", cm, r.createdAt())), "", clock.instant());
        }
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            List<Callable<List<DeliveryQueue.Claim>>> claimers = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                String owner = "node-" + i;
                claimers.add(() -> queue.claim(owner, clock.instant(), OPTIONS.lease(), 100));
            }
            List<String> claimed = new ArrayList<>();
            for (Future<List<DeliveryQueue.Claim>> f : pool.invokeAll(claimers)) {
                f.get().forEach(c -> claimed.add(c.deliveryId()));
            }
            assertThat(claimed).hasSize(6).doesNotHaveDuplicates();
        } finally {
            pool.shutdownNow();
        }
        assertThat(queue.claim("late", clock.instant(), OPTIONS.lease(), 100)).isEmpty();
    }

    // ---- noise control: held pages and digests

    /** A dispatcher allowing {@code max} SMS per minute per person (one more every minute / max). */
    private void limitSms(int max) {
        limitSms(max, Duration.ofMinutes(1));
    }

    private void limitSms(int max, Duration per) {
        dispatcher.close();
        dispatcher = dispatcher("node-a", OPTIONS.withNoise(new NoisePolicy(Map.of(Target.Kind.SMS,
                new NoisePolicy.Limit(max, per)))));
    }

    private List<String> held(List<String> ids) {
        return ids.stream().filter(id -> states(id).equals(List.of(State.HELD))).toList();
    }

    private List<String> storm(int n) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ids.add(trigger("storm-" + i));
        }
        return ids;
    }

    /** Alice's SMS limited to {@code max} a minute, {@code n} incidents at once: returns those held back. */
    private List<String> stormOver(int max, int n) {
        contact(ContactMethod.Type.SMS, "5557654321", 1, 0);
        limitSms(max);
        List<String> ids = storm(n);
        dispatcher.runOnce();
        assertThat(sms.sent).hasSize(max);
        List<String> held = held(ids);
        assertThat(held).hasSize(n - max);
        return held;
    }

    @Test
    void aStormOverTheLimitIsHeldThenSentAsOneDigestWhenTheLimitAllows() {
        List<String> held = stormOver(2, 6);
        assertThat(notifyLog(held.getFirst())).last().asString().startsWith("Held sms to +15557654321 for "
                + "a digest: over the rate limit of 2 per 1m sms messages; the next message may go out at "
                + "2026-03-02T09:00:30Z");
        assertThat(queue.deliveries(held.getFirst()).getFirst().attempts()).as("holding is no attempt").isZero();

        clock.advance(Duration.ofSeconds(29));
        assertThat(dispatcher.runOnce()).as("held pages over the limit leave the round idle, not spinning").isZero();
        assertThat(sms.notices).isEmpty();
        advance(Duration.ofSeconds(1));
        assertThat(sms.sent).hasSize(2);
        Notice digest = sms.notices.getFirst();
        assertThat(sms.notices).hasSize(1);
        assertThat(digest.target()).isEqualTo(Target.of(Target.Kind.SMS, "+15557654321"));
        assertThat(digest.sms()).startsWith("Tocsin: 4 incidents (4 high):")
                .contains("https://tocsin.example/incidents");
        assertThat(digest.text().lines().filter(l -> l.startsWith("#"))).hasSize(4)
                .allMatch(l -> l.contains("high checkout: Database down storm-"));
        for (String id : held) {
            DeliveryQueue.Delivery d = queue.deliveries(id).getFirst();
            assertThat(d.state()).isEqualTo(State.DELIVERED);
            assertThat(d.providerMessageId()).contains("sms-notice-1");
            assertThat(notifyLog(id)).last().asString().startsWith("Notified by sms at +15557654321 in a digest of "
                    + "4 incidents, attempt 1: delivered (message id sms-notice-1)");
        }
        advance(Duration.ofMinutes(5));
        assertThat(sms.notices).hasSize(1);
        assertThat(observed.subList(0, 6)).as("sent concurrently").containsExactlyInAnyOrder("sms:delivered",
                "sms:delivered", "sms:held", "sms:held", "sms:held", "sms:held");
        assertThat(observed.subList(6, observed.size())).containsExactly("sms:digest:delivered:4");
    }

    @Test
    void aHeldPageOfAnAcknowledgedIncidentIsCancelledNotDigested() {
        List<String> held = stormOver(1, 3);

        incidents.update(held.getFirst(), new IncidentUpdate(Incident.Status.ACKNOWLEDGED, null, null, null, null,
                null, null, null), Actor.user(alice));
        advance(Duration.ofMinutes(1));

        assertThat(states(held.getFirst())).containsExactly(State.CANCELLED);
        assertThat(notifyLog(held.getFirst())).last().isEqualTo("A notification held back for a digest was "
                + "cancelled: the incident is acknowledged.");
        // one incident left: it goes out as its own page (with its reply codes), not as a digest of one
        assertThat(sms.notices).isEmpty();
        assertThat(sms.sent).hasSize(2);
        assertThat(sms.sent.get(1).incident().id()).isEqualTo(held.get(1));
        assertThat(states(held.get(1))).containsExactly(State.DELIVERED);
        assertThat(notifyLog(held.get(1))).last().asString().startsWith("Notified by sms at +15557654321 after being "
                + "held for the rate limit, attempt 1: delivered (message id sms-2)");
    }

    @Test
    void cancellingAnIncidentsDeliveriesCancelsItsHeldPageAndSaysSo() {
        String held = stormOver(1, 2).getFirst();
        assertThat(queue.cancel(held, clock.instant())).isEqualTo(1);
        assertThat(states(held)).containsExactly(State.CANCELLED);
        assertThat(notifyLog(held)).last().isEqualTo("A notification held back for a digest was cancelled.");
        advance(Duration.ofMinutes(5));
        assertThat(sms.notices).isEmpty();
        assertThat(sms.sent).hasSize(1);
    }

    @Test
    void aDigestInterruptedByACrashIsResentAsTheSameSetWithTheSameKey() {
        String cm = contact(ContactMethod.Type.SMS, "5557654321", 1, 0);
        limitSms(1, Duration.ofMinutes(3));
        storm(3);
        dispatcher.runOnce();
        DeliveryQueue.HeldGroup group = new DeliveryQueue.HeldGroup(alice, cm);
        assertThat(queue.heldGroups(clock.instant())).containsExactly(group);
        // another node leases the held pages for a digest and dies before sending
        List<DeliveryQueue.Claim> crashed = queue.claimDigest("node-b", group, clock.instant(), OPTIONS.lease(), 50);
        assertThat(crashed).hasSize(2);
        assertThat(queue.claimDigest("node-c", group, clock.instant(), OPTIONS.lease(), 50)).isEmpty();

        advance(Duration.ofSeconds(30));
        String late = trigger("late");
        dispatcher.runOnce();
        assertThat(states(late)).containsExactly(State.HELD);
        advance(Duration.ofSeconds(149)); // the lease expired at 2 min, the next message is earned at 3 min
        assertThat(sms.notices).isEmpty();
        advance(Duration.ofSeconds(1));

        assertThat(sms.notices).singleElement().satisfies(n -> {
            assertThat(n.key()).contains(crashed.get(0).deliveryId()).contains(crashed.get(1).deliveryId())
                    .doesNotContain(queue.deliveries(late).getFirst().id());
            assertThat(n.sms()).startsWith("Tocsin: 2 incidents");
        });
        assertThat(states(late)).as("the newly held page waits for the next digest").containsExactly(State.HELD);
        // the crashed node's late report changes nothing
        queue.recordDigest(crashed, new DeliveryQueue.Attempt(clock.instant(), "sms", "+15557654321",
                DeliveryQueue.Outcome.FAILED, Optional.empty(), "late", Optional.empty()), 2);
        for (DeliveryQueue.Claim c : crashed) {
            assertThat(states(c.key().incidentId())).containsExactly(State.DELIVERED);
        }
        advance(Duration.ofMinutes(3));
        assertThat(states(late)).containsExactly(State.DELIVERED);
        assertThat(sms.sent.getLast().incident().id()).isEqualTo(late);
    }

    @Test
    void aDigestThatFailsIsRetriedAsTheSameSet() {
        List<String> held = stormOver(1, 3);
        sms.failures.add(new RetryableDeliveryException("twilio_20429", "too many requests"));
        advance(Duration.ofMinutes(1));
        assertThat(sms.notices).isEmpty();
        assertThat(states(held.getFirst())).containsExactly(State.DIGESTING);
        String retryLog = notifyLog(held.getFirst()).getLast();
        assertThat(retryLog).contains("in a digest of 2 incidents, attempt 1: failed, will retry. twilio_20429");
        trigger("while-retrying");

        advance(Duration.ofMinutes(1)); // past the retry, and one more message earned
        assertThat(sms.notices).singleElement().satisfies(n -> assertThat(n.sms()).startsWith("Tocsin: 2 incidents"));
        assertThat(notifyLog(held.getFirst()).getLast()).contains("in a digest of 2 incidents, attempt 2: delivered");
        assertThat(observed).contains("sms:digest:retry:2", "sms:digest:delivered:2");
    }

    @Test
    void aServerSecretIsCreatedOnceAndKept() {
        byte[] first = state.serverSecret("link-signing");
        assertThat(first).hasSize(32);
        assertThat(state.serverSecret("link-signing")).isEqualTo(first);
        assertThat(state.serverSecret("other")).isNotEqualTo(first);
    }
}
