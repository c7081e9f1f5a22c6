package tocsin.monitor;

import tocsin.monitor.template.Handle;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * What a monitor notification asks of the incident side for one {@code @pagerduty-<service>} or {@code @oncall-<team>}
 * handle: open (or count again) the group's incident, or resolve it. Written to the outbox in the transaction of the
 * transition that caused it ({@link MonitorStore#save(GroupState, Transition, java.util.List, java.util.List)}) and
 * applied afterwards, in order per handle and dedup key, by an incident worker. Immutable.
 *
 * @param key      the idempotency key: unique per notification, handle and action
 * @param dedupKey the group's Events v2 dedup key: one incident per monitor group
 * @param details  monitor id, group, status, value and the rendered message (for a trigger; empty for a resolve)
 */
public record MonitorIncidentAction(String key, long monitorId, String group, Handle handle, Action action,
                                    String dedupKey, String summary, Map<String, String> details, Instant at) {

    /** What to do with the group's incident. */
    public enum Action { TRIGGER, RESOLVE }

    public MonitorIncidentAction {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(handle, "handle");
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(dedupKey, "dedupKey");
        Objects.requireNonNull(summary, "summary");
        details = Map.copyOf(details);
        Objects.requireNonNull(at, "at");
        if (!handle.kind().opensIncidents()) {
            throw new IllegalArgumentException(handle.text() + " does not open incidents");
        }
    }
}
