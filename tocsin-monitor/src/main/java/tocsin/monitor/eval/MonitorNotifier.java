package tocsin.monitor.eval;

/**
 * Sends what monitors want said to the direct handles ({@code @slack-…}, {@code @teams-…}, {@code @webhook-…},
 * e-mail). Owned by this module; the server wires it to the notification pipeline. Called after the transition is
 * stored, outside the evaluator's locks. Implementations are thread-safe and must not block for long (queue, then
 * deliver).
 */
@FunctionalInterface
public interface MonitorNotifier {
    void notify(MonitorNotification notification);

    /** Sends nothing; the monitor's history keeps the rendered message and handles. */
    MonitorNotifier RECORD_ONLY = n -> {
    };
}
