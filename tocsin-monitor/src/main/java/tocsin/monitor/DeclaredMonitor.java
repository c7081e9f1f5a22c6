package tocsin.monitor;

import java.util.Objects;

/**
 * A monitor declared in the configuration file's {@code monitors:} section, already checked as far as the file
 * alone allows ({@link MonitorValidator#offline}). Immutable.
 *
 * @param key        what reconciliation matches it on, as {@link MonitorStore#managed()} stores it: {@code key:<key>}
 *                   for an entry with a {@code key:}, else {@code name:<name>}
 * @param path       where it is in the file ({@code monitors[2]}), for error messages
 * @param definition the monitor
 */
public record DeclaredMonitor(String key, String path, MonitorDefinition definition) {
    public DeclaredMonitor {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(definition, "definition");
    }

    /** The stored key of an entry: its explicit {@code key:} when it has one, else its name. */
    public static String keyOf(String explicitKey, String name) {
        return explicitKey != null ? "key:" + explicitKey : "name:" + name;
    }

    /** The key as the file spells it ({@code key 'cpu'} or {@code name 'CPU'}), for messages. */
    public static String describe(String storedKey) {
        int colon = storedKey.indexOf(':');
        return colon < 0 ? "'" + storedKey + "'" : storedKey.substring(0, colon) + " '" + storedKey.substring(colon + 1)
                + "'";
    }
}
