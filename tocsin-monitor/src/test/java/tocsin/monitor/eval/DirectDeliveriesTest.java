package tocsin.monitor.eval;

import org.junit.jupiter.api.Test;
import tocsin.core.metric.MetricBatch;
import tocsin.core.metric.MetricKind;
import tocsin.core.metric.SeriesKey;
import tocsin.monitor.Creator;
import tocsin.monitor.Monitor;
import tocsin.monitor.MonitorDefinition;
import tocsin.monitor.MonitorDelivery;
import tocsin.monitor.MonitorOptions;
import tocsin.monitor.MonitorStatus;
import tocsin.monitor.MonitorType;
import tocsin.monitor.OnMissingData;
import tocsin.monitor.Thresholds;
import tocsin.monitor.downtime.Downtime;
import tocsin.monitor.template.Handle;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The direct deliveries a monitor's notifications write to the outbox with their transitions. */
class DirectDeliveriesTest {
    static final Instant T0 = Instant.parse("2026-03-01T09:00:00Z");
    static final String MESSAGE = "{{#is_alert}}Disk {{value}} on {{host.name}} @webhook-ops @slack-ops "
            + "@teams-sre @oncall@example.com @pagerduty-Web{{/is_alert}}"
            + "{{#is_recovery}}Disk fine @webhook-ops{{/is_recovery}}";

    final ManualClock clock = new ManualClock(T0);
    final InMemoryMonitorStore store = new InMemoryMonitorStore(clock);
    final MonitorEvaluator eval = new MonitorEvaluator(store, clock, MonitorNotifier.RECORD_ONLY);

    Monitor disk(MonitorOptions options) {
        Monitor m = store.create(new MonitorDefinition("Disk full", MonitorType.METRIC_ALERT,
                "max(last_1m):avg:disk.used{env:prod} by {host} > 90", MESSAGE, List.of("team:storage"), 2L,
                options), new Creator("a@example.com", "a@example.com", "A"));
        eval.monitorChanged(m);
        return m;
    }

    void push(double value, String host) {
        MetricBatch b = new MetricBatch();
        b.add(SeriesKey.of("disk.used", "env:prod", "host:" + host), MetricKind.GAUGE, clock.instant().toEpochMilli(),
                value);
        eval.accept(b, i -> false);
    }

    @Test
    void anAlertStoresOneDeliveryPerDirectHandleWithDatadogsVariables() {
        Monitor m = disk(MonitorOptions.defaults());
        push(97, "db-1");

        List<MonitorDelivery> out = store.deliveries();
        assertThat(out).extracting(MonitorDelivery::handle)
                .containsExactly("@webhook-ops", "@slack-ops", "@teams-sre", "@oncall@example.com");
        assertThat(out).extracting(MonitorDelivery::kind).containsExactly(Handle.Kind.WEBHOOK, Handle.Kind.SLACK,
                Handle.Kind.TEAMS, Handle.Kind.EMAIL);
        assertThat(out).extracting(MonitorDelivery::key).doesNotHaveDuplicates();
        MonitorDelivery d = out.getFirst();
        assertThat(d.target()).isEqualTo("ops");
        assertThat(d.title()).isEqualTo("[Triggered on {host:db-1}] Disk full");
        assertThat(d.message()).isEqualTo("Disk 97 on db-1 @webhook-ops @slack-ops @teams-sre @oncall@example.com "
                + "@pagerduty-Web");
        Map<String, String> v = d.variables();
        assertThat(v).containsEntry("ALERT_ID", Long.toString(m.id()))
                .containsEntry("ALERT_TITLE", "[Triggered on {host:db-1}] Disk full")
                .containsEntry("EVENT_MSG", d.message())
                .containsEntry("ALERT_TRANSITION", "Triggered")
                .containsEntry("HOSTNAME", "db-1")
                .containsEntry("ALERT_SCOPE", "host:db-1")
                .containsEntry("ALERT_QUERY", "max(last_1m):avg:disk.used{env:prod} by {host} > 90")
                .containsEntry("ALERT_STATUS", "avg:disk.used{env:prod} by {host} over host:db-1 was > 90 at least "
                        + "once during the last 1m")
                .containsEntry("ALERT_METRIC", "disk.used")
                .containsEntry("ALERT_PRIORITY", "P2")
                .containsEntry("ALERT_TYPE", "error")
                .containsEntry("DATE", Long.toString(T0.toEpochMilli()))
                .containsEntry("TAGS", "host:db-1,team:storage")
                .containsEntry("EVENT_TYPE", "metric_alert_monitor")
                .containsEntry("ID", d.key());
        assertThat(v.get("AGGREG_KEY")).hasSize(32);
    }

    @Test
    void theRecoveryGoesToTheHandlesOfTheRecoveryTextAndClosesTheSameAlertCycle() {
        disk(MonitorOptions.defaults());
        push(97, "db-1");
        clock.advance(Duration.ofSeconds(61));
        push(50, "db-1");

        List<MonitorDelivery> out = store.deliveries();
        MonitorDelivery recovery = out.getLast();
        assertThat(out).hasSize(5);
        assertThat(recovery.handle()).isEqualTo("@webhook-ops");
        assertThat(recovery.message()).isEqualTo("Disk fine @webhook-ops");
        assertThat(recovery.variables()).containsEntry("ALERT_TRANSITION", "Recovered")
                .containsEntry("ALERT_TYPE", "success");
        assertThat(recovery.title()).isEqualTo("[Recovered on {host:db-1}] Disk full");
        assertThat(recovery.variables().get("ALERT_CYCLE_KEY"))
                .isEqualTo(out.getFirst().variables().get("ALERT_CYCLE_KEY"));
        assertThat(recovery.variables().get("AGGREG_KEY")).isEqualTo(out.getFirst().variables().get("AGGREG_KEY"));
        assertThat(recovery.key()).isNotEqualTo(out.getFirst().key());
    }

    @Test
    void aGroupMutedByADowntimeStoresNoDelivery() {
        Monitor m = disk(MonitorOptions.defaults());
        eval.downtimesChanged(List.of(new Downtime("d", 0, "host:db-1", m.id(), List.of(),
                new Downtime.OneTime(T0, T0.plusSeconds(600)), "", "UTC", false, List.of("alert"),
                List.of("expired"), T0, T0, null)));

        push(97, "db-1");
        push(97, "db-2");

        assertThat(store.deliveries()).extracting(MonitorDelivery::group).containsOnly("host:db-2");
    }

    @Test
    void aRenotificationCarriesTheEscalationMessageAsReTriggered() {
        disk(new MonitorOptions(Thresholds.NONE, 0, 0, null, false, false, null, OnMissingData.DEFAULT, 10L, 1L,
                Set.of(MonitorStatus.ALERT), "still full", true, List.of(), null, false, Map.of()));
        push(97, "db-1");
        clock.advance(Duration.ofMinutes(10));
        push(97, "db-1");
        eval.tick();

        MonitorDelivery again = store.deliveries().getLast();
        assertThat(store.deliveries()).hasSize(8);
        assertThat(again.message()).endsWith("\n\nstill full");
        assertThat(again.variables()).containsEntry("ALERT_TRANSITION", "Re-Triggered");
        assertThat(again.title()).startsWith("[Re-Triggered on {host:db-1}]");
    }
}
