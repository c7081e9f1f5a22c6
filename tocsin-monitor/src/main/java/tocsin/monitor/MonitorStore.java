package tocsin.monitor;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Where monitors, their group states and their history live. Owned by this module; the SQL implementation is in
 * {@code tocsin-state}, and every implementation passes the same contract suite. Implementations are thread-safe.
 */
public interface MonitorStore {

    /** Stores a new monitor and assigns it the next id. */
    Monitor create(MonitorDefinition definition, Creator creator);

    /**
     * Stores a new monitor declared in the configuration under {@code managedKey} ({@link #manage}). Implementations
     * backed by a database do both in one transaction, so a crash cannot leave a declared monitor unmarked (which the
     * next reconcile would create a second time).
     */
    default Monitor create(MonitorDefinition definition, Creator creator, String managedKey) {
        Monitor m = create(definition, creator);
        manage(m.id(), managedKey);
        return m;
    }

    Optional<Monitor> find(long id);

    /** Monitors matching {@code filter}, by id. */
    List<Monitor> list(MonitorFilter filter);

    /** Replaces a monitor's definition; empty when there is no such monitor. */
    Optional<Monitor> update(long id, MonitorDefinition definition);

    /** Deletes a monitor with its states and history; false when there was none. */
    boolean delete(long id);

    /** The monitor's group states, by group name. */
    List<GroupState> groupStates(long monitorId);

    /** Every group state of every monitor, for an evaluator resuming after a restart. */
    List<GroupState> allGroupStates();

    /**
     * Writes a group's new state, and the transition that led to it when there is one, in one transaction. A state
     * for a monitor that no longer exists is dropped.
     */
    default void save(GroupState state, Transition transition) {
        save(state, transition, List.of());
    }

    /** {@link #save(GroupState, Transition, List, List)} without incident actions. */
    default void save(GroupState state, Transition transition, List<MonitorDelivery> deliveries) {
        save(state, transition, deliveries, List.of());
    }

    /**
     * Writes a group's new state, the transition that led to it (or null), and what the notification it caused
     * must do (the direct deliveries, and the incidents to open or resolve), in one transaction: the transactional
     * outbox that makes a monitor notification as durable as the transition. A delivery or action whose key is
     * already stored is not stored again. Nothing is written for a monitor that no longer exists.
     */
    void save(GroupState state, Transition transition, List<MonitorDelivery> deliveries,
              List<MonitorIncidentAction> incidents);

    /**
     * The monitors declared in the configuration file, by their key there ({@code key:<key>} for an entry with a
     * {@code key:}, else {@code name:<name>}; see {@link DeclaredMonitor}). Those are reconciled at startup and the
     * API refuses to change them.
     */
    java.util.Map<String, Long> managed();

    /** The configuration key of a managed monitor; empty for a monitor the API owns. */
    default Optional<String> managedKey(long monitorId) {
        return managed().entrySet().stream().filter(e -> e.getValue() == monitorId).map(java.util.Map.Entry::getKey)
                .findFirst();
    }

    /** Marks a monitor as declared in the configuration under {@code key}, or unmarks it when {@code key} is null. */
    void manage(long monitorId, String key);

    /** Removes group states (for groups gone for good). */
    void removeGroups(long monitorId, List<String> groups);

    /** A monitor's transitions in {@code [from, to)}, newest first, at most {@code limit}. */
    List<Transition> history(long monitorId, Instant from, Instant to, int limit);

    /**
     * Which monitors to list. Every part is optional (null or empty).
     *
     * @param name    case-insensitive substring of the name
     * @param tags    tags every listed monitor carries
     * @param idAfter list only ids greater than this ({@code id_offset}); 0 for all
     * @param limit   the most to return
     */
    record MonitorFilter(String name, List<String> tags, long idAfter, int limit) {
        public static final MonitorFilter ALL = new MonitorFilter(null, List.of(), 0, Integer.MAX_VALUE);

        public MonitorFilter {
            tags = tags == null ? List.of() : List.copyOf(tags);
        }
    }
}
