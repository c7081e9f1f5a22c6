package tocsin.monitor;

import java.util.Optional;

/**
 * The state of a monitor group, and of a monitor as a whole ({@code overall_state}), by Datadog's wire names. Declared
 * from least to most severe: a monitor's overall state is its most severe group's.
 */
public enum MonitorStatus {
    OK("OK"), SKIPPED("Skipped"), IGNORED("Ignored"), UNKNOWN("Unknown"), NO_DATA("No Data"), WARN("Warn"),
    ALERT("Alert");

    private final String wireName;

    MonitorStatus(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    /** Alert or Warn. */
    public boolean triggered() {
        return this == ALERT || this == WARN;
    }

    /** The name {@code renotify_statuses} uses: {@code alert}, {@code warn}, {@code no data}. */
    public String renotifyName() {
        return wireName.toLowerCase(java.util.Locale.ROOT);
    }

    public static Optional<MonitorStatus> ofWireName(String name) {
        for (MonitorStatus s : values()) {
            if (s.wireName.equalsIgnoreCase(name)) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }

    public static MonitorStatus worst(MonitorStatus a, MonitorStatus b) {
        return a.compareTo(b) >= 0 ? a : b;
    }
}
