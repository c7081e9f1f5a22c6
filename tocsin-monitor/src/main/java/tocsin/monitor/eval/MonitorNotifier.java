package tocsin.monitor.eval;

/**
 * Hears about every notification a monitor group makes, after the transition and its direct deliveries
 * ({@link tocsin.monitor.MonitorDelivery}) are stored. Delivery itself works from the stored outbox, so a notifier
 * needs to do nothing for durability; the server's wakes the delivery worker so messages go out at once. Owned by
 * this module. Called outside the evaluator's locks. Implementations are thread-safe and must not block for long.
 */
@FunctionalInterface
public interface MonitorNotifier {
    void notify(MonitorNotification notification);

    /** Sends nothing; the monitor's history keeps the rendered message and handles. */
    MonitorNotifier RECORD_ONLY = n -> {
    };
}
