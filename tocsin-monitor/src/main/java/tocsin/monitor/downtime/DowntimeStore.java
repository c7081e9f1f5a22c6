package tocsin.monitor.downtime;

import java.util.List;
import java.util.Optional;

/**
 * Where downtimes live. Owned by this module; the SQL implementation is in {@code tocsin-state}. Implementations are
 * thread-safe.
 */
public interface DowntimeStore {

    /** Stores a new downtime under a fresh id (the given id is ignored) and returns it. */
    Downtime create(Downtime downtime);

    Optional<Downtime> find(String id);

    /** Every downtime, canceled ones included, oldest first. */
    List<Downtime> list();

    /** Replaces a downtime; empty when there is none. */
    Optional<Downtime> update(Downtime downtime);
}
