package tocsin.monitor;

import tocsin.monitor.query.CompositeQuery;
import tocsin.monitor.query.MonitorQueryException;
import tocsin.monitor.query.MonitorQueryParser;
import tocsin.monitor.template.HandleResolver;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The monitor operations behind the API: validate, then store, then tell the evaluator. Thread-safe when its store and
 * listener are.
 */
public final class MonitorService {
    private final MonitorStore store;
    private final MonitorValidator validator;
    private volatile MonitorListener listener = MonitorListener.NONE;

    public MonitorService(MonitorStore store, HandleResolver handles) {
        this.store = Objects.requireNonNull(store, "store");
        this.validator = new MonitorValidator(store::find, handles);
    }

    /** Sets who hears about changes (the evaluator); set once during startup. */
    public void listener(MonitorListener listener) {
        this.listener = Objects.requireNonNull(listener, "listener");
    }

    public MonitorStore store() {
        return store;
    }

    /** Validates without storing. */
    public MonitorValidator.Result validate(MonitorDefinition definition, long selfId) {
        return validator.validate(definition, selfId);
    }

    /** @throws InvalidMonitorException naming every problem */
    public Monitor create(MonitorDefinition definition, Creator creator) {
        MonitorValidator.Result r = checked(definition, 0);
        Monitor m = store.create(r.definition(), creator);
        listener.monitorChanged(m);
        return m;
    }

    /**
     * @return empty when there is no such monitor
     * @throws InvalidMonitorException  naming every problem
     * @throws ManagedMonitorException when the configuration file declares it
     */
    public Optional<Monitor> update(long id, MonitorDefinition definition) {
        refuseManaged(id);
        return updateDeclared(id, definition);
    }

    /** Updates whether or not the configuration declares the monitor: for reconciliation. */
    Optional<Monitor> updateDeclared(long id, MonitorDefinition definition) {
        if (store.find(id).isEmpty()) {
            return Optional.empty();
        }
        MonitorValidator.Result r = checked(definition, id);
        Optional<Monitor> m = store.update(id, r.definition());
        m.ifPresent(listener::monitorChanged);
        return m;
    }

    /**
     * Deletes a monitor that no composite references.
     *
     * @return false when there was none
     * @throws InvalidMonitorException when composites reference it
     * @throws ManagedMonitorException when the configuration file declares it
     */
    public boolean delete(long id) {
        refuseManaged(id);
        return deleteDeclared(id);
    }

    /** Creates a monitor the configuration declares under {@code key}. */
    Monitor createDeclared(MonitorDefinition definition, Creator creator, String key) {
        MonitorValidator.Result r = checked(definition, 0);
        Monitor m = store.create(r.definition(), creator, key);
        listener.monitorChanged(m);
        return m;
    }

    /** Deletes whether or not the configuration declares the monitor: for reconciliation. */
    boolean deleteDeclared(long id) {
        List<Long> referencing = referencing(id);
        if (!referencing.isEmpty()) {
            throw new InvalidMonitorException(List.of("monitor [" + id + "] is referenced in composite monitors with"
                    + " ids " + referencing));
        }
        boolean deleted = store.delete(id);
        if (deleted) {
            listener.monitorDeleted(id);
        }
        return deleted;
    }

    /** The composite monitors (other than itself) that reference monitor {@code id}. */
    List<Long> referencing(long id) {
        List<Long> out = new ArrayList<>();
        for (Monitor m : store.list(MonitorStore.MonitorFilter.ALL)) {
            if (m.definition().type() == MonitorType.COMPOSITE && m.id() != id && references(m, id)) {
                out.add(m.id());
            }
        }
        return out;
    }

    private void refuseManaged(long id) {
        Optional<String> key = store.managedKey(id);
        if (key.isPresent()) {
            throw new ManagedMonitorException(id, key.get());
        }
    }

    private static boolean references(Monitor composite, long id) {
        try {
            CompositeQuery q = MonitorQueryParser.composite(composite.definition().query());
            return q.ids().contains(id);
        } catch (MonitorQueryException e) {
            return false;
        }
    }

    private MonitorValidator.Result checked(MonitorDefinition definition, long selfId) {
        MonitorValidator.Result r = validator.validate(definition, selfId);
        if (!r.valid()) {
            throw new InvalidMonitorException(r.errors());
        }
        return r;
    }
}
