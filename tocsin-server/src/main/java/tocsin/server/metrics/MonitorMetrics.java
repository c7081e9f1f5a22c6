package tocsin.server.metrics;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import tocsin.monitor.MonitorStatus;
import tocsin.monitor.eval.EvaluatorStats;

import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import static tocsin.server.metrics.TsdbMetrics.counter;
import static tocsin.server.metrics.TsdbMetrics.gauge;

/**
 * The monitor evaluator on {@code /metrics}: how many monitors it evaluates, how much data reaches them, how late it
 * arrives, how long a tick takes, and every status change by the status entered. One {@link EvaluatorStats} per
 * scrape. Thread-safe.
 */
public final class MonitorMetrics implements MultiCollector {
    private static final List<String> NAMES = List.of("tocsin_monitors", "tocsin_monitors_not_evaluated",
            "tocsin_monitor_points_evaluated", "tocsin_monitor_transitions", "tocsin_monitor_notifications_failed",
            "tocsin_monitor_tick_seconds", "tocsin_monitor_max_point_lag_seconds");

    private final Supplier<EvaluatorStats> stats;

    private MonitorMetrics(Supplier<EvaluatorStats> stats) {
        this.stats = stats;
    }

    public static void register(PrometheusRegistry registry, Supplier<EvaluatorStats> stats) {
        registry.register(new MonitorMetrics(stats));
    }

    @Override
    public MetricSnapshots collect() {
        EvaluatorStats s = stats.get();
        CounterSnapshot.Builder transitions = CounterSnapshot.builder().name("tocsin_monitor_transitions")
                .help("Monitor group status changes stored, by the status entered");
        for (Map.Entry<MonitorStatus, Long> e : s.transitions().entrySet()) {
            transitions.dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder()
                    .labels(Labels.of("to", e.getKey().wireName())).value(e.getValue()).build());
        }
        return MetricSnapshots.builder()
                .metricSnapshot(gauge("tocsin_monitors", "Monitors evaluated as data arrives or on the tick",
                        s.monitors()))
                .metricSnapshot(gauge("tocsin_monitors_not_evaluated",
                        "Monitors that cannot be evaluated (see the log and validate)", s.notEvaluated()))
                .metricSnapshot(counter("tocsin_monitor_points_evaluated", "Points that matched a monitor",
                        s.pointsEvaluated()))
                .metricSnapshot(transitions.build())
                .metricSnapshot(counter("tocsin_monitor_notifications_failed",
                        "Monitor notifications or incident actions that failed (each logged)",
                        s.notificationsFailed()))
                .metricSnapshot(gauge("tocsin_monitor_tick_seconds", "Duration of the last evaluator tick",
                        s.lastTickNanos() < 0 ? Double.NaN : s.lastTickNanos() / 1e9))
                .metricSnapshot(gauge("tocsin_monitor_max_point_lag_seconds",
                        "Largest delay seen between a matched point's timestamp and its evaluation",
                        s.maxLagMillis() / 1000.0))
                .build();
    }

    @Override
    public List<String> getPrometheusNames() {
        return NAMES;
    }
}
