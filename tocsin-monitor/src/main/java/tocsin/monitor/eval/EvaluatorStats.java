package tocsin.monitor.eval;

import tocsin.monitor.MonitorStatus;

import java.util.Map;

/**
 * The evaluator's state and work at one moment, for the server's own metrics. Immutable.
 *
 * @param monitors            monitors evaluated as data arrives or on the tick
 * @param notEvaluated        monitors that cannot be evaluated (their reason is in {@link MonitorEvaluator#notEvaluated})
 * @param pointsEvaluated     points that matched a monitor since start
 * @param transitions         group status changes stored since start, by the status entered
 * @param notificationsFailed notifications or incident actions that failed since start (each logged)
 * @param lastTickNanos       how long the last tick took; -1 before the first
 * @param maxLagMillis        the largest delay seen, since start, between a matched point's timestamp and its
 *                            evaluation (how late data arrives; {@code evaluation_delay} exists for it)
 */
public record EvaluatorStats(int monitors, int notEvaluated, long pointsEvaluated,
                             Map<MonitorStatus, Long> transitions, long notificationsFailed, long lastTickNanos,
                             long maxLagMillis) {
    public EvaluatorStats {
        transitions = Map.copyOf(transitions);
    }
}
