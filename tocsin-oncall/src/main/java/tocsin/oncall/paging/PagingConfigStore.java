package tocsin.oncall.paging;

import java.util.List;
import java.util.Optional;

/**
 * Where escalation policies, services, their integrations and maintenance windows are kept. Owned by the on-call
 * module, implemented by the state module on SQLite and PostgreSQL (one contract test suite for both).
 *
 * <p>{@code save*} creates when the value's id is null (assigning id, version 1 and creation time) and otherwise
 * replaces the stored object, failing with {@link PagingException.Conflict} when the value's version is not the
 * stored one (a version of 0 skips the check) and {@link PagingException.NotFound} when it is gone. Names are unique
 * per kind ({@link PagingException.Invalid} naming {@code name}). Lists are in name order.
 *
 * <p>Implementations are thread-safe.
 */
public interface PagingConfigStore {

    EscalationPolicy savePolicy(EscalationPolicy policy);

    Optional<EscalationPolicy> policy(String id);

    List<EscalationPolicy> policies();

    /** @throws PagingException.Conflict when a service still uses the policy */
    boolean deletePolicy(String id);

    /** @throws PagingException.Invalid naming {@code escalation_policy.id} when the policy does not exist */
    Service saveService(Service service);

    Optional<Service> service(String id);

    List<Service> services();

    /** Deletes the service and its integrations; its incidents stay in the history. */
    boolean deleteService(String id);

    /** Creates an integration (its key must be new) or renames one; the key and type never change. */
    Integration saveIntegration(Integration integration);

    Optional<Integration> integration(String id);

    /** The integration whose key this is: how events authenticate. */
    Optional<Integration> integrationByKey(String key);

    List<Integration> integrations(String serviceId);

    MaintenanceWindow saveWindow(MaintenanceWindow window);

    Optional<MaintenanceWindow> window(String id);

    /** All windows, latest start first. */
    List<MaintenanceWindow> windows();

    boolean deleteWindow(String id);

    /** Whether a maintenance window covers the service at {@code at}: the question every event asks. */
    boolean inMaintenance(String serviceId, java.time.Instant at);
}
