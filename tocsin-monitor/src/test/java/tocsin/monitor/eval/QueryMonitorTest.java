package tocsin.monitor.eval;

import org.junit.jupiter.api.Test;
import tocsin.core.metric.MetricKind;
import tocsin.core.metric.SeriesKey;
import tocsin.monitor.Creator;
import tocsin.monitor.Monitor;
import tocsin.monitor.MonitorDefinition;
import tocsin.monitor.MonitorOptions;
import tocsin.monitor.MonitorStatus;
import tocsin.monitor.MonitorType;
import tocsin.monitor.Transition;
import tocsin.query.InMemoryMetricSource;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Monitors over arithmetic between metrics are evaluated on the tick through the query engine. */
class QueryMonitorTest {
    static final Instant T0 = Instant.parse("2026-03-01T09:00:00Z");

    final ManualClock clock = new ManualClock(T0);
    final InMemoryMonitorStore store = new InMemoryMonitorStore(clock);
    final InMemoryMetricSource source = new InMemoryMetricSource();
    final MonitorEvaluator eval = new MonitorEvaluator(store, clock, MonitorNotifier.RECORD_ONLY, source);

    void point(String metric, String host, Instant at, double v) {
        source.add(SeriesKey.of(metric, "host:" + host), MetricKind.GAUGE, at.toEpochMilli(), v);
    }

    @Test
    void anErrorRatioAlertsPerGroupAndRecovers() {
        Monitor m = store.create(new MonitorDefinition("errors", MonitorType.QUERY_ALERT,
                "avg(last_5m):sum:errors{*} by {host} / sum:requests{*} by {host} > 0.1",
                "{{#is_alert}}ratio {{value}} on {{host.name}}{{/is_alert}}", List.of(), null,
                MonitorOptions.defaults()), new Creator("", "", ""));
        eval.monitorChanged(m);
        assertThat(eval.notEvaluated()).isEmpty();

        for (int s = 0; s < 300; s += 30) {
            Instant at = T0.minusSeconds(300 - s);
            point("errors", "a", at, 5);
            point("requests", "a", at, 20);
            point("errors", "b", at, 1);
            point("requests", "b", at, 100);
        }
        eval.tick();

        assertThat(eval.statuses(m.id())).containsEntry("host:a", MonitorStatus.ALERT)
                .doesNotContainEntry("host:b", MonitorStatus.ALERT);
        Transition t = store.transitions().getFirst();
        assertThat(t.value()).isEqualTo(0.25);
        assertThat(t.notification()).isEqualTo("ratio 0.25 on a");

        clock.advance(Duration.ofMinutes(6));
        for (int s = 0; s < 300; s += 30) {
            Instant at = clock.instant().minusSeconds(300 - s);
            point("errors", "a", at, 1);
            point("requests", "a", at, 100);
        }
        eval.tick();
        assertThat(eval.statuses(m.id())).containsEntry("host:a", MonitorStatus.OK);
    }

    @Test
    void theQueryRunsAtMostEveryPollInterval() {
        Monitor m = store.create(new MonitorDefinition("x", MonitorType.QUERY_ALERT,
                "max(last_1m):a{*} + b{*} > 1", "", List.of(), null, MonitorOptions.defaults()),
                new Creator("", "", ""));
        eval.monitorChanged(m);
        eval.tick();
        source.add(SeriesKey.of("a"), MetricKind.GAUGE, T0.toEpochMilli(), 5);
        source.add(SeriesKey.of("b"), MetricKind.GAUGE, T0.toEpochMilli(), 5);
        clock.advance(Duration.ofSeconds(5));
        eval.tick();
        assertThat(store.transitions()).isEmpty();
        clock.advance(QueryMonitor.POLL);
        eval.tick();
        assertThat(eval.statuses(m.id())).containsEntry("*", MonitorStatus.ALERT);
    }

    @Test
    void aNewMonitorFillsItsWindowsFromStoredPointsAndCountsRepeatsOnce() {
        for (int s = 300; s >= 10; s -= 10) {
            source.add(SeriesKey.of("errors", "host:a"), MetricKind.COUNT, T0.minusSeconds(s).toEpochMilli(), 1);
        }
        MonitorOptions fullWindow = new MonitorOptions(tocsin.monitor.Thresholds.NONE, 0, 0, null, true, false, null,
                tocsin.monitor.OnMissingData.DEFAULT, null, null, java.util.Set.of(), "", true, List.of(), null,
                false, java.util.Map.of());
        Monitor m = store.create(new MonitorDefinition("errors", MonitorType.METRIC_ALERT,
                "sum(last_5m):sum:errors{*} by {host}.as_count() > 29", "", List.of(), null, fullWindow),
                new Creator("", "", ""));
        eval.monitorChanged(m);

        tocsin.core.metric.MetricBatch b = new tocsin.core.metric.MetricBatch();
        b.add(SeriesKey.of("errors", "host:a"), MetricKind.COUNT, T0.minusSeconds(20).toEpochMilli(), 1); // a retry
        b.add(SeriesKey.of("errors", "host:a"), MetricKind.COUNT, T0.toEpochMilli(), 1);
        eval.accept(b, i -> false);

        assertThat(eval.statuses(m.id())).containsEntry("host:a", MonitorStatus.ALERT);
        assertThat(store.transitions().getFirst().value()).isEqualTo(30.0); // 29 in the window (T0-290s..T0) + 1
    }
}
