package tocsin.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import tocsin.core.access.AccessStore.NewUser;
import tocsin.core.access.Role;
import tocsin.notify.Channels;
import tocsin.notify.Notice;
import tocsin.notify.RetryPolicy;
import tocsin.notify.RetryableDeliveryException;
import tocsin.notify.Target;
import tocsin.notify.dispatch.DeliveryQueue.State;
import tocsin.notify.dispatch.DispatchObserver;
import tocsin.notify.dispatch.Dispatcher;
import tocsin.notify.dispatch.HandoffDispatcher;
import tocsin.notify.dispatch.HandoffQueue;
import tocsin.oncall.Layer;
import tocsin.oncall.Schedule;
import tocsin.oncall.directory.ContactMethod;
import tocsin.oncall.escalation.HandoffNotifier;
import tocsin.oncall.paging.EscalationPolicy;
import tocsin.oncall.paging.EscalationRule;

/**
 * What every backend owes on-call handoff notifications: the {@link HandoffQueue} contract, driven by the real
 * {@link HandoffNotifier} (which records the handoffs of a rendered schedule) and the real {@link HandoffDispatcher},
 * with scripted channels, on a {@link ManualClock}. Extended by the SQLite and PostgreSQL tests.
 */
public abstract class HandoffDeliveryContract {

    private static final Instant START = Instant.parse("2026-03-02T09:00:00Z"); // a Monday
    private static final Dispatcher.Options OPTIONS = new Dispatcher.Options(Duration.ofMillis(100),
            Duration.ofMinutes(2), 50, 2, RetryPolicy.PAGING);

    protected final ManualClock clock = new ManualClock(START);
    private final ScriptedChannel email = new ScriptedChannel(Target.Kind.EMAIL);
    private final ScriptedChannel sms = new ScriptedChannel(Target.Kind.SMS);
    private final ScriptedChannel voice = new ScriptedChannel(Target.Kind.VOICE);
    private final List<String> observed = new CopyOnWriteArrayList<>();
    private final Map<String, Schedule> schedules = new ConcurrentHashMap<>();
    private StateStore state;
    private HandoffQueue queue;
    private HandoffNotifier notifier;
    private HandoffDispatcher dispatcher;
    private String bob;
    private String carol;

    protected abstract StateConfig newStateConfig(InstantSource clock);

    @BeforeEach
    final void open() {
        state = StateStore.open(newStateConfig(clock));
        queue = state.handoffQueue();
        bob = user("bob@example.com", "Bob", ZoneOffset.UTC);
        carol = user("carol@example.com", "Carol", ZoneId.of("Europe/Berlin"));
        contact(bob, ContactMethod.Type.EMAIL, "bob@example.com", null);
        contact(bob, ContactMethod.Type.SMS, "5557654321", 1);
        contact(bob, ContactMethod.Type.PHONE, "5557654321", 1);
        contact(carol, ContactMethod.Type.EMAIL, "carol@example.com", null);
        // a daily rotation, Bob then Carol, handing over at 09:00 UTC; a policy that always asks for handoffs. The
        // schedule comes from a lookup, not the directory's table, so messages name it by its id
        schedules.put("S1", new Schedule("S1", "Primary", ZoneOffset.UTC, List.of(new Layer("L1", "Layer 1",
                START.minus(Duration.ofDays(1)), null, START, Duration.ofDays(1), List.of(bob, carol), List.of()))));
        state.pagingConfigStore().savePolicy(new EscalationPolicy(null, "ops", null, 0, "always",
                List.of(new EscalationRule(null, 5, List.of(tocsin.oncall.paging.Target.schedule("S1")),
                        EscalationRule.Assignment.ASSIGN_TO_EVERYONE)), 0, null));
        notifier = new HandoffNotifier(state.pagingConfigStore(), state.incidentStore(),
                id -> Optional.ofNullable(schedules.get(id)), clock);
        dispatcher = dispatcher("node-a");
    }

    @AfterEach
    final void close() {
        dispatcher.close();
        state.close();
    }

    private HandoffDispatcher dispatcher(String owner) {
        return new HandoffDispatcher(queue, state.recipients(), Channels.of(List.of(email, sms, voice)),
                URI.create("https://tocsin.example/"), new DispatchObserver() {
                    @Override
                    public void attempt(String channel, String outcome) {
                        observed.add("page:" + channel + ":" + outcome);
                    }

                    @Override
                    public void unreachable(String userId) {
                        observed.add("unreachable:" + userId);
                    }

                    @Override
                    public void handoff(String channel, String outcome) {
                        observed.add(channel + ":" + outcome);
                    }
                }, clock, owner, OPTIONS, new Random(3));
    }

    private String user(String email, String name, ZoneId zone) {
        return state.accessStore().createUser(new NewUser(email, name, Role.RESPONDER, zone, null)).id();
    }

    private void contact(String user, ContactMethod.Type type, String address, Integer country) {
        state.peopleStore().createContactMethod(user, new ContactMethod.Draft(type, "Work", address, country))
                .orElseThrow();
    }

    /** Scans once to set the cursor, then across the 09:00 handoff of the next day; returns the requests. */
    private List<HandoffQueue.Request> handOver() {
        clock.set(START.plus(Duration.ofHours(1)));
        assertThat(notifier.run()).isZero();
        clock.set(START.plus(Duration.ofHours(25)));
        assertThat(notifier.run()).isEqualTo(2);
        return queue.pending(10);
    }

    private Notice only(ScriptedChannel channel, String address) {
        return channel.notices.stream().filter(n -> n.target().address().equals(address)).reduce((a, b) -> {
            throw new AssertionError("two notices to " + address);
        }).orElseThrow();
    }

    @Test
    void theOutgoingAndIncomingPeopleAreToldOnceByEmailAndSmsNeverByPhone() {
        List<HandoffQueue.Request> requests = handOver();
        assertThat(requests).extracting(HandoffQueue.Request::userId, HandoffQueue.Request::change)
                .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple(bob, HandoffQueue.Change.OFF_CALL),
                        org.assertj.core.groups.Tuple.tuple(carol, HandoffQueue.Change.ON_CALL));

        assertThat(dispatcher.runOnce()).isEqualTo(3);

        Notice off = only(email, "bob@example.com");
        assertThat(off.subject()).isEqualTo("[Tocsin] Your on-call shift for S1 ended at Tue 3 Mar 09:00 UTC");
        assertThat(off.text()).contains("https://tocsin.example/schedules/S1");
        assertThat(only(sms, "+15557654321").sms()).isEqualTo("Tocsin: your on-call shift for S1 ended at "
                + "Tue 3 Mar 09:00 UTC. https://tocsin.example/schedules/S1");
        Notice on = only(email, "carol@example.com");
        assertThat(on.subject()).as("in Carol's time zone")
                .isEqualTo("[Tocsin] You are on call for S1 from Tue 3 Mar 10:00 CET");
        assertThat(voice.notices).isEmpty();
        assertThat(on.key()).isNotEqualTo(off.key());

        for (HandoffQueue.Request r : requests) {
            assertThat(queue.deliveries(r.id())).isNotEmpty().allSatisfy(d -> {
                assertThat(d.state()).isEqualTo(State.DELIVERED);
                assertThat(d.providerMessageId()).isPresent();
            });
        }
        assertThat(queue.pending(10)).isEmpty();
        clock.advance(Duration.ofMinutes(10));
        assertThat(notifier.run()).isZero();
        assertThat(dispatcher.runOnce()).isZero();
        assertThat(email.notices).hasSize(2);
        assertThat(observed).containsExactlyInAnyOrder("email:delivered", "email:delivered", "sms:delivered");
    }

    @Test
    void aClaimLeftByACrashIsSentAfterItsLeaseWithTheSameKey() {
        for (HandoffQueue.Request r : handOver()) {
            assertThat(queue.expand(r, state.recipients().handoffContactMethods(r.userId()), clock.instant()))
                    .isTrue();
            assertThat(queue.expand(r, List.of("CM-OTHER"), clock.instant())).as("expanded once").isFalse();
        }
        List<HandoffQueue.Claim> crashed = queue.claim("node-b", clock.instant(), OPTIONS.lease(), 50);
        assertThat(crashed).hasSize(3);
        assertThat(queue.claim("node-c", clock.instant(), OPTIONS.lease(), 50)).isEmpty();

        assertThat(dispatcher.runOnce()).isZero();
        clock.advance(OPTIONS.lease());
        assertThat(dispatcher.runOnce()).isEqualTo(3);

        List<String> sent = java.util.stream.Stream.concat(email.notices.stream(), sms.notices.stream())
                .map(Notice::key).toList();
        assertThat(sent).containsExactlyInAnyOrderElementsOf(crashed.stream().map(HandoffQueue.Claim::key).toList());
        // the crashed node's late report changes nothing
        queue.record(crashed.getFirst(), new tocsin.notify.dispatch.DeliveryQueue.Attempt(clock.instant(), "email",
                "x", tocsin.notify.dispatch.DeliveryQueue.Outcome.FAILED, Optional.empty(), "late",
                Optional.empty()));
        assertThat(queue.deliveries(crashed.getFirst().request().id())).allSatisfy(d -> assertThat(d.state())
                .isEqualTo(State.DELIVERED));
    }

    @Test
    void aRetryableFailureIsRetriedAndAPersonWithoutContactMethodsIsCounted() {
        String dora = user("dora@example.com", "Dora", ZoneOffset.UTC);
        schedules.put("S1", new Schedule("S1", "Primary", ZoneOffset.UTC, List.of(new Layer("L1", "Layer 1",
                START.minus(Duration.ofDays(1)), null, START, Duration.ofDays(1), List.of(carol, dora), List.of()))));
        handOver();
        email.failures.add(new RetryableDeliveryException("smtp_421", "try later"));

        dispatcher.runOnce();
        assertThat(email.notices).isEmpty();
        assertThat(observed).containsExactlyInAnyOrder("none:unreachable", "email:retry");
        clock.advance(Duration.ofSeconds(5));
        dispatcher.runOnce();

        assertThat(email.notices).singleElement().satisfies(n -> assertThat(n.subject())
                .startsWith("[Tocsin] Your on-call shift for S1 ended at Tue 3 Mar 10:00 CET"));
        assertThat(observed).containsExactlyInAnyOrder("none:unreachable", "email:retry", "email:delivered");
    }
}
