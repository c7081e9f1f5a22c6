package tocsin.monitor;

import java.util.Optional;

/** The monitor types Tocsin evaluates, by their Datadog wire names. */
public enum MonitorType {
    METRIC_ALERT("metric alert"), QUERY_ALERT("query alert"), SERVICE_CHECK("service check"), COMPOSITE("composite");

    private final String wireName;

    MonitorType(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public static Optional<MonitorType> ofWireName(String name) {
        for (MonitorType t : values()) {
            if (t.wireName.equals(name)) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }

    /** Whether the query is {@code time_aggr(window):metric comparator threshold}. */
    public boolean isMetric() {
        return this == METRIC_ALERT || this == QUERY_ALERT;
    }
}
