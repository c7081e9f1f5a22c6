package tocsin.monitor.eval;

import tocsin.monitor.GroupState;
import tocsin.monitor.Monitor;
import tocsin.monitor.MonitorOptions;
import tocsin.monitor.MonitorStatus;
import tocsin.monitor.Transition;
import tocsin.monitor.template.Handle;
import tocsin.monitor.template.MessageTemplate;
import tocsin.monitor.template.TemplateContext;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A monitor ready to evaluate: its groups and the state machine they share (transition bookkeeping, rendering,
 * muting, renotification). Subclasses decide each group's status from their kind of data.
 *
 * <p>Concurrency: every field below is guarded by {@link #lock}, except {@link #statuses}, a concurrent view of the
 * group statuses that composites read without taking this monitor's lock.
 */
abstract sealed class CompiledMonitor permits MetricMonitor, QueryMonitor, ServiceCheckMonitor, CompositeMonitor {
    /** The most groups one monitor tracks; further groups are ignored (and logged once). */
    static final int MAX_GROUPS = 10_000;

    final Monitor monitor;
    final MonitorOptions options;
    final ReentrantLock lock = new ReentrantLock();
    final Map<String, GroupRuntime> groups = new HashMap<>();
    final Map<String, MonitorStatus> statuses = new ConcurrentHashMap<>();
    private final MessageTemplate message;
    private final MessageTemplate escalation;
    private final DirectDeliveries direct;
    /** The downtime that mutes a group at an instant, or null; set by the evaluator. */
    volatile java.util.function.BiFunction<GroupRuntime, Instant, tocsin.monitor.downtime.Downtime> downtimes =
            (g, now) -> null;

    CompiledMonitor(Monitor monitor) {
        this.monitor = monitor;
        this.options = monitor.definition().options();
        this.message = MessageTemplate.parse(monitor.definition().message());
        this.escalation = MessageTemplate.parse(options.escalationMessage());
        this.direct = new DirectDeliveries(monitor);
    }

    long id() {
        return monitor.id();
    }

    /** Seeds the groups from stored states. */
    void restore(List<GroupState> stored, Instant now) {
        for (GroupState s : stored) {
            GroupRuntime g = GroupRuntime.restored(s, now);
            groups.put(g.name, g);
            statuses.put(g.name, g.status);
        }
    }

    /** The group a series belongs to: {@code key:value} per group-by key, in order; {@code *} without groups. */
    static String groupName(tocsin.core.metric.SeriesKey key, List<String> by) {
        if (by.isEmpty()) {
            return "*";
        }
        StringBuilder b = new StringBuilder();
        for (String k : by) {
            b.append(b.isEmpty() ? "" : ",").append(k).append(':').append(key.tagValue(k).orElse("N/A"));
        }
        return b.toString();
    }

    /** The group, created when new; null when the monitor already has {@link #MAX_GROUPS}. */
    GroupRuntime group(String name, Instant now) {
        GroupRuntime g = groups.get(name);
        if (g == null) {
            if (groups.size() >= MAX_GROUPS) {
                return null;
            }
            g = new GroupRuntime(name, now);
            groups.put(name, g);
            statuses.put(name, g.status);
        }
        return g;
    }

    /** Time-driven work: window expiry, no data, renotification. Called with the lock held. */
    abstract void tick(Instant now, Effects out);

    /** The values templates show for thresholds: critical, warning, ok. */
    abstract Double[] thresholdsForTemplates();

    abstract String comparator();

    /** When Tocsin first saw data from a host (any metric), or null; set by the evaluator. */
    volatile java.util.function.Function<String, Instant> hostFirstSeen = host -> null;

    /**
     * Whether the group may not alert yet: {@code new_group_delay} counts from the group's first point, and
     * {@code new_host_delay} from the first point Tocsin saw from the group's host on any metric (Datadog counts
     * from the host's start, which Tocsin approximates so).
     */
    boolean inNewGroupDelay(GroupRuntime g, Instant now) {
        if (options.newGroupDelay() > 0 && now.isBefore(g.firstSeenAt.plusSeconds(options.newGroupDelay()))) {
            return true;
        }
        String host = g.tags.get("host");
        if (options.newHostDelay() == null || options.newHostDelay() == 0 || host == null) {
            return false;
        }
        Instant seen = hostFirstSeen.apply(host);
        return seen != null && g.firstSeenAt.isAfter(Instant.EPOCH)
                && now.isBefore(seen.plusSeconds(options.newHostDelay()));
    }

    /** Whether notifications for the group are silenced ({@code options.silenced}) or in a downtime at {@code now}. */
    boolean muted(GroupRuntime g, Instant now) {
        if (downtimes.apply(g, now) != null) {
            return true;
        }
        for (Map.Entry<String, Long> e : options.silenced().entrySet()) {
            String scope = e.getKey();
            boolean applies = scope.equals("*")
                    || java.util.Set.of(g.name.split(",")).containsAll(List.of(scope.split(",")));
            Long until = e.getValue();
            if (applies && (until == null || until == 0 || now.getEpochSecond() < until)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Moves a group to {@code to}, recording the transition and the notification it causes.
     *
     * @param notify whether this kind of transition notifies at all (a silent no-data does not)
     */
    void transition(GroupRuntime g, MonitorStatus to, Double value, Instant windowStart, Instant windowEnd,
                    Instant now, boolean notify, Effects out) {
        MonitorStatus from = g.status;
        if (from == to) {
            return;
        }
        // The alert cycle a recovery ends began at the group's first trigger, which the recovery clears below.
        Instant cycleStart = to.triggered() && !from.triggered() ? now : g.firstTriggeredAt;
        if (to.triggered() && !from.triggered()) {
            g.firstTriggeredAt = now;
        }
        if (to.triggered()) {
            g.lastTriggeredAt = now;
        }
        if (to == MonitorStatus.OK) {
            g.lastResolvedAt = now;
            g.firstTriggeredAt = null;
        }
        if (to == MonitorStatus.NO_DATA) {
            g.lastNoDataAt = now;
        }
        g.status = to;
        g.value = value == null || value.isNaN() ? g.value : value;
        g.renotifyCount = 0;
        g.modifiedAt = now;
        statuses.put(g.name, to);
        out.changedMonitors.add(id());
        boolean muted = muted(g, now);
        if (to.triggered()) {
            // A group that triggers inside a downtime with mute_first_recovery_notification stays quiet when it
            // recovers, even after the downtime ended.
            tocsin.monitor.downtime.Downtime d = downtimes.apply(g, now);
            g.muteNextRecovery = d != null && d.muteFirstRecoveryNotification();
        } else if (to == MonitorStatus.OK && g.muteNextRecovery) {
            g.muteNextRecovery = false;
            muted = true;
        }
        boolean sends = notify && (to != MonitorStatus.OK || from != MonitorStatus.OK) && !muted;
        String rendered = "";
        List<Handle> handles = List.of();
        List<tocsin.monitor.MonitorDelivery> deliveries = List.of();
        List<tocsin.monitor.MonitorIncidentAction> incidents = List.of();
        if (sends) {
            rendered = message.render(context(g, from, to, false, now));
            handles = Handle.find(rendered);
            if (to == MonitorStatus.OK) {
                // Incidents opened from any branch of the message are resolved, even when the recovery text does
                // not repeat their handle ({{#is_alert}}@pagerduty-Web{{/is_alert}}).
                java.util.Set<Handle> all = new java.util.LinkedHashSet<>(handles);
                message.handles().stream().filter(h -> h.kind().opensIncidents()).forEach(all::add);
                handles = List.copyOf(all);
            }
            g.lastNotifiedAt = now;
            MonitorNotification n = notification(g, from, to, false, rendered, handles, now);
            out.notifications.add(n);
            deliveries = direct.of(n, g.tags, cycleStart);
            incidents = IncidentActions.of(n);
        }
        out.saves.add(new Effects.Save(g.snapshot(id()), new Transition(id(), g.name, from, to, value,
                windowStart, windowEnd, now, rendered, handles.stream().map(Handle::text).toList()), deliveries,
                incidents));
    }

    /**
     * Applies {@code notify_no_data} / {@code on_missing_data} to groups whose newest point is older than the
     * no-data timeframe ({@code no_data_timeframe}, else {@code defaultTimeframeMillis}) before {@code end}.
     */
    void noData(Instant now, long end, long defaultTimeframeMillis, Effects out) {
        tocsin.monitor.OnMissingData mode = options.onMissingData();
        if (mode == tocsin.monitor.OnMissingData.DEFAULT && !options.notifyNoData()) {
            return;
        }
        long timeframe = options.noDataTimeframe() != null ? options.noDataTimeframe() * 60_000
                : defaultTimeframeMillis;
        for (GroupRuntime g : groups.values()) {
            if (g.lastDataAt == null || g.lastDataAt.toEpochMilli() >= end - timeframe) {
                continue;
            }
            MonitorStatus to = mode == tocsin.monitor.OnMissingData.RESOLVE ? MonitorStatus.OK : MonitorStatus.NO_DATA;
            transition(g, to, null, null, null, now, mode != tocsin.monitor.OnMissingData.SHOW_NO_DATA, out);
        }
    }

    /** Sends reminders for groups that stay in a {@code renotify_statuses} state. */
    void renotify(Instant now, Effects out) {
        if (options.renotifyInterval() == null || options.renotifyInterval() == 0) {
            return;
        }
        Duration interval = Duration.ofMinutes(options.renotifyInterval());
        for (GroupRuntime g : groups.values()) {
            boolean wanted = options.renotifyStatuses().isEmpty() ? g.status.triggered()
                    : options.renotifyStatuses().contains(g.status);
            if (!wanted || g.lastNotifiedAt == null || now.isBefore(g.lastNotifiedAt.plus(interval))
                    || (options.renotifyOccurrences() != null && g.renotifyCount >= options.renotifyOccurrences())
                    || muted(g, now)) {
                continue;
            }
            TemplateContext ctx = context(g, g.status, g.status, true, now);
            String rendered = message.render(ctx);
            String extra = escalation.render(ctx);
            if (!extra.isEmpty()) {
                rendered = rendered + "\n\n" + extra;
            }
            g.renotifyCount++;
            g.lastNotifiedAt = now;
            MonitorNotification n = notification(g, g.status, g.status, true, rendered, Handle.find(rendered), now);
            out.notifications.add(n);
            out.saves.add(new Effects.Save(g.snapshot(id()), null, direct.of(n, g.tags, g.firstTriggeredAt),
                    IncidentActions.of(n)));
        }
    }

    /**
     * Notifies the group's current status again, as when a downtime that muted it ends
     * ({@code notify_end_states}, {@code notify_end_types}).
     */
    void notifyCurrent(GroupRuntime g, Instant now, Effects out) {
        String rendered = message.render(context(g, g.status, g.status, false, now));
        g.lastNotifiedAt = now;
        MonitorNotification n = notification(g, g.status, g.status, false, rendered, Handle.find(rendered), now);
        out.notifications.add(n);
        out.saves.add(new Effects.Save(g.snapshot(id()), null, direct.of(n, g.tags, g.firstTriggeredAt),
                IncidentActions.of(n)));
    }

    private TemplateContext context(GroupRuntime g, MonitorStatus from, MonitorStatus to, boolean renotify,
                                    Instant now) {
        Double[] t = thresholdsForTemplates();
        return new TemplateContext(id(), monitor.definition().name(), from, to, renotify, g.value, t[0], t[1], t[2],
                comparator(), g.tags, g.lastTriggeredAt, g.firstTriggeredAt, now, monitor.definition().priority());
    }

    private MonitorNotification notification(GroupRuntime g, MonitorStatus from, MonitorStatus to, boolean renotify,
                                             String rendered, List<Handle> handles, Instant now) {
        return new MonitorNotification(id(), monitor.definition().name(), g.name, from, to, renotify, rendered,
                handles, monitor.definition().priority(), g.value, now, "tocsin-monitor-" + id() + "-" + g.name);
    }
}
