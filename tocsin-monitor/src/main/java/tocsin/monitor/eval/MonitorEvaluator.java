package tocsin.monitor.eval;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tocsin.core.metric.MetricBatch;
import tocsin.core.metric.SeriesKey;
import tocsin.monitor.Monitor;
import tocsin.monitor.MonitorListener;
import tocsin.monitor.MonitorStatus;
import tocsin.monitor.MonitorStore;
import tocsin.monitor.MonitorValidator;
import tocsin.monitor.query.CompositeQuery;
import tocsin.monitor.query.MetricAlertQuery;
import tocsin.monitor.query.MonitorQuery;
import tocsin.monitor.query.MonitorQueryException;
import tocsin.monitor.query.ServiceCheckQuery;
import tocsin.monitor.template.TemplateException;
import tocsin.query.datadog.MetricSelector;

import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.IntPredicate;

/**
 * The streaming monitor evaluator: the front door of monitor evaluation.
 *
 * <pre>{@code
 * MonitorEvaluator eval = new MonitorEvaluator(store, clock, notifier, source);
 * eval.start();                          // compile every stored monitor, resume group states
 * service.listener(eval);                // hear about created, updated, deleted monitors
 * eval.accept(batch, i -> false);        // after each durable ingest batch
 * eval.tick();                           // about once a second, from one scheduler thread
 * }</pre>
 *
 * <p>Design note. Monitors are compiled into {@link CompiledMonitor}s indexed by the metric they read; a point is
 * offered only to the monitors of its metric, matched against their scope, and added to its group's window; every
 * group a batch touched is evaluated at once, so a threshold crossing is seen on arrival, not at the next tick. The
 * tick handles what time alone changes: windows sliding past old points, {@code evaluation_delay} bringing buffered
 * points into view, no data, renotification, and composites. Every status change is stored (state and transition in
 * one transaction) together with everything its notification must cause: the direct deliveries ({@code @slack-…},
 * {@code @teams-…}, {@code @webhook-…}, e-mail) and the incidents to open or resolve ({@code @pagerduty-…},
 * {@code @oncall-…}), a transactional outbox
 * ({@link MonitorStore#save(tocsin.monitor.GroupState, tocsin.monitor.Transition, List, List)}) that workers drain
 * with retries (the direct dispatcher, the {@link IncidentDispatcher}), so a crash after the transition loses no
 * message and no incident. The {@link MonitorNotifier} is then only told, so the workers can act at once instead of
 * at their next poll.
 *
 * <p>Concurrency: thread-safe. Each compiled monitor has its own lock, held while its windows change and while its
 * transitions are stored (so a group's history is written in order); notifications are sent after the lock is
 * released. Ingest threads contend only when they feed the same monitor. Definition changes swap compiled monitors
 * atomically in the index. On a crash, windows (in memory) are lost and refill from new points; stored group states
 * resume, their no-data clocks restarted, so a restart alone never reports No Data.
 */
public final class MonitorEvaluator implements MonitorListener {
    private static final Logger LOG = LoggerFactory.getLogger(MonitorEvaluator.class);
    /** The metric the intake stores service check runs under, valued with the status code (0 to 3). */
    public static final String SERVICE_CHECK_METRIC = "service_check.status";
    private static final int COMPOSITE_ROUNDS = 8;
    /** The previous tick, for noticing downtimes that ended since. Only the ticker thread touches it. */
    private Instant lastTick;
    /** The most points one monitor reads from the store when compiled. */
    private static final long MAX_BACKFILL_POINTS = 2_000_000;
    /** Hosts remembered for {@code new_host_delay}; beyond this, new hosts are not delayed. */
    private static final int MAX_HOSTS = 1_000_000;

    private final MonitorStore store;
    private final InstantSource clock;
    private final MonitorNotifier notifier;
    private final tocsin.query.datadog.DatadogQueryEngine engine;
    private final tocsin.query.MetricSource source;
    private final Map<Long, CompiledMonitor> monitors = new ConcurrentHashMap<>();
    private final Map<String, List<CompiledMonitor>> byMetric = new ConcurrentHashMap<>();
    private final Map<Long, String> notEvaluated = new ConcurrentHashMap<>();
    private volatile List<tocsin.monitor.downtime.Downtime> downtimes = List.of();
    /** When each host first sent data since this evaluator started, for {@code new_host_delay}. */
    private final Map<String, Instant> hostsFirstSeen = new ConcurrentHashMap<>();
    private final java.util.concurrent.atomic.LongAdder pointsEvaluated = new java.util.concurrent.atomic.LongAdder();
    private final java.util.concurrent.atomic.LongAdder notificationsFailed =
            new java.util.concurrent.atomic.LongAdder();
    private final Map<MonitorStatus, java.util.concurrent.atomic.LongAdder> transitions =
            new java.util.EnumMap<>(MonitorStatus.class);
    private final java.util.concurrent.atomic.AtomicLong maxLagMillis = new java.util.concurrent.atomic.AtomicLong();
    private volatile long lastTickNanos = -1;

    public MonitorEvaluator(MonitorStore store, InstantSource clock, MonitorNotifier notifier) {
        this(store, clock, notifier, null);
    }

    /**
     * @param source the stored metrics: windows are filled from it when a monitor is compiled (created, changed,
     *               resumed after a restart), and metric monitors whose query the streaming path cannot compute
     *               (arithmetic, functions) are evaluated on the tick through the query engine over it; null for
     *               neither
     */
    public MonitorEvaluator(MonitorStore store, InstantSource clock, MonitorNotifier notifier,
                            tocsin.query.MetricSource source) {
        this.source = source;
        this.engine = source == null ? null : tocsin.query.datadog.DatadogQueryEngine.over(source);
        this.store = Objects.requireNonNull(store, "store");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.notifier = Objects.requireNonNull(notifier, "notifier");
        for (MonitorStatus st : MonitorStatus.values()) {
            transitions.put(st, new java.util.concurrent.atomic.LongAdder());
        }
    }

    /** The evaluator's figures now (cheap: counters and map sizes). */
    public EvaluatorStats stats() {
        Map<MonitorStatus, Long> byStatus = new java.util.EnumMap<>(MonitorStatus.class);
        transitions.forEach((st, n) -> byStatus.put(st, n.sum()));
        return new EvaluatorStats(monitors.size(), notEvaluated.size(), pointsEvaluated.sum(), byStatus,
                notificationsFailed.sum(), lastTickNanos, maxLagMillis.get());
    }

    /** Compiles every stored monitor and resumes its group states. */
    public void start() {
        for (Monitor m : store.list(MonitorStore.MonitorFilter.ALL)) {
            monitorChanged(m);
        }
        LOG.info("Monitor evaluator: {} monitors evaluated, {} not evaluated", monitors.size(), notEvaluated.size());
    }

    /** Replaces the downtimes that mute groups (canceled and ended ones are ignored by their schedule). */
    public void downtimesChanged(List<tocsin.monitor.downtime.Downtime> all) {
        this.downtimes = List.copyOf(all);
    }

    /** Monitors that cannot be evaluated as data arrives, with the reason. */
    public Map<Long, String> notEvaluated() {
        return Map.copyOf(notEvaluated);
    }

    @Override
    public void monitorChanged(Monitor monitor) {
        CompiledMonitor compiled;
        try {
            compiled = compile(monitor);
        } catch (MonitorQueryException | TemplateException | IllegalArgumentException e) {
            compiled = null;
            notEvaluated.put(monitor.id(), e.getMessage());
        }
        if (compiled == null) {
            remove(monitor.id());
            notEvaluated.putIfAbsent(monitor.id(), "the query is not a single metric query; Tocsin evaluates "
                    + "metric monitors over one metric with an optional space aggregation and by-clause");
            LOG.warn("Monitor {} is not evaluated: {}", monitor.id(), notEvaluated.get(monitor.id()));
            return;
        }
        notEvaluated.remove(monitor.id());
        compiled.downtimes = (g, now) -> {
            for (tocsin.monitor.downtime.Downtime d : downtimes) {
                if (d.mutes(monitor, g.tags, now)) {
                    return d;
                }
            }
            return null;
        };
        compiled.hostFirstSeen = hostsFirstSeen::get;
        Instant now = clock.instant();
        compiled.restore(store.groupStates(monitor.id()), now);
        // Indexed with its lock held: points arriving during the backfill wait, then count once (a point at a
        // series' existing timestamp replaces it).
        compiled.lock.lock();
        try {
            CompiledMonitor old = monitors.put(monitor.id(), compiled);
            unindex(old);
            if (compiled instanceof MetricMonitor mm) {
                byMetric.computeIfAbsent(mm.selector.metric(), k -> new CopyOnWriteArrayList<>()).add(compiled);
                if (source != null) {
                    long read = mm.backfill(source, now, MAX_BACKFILL_POINTS);
                    LOG.debug("Monitor {}: {} recent points read into its windows", monitor.id(), read);
                }
            } else if (compiled instanceof ServiceCheckMonitor) {
                byMetric.computeIfAbsent(ServiceCheckMonitor.METRIC, k -> new CopyOnWriteArrayList<>()).add(compiled);
            }
        } catch (RuntimeException e) {
            LOG.warn("Monitor {}: could not read its recent points; its windows fill from new points", monitor.id(),
                    e);
        } finally {
            compiled.lock.unlock();
        }
    }

    @Override
    public void monitorDeleted(long id) {
        remove(id);
        notEvaluated.remove(id);
    }

    private void remove(long id) {
        unindex(monitors.remove(id));
    }

    private void unindex(CompiledMonitor old) {
        if (old != null) {
            byMetric.values().forEach(list -> list.remove(old));
        }
    }

    private CompiledMonitor compile(Monitor m) {
        MonitorQuery q = MonitorValidator.parse(m.definition().type(), m.definition().query());
        return switch (q) {
            case MetricAlertQuery mq -> {
                MetricSelector selector = mq.parsedMetric().singleMetric().orElse(null);
                if (selector != null) {
                    yield new MetricMonitor(m, mq, selector);
                }
                yield engine == null ? null : new QueryMonitor(m, mq, engine);
            }
            case ServiceCheckQuery sq -> new ServiceCheckMonitor(m, sq);
            case CompositeQuery cq -> new CompositeMonitor(m, cq);
        };
    }

    /**
     * Offers the points of a durable batch to the monitors. Call after the batch is stored.
     *
     * @param rejected which points (by index) the store refused; they are skipped
     */
    public void accept(MetricBatch batch, IntPredicate rejected) {
        if (byMetric.isEmpty() || batch.isEmpty()) {
            return;
        }
        Instant now = clock.instant();
        Map<CompiledMonitor, List<Integer>> routed = new IdentityHashMap<>();
        SeriesKey previous = null;
        for (int i = 0; i < batch.size(); i++) {
            if (batch.key(i) != previous) {
                previous = batch.key(i);
                if (hostsFirstSeen.size() < MAX_HOSTS) {
                    previous.tagValue("host").ifPresent(h -> hostsFirstSeen.putIfAbsent(h, now));
                }
            }
            List<CompiledMonitor> candidates = byMetric.get(batch.key(i).name());
            if (candidates == null || rejected.test(i)) {
                continue;
            }
            SeriesKey key = batch.key(i);
            for (CompiledMonitor m : candidates) {
                boolean match = m instanceof MetricMonitor mm ? mm.matches(key)
                        : m instanceof ServiceCheckMonitor sc && sc.matches(key);
                if (match) {
                    routed.computeIfAbsent(m, x -> new ArrayList<>()).add(i);
                }
            }
        }
        Set<Long> changed = new HashSet<>();
        for (Map.Entry<CompiledMonitor, List<Integer>> e : routed.entrySet()) {
            CompiledMonitor m = e.getKey();
            Effects out = new Effects();
            m.lock.lock();
            try {
                Set<String> touched = new HashSet<>();
                pointsEvaluated.add(e.getValue().size());
                double rate = m instanceof MetricMonitor mm ? mm.rateSeconds(source) : 0;
                for (int i : e.getValue()) {
                    long lag = now.toEpochMilli() - batch.timestamp(i);
                    if (lag > maxLagMillis.get()) {
                        maxLagMillis.accumulateAndGet(lag, Math::max);
                    }
                    String group = m instanceof MetricMonitor mm
                            ? mm.add(batch.key(i), batch.kind(i), batch.timestamp(i), batch.value(i), now, rate)
                            : ((ServiceCheckMonitor) m).add(batch.key(i), batch.timestamp(i), batch.value(i), now);
                    if (group != null) {
                        touched.add(group);
                    }
                }
                for (String group : touched) {
                    if (m instanceof MetricMonitor mm) {
                        mm.evaluate(group, now, out);
                    } else {
                        ((ServiceCheckMonitor) m).evaluate(group, now, out);
                    }
                }
                save(out);
            } finally {
                m.lock.unlock();
            }
            send(out);
            changed.addAll(out.changedMonitors);
        }
        composites(changed, now);
    }

    /** Time-driven evaluation of every monitor. Call about once a second from one thread. */
    public void tick() {
        long started = System.nanoTime();
        try {
            tickAt(clock.instant());
        } finally {
            lastTickNanos = System.nanoTime() - started;
        }
    }

    private void tickAt(Instant now) {
        Instant previous = lastTick;
        lastTick = now;
        if (previous != null) {
            downtimesEnded(previous, now);
        }
        for (CompiledMonitor m : monitors.values()) {
            Effects out = new Effects();
            m.lock.lock();
            try {
                m.tick(now, out);
                save(out);
            } catch (RuntimeException e) {
                LOG.error("Monitor {} failed to evaluate", m.id(), e);
            } finally {
                m.lock.unlock();
            }
            send(out);
        }
        composites(new HashSet<>(monitors.keySet()), now);
    }

    /**
     * For each downtime that was in force at {@code previous} and is not at {@code now}: when it ended the way its
     * {@code notify_end_types} name (expired or canceled), notifies every group it muted whose status is one of its
     * {@code notify_end_states}, unless something else still mutes the group.
     */
    private void downtimesEnded(Instant previous, Instant now) {
        for (tocsin.monitor.downtime.Downtime d : downtimes) {
            if (d.activeAt(previous).isEmpty() || d.activeAt(now).isPresent()) {
                continue;
            }
            String how = d.canceled() != null && !now.isBefore(d.canceled()) ? "canceled" : "expired";
            if (!d.notifyEndTypes().contains(how)) {
                continue;
            }
            for (CompiledMonitor m : monitors.values()) {
                Effects out = new Effects();
                m.lock.lock();
                try {
                    for (GroupRuntime g : m.groups.values()) {
                        if (d.notifyEndStates().contains(g.status.renotifyName())
                                && d.mutes(m.monitor, g.tags, previous) && !m.muted(g, now)) {
                            m.notifyCurrent(g, now, out);
                        }
                    }
                    save(out);
                } finally {
                    m.lock.unlock();
                }
                send(out);
            }
        }
    }

    /** Re-evaluates composites over {@code changed} monitors, repeatedly for composites of composites. */
    private void composites(Set<Long> changed, Instant now) {
        Set<Long> pending = changed;
        for (int round = 0; round < COMPOSITE_ROUNDS && !pending.isEmpty(); round++) {
            Set<Long> next = new HashSet<>();
            for (CompiledMonitor m : monitors.values()) {
                if (!(m instanceof CompositeMonitor c) || c.query.ids().stream().noneMatch(pending::contains)) {
                    continue;
                }
                Effects out = new Effects();
                c.lock.lock();
                try {
                    c.evaluate(id -> {
                        CompiledMonitor ref = monitors.get(id);
                        return ref == null ? null : ref.statuses;
                    }, now, out);
                    save(out);
                } finally {
                    c.lock.unlock();
                }
                send(out);
                next.addAll(out.changedMonitors);
            }
            pending = next;
        }
    }

    /** The live group statuses of a monitor (empty when it is not evaluated). */
    public Map<String, MonitorStatus> statuses(long monitorId) {
        CompiledMonitor m = monitors.get(monitorId);
        return m == null ? Map.of() : new LinkedHashMap<>(m.statuses);
    }

    private void save(Effects out) {
        for (Effects.Save s : out.saves) {
            store.save(s.state(), s.transition(), s.deliveries(), s.incidents());
            if (s.transition() != null) {
                transitions.get(s.transition().to()).increment();
            }
        }
    }

    /** Tells the notifier, after the transaction: the outbox rows are already stored, so this only hurries them. */
    private void send(Effects out) {
        for (MonitorNotification n : out.notifications) {
            try {
                notifier.notify(n);
            } catch (RuntimeException e) {
                notificationsFailed.increment();
                LOG.error("Monitor {} group {}: notification failed", n.monitorId(), n.group(), e);
            }
        }
    }
}
