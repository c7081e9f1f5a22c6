package tocsin.monitor.downtime;

import java.util.List;
import java.util.Optional;

/**
 * Where downtimes live. Owned by this module; the SQL implementation is in {@code tocsin-state}. Implementations are
 * thread-safe.
 */
public interface DowntimeStore {

    /**
     * Stores a new downtime under a fresh UUID and a fresh v1 id, the next integer (the given ids are ignored), and
     * returns it.
     */
    Downtime create(Downtime downtime);

    Optional<Downtime> find(String id);

    /** The downtime the v1 API knows by {@code v1Id}. */
    Optional<Downtime> findByV1Id(long v1Id);

    /** Every downtime, canceled ones included, oldest first. */
    List<Downtime> list();

    /** Replaces a downtime (its v1 id stays); empty when there is none. */
    Optional<Downtime> update(Downtime downtime);
}
