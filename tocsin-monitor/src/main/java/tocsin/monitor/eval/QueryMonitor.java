package tocsin.monitor.eval;

import tocsin.monitor.Monitor;
import tocsin.monitor.MonitorStatus;
import tocsin.monitor.Thresholds;
import tocsin.monitor.query.MetricAlertQuery;
import tocsin.monitor.query.MetricAlertQuery.Change;
import tocsin.query.QueryException;
import tocsin.query.datadog.DatadogQuery;
import tocsin.query.datadog.DatadogQueryEngine;
import tocsin.query.datadog.QueryResponse;
import tocsin.query.datadog.QuerySeries;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A metric monitor whose query the streaming path cannot compute (arithmetic between metrics, functions, rollups):
 * evaluated on the tick through the Datadog query engine over the stored data, at most every {@link #POLL}. Each
 * result series is a group (its tags on the query's {@code by} keys); its points in the window are reduced by the
 * time aggregator. Same thresholds, delays, no-data and notification rules as {@link MetricMonitor}.
 *
 * <p>Guarded by {@link #lock}. The query runs with the lock held, on the ticker's thread.
 */
final class QueryMonitor extends CompiledMonitor {
    /** How often the query runs. */
    static final Duration POLL = Duration.ofSeconds(10);

    private final MetricAlertQuery query;
    private final DatadogQuery parsed;
    private final Thresholds thresholds;
    private final DatadogQueryEngine engine;
    private final long windowMillis;
    private Instant lastPoll = Instant.EPOCH;

    QueryMonitor(Monitor monitor, MetricAlertQuery query, DatadogQueryEngine engine) {
        super(monitor);
        this.query = query;
        this.parsed = query.parsedMetric();
        this.thresholds = options.thresholds();
        this.engine = engine;
        this.windowMillis = query.window().millis();
    }

    @Override
    void tick(Instant now, Effects out) {
        if (now.isBefore(lastPoll.plus(POLL))) {
            renotify(now, out);
            return;
        }
        lastPoll = now;
        long end = now.toEpochMilli() - options.evaluationDelay() * 1000;
        long start = end - windowMillis;
        Map<String, double[]> current = values(start, end, now);
        Map<String, double[]> past = query.change() == Change.NONE ? Map.of()
                : values(start - query.shift().millis(), end - query.shift().millis(), now);
        for (Map.Entry<String, double[]> e : current.entrySet()) {
            GroupRuntime g = group(e.getKey(), now);
            if (g == null) {
                continue;
            }
            double[] cur = e.getValue();
            g.sawData((long) cur[1]);
            if (options.requireFullWindow() && cur[2] > start + fullWindowSlack(windowMillis)) {
                continue;
            }
            double v = cur[0];
            if (query.change() != Change.NONE) {
                double[] p = past.get(e.getKey());
                if (p == null) {
                    continue;
                }
                v = query.change() == Change.CHANGE ? v - p[0] : p[0] == 0 ? Double.NaN
                        : (v - p[0]) / Math.abs(p[0]) * 100;
            }
            if (Double.isNaN(v)) {
                continue;
            }
            g.value = v;
            MonitorStatus to = MetricMonitor.classify(query, thresholds, v, g.status);
            if (to.triggered() && !g.status.triggered() && inNewGroupDelay(g, now)) {
                continue;
            }
            transition(g, to, v, Instant.ofEpochMilli(start), Instant.ofEpochMilli(end), now, true, out);
        }
        noData(now, end, Math.max(2 * windowMillis, 120_000), out);
        renotify(now, out);
    }

    /** Per group: the window's value, the newest and the oldest timestamp with data. */
    private Map<String, double[]> values(long start, long end, Instant now) {
        QueryResponse r;
        try {
            r = engine.evaluate(parsed, start, end, now.toEpochMilli());
        } catch (QueryException | IllegalArgumentException e) {
            return Map.of();
        }
        Map<String, double[]> out = new HashMap<>();
        List<String> by = parsed.groupBy();
        for (QuerySeries s : r.series()) {
            double[] values = new double[s.length()];
            int n = 0;
            long newest = Long.MIN_VALUE;
            long oldest = Long.MAX_VALUE;
            for (int i = 0; i < s.length(); i++) {
                Double v = s.value(i);
                if (v != null && !v.isNaN()) {
                    values[n++] = v;
                    newest = Math.max(newest, s.timestamp(i));
                    oldest = Math.min(oldest, s.timestamp(i));
                }
            }
            if (n > 0) {
                out.put(groupName(s.tagSet(), by), new double[]{query.aggregator().reduce(values, n), newest, oldest});
            }
        }
        return out;
    }

    private static String groupName(List<String> tags, List<String> by) {
        return groupName(tocsin.core.metric.SeriesKey.of("query", tags), by);
    }

    @Override
    Double[] thresholdsForTemplates() {
        return MetricMonitor.templateThresholds(query, thresholds);
    }

    @Override
    String comparator() {
        return query.comparator().symbol();
    }

    /** How far after the window's start the first rollup bucket may begin and still count as a full window. */
    private static long fullWindowSlack(long windowMillis) {
        return Math.max(20_000, windowMillis / 100);
    }
}
