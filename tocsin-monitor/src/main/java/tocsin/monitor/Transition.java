package tocsin.monitor;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One change of a group's status, kept as monitor history: from, to, the value and the window that caused it, when,
 * and the notification it caused (rendered message and the handles it names; empty when it notified nobody, for
 * example while muted). Immutable.
 *
 * @param windowStart start of the evaluated window (inclusive), or null when no window was evaluated (no data)
 * @param windowEnd   end of the evaluated window (exclusive)
 */
public record Transition(long monitorId, String group, MonitorStatus from, MonitorStatus to, Double value,
                         Instant windowStart, Instant windowEnd, Instant at, String notification,
                         List<String> handles) {
    public Transition {
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(at, "at");
        notification = notification == null ? "" : notification;
        handles = List.copyOf(handles);
    }
}
