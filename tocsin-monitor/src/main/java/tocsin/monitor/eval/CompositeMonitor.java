package tocsin.monitor.eval;

import tocsin.monitor.Monitor;
import tocsin.monitor.MonitorStatus;
import tocsin.monitor.query.CompositeQuery;

import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.LongFunction;

/**
 * A {@code composite} monitor: per group, the boolean expression over its monitors' statuses. Alert when the
 * expression holds counting only Alert as true; else Warn when it holds counting Warn as true too; else OK. A group
 * of a referenced monitor stands for itself; a monitor without groups answers for every group with its {@code *}
 * status. Re-evaluated whenever a referenced monitor changes and on every tick. Guarded by {@link #lock}.
 */
final class CompositeMonitor extends CompiledMonitor {
    final CompositeQuery query;

    CompositeMonitor(Monitor monitor, CompositeQuery query) {
        super(monitor);
        this.query = query;
    }

    /**
     * @param statusesOf the live group statuses of a monitor, or null when it is not evaluated
     */
    void evaluate(LongFunction<Map<String, MonitorStatus>> statusesOf, Instant now, Effects out) {
        Set<String> names = new TreeSet<>();
        for (long id : query.ids()) {
            Map<String, MonitorStatus> s = statusesOf.apply(id);
            if (s != null) {
                names.addAll(s.keySet());
            }
        }
        if (names.size() > 1) {
            names.remove("*");
        }
        for (String name : names) {
            GroupRuntime g = group(name, now);
            if (g == null) {
                continue;
            }
            boolean alert = query.eval(id -> status(statusesOf, id, name) == MonitorStatus.ALERT);
            boolean warn = !alert && query.eval(id -> status(statusesOf, id, name).triggered());
            MonitorStatus to = alert ? MonitorStatus.ALERT : warn ? MonitorStatus.WARN : MonitorStatus.OK;
            transition(g, to, null, null, null, now, true, out);
        }
    }

    private static MonitorStatus status(LongFunction<Map<String, MonitorStatus>> statusesOf, long id, String group) {
        Map<String, MonitorStatus> s = statusesOf.apply(id);
        if (s == null) {
            return MonitorStatus.OK;
        }
        MonitorStatus own = s.get(group);
        return own != null ? own : s.getOrDefault("*", MonitorStatus.OK);
    }

    @Override
    void tick(Instant now, Effects out) {
        renotify(now, out);
    }

    @Override
    Double[] thresholdsForTemplates() {
        return new Double[]{null, null, null};
    }

    @Override
    String comparator() {
        return "";
    }
}
