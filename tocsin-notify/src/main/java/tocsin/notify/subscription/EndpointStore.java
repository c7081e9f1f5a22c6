package tocsin.notify.subscription;

import java.util.List;
import java.util.Optional;

/**
 * Where webhook subscriptions and chat extensions are kept. Implementations are thread-safe.
 */
public interface EndpointStore {

    /** Stores a new endpoint, assigning its id and creation time. */
    Endpoint create(Endpoint endpoint);

    /**
     * Replaces the stored endpoint's settings (not its failure count); empty when it does not exist. Turning an
     * endpoint off cancels its pending deliveries.
     */
    Optional<Endpoint> update(Endpoint endpoint);

    Optional<Endpoint> endpoint(String id);

    /** The endpoints of one kind, oldest first. */
    List<Endpoint> endpoints(Endpoint.Kind kind);

    /** Deletes the endpoint and its deliveries; false when it did not exist. */
    boolean delete(String id);

    /** Clears {@code temporarily_disabled} and the failure count; empty when the endpoint does not exist. */
    Optional<Endpoint> enable(String id);
}
