package tocsin.monitor.eval;

import tocsin.monitor.Creator;
import tocsin.monitor.GroupState;
import tocsin.monitor.Monitor;
import tocsin.monitor.MonitorDefinition;
import tocsin.monitor.MonitorStore;
import tocsin.monitor.Transition;

import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

/** A {@link MonitorStore} in memory, for evaluator tests. Thread-safe by one lock. */
public final class InMemoryMonitorStore implements MonitorStore {
    private final InstantSource clock;
    private final AtomicLong ids = new AtomicLong();
    private final Map<Long, Monitor> monitors = new TreeMap<>();
    private final Map<String, GroupState> states = new TreeMap<>();
    private final List<Transition> transitions = new ArrayList<>();
    private final Map<String, tocsin.monitor.MonitorDelivery> deliveries = new java.util.LinkedHashMap<>();

    public InMemoryMonitorStore(InstantSource clock) {
        this.clock = clock;
    }

    @Override
    public synchronized Monitor create(MonitorDefinition d, Creator creator) {
        Monitor m = new Monitor(ids.incrementAndGet(), d, creator, clock.instant(), clock.instant());
        monitors.put(m.id(), m);
        return m;
    }

    @Override
    public synchronized Optional<Monitor> find(long id) {
        return Optional.ofNullable(monitors.get(id));
    }

    @Override
    public synchronized List<Monitor> list(MonitorFilter filter) {
        return List.copyOf(monitors.values());
    }

    @Override
    public synchronized Optional<Monitor> update(long id, MonitorDefinition d) {
        Monitor old = monitors.get(id);
        if (old == null) {
            return Optional.empty();
        }
        Monitor m = new Monitor(id, d, old.creator(), old.created(), clock.instant());
        monitors.put(id, m);
        return Optional.of(m);
    }

    @Override
    public synchronized boolean delete(long id) {
        states.keySet().removeIf(k -> k.startsWith(id + "/"));
        transitions.removeIf(t -> t.monitorId() == id);
        managed.values().removeIf(v -> v == id);
        return monitors.remove(id) != null;
    }

    @Override
    public synchronized List<GroupState> groupStates(long monitorId) {
        return states.values().stream().filter(s -> s.monitorId() == monitorId).toList();
    }

    @Override
    public synchronized List<GroupState> allGroupStates() {
        return List.copyOf(states.values());
    }

    @Override
    public synchronized void save(GroupState state, Transition transition,
                                  List<tocsin.monitor.MonitorDelivery> outbox,
                                  List<tocsin.monitor.MonitorIncidentAction> incidents) {
        if (!monitors.containsKey(state.monitorId())) {
            return;
        }
        states.put(state.monitorId() + "/" + state.group(), state);
        if (transition != null) {
            transitions.add(transition);
        }
        outbox.forEach(d -> deliveries.putIfAbsent(d.key(), d));
        incidents.forEach(a -> incidentActions.putIfAbsent(a.key(), a));
    }

    private final Map<String, tocsin.monitor.MonitorIncidentAction> incidentActions =
            new java.util.LinkedHashMap<>();

    /** The incident actions stored, in the order they were written. */
    synchronized List<tocsin.monitor.MonitorIncidentAction> incidentActions() {
        return List.copyOf(incidentActions.values());
    }

    @Override
    public synchronized void removeGroups(long monitorId, List<String> groups) {
        groups.forEach(g -> states.remove(monitorId + "/" + g));
    }

    @Override
    public synchronized List<Transition> history(long monitorId, Instant from, Instant to, int limit) {
        return transitions.stream().filter(t -> t.monitorId() == monitorId && !t.at().isBefore(from)
                && t.at().isBefore(to)).sorted(Comparator.comparing(Transition::at).reversed()).limit(limit).toList();
    }

    private final Map<String, Long> managed = new java.util.HashMap<>();

    @Override
    public synchronized Map<String, Long> managed() {
        return Map.copyOf(managed);
    }

    @Override
    public synchronized void manage(long monitorId, String key) {
        managed.values().removeIf(id -> id == monitorId);
        if (key != null) {
            managed.put(key, monitorId);
        }
    }

    /** The direct deliveries stored, in the order they were written. */
    synchronized List<tocsin.monitor.MonitorDelivery> deliveries() {
        return List.copyOf(deliveries.values());
    }

    synchronized List<Transition> transitions() {
        return List.copyOf(transitions);
    }
}
