package tocsin.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import tocsin.core.access.AccessStore.NewUser;
import tocsin.core.access.Role;
import tocsin.oncall.Layer;
import tocsin.oncall.Schedule;
import tocsin.oncall.escalation.EscalationEngine;
import tocsin.oncall.escalation.EscalationObserver;
import tocsin.oncall.escalation.HandoffNotifier;
import tocsin.oncall.escalation.Outbox;
import tocsin.oncall.escalation.TargetCheck;
import tocsin.oncall.escalation.UserLookup;
import tocsin.oncall.incident.AlertEvent;
import tocsin.oncall.incident.EventResult;
import tocsin.oncall.incident.IncidentUpdate;
import tocsin.oncall.incident.Incidents;
import tocsin.oncall.paging.Actor;
import tocsin.oncall.paging.AlertGrouping;
import tocsin.oncall.paging.EscalationPolicy;
import tocsin.oncall.paging.EscalationRule;
import tocsin.oncall.paging.EscalationTimer;
import tocsin.oncall.paging.Handoff;
import tocsin.oncall.paging.Incident;
import tocsin.oncall.paging.IncidentFilter;
import tocsin.oncall.paging.IncidentStore;
import tocsin.oncall.paging.Integration;
import tocsin.oncall.paging.LogEntry;
import tocsin.oncall.paging.MaintenanceWindow;
import tocsin.oncall.paging.Notification;
import tocsin.oncall.paging.PagingConfigStore;
import tocsin.oncall.paging.PagingException;
import tocsin.oncall.paging.Service;
import tocsin.oncall.paging.SupportHours;
import tocsin.oncall.paging.Target;
import tocsin.oncall.paging.Urgency;
import tocsin.oncall.paging.UrgencyRule;

/**
 * What every backend owes paging: the {@link PagingConfigStore} and {@link IncidentStore} contracts, and the
 * escalation engine's scenarios on top of them (a {@link ManualClock}, real schedules rendered by the schedule
 * renderer, the real outbox), so the engine's guarantees are proven on each database. Extended by the SQLite and
 * PostgreSQL tests.
 */
public abstract class PagingStoreContract {

    protected static final Instant START = Instant.parse("2026-03-02T09:00:00Z"); // a Monday
    private static final String KEY = "0123456789abcdef0123456789abcdef";

    protected final ManualClock clock = new ManualClock(START);
    protected StateStore state;
    protected PagingConfigStore config;
    protected IncidentStore incidents;
    protected EscalationEngine engine;
    protected Incidents service;
    protected final Map<String, Schedule> schedules = new ConcurrentHashMap<>();
    protected final List<String> nobodyPaged = new CopyOnWriteArrayList<>();
    private final AtomicInteger keys = new AtomicInteger();
    protected String alice;
    protected String bob;
    protected String carol;

    protected abstract StateConfig newStateConfig(InstantSource clock);

    @BeforeEach
    final void openStores() {
        state = StateStore.open(newStateConfig(clock));
        config = state.pagingConfigStore();
        incidents = state.incidentStore();
        alice = user("alice@example.com", "Alice");
        bob = user("bob@example.com", "Bob");
        carol = user("carol@example.com", "Carol");
        engine = new EscalationEngine(incidents, id -> Optional.ofNullable(schedules.get(id)), users(),
                Outbox.RECORDING, new EscalationObserver() {
                    @Override
                    public void nobodyPaged(String incidentId, int level) {
                        nobodyPaged.add(incidentId + "@" + level);
                    }

                    @Override
                    public void paged(int people) {
                    }

                    @Override
                    public void timerFired(EscalationTimer.Kind kind) {
                    }
                }, clock);
        service = new Incidents(config, incidents, engine, users());
    }

    @AfterEach
    final void closeStores() {
        state.close();
    }

    private String user(String email, String name) {
        return state.accessStore().createUser(new NewUser(email, name, Role.RESPONDER, ZoneOffset.UTC, null)).id();
    }

    private UserLookup users() {
        return UserLookup.of(state.accessStore());
    }

    // ---- fixtures

    /** A daily rotation from START: first, then second, 24 h each, in UTC. */
    private Schedule dailyRotation(String id, String first, String second) {
        Schedule s = new Schedule(id, "Primary " + id, ZoneOffset.UTC, List.of(new Layer("L1", "Layer 1", START.minus(
                Duration.ofDays(1)), null, START, Duration.ofDays(1), List.of(first, second), List.of())));
        schedules.put(id, s);
        return s;
    }

    private EscalationPolicy policy(String name, int loops, EscalationRule... rules) {
        return config.savePolicy(new EscalationPolicy(null, name, null, loops, null, List.of(rules), 0, null));
    }

    private static EscalationRule rule(int delay, Target... targets) {
        return new EscalationRule(null, delay, List.of(targets), EscalationRule.Assignment.ASSIGN_TO_EVERYONE);
    }

    private Service serviceFor(EscalationPolicy p, Duration ack, Duration autoResolve, AlertGrouping grouping) {
        return config.saveService(new Service(null, "svc-" + p.name(), null, p.id(), null, ack, autoResolve, null,
                grouping, 0, null));
    }

    private Integration integration(Service s) {
        return config.saveIntegration(new Integration(null, s.id(), "events", Integration.Type.EVENTS_API_V2,
                String.format("%032x", keys.incrementAndGet()), null));
    }

    private static AlertEvent event(String dedup, String summary) {
        return new AlertEvent(dedup, summary, "host-1", "critical", null, null, null, null, Map.of());
    }

    private List<String> notifiedUsers(String incidentId) {
        return incidents.notifications(incidentId).stream().map(Notification::userId).toList();
    }

    private List<String> logTypes(String incidentId) {
        return incidents.logEntries(incidentId, null, null, 0, 1000).items().stream().map(LogEntry::type).toList();
    }

    private void advance(Duration d) {
        clock.advance(d);
        while (engine.runDue(100) > 0) {
            // fire everything due, including timers set by the ones that fired
        }
    }

    // ---- configuration

    @Test
    void policyRoundTripsRulesInOrderAndAnUpdateReplacesThem() {
        EscalationPolicy p = policy("ops", 2, rule(5, Target.user(alice)), rule(10, Target.schedule("S1"),
                Target.user(bob)));

        assertThat(p.id()).matches("P[A-Z0-9]{6}");
        assertThat(p.version()).isEqualTo(1);
        assertThat(config.policy(p.id())).contains(p);

        EscalationPolicy changed = config.savePolicy(new EscalationPolicy(p.id(), "ops2", "d", 0, "always",
                List.of(p.rules().get(1)), p.version(), null));
        assertThat(changed.version()).isEqualTo(2);
        assertThat(config.policy(p.id()).orElseThrow().rules()).containsExactly(p.rules().get(1));
        assertThat(config.policy(p.id()).orElseThrow().handoffNotifications()).isEqualTo("always");
        assertThatThrownBy(() -> config.savePolicy(p)).isInstanceOf(PagingException.Conflict.class)
                .hasMessageContaining("changed by someone else");
    }

    @Test
    void policyNamesAreUniqueAndAPolicyInUseCannotBeDeleted() {
        EscalationPolicy p = policy("ops", 0, rule(5, Target.user(alice)));
        assertThatThrownBy(() -> policy("ops", 0, rule(5, Target.user(bob))))
                .isInstanceOf(PagingException.Invalid.class).hasMessageContaining("name:");
        serviceFor(p, null, null, null);

        assertThatThrownBy(() -> config.deletePolicy(p.id())).isInstanceOf(PagingException.Conflict.class)
                .hasMessageContaining("svc-ops");
    }

    @Test
    void badPoliciesNameEveryField() {
        assertThatThrownBy(() -> new EscalationRule(null, 0, List.of(), null))
                .isInstanceOf(PagingException.Invalid.class)
                .hasMessageContaining("escalation_delay_in_minutes: must be between 1")
                .hasMessageContaining("targets: must name at least one user or schedule");
        assertThatThrownBy(() -> new EscalationPolicy(null, "", null, 10, "never", List.of(), 0, null))
                .isInstanceOf(PagingException.Invalid.class).hasMessageContaining("name: is required")
                .hasMessageContaining("num_loops").hasMessageContaining("on_call_handoff_notifications")
                .hasMessageContaining("escalation_rules: must contain at least one rule");
        EscalationPolicy missing = new EscalationPolicy(null, "p", null, 0, null, List.of(rule(1,
                Target.user("PNOSUCH"), Target.schedule("PNOSCHED"))), 0, null);
        assertThatThrownBy(() -> TargetCheck.check(missing, users(), id -> Optional.ofNullable(schedules.get(id))))
                .isInstanceOf(PagingException.Invalid.class)
                .hasMessageContaining("escalation_policy.escalation_rules[0].targets[0].id: no user 'PNOSUCH'")
                .hasMessageContaining("escalation_rules[0].targets[1].id: no schedule 'PNOSCHED'");
    }

    @Test
    void serviceRoundTripsUrgencyRuleAndGrouping() {
        EscalationPolicy p = policy("ops", 0, rule(5, Target.user(alice)));
        SupportHours hours = new SupportHours(ZoneId.of("America/New_York"), EnumSet.range(DayOfWeek.MONDAY,
                DayOfWeek.FRIDAY), LocalTime.of(9, 0), LocalTime.of(17, 0));
        Service s = config.saveService(new Service(null, "web", "the site", p.id(), null, Duration.ofMinutes(30),
                Duration.ofHours(4), new UrgencyRule(hours, Urgency.HIGH, Urgency.LOW),
                new AlertGrouping(AlertGrouping.Type.CONTENT_BASED, null, List.of("source", "custom_details.db"),
                        "all", Duration.ofMinutes(10)), 0, null));

        assertThat(config.service(s.id())).contains(s);
        assertThat(s.urgencyRule().urgencyAt(Instant.parse("2026-03-02T15:00:00Z"))).isEqualTo(Urgency.HIGH);
        assertThat(s.urgencyRule().urgencyAt(Instant.parse("2026-03-02T23:00:00Z"))).isEqualTo(Urgency.LOW);
        assertThatThrownBy(() -> config.saveService(new Service(null, "x", null, "PNOPE", null, null, null, null,
                null, 0, null))).isInstanceOf(PagingException.Invalid.class)
                .hasMessageContaining("escalation_policy.id: no escalation policy 'PNOPE'");
    }

    @Test
    void integrationsAreFoundByTheirKeyOnly() {
        Service s = serviceFor(policy("ops", 0, rule(5, Target.user(alice))), null, null, null);
        Integration i = config.saveIntegration(new Integration(null, s.id(), "ev", Integration.Type.EVENTS_API_V2,
                KEY, null));

        assertThat(config.integrationByKey(KEY)).contains(i);
        assertThat(config.integrationByKey(KEY.toUpperCase())).isEmpty();
        assertThat(config.integrationByKey("' OR 1=1 --")).isEmpty();
        assertThat(config.integrations(s.id())).containsExactly(i);
        assertThatThrownBy(() -> config.saveIntegration(new Integration(null, s.id(), "dup",
                Integration.Type.EVENTS_API_V1, KEY, null))).isInstanceOf(PagingException.Invalid.class)
                .hasMessageContaining("integration_key: already in use");
        config.deleteService(s.id());
        assertThat(config.integrationByKey(KEY)).isEmpty();
    }

    @Test
    void maintenanceWindowsRoundTripAndSuppressEvents() {
        Service s = serviceFor(policy("ops", 0, rule(5, Target.user(alice))), null, null, null);
        MaintenanceWindow w = config.saveWindow(new MaintenanceWindow(null, START, START.plus(Duration.ofHours(1)),
                "upgrade", List.of(s.id()), "test"));
        assertThat(config.window(w.id())).contains(w);
        assertThat(config.inMaintenance(s.id(), START)).isTrue();
        assertThat(config.inMaintenance(s.id(), START.plus(Duration.ofHours(1)))).isFalse();
        assertThat(config.inMaintenance("POTHER", START)).isFalse();

        EventResult r = service.trigger(integration(s), event("k", "down"));

        assertThat(r.outcome()).isEqualTo(EventResult.Outcome.SUPPRESSED);
        assertThat(incidents.incidents(IncidentFilter.all(10)).items()).isEmpty();
        clock.advance(Duration.ofHours(2));
        assertThat(service.trigger(integration(s), event("k", "down")).outcome())
                .isEqualTo(EventResult.Outcome.OPENED);
    }

    // ---- the escalation engine

    @Test
    void triggerPagesWhoeverIsOnCallThenEscalatesAndAcknowledgeStopsIt() {
        dailyRotation("S1", bob, carol);
        EscalationPolicy p = policy("ops", 0, rule(5, Target.schedule("S1")), rule(10, Target.user(alice)));
        Integration events = integration(serviceFor(p, null, null, null));

        EventResult opened = service.trigger(events, event("disk", "disk full"));
        String id = opened.incidentId();

        assertThat(opened.outcome()).isEqualTo(EventResult.Outcome.OPENED);
        assertThat(notifiedUsers(id)).containsExactly(bob);
        assertThat(incidents.notifications(id).getFirst().idempotencyKey()).isEqualTo(id + ":1:" + bob);
        assertThat(incidents.incident(id).orElseThrow().assignees()).containsExactly(bob);

        advance(Duration.ofMinutes(4));
        assertThat(notifiedUsers(id)).containsExactly(bob);

        advance(Duration.ofMinutes(1));
        assertThat(notifiedUsers(id)).containsExactly(bob, alice);
        assertThat(incidents.incident(id).orElseThrow().level()).isEqualTo(2);

        service.acknowledge(events, "disk");
        advance(Duration.ofHours(5));
        assertThat(notifiedUsers(id)).containsExactly(bob, alice);
        assertThat(incidents.incident(id).orElseThrow().status()).isEqualTo(Incident.Status.ACKNOWLEDGED);
        assertThat(logTypes(id)).containsSubsequence(LogEntry.TRIGGER, LogEntry.ASSIGN, LogEntry.NOTIFY,
                LogEntry.ESCALATE, LogEntry.ASSIGN, LogEntry.NOTIFY, LogEntry.ACKNOWLEDGE);
    }

    @Test
    void theScheduleIsAskedAtTheMomentOfEachStep() {
        dailyRotation("S1", bob, carol);
        EscalationPolicy p = policy("ops", 0, rule(5, Target.schedule("S1")));
        Integration events = integration(serviceFor(p, null, null, null));

        clock.set(START.plus(Duration.ofHours(25)));
        String id = service.trigger(events, event("a", "a")).incidentId();

        assertThat(notifiedUsers(id)).containsExactly(carol);
    }

    @Test
    void policyLoopsNumLoopsTimesThenTheEscalationPathIsExhausted() {
        EscalationPolicy p = policy("ops", 1, rule(1, Target.user(alice)), rule(1, Target.user(bob)));
        String id = service.trigger(integration(serviceFor(p, null, null, null)), event("a", "a")).incidentId();

        advance(Duration.ofMinutes(1));
        advance(Duration.ofMinutes(1));
        advance(Duration.ofMinutes(1));
        advance(Duration.ofMinutes(1));
        advance(Duration.ofMinutes(10));

        assertThat(notifiedUsers(id)).containsExactly(alice, bob, alice, bob);
        assertThat(logTypes(id)).containsOnlyOnce(LogEntry.REPEAT_ESCALATION_PATH, LogEntry.EXHAUST_ESCALATION_PATH);
        assertThat(incidents.nextTimerDue()).isEmpty();
        assertThat(incidents.incident(id).orElseThrow().status()).isEqualTo(Incident.Status.TRIGGERED);
    }

    @Test
    void roundRobinPagesOnePersonPerIncidentInTurn() {
        EscalationPolicy p = config.savePolicy(new EscalationPolicy(null, "rr", null, 0, null, List.of(
                new EscalationRule(null, 5, List.of(Target.user(alice), Target.user(bob), Target.user(carol)),
                        EscalationRule.Assignment.ROUND_ROBIN)), 0, null));
        Integration events = integration(serviceFor(p, null, null, null));

        List<String> paged = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            paged.addAll(notifiedUsers(service.trigger(events, event("k" + i, "s")).incidentId()));
        }

        assertThat(paged).containsExactly(alice, bob, carol, alice);
    }

    @Test
    void aLevelWithNobodyOnCallIsLoudAndEscalationGoesOn() {
        Schedule gap = new Schedule("GAP", "Nights", ZoneOffset.UTC, List.of(new Layer("L1", "Layer 1",
                START.plus(Duration.ofDays(30)), null, START, Duration.ofDays(1), List.of(bob), List.of())));
        schedules.put("GAP", gap);
        EscalationPolicy p = policy("ops", 0, rule(5, Target.schedule("GAP")), rule(5, Target.user(alice)));
        String id = service.trigger(integration(serviceFor(p, null, null, null)), event("a", "a")).incidentId();

        assertThat(notifiedUsers(id)).isEmpty();
        assertThat(nobodyPaged).containsExactly(id + "@1");
        LogEntry loud = incidents.logEntries(id, null, null, 0, 100).items().stream()
                .filter(e -> e.type().equals(LogEntry.NOBODY_PAGED)).findFirst().orElseThrow();
        assertThat(incidents.logEntry(loud.id())).contains(loud);
        assertThat(loud.summary()).startsWith("NOBODY WAS NOTIFIED").contains("'Nights' has nobody on call");

        advance(Duration.ofMinutes(5));
        assertThat(notifiedUsers(id)).containsExactly(alice);
    }

    @Test
    void acknowledgementTimeoutRetriggersAndAutoResolveResolves() {
        EscalationPolicy p = policy("ops", 0, rule(30, Target.user(alice)));
        Integration events = integration(serviceFor(p, Duration.ofMinutes(10), Duration.ofHours(1), null));
        String id = service.trigger(events, event("a", "a")).incidentId();
        service.update(id, IncidentUpdate.status(Incident.Status.ACKNOWLEDGED), Actor.user(bob));

        advance(Duration.ofMinutes(10));
        Incident retriggered = incidents.incident(id).orElseThrow();
        assertThat(retriggered.status()).isEqualTo(Incident.Status.TRIGGERED);
        assertThat(notifiedUsers(id)).containsExactly(alice, alice);
        assertThat(logTypes(id)).contains(LogEntry.UNACKNOWLEDGE);

        advance(Duration.ofMinutes(50));
        assertThat(incidents.incident(id).orElseThrow().status()).isEqualTo(Incident.Status.RESOLVED);
        assertThat(incidents.alerts(id)).allMatch(a -> a.resolved());
        assertThat(incidents.nextTimerDue()).isEmpty();
    }

    @Test
    void dedupKeysFollowPagerDutysRules() {
        EscalationPolicy p = policy("ops", 0, rule(5, Target.user(alice)));
        Integration events = integration(serviceFor(p, null, null, null));

        EventResult first = service.trigger(events, event("k", "one"));
        EventResult again = service.trigger(events, event("k", "one again"));
        assertThat(again.outcome()).isEqualTo(EventResult.Outcome.DEDUPLICATED);
        assertThat(again.incidentId()).isEqualTo(first.incidentId());
        assertThat(incidents.alerts(first.incidentId())).singleElement()
                .satisfies(a -> assertThat(a.eventCount()).isEqualTo(2));

        assertThat(service.acknowledge(events, "unknown").outcome()).isEqualTo(EventResult.Outcome.IGNORED);
        assertThat(service.resolve(events, "unknown").outcome()).isEqualTo(EventResult.Outcome.IGNORED);
        assertThat(service.resolve(events, "k").outcome()).isEqualTo(EventResult.Outcome.RESOLVED);

        EventResult reopened = service.trigger(events, event("k", "back"));
        assertThat(reopened.outcome()).isEqualTo(EventResult.Outcome.OPENED);
        assertThat(reopened.incidentId()).isNotEqualTo(first.incidentId());
        assertThat(service.trigger(events, event(null, "no key")).dedupKey()).matches("[0-9a-f]{32}");
    }

    @Test
    void timeAndContentBasedGroupingJoinOpenIncidents() {
        EscalationPolicy p = policy("ops", 0, rule(5, Target.user(alice)));
        Integration timed = integration(serviceFor(p, null, null, new AlertGrouping(AlertGrouping.Type.TIME,
                Duration.ofMinutes(5), null, null, null)));
        String first = service.trigger(timed, event("a", "a")).incidentId();
        clock.advance(Duration.ofMinutes(4));
        assertThat(service.trigger(timed, event("b", "b")).incidentId()).isEqualTo(first);
        clock.advance(Duration.ofMinutes(2));
        assertThat(service.trigger(timed, event("c", "c")).incidentId()).isNotEqualTo(first);

        EscalationPolicy p2 = policy("db", 0, rule(5, Target.user(alice)));
        Integration content = integration(serviceFor(p2, null, null, new AlertGrouping(
                AlertGrouping.Type.CONTENT_BASED, null, List.of("source", "custom_details.db"), "all", null)));
        String x = service.trigger(content, new AlertEvent("x", "slow", "h1", "error", null, null, null, null,
                Map.of("db", "orders"))).incidentId();
        assertThat(service.trigger(content, new AlertEvent("y", "slower", "h1", "error", null, null, null, null,
                Map.of("db", "orders"))).incidentId()).isEqualTo(x);
        assertThat(service.trigger(content, new AlertEvent("z", "slow", "h1", "error", null, null, null, null,
                Map.of("db", "users"))).incidentId()).isNotEqualTo(x);
        assertThat(service.resolve(content, "x").outcome()).isEqualTo(EventResult.Outcome.IGNORED);
        assertThat(service.resolve(content, "y").outcome()).isEqualTo(EventResult.Outcome.RESOLVED);
    }

    @Test
    void aStaleIncidentVersionIsAConflict() {
        EscalationPolicy p = policy("ops", 0, rule(5, Target.user(alice)));
        String id = service.trigger(integration(serviceFor(p, null, null, null)), event("a", "a")).incidentId();
        Incident read = incidents.incident(id).orElseThrow();

        incidents.inTransaction(tx -> tx.updateIncident(read.withUrgency(Urgency.LOW)));

        assertThatThrownBy(() -> incidents.inTransaction(tx -> tx.updateIncident(read.withTitle("x"))))
                .isInstanceOf(PagingException.Conflict.class);
        assertThat(incidents.incident(id).orElseThrow().urgency()).isEqualTo(Urgency.LOW);
        assertThat(incidents.incident(id).orElseThrow().title()).isEqualTo("a");
    }

    @Test
    void aTimerIsClaimedOnceAndAnOutboxKeyWrittenOnce() {
        EscalationPolicy p = policy("ops", 0, rule(5, Target.user(alice)));
        String id = service.trigger(integration(serviceFor(p, null, null, null)), event("a", "a")).incidentId();
        clock.advance(Duration.ofMinutes(5));
        EscalationTimer due = incidents.dueTimers(clock.instant(), 10).getFirst();

        assertThat((boolean) incidents.inTransaction(tx -> tx.claimTimer(due))).isTrue();
        assertThat((boolean) incidents.inTransaction(tx -> tx.claimTimer(due))).isFalse();
        Incident incident = incidents.incident(id).orElseThrow();
        assertThat((boolean) incidents.inTransaction(tx -> tx.enqueue(Notification.of(incident, alice, "x", START))))
                .isFalse();
    }

    @Test
    void racingWorkersAndRacingPeopleNeverDoubleAStep() throws Exception {
        EscalationPolicy p = policy("ops", 0, rule(1, Target.user(alice)), rule(1, Target.user(bob)),
                rule(1, Target.user(carol)));
        Integration events = integration(serviceFor(p, null, null, null));
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ids.add(service.trigger(events, event("k" + i, "s" + i)).incidentId());
        }
        clock.advance(Duration.ofMinutes(1));
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            AtomicInteger applied = new AtomicInteger();
            List<Callable<Object>> work = new ArrayList<>();
            for (int w = 0; w < 3; w++) {
                work.add(() -> applied.addAndGet(engine.runDue(100)));
            }
            work.add(() -> service.update(ids.get(0), IncidentUpdate.status(Incident.Status.ACKNOWLEDGED),
                    Actor.user(alice)));
            for (Future<Object> f : pool.invokeAll(work)) {
                f.get();
            }
            assertThat(applied.get()).isBetween(4, 5);
        } finally {
            pool.shutdownNow();
        }
        for (String id : ids) {
            List<String> keys = incidents.notifications(id).stream().map(Notification::idempotencyKey).toList();
            assertThat(keys).doesNotHaveDuplicates();
            assertThat(notifiedUsers(id)).isSubsetOf(alice, bob);
            assertThat(logTypes(id).stream().filter(LogEntry.ESCALATE::equals).count()).isLessThanOrEqualTo(1);
        }
        assertThat(incidents.incident(ids.get(0)).orElseThrow().status()).isEqualTo(Incident.Status.ACKNOWLEDGED);
    }

    @Test
    void racingAcknowledgeAndResolveLeaveOneConsistentIncident() throws Exception {
        EscalationPolicy p = policy("ops", 0, rule(5, Target.user(alice)));
        String id = service.trigger(integration(serviceFor(p, null, null, null)), event("a", "a")).incidentId();
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            List<Callable<Incident>> work = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                Incident.Status s = i % 2 == 0 ? Incident.Status.ACKNOWLEDGED : Incident.Status.RESOLVED;
                work.add(() -> service.update(id, IncidentUpdate.status(s), Actor.user(bob)));
            }
            for (Future<Incident> f : pool.invokeAll(work)) {
                try {
                    f.get();
                } catch (java.util.concurrent.ExecutionException e) {
                    assertThat(e.getCause()).isInstanceOfAny(PagingException.Invalid.class,
                            PagingException.Conflict.class);
                }
            }
        } finally {
            pool.shutdownNow();
        }
        Incident end = incidents.incident(id).orElseThrow();
        assertThat(end.status()).isEqualTo(Incident.Status.RESOLVED);
        List<String> types = logTypes(id);
        assertThat(types.stream().filter(LogEntry.RESOLVE::equals).count()).isEqualTo(1);
        assertThat(types.stream().filter(LogEntry.ACKNOWLEDGE::equals).count()).isLessThanOrEqualTo(1);
        assertThat(incidents.nextTimerDue()).isEmpty();
    }

    @Test
    void reassignEscalateMergeSnoozeAndNotes() {
        EscalationPolicy p = policy("ops", 0, rule(5, Target.user(alice)), rule(5, Target.user(bob)));
        Integration events = integration(serviceFor(p, null, null, null));
        String a = service.trigger(events, event("a", "a")).incidentId();
        String b = service.trigger(events, event("b", "b")).incidentId();

        service.update(a, new IncidentUpdate(null, null, null, null, null, List.of(carol), null, null),
                Actor.user(bob));
        assertThat(notifiedUsers(a)).containsExactly(alice, carol);
        service.update(a, new IncidentUpdate(null, null, null, null, 2, null, null, null), Actor.user(bob));
        assertThat(notifiedUsers(a)).containsExactly(alice, carol, bob);
        assertThatThrownBy(() -> service.update(a, new IncidentUpdate(null, null, null, null, 3, null, null, null),
                Actor.user(bob))).isInstanceOf(PagingException.Invalid.class)
                .hasMessageContaining("incident.escalation_level: must be between 1 and 2");

        service.update(a, IncidentUpdate.status(Incident.Status.ACKNOWLEDGED), Actor.user(bob));
        service.snooze(a, Duration.ofMinutes(30), Actor.user(bob));
        advance(Duration.ofMinutes(30));
        assertThat(incidents.incident(a).orElseThrow().status()).isEqualTo(Incident.Status.TRIGGERED);

        service.merge(a, List.of(b), Actor.user(bob));
        Incident mergedB = incidents.incident(b).orElseThrow();
        assertThat(mergedB.status()).isEqualTo(Incident.Status.RESOLVED);
        assertThat(mergedB.mergedInto()).isEqualTo(a);
        assertThat(incidents.alerts(a)).hasSize(2);

        service.addNote(a, bob, "looking");
        assertThat(incidents.notes(a)).singleElement().satisfies(n -> assertThat(n.content()).isEqualTo("looking"));
        assertThat(incidents.incidents(new IncidentFilter(EnumSet.of(Incident.Status.TRIGGERED), List.of(),
                EnumSet.noneOf(Urgency.class), List.of(bob), null, null, null, false, 0, 10)).items())
                .extracting(Incident::id).containsExactly(a);
        IncidentFilter page = new IncidentFilter(EnumSet.noneOf(Incident.Status.class), List.of(),
                EnumSet.noneOf(Urgency.class), List.of(), null, null, null, true, 1, 1);
        assertThat(incidents.incidents(page).items()).extracting(Incident::id).containsExactly(a);
        assertThat(incidents.incidents(page).more()).isFalse();
        assertThat(incidents.count(page)).isEqualTo(2);
    }

    @Test
    void handoffsAreRecordedOnceForPoliciesThatAskForThem() {
        dailyRotation("S1", bob, carol);
        dailyRotation("S2", alice, carol);
        config.savePolicy(new EscalationPolicy(null, "always", null, 0, "always",
                List.of(rule(5, Target.schedule("S1"))), 0, null));
        policy("quiet", 0, rule(5, Target.schedule("S2"))); // if_has_services, and it has none
        HandoffNotifier handoffs = new HandoffNotifier(config, incidents, id -> Optional.ofNullable(schedules.get(id)),
                clock);

        clock.set(START.plus(Duration.ofHours(1)));
        assertThat(handoffs.run()).isZero(); // the first run only sets the cursor
        clock.set(START.plus(Duration.ofHours(25)));
        assertThat(handoffs.run()).isEqualTo(2);
        assertThat(handoffs.run()).isZero();

        List<Handoff> recorded = incidents.handoffs(START);
        assertThat(recorded).extracting(Handoff::kind, Handoff::userId, Handoff::at).containsExactlyInAnyOrder(
                org.assertj.core.groups.Tuple.tuple(Handoff.Kind.OFF_CALL, bob, START.plus(Duration.ofDays(1))),
                org.assertj.core.groups.Tuple.tuple(Handoff.Kind.ON_CALL, carol, START.plus(Duration.ofDays(1))));
        assertThat(incidents.recordHandoffs(START, START.plus(Duration.ofDays(2)), List.of())).isFalse();
    }

    /**
     * Random sequences of events, people's actions and clock steps (seed printed), after each of which the engine's
     * invariants must hold for every incident: a resolved one has no timer, an acknowledged one no escalation timer,
     * a triggered one escalates unless its path is exhausted, and every outbox row is in the timeline once.
     */
    @Test
    void randomLifecyclesKeepTheEngineInvariants() {
        long seed = Long.getLong("tocsin.seed", System.nanoTime()); // replay a failure with -Dtocsin.seed=...
        java.util.Random random = new java.util.Random(seed);
        dailyRotation("S1", bob, carol);
        EscalationPolicy p = policy("ops", 1, rule(1, Target.schedule("S1")), rule(2, Target.user(alice)),
                rule(3, Target.user(bob), Target.user(carol)));
        Integration events = integration(serviceFor(p, Duration.ofMinutes(5), Duration.ofHours(1), null));
        for (int step = 0; step < 150; step++) {
            String key = "k" + random.nextInt(6);
            switch (random.nextInt(6)) {
                case 0, 1 -> service.trigger(events, event(key, "s " + key));
                case 2 -> service.acknowledge(events, key);
                case 3 -> service.resolve(events, key);
                case 4 -> advance(Duration.ofSeconds(random.nextInt(420)));
                default -> {
                    List<Incident> open = incidents.incidents(new IncidentFilter(EnumSet.of(Incident.Status.TRIGGERED,
                            Incident.Status.ACKNOWLEDGED), List.of(), EnumSet.noneOf(Urgency.class), List.of(), null,
                            null, null, false, 0, 100)).items();
                    if (!open.isEmpty()) {
                        Incident i = open.get(random.nextInt(open.size()));
                        IncidentUpdate u = random.nextBoolean() ? IncidentUpdate.status(Incident.Status.ACKNOWLEDGED)
                                : new IncidentUpdate(null, null, null, null, 1 + random.nextInt(3), null, null, null);
                        service.update(i.id(), u, Actor.user(alice));
                    }
                }
            }
            checkInvariants("seed " + seed + ", step " + step);
        }
    }

    private void checkInvariants(String where) {
        List<EscalationTimer> timers = incidents.dueTimers(START.plus(Duration.ofDays(3650)), 10_000);
        for (Incident i : incidents.incidents(IncidentFilter.all(1000)).items()) {
            List<EscalationTimer.Kind> kinds = timers.stream().filter(t -> t.incidentId().equals(i.id()))
                    .map(EscalationTimer::kind).toList();
            List<String> types = logTypes(i.id());
            String at = where + ", incident " + i.number() + " " + i.status();
            switch (i.status()) {
                case RESOLVED -> assertThat(kinds).as(at).isEmpty();
                case ACKNOWLEDGED -> assertThat(kinds).as(at).doesNotContain(EscalationTimer.Kind.ESCALATE);
                case TRIGGERED -> assertThat(kinds.contains(EscalationTimer.Kind.ESCALATE)
                        || types.contains(LogEntry.EXHAUST_ESCALATION_PATH)).as(at).isTrue();
            }
            List<Notification> outbox = incidents.notifications(i.id());
            assertThat(outbox.stream().filter(n -> n.step() > i.step() || n.level() > 3)).as(at).isEmpty();
            assertThat(types.stream().filter(LogEntry.NOTIFY::equals).count()).as(at).isEqualTo(outbox.size());
        }
    }

    /** Used by backends to reach the schedules map in their own tests. */
    protected Map<String, Schedule> schedules() {
        return new HashMap<>(schedules);
    }
}
