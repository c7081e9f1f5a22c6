package tocsin.monitor;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Makes the stored monitors match the configuration file's {@code monitors:} section. Run once at startup, before the
 * evaluator compiles the stored monitors.
 *
 * <p>Design note. A declared monitor is matched to the stored one by its key ({@link DeclaredMonitor#key()}), which
 * {@link MonitorStore#managed()} remembers from the run that created it; monitors created through the API have no
 * key and are never touched. The reconcile first validates every declared monitor as the API would (the same
 * {@link MonitorValidator}, with the store and the real handle resolver now available) and checks that no composite
 * references a monitor about to be deleted; if anything is wrong it throws with every problem, each prefixed with its
 * path in the file, and changes nothing. Only then does it create what is missing (monitor and key in one
 * transaction), update what differs (the same update the API's {@code PUT} runs, so group states and history survive
 * a changed message or threshold), and delete the keyed monitors the file no longer declares. A type change that
 * the API refuses ({@code metric alert} into {@code service check}) recreates the monitor under its key, with a new
 * id. A crash midway leaves a state the next start reconciles the same way: every step is idempotent given the
 * stored keys. Not thread-safe; runs alone at startup.
 */
public final class MonitorReconciler {
    private static final Logger LOG = LoggerFactory.getLogger(MonitorReconciler.class);

    /** The creator shown on monitors the configuration file declares. */
    public static final Creator CONFIG = new Creator("", "tocsin-config", "Tocsin configuration file");

    /** What a reconcile did, by monitor id. */
    public record Report(List<Long> created, List<Long> updated, List<Long> unchanged, List<Long> deleted) {
        public Report {
            created = List.copyOf(created);
            updated = List.copyOf(updated);
            unchanged = List.copyOf(unchanged);
            deleted = List.copyOf(deleted);
        }
    }

    private MonitorReconciler() {
    }

    /**
     * @param declared the monitors of the {@code monitors:} section, in file order
     * @throws InvalidMonitorException listing every problem with its path in the file; nothing was changed
     */
    public static Report reconcile(MonitorService service, List<DeclaredMonitor> declared) {
        MonitorStore store = service.store();
        Map<String, Long> managed = store.managed();
        List<String> errors = new ArrayList<>();
        Map<DeclaredMonitor, MonitorDefinition> valid = new LinkedHashMap<>();
        Set<String> keys = new HashSet<>();
        for (DeclaredMonitor d : declared) {
            if (!keys.add(d.key())) {
                errors.add(d.path() + ": " + DeclaredMonitor.describe(d.key()) + " is declared twice");
                continue;
            }
            Long id = managed.get(d.key());
            Optional<Monitor> current = id == null ? Optional.empty() : store.find(id);
            long selfId = current.isPresent() && !recreated(current.get(), d) ? id : 0;
            MonitorValidator.Result r = service.validate(d.definition(), selfId);
            r.errors().forEach(e -> errors.add(d.path() + "." + e));
            r.warnings().forEach(w -> LOG.warn("{}.{}", d.path(), w));
            if (r.valid()) {
                valid.put(d, r.definition());
            }
        }
        Map<String, Long> removed = new LinkedHashMap<>(managed);
        removed.keySet().removeAll(keys);
        for (Map.Entry<String, Long> e : removed.entrySet()) {
            List<Long> referencing = new ArrayList<>(service.referencing(e.getValue()));
            referencing.removeAll(removed.values());
            if (!referencing.isEmpty()) {
                errors.add("monitors: the entry with " + DeclaredMonitor.describe(e.getKey()) + " (monitor "
                        + e.getValue() + ") is no longer declared, but composite monitors " + referencing
                        + " reference it; remove them from their query first");
            }
        }
        if (!errors.isEmpty()) {
            throw new InvalidMonitorException(errors);
        }
        List<Long> created = new ArrayList<>();
        List<Long> updated = new ArrayList<>();
        List<Long> unchanged = new ArrayList<>();
        List<Long> deleted = new ArrayList<>();
        for (Map.Entry<DeclaredMonitor, MonitorDefinition> e : valid.entrySet()) {
            DeclaredMonitor d = e.getKey();
            MonitorDefinition definition = e.getValue();
            Long id = managed.get(d.key());
            Optional<Monitor> current = id == null ? Optional.empty() : store.find(id);
            if (current.isPresent() && recreated(current.get(), d)) {
                LOG.info("{}: the monitor's type changed from {} to {}; monitor {} is replaced", d.path(),
                        current.get().definition().type().wireName(), definition.type().wireName(), id);
                service.deleteDeclared(id);
                deleted.add(id);
                current = Optional.empty();
            }
            if (current.isEmpty()) {
                created.add(service.createDeclared(definition, CONFIG, d.key()).id());
            } else if (current.get().definition().equals(definition)) {
                unchanged.add(id);
            } else {
                service.updateDeclared(id, definition);
                updated.add(id);
            }
        }
        // Composites first: a monitor is deleted once nothing references it any more.
        List<Long> pending = new ArrayList<>(removed.values());
        while (!pending.isEmpty()) {
            List<Long> free = pending.stream().filter(id -> service.referencing(id).isEmpty()).toList();
            if (free.isEmpty()) {
                throw new InvalidMonitorException(List.of("monitors: monitors " + pending + " are no longer "
                        + "declared but still referenced by composite monitors"));
            }
            for (long id : free) {
                if (service.deleteDeclared(id)) {
                    deleted.add(id);
                }
            }
            pending.removeAll(free);
        }
        Report report = new Report(created, updated, unchanged, deleted);
        LOG.info("Monitors from the configuration file: {} created, {} updated, {} unchanged, {} deleted",
                created.size(), updated.size(), unchanged.size(), deleted.size());
        return report;
    }

    /** Whether a declared change needs a new monitor: a type change the API's update refuses. */
    private static boolean recreated(Monitor current, DeclaredMonitor d) {
        MonitorType from = current.definition().type();
        MonitorType to = d.definition().type();
        return from != to && !(from.isMetric() && to.isMetric());
    }
}
