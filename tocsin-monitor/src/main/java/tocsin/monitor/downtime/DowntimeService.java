package tocsin.monitor.downtime;

import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
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

    /** The downtime the v1 API knows by {@code v1Id}. */
    public Optional<Downtime> findByV1Id(long v1Id) {
        return store.findByV1Id(v1Id);
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
        return update(current.get().canceledAt(clock.instant()));
    }

    /**
     * Cancels now every downtime not yet canceled whose v1 scope is exactly these tags (in any order), as v1's
     * {@code cancel/by_scope} does, and returns them.
     */
    public List<Downtime> cancelByV1Scope(Set<String> tags) {
        Instant now = clock.instant();
        List<Downtime> canceled = new ArrayList<>();
        for (Downtime d : store.list()) {
            if (d.canceled() == null && new HashSet<>(V1Downtime.scopeTags(d.scope())).equals(tags)) {
                store.update(d.canceledAt(now)).ifPresent(canceled::add);
            }
        }
        if (!canceled.isEmpty()) {
            changed();
        }
        return canceled;
    }

    private void changed() {
        listener.accept(store.list());
    }
}
