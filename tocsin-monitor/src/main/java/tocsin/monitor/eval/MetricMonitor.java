package tocsin.monitor.eval;

import tocsin.core.metric.SeriesKey;
import tocsin.monitor.Monitor;
import tocsin.monitor.MonitorStatus;
import tocsin.monitor.OnMissingData;
import tocsin.monitor.Thresholds;
import tocsin.monitor.query.Comparator;
import tocsin.monitor.query.MetricAlertQuery;
import tocsin.monitor.query.MetricAlertQuery.Change;
import tocsin.monitor.query.TimeAggregator;
import tocsin.query.datadog.MetricSelector;

import java.time.Instant;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * A {@code metric alert} or {@code query alert} over one metric, evaluated as points arrive.
 *
 * <p>Each group's window ends {@code evaluation_delay} before now and spans the query's window; a change query also
 * keeps the window {@code shift} earlier. A point updates its group's buckets and the group is evaluated at once
 * (see {@link MonitorEvaluator}); the ticker re-evaluates every group so that windows expire, delayed points come
 * into view and silent groups go to No Data. A group whose window is not full is not evaluated when
 * {@code require_full_window} is set, and a group may not alert during {@code new_group_delay}. Status follows the
 * thresholds with recovery hysteresis: a triggered group stays triggered until its value is no longer beyond the
 * recovery threshold (or the threshold itself when none is set).
 *
 * <p>Guarded by {@link #lock}.
 */
final class MetricMonitor extends CompiledMonitor {
    final MetricSelector selector;
    private final MetricAlertQuery query;
    private final Thresholds thresholds;
    private final long windowMillis;
    private final long shiftMillis;
    private final long bucketMillis;
    private final boolean countSeries;
    private final TimeAggregator space;
    private final Map<String, SeriesWindow> windows = new HashMap<>();

    MetricMonitor(Monitor monitor, MetricAlertQuery query, MetricSelector selector) {
        super(monitor);
        this.query = query;
        this.selector = selector;
        this.thresholds = options.thresholds();
        this.windowMillis = query.window().millis();
        this.shiftMillis = query.change() == Change.NONE ? 0 : query.shift().millis();
        // At most ~360 buckets per window, at least 10 s each: a week-long window costs as much as a 1-hour one.
        this.bucketMillis = Math.max(10_000, windowMillis / 360 / 1000 * 1000);
        String agg = selector.spaceAggregator();
        this.countSeries = agg.equals("count");
        this.space = switch (agg) {
            case "sum" -> TimeAggregator.of(TimeAggregator.Kind.SUM);
            case "min" -> TimeAggregator.of(TimeAggregator.Kind.MIN);
            case "max" -> TimeAggregator.of(TimeAggregator.Kind.MAX);
            case "avg", "count" -> TimeAggregator.of(TimeAggregator.Kind.AVG);
            default -> new TimeAggregator(TimeAggregator.Kind.PERCENTILE, Double.parseDouble(agg.substring(1)));
        };
    }

    boolean matches(SeriesKey key) {
        return selector.filter().matches(key);
    }

    /** Adds a point; returns its group's name when the group should be evaluated, else null. */
    String add(SeriesKey key, long timestampMillis, double value, Instant now) {
        long end = now.toEpochMilli() - options.evaluationDelay() * 1000;
        if (timestampMillis < end - windowMillis - shiftMillis - bucketMillis) {
            return null; // older than anything a window still needs
        }
        String name = groupName(key, selector.groupBy());
        GroupRuntime g = group(name, now);
        if (g == null) {
            return null;
        }
        windows.computeIfAbsent(name, n -> new SeriesWindow(bucketMillis, selector.asCount(), space))
                .add(key, timestampMillis, value);
        g.sawData(timestampMillis);
        return name;
    }

    /** Evaluates one group at {@code now}. */
    void evaluate(String name, Instant now, Effects out) {
        GroupRuntime g = groups.get(name);
        SeriesWindow w = windows.get(name);
        if (g == null || w == null) {
            return;
        }
        long end = now.toEpochMilli() - options.evaluationDelay() * 1000;
        long start = end - windowMillis;
        if (options.requireFullWindow() && !w.covers(start - shiftMillis)) {
            return;
        }
        double v = w.value(start, end, query.aggregator(), countSeries);
        if (query.change() != Change.NONE && !Double.isNaN(v)) {
            double past = w.value(start - shiftMillis, end - shiftMillis, query.aggregator(), countSeries);
            v = query.change() == Change.CHANGE ? v - past : past == 0 ? Double.NaN : (v - past) / Math.abs(past) * 100;
        }
        if (Double.isNaN(v)) {
            return;
        }
        g.value = v;
        MonitorStatus to = classify(v, g.status);
        if (to.triggered() && !g.status.triggered() && inNewGroupDelay(g, now)) {
            return;
        }
        transition(g, to, v, Instant.ofEpochMilli(start), Instant.ofEpochMilli(end), now, true, out);
    }

    MonitorStatus classify(double v, MonitorStatus current) {
        Comparator cmp = query.comparator();
        double critical = thresholds.critical() == null ? query.threshold() : thresholds.critical();
        boolean alert = current == MonitorStatus.ALERT
                ? cmp.test(v, thresholds.criticalRecovery() == null ? critical : thresholds.criticalRecovery())
                : cmp.test(v, critical);
        if (alert) {
            return MonitorStatus.ALERT;
        }
        if (thresholds.warning() != null) {
            boolean warn = current.triggered()
                    ? cmp.test(v, thresholds.warningRecovery() == null ? thresholds.warning()
                    : thresholds.warningRecovery())
                    : cmp.test(v, thresholds.warning());
            if (warn) {
                return MonitorStatus.WARN;
            }
        }
        return MonitorStatus.OK;
    }

    @Override
    void tick(Instant now, Effects out) {
        long end = now.toEpochMilli() - options.evaluationDelay() * 1000;
        long keepFrom = end - windowMillis - shiftMillis;
        for (Iterator<Map.Entry<String, SeriesWindow>> it = windows.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, SeriesWindow> e = it.next();
            e.getValue().evictBefore(keepFrom);
            if (e.getValue().isEmpty()) {
                it.remove();
            } else {
                evaluate(e.getKey(), now, out);
            }
        }
        noData(now, end, out);
        renotify(now, out);
    }

    private void noData(Instant now, long end, Effects out) {
        OnMissingData mode = options.onMissingData();
        if (mode == OnMissingData.DEFAULT && !options.notifyNoData()) {
            return;
        }
        long timeframe = options.noDataTimeframe() != null ? options.noDataTimeframe() * 60_000
                : Math.max(2 * windowMillis, 120_000);
        for (GroupRuntime g : groups.values()) {
            if (g.lastDataAt == null || g.lastDataAt.toEpochMilli() >= end - timeframe) {
                continue;
            }
            MonitorStatus to = mode == OnMissingData.RESOLVE ? MonitorStatus.OK : MonitorStatus.NO_DATA;
            boolean notify = mode != OnMissingData.SHOW_NO_DATA;
            transition(g, to, null, null, null, now, notify, out);
        }
    }

    @Override
    Double[] thresholdsForTemplates() {
        return new Double[]{thresholds.critical() == null ? query.threshold() : thresholds.critical(),
                thresholds.warning(), thresholds.ok()};
    }

    @Override
    String comparator() {
        return query.comparator().symbol();
    }

    /** The metric names this monitor reads; the evaluator indexes monitors by them. */
    Set<String> metrics() {
        return Set.of(selector.metric());
    }
}
