package tocsin.monitor.eval;

import org.junit.jupiter.api.Test;
import tocsin.core.metric.MetricBatch;
import tocsin.core.metric.MetricKind;
import tocsin.core.metric.SeriesKey;
import tocsin.monitor.Creator;
import tocsin.monitor.Monitor;
import tocsin.monitor.MonitorIncidentAction;
import tocsin.monitor.MonitorDefinition;
import tocsin.monitor.MonitorOptions;
import tocsin.monitor.MonitorStatus;
import tocsin.monitor.MonitorType;
import tocsin.monitor.OnMissingData;
import tocsin.monitor.Thresholds;
import tocsin.monitor.Transition;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

class MonitorEvaluatorTest {
    static final Instant T0 = Instant.parse("2026-03-01T09:00:00Z");
    static final Creator C = new Creator("a@example.com", "a@example.com", "A");

    final ManualClock clock = new ManualClock(T0);
    final InMemoryMonitorStore store = new InMemoryMonitorStore(clock);
    final List<MonitorNotification> sent = new CopyOnWriteArrayList<>();
    final MonitorEvaluator eval = new MonitorEvaluator(store, clock, sent::add);

    /** The incident actions the evaluator wrote to the outbox, in order. */
    List<String> incidents() {
        return store.incidentActions().stream().map(a -> a.action() == MonitorIncidentAction.Action.TRIGGER
                ? "trigger " + a.handle().target() + " " + a.dedupKey() + " " + a.summary()
                : "resolve " + a.handle().target() + " " + a.dedupKey()).toList();
    }

    static MonitorOptions options() {
        return MonitorOptions.defaults();
    }

    Monitor monitor(MonitorType type, String query, String message, MonitorOptions options) {
        Monitor m = store.create(new MonitorDefinition("CPU", type, query, message, List.of(), 1L, options), C);
        eval.monitorChanged(m);
        return m;
    }

    Monitor cpu(MonitorOptions options) {
        return monitor(MonitorType.METRIC_ALERT, "avg(last_1m):avg:cpu{env:prod} by {host} > 80",
                "{{#is_alert}}CPU {{value}} on {{host.name}} @pagerduty-Web{{/is_alert}}"
                        + "{{#is_warning}}warm @slack-ops{{/is_warning}}{{#is_recovery}}ok @slack-ops{{/is_recovery}}"
                        + "{{#is_no_data}}silent @ops@example.com{{/is_no_data}}", options);
    }

    void push(String metric, double value, Instant at, String... tags) {
        MetricBatch b = new MetricBatch();
        b.add(SeriesKey.of(metric, tags), MetricKind.GAUGE, at.toEpochMilli(), value);
        eval.accept(b, i -> false);
    }

    List<MonitorStatus> path(Monitor m) {
        List<MonitorStatus> out = new ArrayList<>();
        store.transitions().stream().filter(t -> t.monitorId() == m.id()).forEach(t -> out.add(t.to()));
        return out;
    }

    @Test
    void aCrossingAlertsOnArrivalWithoutATick() {
        Monitor m = cpu(options().withThresholds(new Thresholds(80.0, 70.0, null, null, null, null)));

        push("cpu", 95, T0, "env:prod", "host:a");

        assertThat(eval.statuses(m.id())).containsEntry("host:a", MonitorStatus.ALERT);
        Transition t = store.transitions().getFirst();
        assertThat(t.from()).isEqualTo(MonitorStatus.OK);
        assertThat(t.value()).isEqualTo(95.0);
        assertThat(t.windowStart()).isEqualTo(T0.minusSeconds(60));
        assertThat(t.windowEnd()).isEqualTo(T0);
        assertThat(t.notification()).isEqualTo("CPU 95 on a @pagerduty-Web");
        assertThat(t.handles()).containsExactly("@pagerduty-Web");
        assertThat(sent).singleElement().satisfies(n -> assertThat(n.group()).isEqualTo("host:a"));
        assertThat(incidents()).containsExactly("trigger Web tocsin-monitor-" + m.id() + "-host:a [Alert] CPU on host:a");
    }

    @Test
    void pointsOutsideTheScopeOrRejectedAreIgnored() {
        Monitor m = cpu(options());
        push("cpu", 95, T0, "env:dev", "host:a");
        push("mem", 95, T0, "env:prod", "host:a");
        MetricBatch b = new MetricBatch();
        b.add(SeriesKey.of("cpu", "env:prod", "host:b"), MetricKind.GAUGE, T0.toEpochMilli(), 99);
        eval.accept(b, i -> true);

        assertThat(eval.statuses(m.id())).isEmpty();
        assertThat(store.transitions()).isEmpty();
    }

    @Test
    void warnAlertAndRecoveryFollowTheThresholdsWithHysteresis() {
        Monitor m = cpu(options().withThresholds(new Thresholds(80.0, 70.0, 60.0, 50.0, null, null)));

        push("cpu", 75, T0, "env:prod", "host:a");
        clock.advance(Duration.ofSeconds(61));
        push("cpu", 85, clock.instant(), "env:prod", "host:a");
        clock.advance(Duration.ofSeconds(61));
        push("cpu", 65, clock.instant(), "env:prod", "host:a"); // below 80 but above the recovery threshold 60
        assertThat(eval.statuses(m.id())).containsEntry("host:a", MonitorStatus.ALERT);
        clock.advance(Duration.ofSeconds(61));
        push("cpu", 55, clock.instant(), "env:prod", "host:a"); // below 60, above 50: warn
        clock.advance(Duration.ofSeconds(61));
        push("cpu", 40, clock.instant(), "env:prod", "host:a");

        assertThat(path(m)).containsExactly(MonitorStatus.WARN, MonitorStatus.ALERT, MonitorStatus.WARN,
                MonitorStatus.OK);
        assertThat(sent.getLast().message()).isEqualTo("ok @slack-ops");
        assertThat(incidents().getLast()).isEqualTo("resolve Web tocsin-monitor-" + m.id() + "-host:a");
    }

    @Test
    void windowsSlideOnTheTick() {
        Monitor m = cpu(options());
        push("cpu", 95, T0, "env:prod", "host:a");
        clock.advance(Duration.ofSeconds(40));
        push("cpu", 10, clock.instant(), "env:prod", "host:a"); // avg 52.5 over the window: recovered
        assertThat(path(m)).containsExactly(MonitorStatus.ALERT, MonitorStatus.OK);

        clock.advance(Duration.ofSeconds(15));
        push("cpu", 100, clock.instant(), "env:prod", "host:a"); // avg 68.3
        clock.advance(Duration.ofSeconds(10)); // the 95 at T0 leaves the window: avg of 10 and 100 = 55
        eval.tick();
        assertThat(path(m)).containsExactly(MonitorStatus.ALERT, MonitorStatus.OK);
        clock.advance(Duration.ofSeconds(35)); // only the 100 remains
        eval.tick();
        assertThat(path(m)).containsExactly(MonitorStatus.ALERT, MonitorStatus.OK, MonitorStatus.ALERT);
        assertThat(store.transitions().getLast().windowStart()).isEqualTo(T0.plusSeconds(40));
    }

    @Test
    void evaluationDelayWaitsForTheDelayedWindow() {
        MonitorOptions o = new MonitorOptions(Thresholds.NONE, 30, 0, null, false, false, null,
                OnMissingData.DEFAULT, null, null, Set.of(), "", true, List.of(), null, false, Map.of());
        Monitor m = cpu(o);

        push("cpu", 95, T0, "env:prod", "host:a");
        assertThat(eval.statuses(m.id())).containsEntry("host:a", MonitorStatus.OK);
        clock.advance(Duration.ofSeconds(31));
        eval.tick();
        assertThat(eval.statuses(m.id())).containsEntry("host:a", MonitorStatus.ALERT);
        assertThat(store.transitions().getFirst().windowEnd()).isEqualTo(T0.plusSeconds(1));
    }

    @Test
    void requireFullWindowNeverFiresOnPartialData() {
        MonitorOptions o = new MonitorOptions(Thresholds.NONE, 0, 0, null, true, false, null, OnMissingData.DEFAULT,
                null, null, Set.of(), "", true, List.of(), null, false, Map.of());
        Monitor m = cpu(o);

        for (int s = 0; s <= 50; s += 10) {
            clock.advance(Duration.ofSeconds(s == 0 ? 0 : 10));
            push("cpu", 95, clock.instant(), "env:prod", "host:a");
        }
        assertThat(store.transitions()).isEmpty();

        clock.advance(Duration.ofSeconds(10));
        push("cpu", 95, clock.instant(), "env:prod", "host:a");
        assertThat(eval.statuses(m.id())).containsEntry("host:a", MonitorStatus.ALERT);
    }

    @Test
    void newGroupDelayHoldsBackANewGroup() {
        MonitorOptions o = new MonitorOptions(Thresholds.NONE, 0, 120, null, false, false, null,
                OnMissingData.DEFAULT, null, null, Set.of(), "", true, List.of(), null, false, Map.of());
        Monitor m = cpu(o);

        push("cpu", 95, T0, "env:prod", "host:a");
        assertThat(store.transitions()).isEmpty();
        clock.advance(Duration.ofSeconds(121));
        push("cpu", 95, clock.instant(), "env:prod", "host:a");
        assertThat(eval.statuses(m.id())).containsEntry("host:a", MonitorStatus.ALERT);
    }

    @Test
    void silentGroupsGoToNoDataAndRecoverWhenDataReturns() {
        MonitorOptions o = new MonitorOptions(Thresholds.NONE, 0, 0, null, false, true, 2L, OnMissingData.DEFAULT,
                null, null, Set.of(), "", true, List.of(), null, false, Map.of());
        Monitor m = cpu(o);

        push("cpu", 10, T0, "env:prod", "host:a");
        clock.advance(Duration.ofSeconds(119));
        eval.tick();
        assertThat(store.transitions()).isEmpty();
        clock.advance(Duration.ofSeconds(2));
        eval.tick();
        assertThat(path(m)).containsExactly(MonitorStatus.NO_DATA);
        assertThat(sent.getLast().message()).isEqualTo("silent @ops@example.com");
        eval.tick();
        assertThat(path(m)).hasSize(1);

        push("cpu", 10, clock.instant(), "env:prod", "host:a");
        assertThat(path(m)).containsExactly(MonitorStatus.NO_DATA, MonitorStatus.OK);
    }

    @Test
    void onMissingDataResolveAndShowNoData() {
        MonitorOptions resolve = new MonitorOptions(Thresholds.NONE, 0, 0, null, false, false, 2L,
                OnMissingData.RESOLVE, null, null, Set.of(), "", true, List.of(), null, false, Map.of());
        Monitor r = cpu(resolve);
        MonitorOptions show = new MonitorOptions(Thresholds.NONE, 0, 0, null, false, false, 2L,
                OnMissingData.SHOW_NO_DATA, null, null, Set.of(), "", true, List.of(), null, false, Map.of());
        Monitor s = cpu(show);

        push("cpu", 95, T0, "env:prod", "host:a");
        clock.advance(Duration.ofMinutes(3));
        int before = sent.size();
        eval.tick();

        assertThat(path(r)).containsExactly(MonitorStatus.ALERT, MonitorStatus.OK);
        assertThat(path(s)).containsExactly(MonitorStatus.ALERT, MonitorStatus.NO_DATA);
        assertThat(sent.subList(before, sent.size())).extracting(MonitorNotification::monitorId)
                .containsExactly(r.id());
    }

    @Test
    void changeAndPctChangeCompareWithTheShiftedWindow() {
        Monitor change = monitor(MonitorType.QUERY_ALERT, "change(avg(last_1m),last_5m):avg:rps{*} > 50", "",
                options());
        Monitor pct = monitor(MonitorType.QUERY_ALERT, "pct_change(avg(last_1m),last_5m):avg:rps{*} >= 100", "",
                options());

        push("rps", 100, T0, "svc:a");
        clock.advance(Duration.ofMinutes(5));
        push("rps", 140, clock.instant(), "svc:a"); // +40, +40 %
        assertThat(store.transitions()).isEmpty();
        clock.advance(Duration.ofSeconds(61));
        eval.tick(); // the 140 left the window: nothing to compare
        push("rps", 210, clock.instant().minusSeconds(1), "svc:a");
        // now's window holds 210; the shifted window [T0+1s, T0+61s) holds nothing: no value
        assertThat(store.transitions()).isEmpty();

        push("rps", 100, clock.instant().minus(Duration.ofMinutes(5)), "svc:a"); // a late point fills the past
        assertThat(eval.statuses(change.id())).containsEntry("*", MonitorStatus.ALERT);
        assertThat(eval.statuses(pct.id())).containsEntry("*", MonitorStatus.ALERT);
    }

    @Test
    void sumAsCountAddsSeriesAndPoints() {
        Monitor m = monitor(MonitorType.METRIC_ALERT, "sum(last_5m):sum:errors{*}.as_count() > 10", "", options());

        push("errors", 4, T0, "host:a");
        push("errors", 4, T0, "host:b");
        assertThat(store.transitions()).isEmpty();
        push("errors", 3, T0.plusSeconds(1), "host:a");
        assertThat(eval.statuses(m.id())).containsEntry("*", MonitorStatus.ALERT);
        assertThat(store.transitions().getFirst().value()).isEqualTo(11.0);
    }

    @Test
    void asCountTurnsRatesBackIntoEventsOverTheirDeclaredInterval() {
        // DogStatsD counts arrive as the Agent submits them: per second over a 20 s flush here
        tocsin.query.InMemoryMetricSource source = new tocsin.query.InMemoryMetricSource()
                .declareRateInterval("errors", 20);
        MonitorEvaluator withSource = new MonitorEvaluator(store, clock, sent::add, source);
        Monitor m = store.create(new MonitorDefinition("Errors", MonitorType.METRIC_ALERT,
                "sum(last_5m):sum:errors{*}.as_count() > 10", "", List.of(), 1L, options()), C);
        withSource.monitorChanged(m);
        MetricBatch b = new MetricBatch();
        b.add(SeriesKey.of("errors", "host:a"), MetricKind.RATE, T0.toEpochMilli(), 0.2);  // 4 errors
        b.add(SeriesKey.of("errors", "host:b"), MetricKind.RATE, T0.toEpochMilli(), 0.2);  // 4 errors
        withSource.accept(b, i -> false);
        assertThat(store.transitions()).isEmpty();
        MetricBatch more = new MetricBatch();
        more.add(SeriesKey.of("errors", "host:a"), MetricKind.RATE, T0.plusSeconds(20).toEpochMilli(), 0.15);
        clock.advance(Duration.ofSeconds(20));
        withSource.accept(more, i -> false);
        assertThat(withSource.statuses(m.id())).containsEntry("*", MonitorStatus.ALERT);
        assertThat(store.transitions().getFirst().value()).isEqualTo(11.0);
    }

    @Test
    void aRateWithoutADeclaredIntervalCountsAsTheAgentsTenSecondFlush() {
        Monitor m = monitor(MonitorType.METRIC_ALERT, "sum(last_5m):sum:errors{*}.as_count() > 10", "", options());
        MetricBatch b = new MetricBatch();
        b.add(SeriesKey.of("errors", "host:a"), MetricKind.RATE, T0.toEpochMilli(), 1.1);
        eval.accept(b, i -> false);
        assertThat(eval.statuses(m.id())).containsEntry("*", MonitorStatus.ALERT);
        assertThat(store.transitions().getFirst().value()).isEqualTo(11.0);
    }

    @Test
    void cumulativeCountersCountTheirIncrementsAsTheQueryEngineDoes() {
        // a Prometheus counter, as remote write or a scrape stores it: 100 (the base), 110, 130, a reset to 5
        Monitor m = monitor(MonitorType.METRIC_ALERT, "sum(last_5m):sum:http_requests_total{*}.as_count() > 30", "",
                options());
        double[] totals = {100, 110, 130, 5};
        for (int i = 0; i < totals.length; i++) {
            MetricBatch b = new MetricBatch();
            b.add(SeriesKey.of("http_requests_total", "job:api"), MetricKind.COUNTER,
                    T0.plusSeconds(15L * i).toEpochMilli(), totals[i]);
            eval.accept(b, j -> false);
            clock.advance(Duration.ofSeconds(15));
        }
        // 10 + 20 + 5, where the raw totals would have summed to 345
        assertThat(eval.statuses(m.id())).containsEntry("*", MonitorStatus.ALERT);
        assertThat(store.transitions().getFirst().value()).isEqualTo(35.0);
        // a total seen again (a retried request) adds nothing
        MetricBatch again = new MetricBatch();
        again.add(SeriesKey.of("http_requests_total", "job:api"), MetricKind.COUNTER,
                T0.plusSeconds(45).toEpochMilli(), 5);
        eval.accept(again, j -> false);
        assertThat(store.transitions()).hasSize(1);
    }

    @Test
    void serviceChecksCountTheLastRuns() {
        Monitor m = monitor(MonitorType.SERVICE_CHECK, "\"http.ok\".over(\"env:prod\").by(\"host\").last(3)"
                + ".count_by_status()", "{{#is_alert}}down {{host.name}}{{/is_alert}}", options().withThresholds(
                new Thresholds(2.0, null, null, null, 1.0, null)));

        push(ServiceCheckMonitor.METRIC, 2, T0, "check:http.ok", "env:prod", "host:a");
        assertThat(eval.statuses(m.id())).containsEntry("host:a", MonitorStatus.OK); // 1 of 2 needed
        push(ServiceCheckMonitor.METRIC, 2, T0.plusSeconds(10), "check:http.ok", "env:prod", "host:a");
        assertThat(eval.statuses(m.id())).containsEntry("host:a", MonitorStatus.ALERT);
        assertThat(sent.getLast().message()).isEqualTo("down a");
        push(ServiceCheckMonitor.METRIC, 0, T0.plusSeconds(20), "check:http.ok", "env:prod", "host:a");
        push(ServiceCheckMonitor.METRIC, 0, T0.plusSeconds(30), "check:http.ok", "env:prod", "host:a");
        assertThat(path(m)).containsExactly(MonitorStatus.ALERT, MonitorStatus.OK);
        push(ServiceCheckMonitor.METRIC, 2, T0.plusSeconds(40), "check:http.ok", "env:dev", "host:a");
        push(ServiceCheckMonitor.METRIC, 2, T0.plusSeconds(40), "check:other", "env:prod", "host:a");
        assertThat(path(m)).hasSize(2);
    }

    @Test
    void compositesFollowTheirMonitorsPerGroup() {
        Monitor cpuM = cpu(options());
        Monitor mem = monitor(MonitorType.METRIC_ALERT, "avg(last_1m):avg:mem{*} by {host} > 90", "", options());
        Monitor both = monitor(MonitorType.COMPOSITE, cpuM.id() + " && " + mem.id(), "both on {{host.name}}",
                options());

        push("cpu", 95, T0, "env:prod", "host:a");
        assertThat(path(both)).isEmpty();
        push("mem", 95, T0, "host:b");
        assertThat(path(both)).isEmpty();
        push("mem", 95, T0, "host:a");
        assertThat(eval.statuses(both.id())).containsEntry("host:a", MonitorStatus.ALERT)
                .containsEntry("host:b", MonitorStatus.OK);
        assertThat(store.transitions().getLast().notification()).isEqualTo("both on a");
    }

    @Test
    void mutedGroupsChangeStateButNotifyNobody() {
        MonitorOptions o = new MonitorOptions(Thresholds.NONE, 0, 0, null, false, false, null, OnMissingData.DEFAULT,
                null, null, Set.of(), "", true, List.of(), null, false, Map.of("host:a", T0.getEpochSecond() + 60));
        Monitor m = cpu(o);

        push("cpu", 95, T0, "env:prod", "host:a");
        push("cpu", 95, T0, "env:prod", "host:b");

        assertThat(path(m)).containsExactly(MonitorStatus.ALERT, MonitorStatus.ALERT);
        assertThat(sent).extracting(MonitorNotification::group).containsExactly("host:b");
        assertThat(store.transitions()).filteredOn(t -> t.group().equals("host:a")).singleElement()
                .satisfies(t -> assertThat(t.handles()).isEmpty());
    }

    @Test
    void renotifyRepeatsWithTheEscalationMessageUpToTheOccurrences() {
        MonitorOptions o = new MonitorOptions(Thresholds.NONE, 0, 0, null, false, false, null, OnMissingData.DEFAULT,
                10L, 2L, Set.of(MonitorStatus.ALERT), "still burning", true, List.of(), null, false, Map.of());
        cpu(o);
        push("cpu", 95, T0, "env:prod", "host:a");

        for (int i = 0; i < 5; i++) {
            clock.advance(Duration.ofMinutes(10));
            push("cpu", 95, clock.instant(), "env:prod", "host:a");
            eval.tick();
        }

        assertThat(sent).extracting(MonitorNotification::renotify).containsExactly(false, true, true);
        assertThat(sent.get(1).message()).endsWith("\n\nstill burning");
        assertThat(incidents()).hasSize(1);
    }

    @Test
    void aRestartResumesStatesWithoutNoDataOrRenotifying() {
        MonitorOptions o = new MonitorOptions(Thresholds.NONE, 0, 0, null, false, true, 2L, OnMissingData.DEFAULT,
                null, null, Set.of(), "", true, List.of(), null, false, Map.of());
        Monitor m = cpu(o);
        push("cpu", 95, T0, "env:prod", "host:a");
        clock.advance(Duration.ofMinutes(1));

        MonitorEvaluator restarted = new MonitorEvaluator(store, clock, sent::add);
        restarted.start();
        restarted.tick();

        assertThat(restarted.statuses(m.id())).containsEntry("host:a", MonitorStatus.ALERT);
        assertThat(path(m)).containsExactly(MonitorStatus.ALERT);
        clock.advance(Duration.ofMinutes(3));
        restarted.tick();
        assertThat(path(m)).containsExactly(MonitorStatus.ALERT, MonitorStatus.NO_DATA);
    }

    @Test
    void queriesItCannotStreamAreReportedAndDeletedMonitorsStop() {
        Monitor ratio = monitor(MonitorType.QUERY_ALERT, "avg(last_5m):errors{*} / requests{*} > 0.1", "",
                options());
        assertThat(eval.notEvaluated()).containsKey(ratio.id());

        Monitor m = cpu(options());
        store.delete(m.id());
        eval.monitorDeleted(m.id());
        push("cpu", 95, T0, "env:prod", "host:a");
        assertThat(store.transitions()).isEmpty();
    }

    @Test
    void downtimesMuteMatchingGroupsWhileTheyLast() {
        Monitor m = cpu(options());
        eval.downtimesChanged(List.of(new tocsin.monitor.downtime.Downtime("d", 0, "host:a", m.id(), List.of(),
                new tocsin.monitor.downtime.Downtime.OneTime(T0, T0.plusSeconds(60)), "", "UTC", false,
                List.of("alert"), List.of("expired"), T0, T0, null)));

        push("cpu", 95, T0, "env:prod", "host:a");
        push("cpu", 95, T0, "env:prod", "host:b");
        clock.advance(Duration.ofSeconds(61));
        push("cpu", 10, clock.instant(), "env:prod", "host:a");

        assertThat(sent).extracting(MonitorNotification::group).containsExactly("host:b", "host:a");
        assertThat(sent.getLast().to()).isEqualTo(MonitorStatus.OK);
        // Without mute_first_recovery_notification the recovery after the downtime is sent, as Datadog does;
        // resolving a dedup key that was never triggered is a no-op for the incident side.
        assertThat(incidents()).containsExactly("trigger Web tocsin-monitor-" + m.id() + "-host:b [Alert] CPU on host:b",
                "resolve Web tocsin-monitor-" + m.id() + "-host:a");
    }

    @Test
    void muteFirstRecoveryNotificationSilencesTheRecoveryAfterTheDowntime() {
        Monitor m = cpu(options());
        eval.downtimesChanged(List.of(new tocsin.monitor.downtime.Downtime("d", 0, "*", m.id(), List.of(),
                new tocsin.monitor.downtime.Downtime.OneTime(T0, T0.plusSeconds(60)), "", "UTC", true,
                List.of("alert"), List.of("expired"), T0, T0, null)));

        push("cpu", 95, T0, "env:prod", "host:a");
        clock.advance(Duration.ofSeconds(61));
        push("cpu", 10, clock.instant(), "env:prod", "host:a");
        clock.advance(Duration.ofSeconds(61));
        push("cpu", 95, clock.instant(), "env:prod", "host:a");

        assertThat(path(m)).containsExactly(MonitorStatus.ALERT, MonitorStatus.OK, MonitorStatus.ALERT);
        assertThat(sent).extracting(MonitorNotification::to).containsExactly(MonitorStatus.ALERT);
        assertThat(incidents()).hasSize(1);
    }

    @Test
    void newHostDelayCountsFromTheHostsFirstDataOnAnyMetric() {
        MonitorOptions o = new MonitorOptions(Thresholds.NONE, 0, 0, 300L, false, false, null, OnMissingData.DEFAULT,
                null, null, Set.of(), "", true, List.of(), null, false, Map.of());
        Monitor m = cpu(o);
        push("cpu", 1, T0, "env:prod", "host:old");
        push("disk", 1, T0, "host:other");
        clock.advance(Duration.ofSeconds(301));

        push("cpu", 95, clock.instant(), "env:prod", "host:old");
        push("cpu", 95, clock.instant(), "env:prod", "host:other");
        push("cpu", 95, clock.instant(), "env:prod", "host:new");

        assertThat(eval.statuses(m.id())).containsEntry("host:old", MonitorStatus.ALERT)
                .containsEntry("host:other", MonitorStatus.ALERT).containsEntry("host:new", MonitorStatus.OK);
        clock.advance(Duration.ofSeconds(301));
        push("cpu", 95, clock.instant(), "env:prod", "host:new");
        assertThat(eval.statuses(m.id())).containsEntry("host:new", MonitorStatus.ALERT);
    }

    tocsin.monitor.downtime.Downtime downtime(Monitor m, List<String> endTypes, Instant canceled) {
        return new tocsin.monitor.downtime.Downtime("d", 0, "*", m.id(), List.of(),
                new tocsin.monitor.downtime.Downtime.OneTime(T0, T0.plusSeconds(60)), "", "UTC", false,
                List.of("alert"), endTypes, T0, T0, canceled);
    }

    @Test
    void anExpiringDowntimeNotifiesGroupsStillInItsEndStates() {
        Monitor m = cpu(options());
        eval.downtimesChanged(List.of(downtime(m, List.of("expired"), null)));
        push("cpu", 95, T0, "env:prod", "host:a");
        eval.tick();
        assertThat(sent).isEmpty();

        clock.advance(Duration.ofSeconds(61));
        push("cpu", 95, clock.instant(), "env:prod", "host:a");
        eval.tick();

        assertThat(sent).singleElement().satisfies(n -> {
            assertThat(n.to()).isEqualTo(MonitorStatus.ALERT);
            assertThat(n.message()).isEqualTo("CPU 95 on a @pagerduty-Web");
        });
        eval.tick();
        assertThat(sent).hasSize(1);
    }

    @Test
    void aCanceledDowntimeNotifiesOnlyWhenCancelIsAnEndType() {
        Monitor m = cpu(options());
        eval.downtimesChanged(List.of(downtime(m, List.of("expired"), null)));
        push("cpu", 95, T0, "env:prod", "host:a");
        eval.tick();
        clock.advance(Duration.ofSeconds(10));
        eval.downtimesChanged(List.of(downtime(m, List.of("expired"), clock.instant())));
        eval.tick();
        assertThat(sent).isEmpty();

        Monitor other = cpu(options());
        eval.downtimesChanged(List.of(downtime(other, List.of("canceled"), null)));
        push("cpu", 95, clock.instant(), "env:prod", "host:b");
        eval.tick();
        int before = sent.size();
        clock.advance(Duration.ofSeconds(10));
        eval.downtimesChanged(List.of(downtime(other, List.of("canceled"), clock.instant())));
        eval.tick();
        assertThat(sent.subList(before, sent.size())).extracting(MonitorNotification::monitorId, MonitorNotification::group)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(other.id(), "host:b"));
    }

    @Test
    void aRewriteAtTheSameTimestampReplacesThePointAsTheStoreDoes() {
        Monitor m = monitor(MonitorType.METRIC_ALERT, "sum(last_5m):sum:errors{*}.as_count() > 10", "", options());

        push("errors", 8, T0, "host:a");
        push("errors", 8, T0, "host:a"); // a retried request
        push("errors", 9, T0, "host:a"); // last write wins
        assertThat(store.transitions()).isEmpty();
        push("errors", 2, T0.minusSeconds(30), "host:a"); // late, slotted in order
        assertThat(eval.statuses(m.id())).containsEntry("*", MonitorStatus.ALERT);
        assertThat(store.transitions().getFirst().value()).isEqualTo(11.0);
    }
}
