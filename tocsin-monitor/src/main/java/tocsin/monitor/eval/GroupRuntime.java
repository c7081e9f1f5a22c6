package tocsin.monitor.eval;

import tocsin.monitor.GroupState;
import tocsin.monitor.MonitorStatus;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The live state of one monitor group. Guarded by its monitor's lock; never shared outside it.
 */
final class GroupRuntime {
    final String name;
    final Map<String, String> tags;
    /** When the group was first seen (wall clock), for {@code new_group_delay}. */
    final Instant firstSeenAt;
    MonitorStatus status = MonitorStatus.OK;
    Double value;
    Instant lastTriggeredAt;
    Instant firstTriggeredAt;
    Instant lastResolvedAt;
    Instant lastNoDataAt;
    Instant lastNotifiedAt;
    int renotifyCount;
    /** Timestamp of the newest data point. */
    Instant lastDataAt;
    Instant modifiedAt;

    GroupRuntime(String name, Instant firstSeenAt) {
        this.name = name;
        this.tags = tagsOf(name);
        this.firstSeenAt = firstSeenAt;
        this.modifiedAt = firstSeenAt;
    }

    /** A group resumed from its stored state; its data clock restarts at {@code now} so a restart is not no-data. */
    static GroupRuntime restored(GroupState s, Instant now) {
        GroupRuntime g = new GroupRuntime(s.group(), Instant.EPOCH);
        g.status = s.status();
        g.value = s.value();
        g.lastTriggeredAt = s.lastTriggeredAt();
        g.firstTriggeredAt = s.status().triggered() ? s.lastTriggeredAt() : null;
        g.lastResolvedAt = s.lastResolvedAt();
        g.lastNoDataAt = s.lastNoDataAt();
        g.lastNotifiedAt = s.lastNotifiedAt();
        g.renotifyCount = s.renotifyCount();
        g.lastDataAt = s.lastDataAt() == null || s.lastDataAt().isBefore(now) ? now : s.lastDataAt();
        g.modifiedAt = s.modifiedAt();
        return g;
    }

    GroupState snapshot(long monitorId) {
        return new GroupState(monitorId, name, status, value, lastTriggeredAt, lastResolvedAt, lastNoDataAt,
                lastNotifiedAt, renotifyCount, lastDataAt, modifiedAt);
    }

    void sawData(long timestampMillis) {
        if (lastDataAt == null || lastDataAt.toEpochMilli() < timestampMillis) {
            lastDataAt = Instant.ofEpochMilli(timestampMillis);
        }
    }

    /** {@code host:a,env:prod} as {@code {host=a, env=prod}}; {@code *} has none. */
    static Map<String, String> tagsOf(String group) {
        Map<String, String> tags = new LinkedHashMap<>();
        if (group.equals("*")) {
            return tags;
        }
        for (String tag : group.split(",")) {
            int colon = tag.indexOf(':');
            tags.put(colon < 0 ? tag : tag.substring(0, colon), colon < 0 ? "" : tag.substring(colon + 1));
        }
        return tags;
    }
}
