package tocsin.monitor;

import java.util.List;
import java.util.Objects;

/**
 * What a user writes to create or update a monitor: everything but the id and the bookkeeping. Immutable.
 *
 * @param priority 1 (highest) to 5, or null
 */
public record MonitorDefinition(String name, MonitorType type, String query, String message, List<String> tags,
                                Long priority, MonitorOptions options) {
    public MonitorDefinition {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(query, "query");
        message = message == null ? "" : message;
        tags = List.copyOf(tags);
        Objects.requireNonNull(options, "options");
    }
}
