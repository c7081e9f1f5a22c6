package tocsin.monitor.eval;

import tocsin.monitor.MonitorStatus;
import tocsin.monitor.template.Handle;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A notification a monitor group wants sent: the rendered message and the handles it names. Immutable.
 *
 * @param renotify whether this repeats an unchanged state ({@code renotify_interval})
 * @param dedupKey stable per monitor group, so the incident side opens one incident per group
 */
public record MonitorNotification(long monitorId, String monitorName, String group, MonitorStatus from,
                                  MonitorStatus to, boolean renotify, String message, List<Handle> handles,
                                  Long priority, Double value, Instant at, String dedupKey) {
    public MonitorNotification {
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(message, "message");
        handles = List.copyOf(handles);
        Objects.requireNonNull(at, "at");
    }

    /** The first line of the message, or the monitor name: what an incident's title shows. */
    public String summary() {
        String prefix = "[" + (to == MonitorStatus.OK ? "Recovered" : to.wireName()) + "] ";
        return prefix + monitorName + (group.equals("*") ? "" : " on " + group);
    }
}
