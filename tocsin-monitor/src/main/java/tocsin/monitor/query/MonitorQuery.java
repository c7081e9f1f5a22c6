package tocsin.monitor.query;

import java.math.BigDecimal;

/**
 * A parsed monitor query, one kind per monitor family. {@link #toString()} renders the canonical text, which
 * {@link MonitorQueryParser} reads back to an equal value. Immutable and thread-safe.
 */
public sealed interface MonitorQuery permits MetricAlertQuery, ServiceCheckQuery, CompositeQuery {

    /** A number as Datadog writes thresholds: {@code 80}, {@code 0.5}, {@code -3}, {@code 1.0E-9}. */
    static String number(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        String plain = BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
        return plain.length() <= 24 ? plain : Double.toString(v);
    }
}
