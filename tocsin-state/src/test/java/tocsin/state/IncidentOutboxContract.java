package tocsin.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import tocsin.monitor.GroupState;
import tocsin.monitor.Monitor;
import tocsin.monitor.MonitorIncidentAction;
import tocsin.monitor.MonitorIncidentAction.Action;
import tocsin.monitor.MonitorStatus;
import tocsin.monitor.MonitorStore;
import tocsin.monitor.Transition;
import tocsin.monitor.eval.IncidentDispatcher;
import tocsin.monitor.eval.IncidentOutbox;
import tocsin.monitor.eval.IncidentOutbox.Claim;
import tocsin.monitor.eval.IncidentOutbox.State;
import tocsin.monitor.eval.IncidentSink;
import tocsin.monitor.template.Handle;

/**
 * What every backend's {@link IncidentOutbox} owes, with the {@link MonitorStore} that fills it: an incident action
 * is written in the transaction of its transition (and not for a deleted monitor), stored once per key, claimed by
 * one worker at a time, claimable again after its lease, released in order per dedup key, and retried by the
 * {@link IncidentDispatcher} until applied. A backend's test extends this class.
 */
public abstract class IncidentOutboxContract {
    static final Instant START = Instant.parse("2026-03-01T09:00:00Z");
    static final Handle WEB = new Handle(Handle.Kind.PAGERDUTY, "Web", "@pagerduty-Web");
    static final Duration LEASE = Duration.ofMinutes(1);

    final ManualClock clock = new ManualClock(START);
    StateStore state;
    MonitorStore store;
    IncidentOutbox outbox;
    Monitor monitor;

    protected abstract StateConfig newStateConfig(InstantSource clock);

    @BeforeEach
    final void open() {
        state = StateStore.open(newStateConfig(clock));
        store = state.monitorStore();
        outbox = state.monitorIncidentOutbox();
        monitor = store.create(MonitorStoreContract.cpu("CPU"), MonitorStoreContract.ALICE);
    }

    @AfterEach
    final void close() {
        state.close();
    }

    MonitorIncidentAction action(String key, Action action, Instant at) {
        return new MonitorIncidentAction(key, monitor.id(), "host:a", WEB, action, "tocsin-monitor-" + monitor.id()
                + "-host:a", "[Alert] CPU on host:a", action == Action.TRIGGER ? Map.of("status", "Alert",
                "monitor_id", Long.toString(monitor.id())) : Map.of(), at);
    }

    /** Stores a transition of host:a with its incident actions, as the evaluator does. */
    void transition(MonitorStatus from, MonitorStatus to, MonitorIncidentAction... actions) {
        Instant now = clock.instant();
        store.save(new GroupState(monitor.id(), "host:a", to, 1.0, now, null, null, now, 0, now, now),
                new Transition(monitor.id(), "host:a", from, to, 1.0, null, null, now, "CPU @pagerduty-Web",
                        List.of("@pagerduty-Web")), List.of(), List.of(actions));
    }

    @Test
    void anActionIsWrittenWithItsTransitionOnceAndClaimedByOneWorker() {
        MonitorIncidentAction trigger = action("k1", Action.TRIGGER, START);
        transition(MonitorStatus.OK, MonitorStatus.ALERT, trigger);
        transition(MonitorStatus.OK, MonitorStatus.ALERT, trigger); // the same key again: stored once

        assertThat(store.history(monitor.id(), START, START.plusSeconds(1), 10)).hasSize(2);
        List<Claim> first = outbox.claim("w1", clock.instant(), LEASE, 10);
        assertThat(first).singleElement().satisfies(c -> {
            assertThat(c.action()).isEqualTo(trigger);
            assertThat(c.attempts()).isEqualTo(1);
        });
        assertThat(outbox.claim("w2", clock.instant(), LEASE, 10)).isEmpty();
        outbox.applied(first.getFirst(), clock.instant());
        clock.advance(LEASE.multipliedBy(2));
        assertThat(outbox.claim("w2", clock.instant(), LEASE, 10)).isEmpty();
        assertThat(outbox.recent(10)).singleElement().satisfies(e -> {
            assertThat(e.state()).isEqualTo(State.APPLIED);
            assertThat(e.handle()).isEqualTo("@pagerduty-Web");
        });
    }

    @Test
    void nothingIsWrittenForADeletedMonitor() {
        store.delete(monitor.id());
        transition(MonitorStatus.OK, MonitorStatus.ALERT, action("k1", Action.TRIGGER, START));
        assertThat(outbox.recent(10)).isEmpty();
    }

    @Test
    void anExpiredLeaseIsClaimedAgainAndTheLosersRecordChangesNothing() {
        transition(MonitorStatus.OK, MonitorStatus.ALERT, action("k1", Action.TRIGGER, START));
        Claim dead = outbox.claim("w1", clock.instant(), LEASE, 10).getFirst();
        clock.advance(LEASE.plusSeconds(1));
        Claim again = outbox.claim("w2", clock.instant(), LEASE, 10).getFirst();
        assertThat(again.attempts()).isEqualTo(2);
        outbox.applied(dead, clock.instant()); // w1 lost its lease: fenced
        assertThat(outbox.recent(1).getFirst().state()).isEqualTo(State.APPLYING);
        outbox.applied(again, clock.instant());
        assertThat(outbox.recent(1).getFirst().state()).isEqualTo(State.APPLIED);
    }

    @Test
    void aResolveWaitsForTheTriggerOfItsKeyButOtherKeysDoNot() {
        transition(MonitorStatus.OK, MonitorStatus.ALERT, action("t", Action.TRIGGER, START));
        clock.advance(Duration.ofSeconds(1));
        transition(MonitorStatus.ALERT, MonitorStatus.OK, action("r", Action.RESOLVE, clock.instant()));
        MonitorIncidentAction other = new MonitorIncidentAction("o", monitor.id(), "host:b", WEB, Action.TRIGGER,
                "tocsin-monitor-" + monitor.id() + "-host:b", "[Alert] CPU on host:b", Map.of(), clock.instant());
        transition(MonitorStatus.OK, MonitorStatus.ALERT, other);

        List<Claim> round1 = outbox.claim("w", clock.instant(), LEASE, 10);
        assertThat(round1).extracting(c -> c.action().key()).containsExactly("t", "o");
        outbox.retry(round1.getFirst(), clock.instant(), Optional.of(clock.instant().plusSeconds(5)), "boom");
        assertThat(outbox.claim("w", clock.instant(), LEASE, 10)).isEmpty(); // the trigger waits, the resolve too
        clock.advance(Duration.ofSeconds(5));
        List<Claim> round2 = outbox.claim("w", clock.instant(), LEASE, 10);
        assertThat(round2).extracting(c -> c.action().key()).containsExactly("t");
        outbox.applied(round2.getFirst(), clock.instant());
        assertThat(outbox.claim("w", clock.instant(), LEASE, 10)).extracting(c -> c.action().key())
                .containsExactly("r");
    }

    @Test
    void aFailedForGoodActionNoLongerHoldsBackItsKey() {
        transition(MonitorStatus.OK, MonitorStatus.ALERT, action("t", Action.TRIGGER, START));
        transition(MonitorStatus.ALERT, MonitorStatus.OK, action("r", Action.RESOLVE, START));
        Claim t = outbox.claim("w", clock.instant(), LEASE, 10).getFirst();
        outbox.retry(t, clock.instant(), Optional.empty(), "no service named 'Web'");
        assertThat(outbox.claim("w", clock.instant(), LEASE, 10)).extracting(c -> c.action().key())
                .containsExactly("r");
        assertThat(outbox.recent(10)).filteredOn(e -> e.key().equals("t")).singleElement().satisfies(e -> {
            assertThat(e.state()).isEqualTo(State.FAILED);
            assertThat(e.lastError()).contains("no service named 'Web'");
        });
    }

    @Test
    void theDispatcherRetriesAFailingSinkUntilItApplies() {
        List<String> applied = new CopyOnWriteArrayList<>();
        AtomicInteger failures = new AtomicInteger(2);
        IncidentSink sink = new IncidentSink() {
            @Override
            public void trigger(Handle target, String dedupKey, String summary, Map<String, String> details) {
                if (failures.getAndDecrement() > 0) {
                    throw new IllegalStateException("the incident side is down");
                }
                applied.add("trigger " + dedupKey + " " + details.get("status"));
            }

            @Override
            public void resolve(Handle target, String dedupKey) {
                applied.add("resolve " + dedupKey);
            }
        };
        IncidentDispatcher worker = new IncidentDispatcher(outbox, sink, clock, "w",
                IncidentDispatcher.Options.defaults());
        transition(MonitorStatus.OK, MonitorStatus.ALERT, action("t", Action.TRIGGER, START));
        transition(MonitorStatus.ALERT, MonitorStatus.OK, action("r", Action.RESOLVE, START));

        assertThat(worker.runOnce()).isEqualTo(1); // the trigger fails; the resolve waits behind it
        assertThat(worker.runOnce()).isZero();
        clock.advance(Duration.ofSeconds(1));
        assertThat(worker.runOnce()).isEqualTo(1); // fails again; next in 2 s
        clock.advance(Duration.ofSeconds(1));
        assertThat(worker.runOnce()).isZero();
        clock.advance(Duration.ofSeconds(1));
        assertThat(worker.runOnce()).isEqualTo(1);
        assertThat(worker.runOnce()).isEqualTo(1);
        String key = "tocsin-monitor-" + monitor.id() + "-host:a";
        assertThat(applied).containsExactly("trigger " + key + " Alert", "resolve " + key);
        assertThat(worker.failures()).isEqualTo(2);
        assertThat(outbox.recent(10)).extracting(IncidentOutbox.Entry::state).containsOnly(State.APPLIED);
    }
}
