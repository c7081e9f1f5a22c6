package tocsin.monitor.eval;

import tocsin.core.metric.MetricKind;
import tocsin.core.metric.SeriesKey;
import tocsin.monitor.Monitor;
import tocsin.monitor.MonitorStatus;
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
    /** The seconds a rate's point covers when its metric declares none: the Datadog Agent's flush interval. */
    static final int DEFAULT_RATE_SECONDS = 10;
    final MetricSelector selector;
    private final MetricAlertQuery query;
    private final Thresholds thresholds;
    private final long windowMillis;
    private final long shiftMillis;
    private final long bucketMillis;
    private final boolean countSeries;
    private final TimeAggregator space;
    private final Map<String, SeriesWindow> windows = new HashMap<>();
    /** Each COUNTER series' last total, the base of its next increment. */
    private final Map<SeriesKey, Total> totals = new HashMap<>();

    private static final class Total {
        long timestampMillis;
        double total;

        Total(long timestampMillis, double total) {
            this.timestampMillis = timestampMillis;
            this.total = total;
        }
    }

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

    /**
     * The seconds one point of a rate of this monitor's metric covers: its declared interval, else 10 s. Looked up
     * only for a query under {@code .as_count()}, the only one that needs it.
     */
    double rateSeconds(tocsin.query.MetricSource source) {
        return source == null || !selector.asCount() ? DEFAULT_RATE_SECONDS
                : source.rateInterval(selector.metric()).orElse(DEFAULT_RATE_SECONDS);
    }

    /**
     * Reads the recent points of the monitor's series from {@code source} into the windows, so that a monitor
     * created, changed or resumed after a restart evaluates at once instead of waiting for its windows to refill.
     *
     * @return how many points were read
     */
    long backfill(tocsin.query.MetricSource source, Instant now, long maxPoints) {
        long end = now.toEpochMilli();
        long from = end - options.evaluationDelay() * 1000 - windowMillis - shiftMillis - bucketMillis;
        long read = 0;
        double rateSeconds = rateSeconds(source);
        for (tocsin.query.SourceSeries series : source.select(selector.metric(), selector.filter(), from, end)) {
            tocsin.query.Points points = source.read(series, from, end);
            for (int i = 0; i < points.size() && read < maxPoints; i++, read++) {
                add(series.key(), series.kind(), points.timestamp(i), points.value(i), now, rateSeconds);
            }
        }
        return read;
    }

    /**
     * Adds a point; returns its group's name when the group should be evaluated, else null. A point counts as the
     * query engine counts it: a COUNTER's total as its increment since the series' previous total (a drop being a
     * reset; the first total only sets the base, and a total not newer than the last one seen is skipped); under
     * {@code .as_count()} a RATE's value times the seconds it covers.
     *
     * @param rateSeconds the seconds a rate's point covers ({@link #rateSeconds(tocsin.query.MetricSource)})
     */
    String add(SeriesKey key, MetricKind kind, long timestampMillis, double value, Instant now, double rateSeconds) {
        long end = now.toEpochMilli() - options.evaluationDelay() * 1000;
        if (kind == MetricKind.COUNTER) {
            Total last = totals.get(key);
            if (last == null) {
                totals.put(key, new Total(timestampMillis, value));
                return null;
            }
            if (timestampMillis <= last.timestampMillis || Double.isNaN(value)) {
                return null;
            }
            double total = value;
            value = total >= last.total ? total - last.total : total;
            last.timestampMillis = timestampMillis;
            last.total = total;
        } else if (kind == MetricKind.RATE && selector.asCount()) {
            value *= rateSeconds;
        }
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
        MonitorStatus to = classify(query, thresholds, v, g.status);
        if (to.triggered() && !g.status.triggered() && inNewGroupDelay(g, now)) {
            return;
        }
        transition(g, to, v, Instant.ofEpochMilli(start), Instant.ofEpochMilli(end), now, true, out);
    }

    /** The status for value {@code v}, with recovery hysteresis from {@code current}. */
    static MonitorStatus classify(MetricAlertQuery query, Thresholds thresholds, double v, MonitorStatus current) {
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
        // a counter silent for longer than the no-data horizon starts from a new base when it reports again
        long forgetBefore = end - Math.max(2 * windowMillis, 600_000) - shiftMillis;
        totals.values().removeIf(t -> t.timestampMillis < forgetBefore);
        noData(now, end, Math.max(2 * windowMillis, 120_000), out);
        renotify(now, out);
    }

    @Override
    Double[] thresholdsForTemplates() {
        return templateThresholds(query, thresholds);
    }

    static Double[] templateThresholds(MetricAlertQuery query, Thresholds thresholds) {
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
