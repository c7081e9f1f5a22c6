package tocsin.monitor;

import java.util.Optional;

/** {@code options.on_missing_data}: what a group that stops reporting becomes. */
public enum OnMissingData {
    /** Follow {@code notify_no_data}: No Data (and notify) when set, else keep the last state. */
    DEFAULT("default"),
    /** No Data, without notifying. */
    SHOW_NO_DATA("show_no_data"),
    /** No Data, notifying. */
    SHOW_AND_NOTIFY_NO_DATA("show_and_notify_no_data"),
    /** OK. */
    RESOLVE("resolve");

    private final String wireName;

    OnMissingData(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public static Optional<OnMissingData> ofWireName(String name) {
        for (OnMissingData m : values()) {
            if (m.wireName.equals(name)) {
                return Optional.of(m);
            }
        }
        return Optional.empty();
    }
}
