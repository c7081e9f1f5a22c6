package tocsin.monitor.downtime;

import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Downtime operations behind the API: store, then hand the current set to the evaluator so muting takes effect at
 * once. Thread-safe when its store and listener are.
 */
public final class DowntimeService {
    private final DowntimeStore store;
    private final InstantSource clock;
    private volatile Consumer<List<Downtime>> listener = d -> {
    };

    public DowntimeService(DowntimeStore store, InstantSource clock) {
        this.store = Objects.requireNonNull(store, "store");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Sets who receives every downtime after each change (the evaluator); called once with the current set. */
    public void listener(Consumer<List<Downtime>> listener) {
        this.listener = Objects.requireNonNull(listener, "listener");
        listener.accept(store.list());
    }

    public Downtime create(Downtime d) {
        Downtime created = store.create(d);
        changed();
        return created;
    }

    public Optional<Downtime> find(String id) {
        return store.find(id);
    }

    /** Every downtime; only those not canceled or ended when {@code currentOnly}. */
    public List<Downtime> list(boolean currentOnly) {
        Instant now = clock.instant();
        return store.list().stream().filter(d -> !currentOnly || !List.of("canceled", "ended")
                .contains(d.status(now))).toList();
    }

    public Optional<Downtime> update(Downtime d) {
        Optional<Downtime> updated = store.update(d);
        updated.ifPresent(x -> changed());
        return updated;
    }

    /** Cancels a downtime now; empty when there is none. Canceling twice keeps the first time. */
    public Optional<Downtime> cancel(String id) {
        Optional<Downtime> current = store.find(id);
        if (current.isEmpty() || current.get().canceled() != null) {
            return current;
        }
        Downtime d = current.get();
        Instant now = clock.instant();
        return update(new Downtime(d.id(), d.scope(), d.monitorId(), d.monitorTags(), d.schedule(), d.message(),
                d.displayTimezone(), d.muteFirstRecoveryNotification(), d.notifyEndStates(), d.notifyEndTypes(),
                d.created(), now, now));
    }

    private void changed() {
        listener.accept(store.list());
    }
}
