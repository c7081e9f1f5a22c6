package tocsin.monitor.eval;

import tocsin.core.metric.SeriesKey;
import tocsin.monitor.Monitor;
import tocsin.monitor.MonitorStatus;
import tocsin.monitor.OnMissingData;
import tocsin.monitor.Thresholds;
import tocsin.monitor.query.ServiceCheckQuery;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * A {@code service check} monitor: counts the statuses of each group's latest {@code .last(n)} check runs. Critical
 * when at least {@code thresholds.critical} (default 1) of them are CRITICAL, else Warn when at least
 * {@code thresholds.warning} (default 1) are WARNING, else OK once at least {@code thresholds.ok} (default 1) are OK;
 * otherwise (only UNKNOWN runs) the group keeps its status.
 *
 * <p>Check runs arrive as points of {@value #METRIC} tagged {@code check:<name>}, valued with the status code, as
 * the server's intake stores them. Guarded by {@link #lock}.
 */
final class ServiceCheckMonitor extends CompiledMonitor {
    /** The metric check runs are stored under. */
    static final String METRIC = MonitorEvaluator.SERVICE_CHECK_METRIC;
    private static final long NO_DATA_DEFAULT_MILLIS = 10 * 60_000;

    private final ServiceCheckQuery query;
    private final Thresholds thresholds;
    private final String checkTag;
    private final Map<String, TreeMap<Long, Integer>> runs = new HashMap<>();

    ServiceCheckMonitor(Monitor monitor, ServiceCheckQuery query) {
        super(monitor);
        this.query = query;
        this.thresholds = options.thresholds();
        this.checkTag = "check:" + query.check();
    }

    boolean matches(SeriesKey key) {
        if (!key.tags().contains(checkTag)) {
            return false;
        }
        for (String tag : query.over()) {
            if (!tag.equals("*") && !key.tags().contains(tag)) {
                return false;
            }
        }
        for (String tag : query.exclude()) {
            if (key.tags().contains(tag)) {
                return false;
            }
        }
        return true;
    }

    String add(SeriesKey key, long timestampMillis, double status, Instant now) {
        String name = groupName(key, query.by());
        GroupRuntime g = group(name, now);
        if (g == null) {
            return null;
        }
        TreeMap<Long, Integer> latest = runs.computeIfAbsent(name, n -> new TreeMap<>());
        latest.put(timestampMillis, (int) status);
        while (latest.size() > query.last()) {
            latest.pollFirstEntry();
        }
        g.sawData(timestampMillis);
        return name;
    }

    void evaluate(String name, Instant now, Effects out) {
        GroupRuntime g = groups.get(name);
        TreeMap<Long, Integer> latest = runs.get(name);
        if (g == null || latest == null || latest.isEmpty()) {
            return;
        }
        int[] counts = new int[4];
        for (int status : latest.values()) {
            counts[Math.max(0, Math.min(3, status))]++;
        }
        MonitorStatus to;
        if (counts[2] >= count(thresholds.critical())) {
            to = MonitorStatus.ALERT;
        } else if (counts[1] >= count(thresholds.warning())) {
            to = MonitorStatus.WARN;
        } else if (counts[0] >= count(thresholds.ok())) {
            to = MonitorStatus.OK;
        } else {
            return;
        }
        g.value = (double) latest.lastEntry().getValue();
        if (to.triggered() && !g.status.triggered() && inNewGroupDelay(g, now)) {
            return;
        }
        transition(g, to, g.value, Instant.ofEpochMilli(latest.firstKey()), Instant.ofEpochMilli(latest.lastKey()),
                now, true, out);
    }

    private static int count(Double threshold) {
        return threshold == null ? 1 : threshold.intValue();
    }

    @Override
    void tick(Instant now, Effects out) {
        OnMissingData mode = options.onMissingData();
        if (mode != OnMissingData.DEFAULT || options.notifyNoData()) {
            long timeframe = options.noDataTimeframe() != null ? options.noDataTimeframe() * 60_000
                    : NO_DATA_DEFAULT_MILLIS;
            for (GroupRuntime g : groups.values()) {
                if (g.lastDataAt != null && g.lastDataAt.toEpochMilli() < now.toEpochMilli() - timeframe) {
                    transition(g, mode == OnMissingData.RESOLVE ? MonitorStatus.OK : MonitorStatus.NO_DATA, null, null,
                            null, now, mode != OnMissingData.SHOW_NO_DATA, out);
                }
            }
        }
        renotify(now, out);
    }

    @Override
    Double[] thresholdsForTemplates() {
        return new Double[]{thresholds.critical(), thresholds.warning(), thresholds.ok()};
    }

    @Override
    String comparator() {
        return "";
    }
}
