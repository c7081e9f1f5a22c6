package tocsin.monitor;

/**
 * {@code options.thresholds}: each null when not set. For metric monitors {@code critical} is the query's threshold,
 * the recovery thresholds say where a triggered group recovers; for service checks {@code ok}, {@code warning} and
 * {@code critical} are counts of consecutive runs. Immutable.
 */
public record Thresholds(Double critical, Double warning, Double criticalRecovery, Double warningRecovery, Double ok,
                         Double unknown) {
    public static final Thresholds NONE = new Thresholds(null, null, null, null, null, null);

    public Thresholds withCritical(double value) {
        return new Thresholds(value, warning, criticalRecovery, warningRecovery, ok, unknown);
    }
}
