package tocsin.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import tocsin.monitor.Creator;
import tocsin.monitor.GroupState;
import tocsin.monitor.Monitor;
import tocsin.monitor.MonitorDefinition;
import tocsin.monitor.MonitorOptions;
import tocsin.monitor.MonitorStatus;
import tocsin.monitor.MonitorStore;
import tocsin.monitor.MonitorStore.MonitorFilter;
import tocsin.monitor.MonitorType;
import tocsin.monitor.OnMissingData;
import tocsin.monitor.Thresholds;
import tocsin.monitor.Transition;

/**
 * What every backend's {@link MonitorStore} owes: integer ids, round trips of every option, filters, updates that
 * replace tags, deletes that take states and history along, group states that survive a reopen, history in order,
 * and no state for a deleted monitor. A backend's test extends this class; public for other modules' test-jars.
 */
public abstract class MonitorStoreContract {

    protected static final Instant START = Instant.parse("2026-03-01T09:00:00Z");
    protected static final Creator ALICE = new Creator("alice@example.com", "alice@example.com", "Alice");

    protected final ManualClock clock = new ManualClock(START);
    private final List<StateStore> opened = new CopyOnWriteArrayList<>();
    protected StateConfig config;
    protected StateStore state;
    protected MonitorStore store;

    protected abstract StateConfig newStateConfig(InstantSource clock);

    @BeforeEach
    final void openFreshStore() {
        config = newStateConfig(clock);
        state = StateStore.open(config);
        opened.add(state);
        store = state.monitorStore();
    }

    @AfterEach
    final void closeStores() {
        opened.forEach(StateStore::close);
    }

    private void reopen() {
        state.close();
        state = StateStore.open(config);
        opened.add(state);
        store = state.monitorStore();
    }

    static MonitorDefinition cpu(String name, String... tags) {
        return new MonitorDefinition(name, MonitorType.METRIC_ALERT, "avg(last_5m):avg:system.cpu.user{*} by {host} > 80",
                "CPU high @pagerduty-Web", List.of(tags), 2L, MonitorOptions.defaults()
                .withThresholds(new Thresholds(80.0, 70.0, null, null, null, null)));
    }

    @Test
    void idsAreIncreasingIntegersAndEveryFieldRoundTrips() {
        MonitorOptions options = new MonitorOptions(new Thresholds(90.0, 80.5, 85.0, 75.0, null, null), 60, 300, 600L,
                true, true, 10L, OnMissingData.SHOW_AND_NOTIFY_NO_DATA, 30L, 3L,
                Set.of(MonitorStatus.ALERT, MonitorStatus.NO_DATA), "still bad", false, List.of("host"), 24L, true,
                Map.of("host:a", 1_800_000_000L, "*", 0L));
        MonitorDefinition d = new MonitorDefinition("CPU é 🚨", MonitorType.QUERY_ALERT,
                "avg(last_5m):avg:system.cpu.user{*} > 90", "{{#is_alert}}hi{{/is_alert}}", List.of("team:web", "a"),
                null, options);

        Monitor first = store.create(d, ALICE);
        Monitor second = store.create(cpu("other"), ALICE);

        assertThat(first.id()).isPositive();
        assertThat(second.id()).isGreaterThan(first.id());
        assertThat(first.created()).isEqualTo(START);
        assertThat(store.find(first.id())).contains(first);
        assertThat(store.find(first.id()).orElseThrow().definition().options()).isEqualTo(options);
        assertThat(store.find(999_999)).isEmpty();
    }

    @Test
    void idsAreNotReusedAfterADelete() {
        Monitor a = store.create(cpu("a"), ALICE);
        store.delete(a.id());

        assertThat(store.create(cpu("b"), ALICE).id()).isGreaterThan(a.id());
    }

    @Test
    void listFiltersByNameTagsAndIdOffset() {
        Monitor a = store.create(cpu("Web CPU", "team:web", "env:prod"), ALICE);
        Monitor b = store.create(cpu("DB cpu", "team:db", "env:prod"), ALICE);
        Monitor c = store.create(cpu("100%_literal", "team:web"), ALICE);

        assertThat(store.list(MonitorFilter.ALL)).extracting(Monitor::id).containsExactly(a.id(), b.id(), c.id());
        assertThat(store.list(new MonitorFilter("cpu", List.of(), 0, 100))).extracting(Monitor::id)
                .containsExactly(a.id(), b.id());
        assertThat(store.list(new MonitorFilter(null, List.of("env:prod", "team:web"), 0, 100)))
                .extracting(Monitor::id).containsExactly(a.id());
        assertThat(store.list(new MonitorFilter("%_", List.of(), 0, 100))).extracting(Monitor::id)
                .containsExactly(c.id());
        assertThat(store.list(new MonitorFilter(null, List.of(), a.id(), 1))).extracting(Monitor::id)
                .containsExactly(b.id());
        assertThat(store.list(MonitorFilter.ALL).getFirst().definition().tags()).containsExactly("team:web",
                "env:prod");
    }

    @Test
    void updateReplacesTheDefinitionAndTagsAndKeepsCreation() {
        Monitor a = store.create(cpu("a", "x", "y"), ALICE);
        clock.advance(Duration.ofMinutes(5));

        Monitor updated = store.update(a.id(), cpu("renamed", "z")).orElseThrow();

        assertThat(updated.definition().name()).isEqualTo("renamed");
        assertThat(updated.definition().tags()).containsExactly("z");
        assertThat(updated.created()).isEqualTo(START);
        assertThat(updated.modified()).isEqualTo(START.plus(Duration.ofMinutes(5)));
        assertThat(store.update(a.id() + 1000, cpu("x"))).isEmpty();
    }

    @Test
    void groupStatesAndHistorySurviveAReopenAndGoWithTheMonitor() {
        Monitor m = store.create(cpu("a"), ALICE);
        Instant t1 = START.plusSeconds(60);
        GroupState alert = new GroupState(m.id(), "host:a", MonitorStatus.ALERT, 91.5, t1, null, null, t1, 0, t1, t1);
        store.save(alert, new Transition(m.id(), "host:a", MonitorStatus.OK, MonitorStatus.ALERT, 91.5,
                t1.minusSeconds(300), t1, t1, "CPU high on host:a", List.of("@pagerduty-Web", "@ops@example.com")));
        Instant t2 = t1.plusSeconds(60);
        GroupState ok = new GroupState(m.id(), "host:a", MonitorStatus.OK, 12.0, t1, t2, null, t2, 0, t2, t2);
        store.save(ok, new Transition(m.id(), "host:a", MonitorStatus.ALERT, MonitorStatus.OK, 12.0, null, null, t2,
                "", List.of()));
        store.save(new GroupState(m.id(), "host:b", MonitorStatus.NO_DATA, null, null, null, t2, null, 2, null, t2),
                null);

        reopen();

        assertThat(store.groupStates(m.id())).containsExactly(ok, new GroupState(m.id(), "host:b",
                MonitorStatus.NO_DATA, null, null, null, t2, null, 2, null, t2));
        List<Transition> history = store.history(m.id(), START, t2.plusMillis(1), 10);
        assertThat(history).extracting(Transition::to).containsExactly(MonitorStatus.OK, MonitorStatus.ALERT);
        assertThat(history.get(1).handles()).containsExactly("@pagerduty-Web", "@ops@example.com");
        assertThat(history.get(1).windowStart()).isEqualTo(t1.minusSeconds(300));
        assertThat(history.get(0).handles()).isEmpty();
        assertThat(store.history(m.id(), START, t2, 10)).hasSize(1);
        assertThat(store.history(m.id(), START, t2.plusMillis(1), 1)).hasSize(1);
        assertThat(store.allGroupStates()).hasSize(2);

        store.removeGroups(m.id(), List.of("host:b"));
        assertThat(store.groupStates(m.id())).extracting(GroupState::group).containsExactly("host:a");

        assertThat(store.delete(m.id())).isTrue();
        assertThat(store.delete(m.id())).isFalse();
        assertThat(store.groupStates(m.id())).isEmpty();
        assertThat(store.history(m.id(), START, t2.plusMillis(1), 10)).isEmpty();
    }

    @Test
    void aStateForADeletedMonitorIsDropped() {
        Monitor m = store.create(cpu("a"), ALICE);
        store.delete(m.id());

        store.save(new GroupState(m.id(), "*", MonitorStatus.ALERT, 1.0, START, null, null, null, 0, START, START),
                new Transition(m.id(), "*", MonitorStatus.OK, MonitorStatus.ALERT, 1.0, null, null, START, "",
                        List.of()));

        assertThat(store.groupStates(m.id())).isEmpty();
        assertThat(store.history(m.id(), START, START.plusSeconds(1), 10)).isEmpty();
    }

    @Test
    void concurrentCreatesGetDistinctIds() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Monitor>> futures = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                int n = i;
                futures.add(pool.submit(() -> store.create(cpu("m" + n), ALICE)));
            }
            List<Long> ids = new ArrayList<>();
            for (Future<Monitor> f : futures) {
                ids.add(f.get().id());
            }
            assertThat(ids).doesNotHaveDuplicates().hasSize(20);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void downtimesRoundTripAndUpdate() {
        var store = state.downtimeStore();
        var oneOff = new tocsin.monitor.downtime.Downtime("", 0, "env:prod", 42L, List.of(),
                new tocsin.monitor.downtime.Downtime.OneTime(START, START.plusSeconds(3600)), "deploy", "UTC", true,
                List.of("alert"), List.of("expired"), START, START, null);
        var weekly = new tocsin.monitor.downtime.Downtime("", 0, "*", null, List.of("team:web"),
                new tocsin.monitor.downtime.Downtime.Recurring(List.of(new tocsin.monitor.downtime.Downtime.Recurrence(
                        "FREQ=WEEKLY;BYDAY=SA,SU", Duration.ofHours(48), java.time.LocalDateTime.parse(
                        "2026-03-07T00:00"))), java.time.ZoneId.of("Europe/Berlin")), "", "Europe/Berlin", false,
                List.of("alert", "warn"), List.of("canceled", "expired"), START, START, null);

        var a = store.create(oneOff);
        var b = store.create(weekly);

        assertThat(a.id()).hasSize(36).isNotEqualTo(b.id());
        assertThat(store.find(a.id())).contains(a);
        assertThat(store.find(b.id())).contains(b);
        assertThat(store.list()).hasSize(2);
        var canceled = a.canceledAt(START.plusSeconds(60));
        assertThat(store.update(canceled)).contains(canceled);
        assertThat(store.find(a.id())).contains(canceled);
        assertThat(store.find("nope")).isEmpty();

        // The v1 API's integer ids: assigned in creation order, unique, found again, kept by updates.
        assertThat(a.v1Id()).isPositive();
        assertThat(b.v1Id()).isGreaterThan(a.v1Id());
        assertThat(store.findByV1Id(a.v1Id())).contains(canceled);
        assertThat(store.findByV1Id(b.v1Id())).contains(b);
        assertThat(store.findByV1Id(b.v1Id() + 1000)).isEmpty();
        assertThat(store.list()).extracting(tocsin.monitor.downtime.Downtime::v1Id)
                .containsExactly(a.v1Id(), b.v1Id());
    }
    static tocsin.monitor.MonitorDelivery delivery(long monitorId, String key, String handle) {
        return new tocsin.monitor.MonitorDelivery(key, monitorId, "host:a", tocsin.monitor.template.Handle.Kind.WEBHOOK,
                handle.substring("@webhook-".length()), handle, "[Triggered on {host:a}] CPU", "CPU 95 " + handle,
                Map.of("EVENT_MSG", "CPU 95 \"quoted\"\n" + handle, "AGGREG_KEY", "agg-1"), START);
    }

    private GroupState alert(long id) {
        return new GroupState(id, "host:a", MonitorStatus.ALERT, 95.0, START, null, null, START, 0, START, START);
    }

    @Test
    void directDeliveriesCommitWithTheirTransitionOnceAndLeaseOneAtATime() {
        Monitor m = store.create(cpu("CPU"), ALICE);
        Transition t = new Transition(m.id(), "host:a", MonitorStatus.OK, MonitorStatus.ALERT, 95.0, START, START,
                START, "CPU 95 @webhook-ops", List.of("@webhook-ops"));
        store.save(alert(m.id()), t, List.of(delivery(m.id(), "k1", "@webhook-ops"),
                delivery(m.id(), "k2", "@webhook-audit")));
        store.save(alert(m.id()), null, List.of(delivery(m.id(), "k1", "@webhook-ops")));
        store.save(alert(999_999), null, List.of(delivery(999_999, "k3", "@webhook-ops")));

        tocsin.notify.direct.DirectQueue queue = state.directQueue();
        assertThat(queue.recent(10)).extracting(tocsin.notify.direct.DirectQueue.Delivery::key)
                .containsExactlyInAnyOrder("k1", "k2");
        List<tocsin.notify.direct.DirectQueue.Claim> first = queue.claim("a", START, Duration.ofMinutes(2), 10);
        assertThat(first).hasSize(2);
        tocsin.notify.direct.DirectMessage msg = first.stream().filter(c -> c.id().equals("k1")).findFirst()
                .orElseThrow().message();
        assertThat(msg.kind()).isEqualTo(tocsin.notify.direct.DirectMessage.Kind.WEBHOOK);
        assertThat(msg.target()).isEqualTo("ops");
        assertThat(msg.variables()).containsEntry("EVENT_MSG", "CPU 95 \"quoted\"\n@webhook-ops");
        assertThat(msg.link()).isEqualTo("/ui/monitors/" + m.id());
        assertThat(msg.thread()).isEqualTo("agg-1");
        assertThat(queue.claim("b", START.plusSeconds(60), Duration.ofMinutes(2), 10)).as("leased to a").isEmpty();

        // a delivered; the other lease expires and b takes it over, so a's late record changes nothing
        tocsin.notify.direct.DirectQueue.Claim k1 = first.stream().filter(c -> c.id().equals("k1")).findFirst()
                .orElseThrow();
        tocsin.notify.direct.DirectQueue.Claim k2 = first.stream().filter(c -> c.id().equals("k2")).findFirst()
                .orElseThrow();
        queue.record(k1, attempt(START.plusSeconds(1), tocsin.notify.dispatch.DeliveryQueue.Outcome.DELIVERED));
        List<tocsin.notify.direct.DirectQueue.Claim> second = queue.claim("b", START.plusSeconds(121),
                Duration.ofMinutes(2), 10);
        assertThat(second).extracting(tocsin.notify.direct.DirectQueue.Claim::id).containsExactly("k2");
        assertThat(second.getFirst().attempts()).isEqualTo(2);
        assertThat(second.getFirst().firstAttemptAt()).isEqualTo(START);
        queue.record(k2, attempt(START.plusSeconds(122), tocsin.notify.dispatch.DeliveryQueue.Outcome.FAILED));
        assertThat(state(queue, "k2")).isEqualTo(tocsin.notify.dispatch.DeliveryQueue.State.SENDING);
        queue.record(second.getFirst(), new tocsin.notify.dispatch.DeliveryQueue.Attempt(START.plusSeconds(123),
                "webhook", "ops", tocsin.notify.dispatch.DeliveryQueue.Outcome.RETRY, java.util.Optional.empty(),
                "http_500", java.util.Optional.of(START.plusSeconds(130))));
        assertThat(state(queue, "k1")).isEqualTo(tocsin.notify.dispatch.DeliveryQueue.State.DELIVERED);
        assertThat(queue.nextDue()).contains(START.plusSeconds(130));
        assertThat(queue.claim("b", START.plusSeconds(129), Duration.ofMinutes(2), 10)).isEmpty();
        assertThat(queue.claim("b", START.plusSeconds(130), Duration.ofMinutes(2), 10)).hasSize(1);
    }

    private static tocsin.notify.dispatch.DeliveryQueue.Attempt attempt(Instant at,
                                                                        tocsin.notify.dispatch.DeliveryQueue.Outcome o) {
        return new tocsin.notify.dispatch.DeliveryQueue.Attempt(at, "webhook", "ops", o,
                o == tocsin.notify.dispatch.DeliveryQueue.Outcome.DELIVERED ? java.util.Optional.of("id")
                        : java.util.Optional.empty(), "detail", java.util.Optional.empty());
    }

    private static tocsin.notify.dispatch.DeliveryQueue.State state(tocsin.notify.direct.DirectQueue queue,
                                                                   String key) {
        return queue.recent(10).stream().filter(d -> d.key().equals(key)).findFirst().orElseThrow().state();
    }

    @Test
    void managedMarksFollowTheirMonitor() {
        Monitor a = store.create(cpu("A"), ALICE);
        Monitor b = store.create(cpu("B"), ALICE);
        store.manage(a.id(), "name:A");
        store.manage(b.id(), "id:" + b.id());
        store.manage(a.id(), "name:A2");
        assertThat(store.managed()).containsExactlyInAnyOrderEntriesOf(Map.of("name:A2", a.id(), "id:" + b.id(),
                b.id()));
        store.manage(b.id(), null);
        store.delete(a.id());
        assertThat(store.managed()).isEmpty();
    }

    @Test
    void aDeclaredMonitorIsCreatedWithItsKeyAndKeepsItThroughUpdates() {
        Monitor declared = store.create(cpu("Declared"), ALICE, "key:cpu");
        Monitor api = store.create(cpu("API"), ALICE);
        assertThat(store.managed()).containsExactlyEntriesOf(Map.of("key:cpu", declared.id()));
        assertThat(store.managedKey(declared.id())).contains("key:cpu");
        assertThat(store.managedKey(api.id())).isEmpty();
        store.update(declared.id(), cpu("Declared, changed"));
        assertThat(store.managedKey(declared.id())).contains("key:cpu");
        assertThatThrownBy(() -> store.create(cpu("Again"), ALICE, "key:cpu")).isInstanceOf(RuntimeException.class);
        assertThat(store.list(MonitorStore.MonitorFilter.ALL)).extracting(Monitor::id)
                .containsExactly(declared.id(), api.id());
    }
}
