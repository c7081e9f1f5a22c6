package tocsin.monitor.eval;

import tocsin.monitor.GroupState;
import tocsin.monitor.Transition;

import java.util.ArrayList;
import java.util.List;

/**
 * What one evaluation step produced: states to store (with their transitions) and notifications to send once the
 * monitor's lock is released. Not thread-safe: one per step.
 */
final class Effects {
    /**
     * A state to store, with its transition (or null), the direct deliveries of its notification and the incidents
     * it opens or resolves.
     */
    record Save(GroupState state, Transition transition, List<tocsin.monitor.MonitorDelivery> deliveries,
                List<tocsin.monitor.MonitorIncidentAction> incidents) {
        Save {
            deliveries = List.copyOf(deliveries);
            incidents = List.copyOf(incidents);
        }

        Save(GroupState state, Transition transition) {
            this(state, transition, List.of(), List.of());
        }
    }

    final List<Save> saves = new ArrayList<>();
    final List<MonitorNotification> notifications = new ArrayList<>();
    /** Monitors whose group statuses changed: composites over them are re-evaluated. */
    final java.util.Set<Long> changedMonitors = new java.util.HashSet<>();

    boolean isEmpty() {
        return saves.isEmpty() && notifications.isEmpty();
    }
}
