package tocsin.monitor;

import java.time.Instant;
import java.util.Objects;

/**
 * The persisted state of one monitor group: its status and the times Datadog reports per group, plus what the
 * evaluator needs to resume after a restart. The group of a monitor without {@code by} is {@code *}. Immutable.
 *
 * @param group          the group name, tags joined by commas in the order of the query's {@code by}
 *                       ({@code host:a,env:prod}), or {@code *}
 * @param value          the last evaluated value, or null
 * @param renotifyCount  renotifications sent since the group last triggered
 * @param lastDataAt     timestamp of the newest data point seen for the group
 */
public record GroupState(long monitorId, String group, MonitorStatus status, Double value, Instant lastTriggeredAt,
                         Instant lastResolvedAt, Instant lastNoDataAt, Instant lastNotifiedAt, int renotifyCount,
                         Instant lastDataAt, Instant modifiedAt) {
    public GroupState {
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(modifiedAt, "modifiedAt");
    }
}
