package tocsin.oncall.incident;

import java.util.Map;
import java.util.Objects;

/**
 * A trigger from an event source, already validated by the route it arrived on. Immutable.
 *
 * @param dedupKey      the source's dedup key, or null to have one generated
 * @param summary       what broke
 * @param source        where, or null
 * @param severity      {@code critical}, {@code error}, {@code warning} or {@code info}, or null
 * @param customDetails JSON text of {@code custom_details}, or null
 * @param detailValues  the top-level scalar values of {@code custom_details}, as text, for content-based grouping
 */
public record AlertEvent(String dedupKey, String summary, String source, String severity, String component,
                         String group, String className, String customDetails, Map<String, String> detailValues) {

    public AlertEvent {
        Objects.requireNonNull(summary, "summary");
        detailValues = detailValues == null ? Map.of() : Map.copyOf(detailValues);
    }

    /** The value of a groupable field: a payload field or {@code custom_details.<key>}. */
    public String field(String name) {
        return switch (name) {
            case "summary" -> summary;
            case "source" -> source;
            case "severity" -> severity;
            case "component" -> component;
            case "group" -> group;
            case "class" -> className;
            default -> name.startsWith("custom_details.") ? detailValues.get(name.substring(15)) : null;
        };
    }
}
