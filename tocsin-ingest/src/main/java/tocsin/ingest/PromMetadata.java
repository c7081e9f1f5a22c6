package tocsin.ingest;

import tocsin.core.metric.MetricMetadata;

import java.util.Map;

/**
 * What Prometheus says about a metric family (remote write's {@code MetricMetadata}, an exposition's {@code # TYPE},
 * {@code # HELP} and {@code # UNIT}) as Datadog's metric metadata: a counter is a {@code count}, a gauge a
 * {@code gauge} (histograms and summaries spread over several series and declare no type), the help text is the
 * description, and the unit, given or read from the name's suffix as Prometheus's naming conventions put it
 * ({@code _seconds}, {@code _bytes}, {@code _ratio}, before any {@code _total}), is named as Datadog names units.
 * Stateless.
 */
public final class PromMetadata {
    private static final Map<String, String> UNITS = Map.ofEntries(
            Map.entry("seconds", "second"), Map.entry("milliseconds", "millisecond"),
            Map.entry("microseconds", "microsecond"), Map.entry("nanoseconds", "nanosecond"),
            Map.entry("minutes", "minute"), Map.entry("hours", "hour"), Map.entry("days", "day"),
            Map.entry("bytes", "byte"), Map.entry("bits", "bit"), Map.entry("ratio", "fraction"),
            Map.entry("percent", "percent"), Map.entry("hertz", "hertz"), Map.entry("requests", "request"),
            Map.entry("packets", "packet"), Map.entry("errors", "error"));

    private PromMetadata() {
    }

    /**
     * The declarations for one family, by metric name: the family's own name, and for a counter whose name lacks
     * {@code _total} (OpenMetrics names families without it) the name its samples carry too. Empty when the family
     * says nothing usable.
     *
     * @param type "counter", "gauge", ... (lower case), or null
     * @param help the help text, or null
     * @param unit the declared unit, or null
     */
    public static Map<String, MetricMetadata> declarations(String family, String type, String help, String unit) {
        if (family == null || family.isEmpty()) {
            return Map.of();
        }
        String declaredType = "counter".equals(type) ? "count" : "gauge".equals(type) ? "gauge" : null;
        String description = MetricMetadata.description(help);
        String unitName = unit(unit == null || unit.isEmpty() ? suffixUnit(family) : unit);
        if (declaredType == null && description == null && unitName == null) {
            return Map.of();
        }
        MetricMetadata m = new MetricMetadata(declaredType, null, unitName, null, description, null, null);
        return "count".equals(declaredType) && !family.endsWith("_total")
                ? Map.of(family, m, family + "_total", m) : Map.of(family, m);
    }

    /** A remote-write {@code MetricMetadata.MetricType} as the exposition format's word. */
    public static String typeName(int remoteWriteType) {
        return switch (remoteWriteType) {
            case 1 -> "counter";
            case 2 -> "gauge";
            case 3 -> "histogram";
            case 4 -> "gaugehistogram";
            case 5 -> "summary";
            case 6 -> "info";
            case 7 -> "stateset";
            default -> null;
        };
    }

    private static String suffixUnit(String family) {
        String name = family.endsWith("_total") ? family.substring(0, family.length() - 6) : family;
        int last = name.lastIndexOf('_');
        return last < 0 ? null : UNITS.containsKey(name.substring(last + 1)) ? name.substring(last + 1) : null;
    }

    private static String unit(String unit) {
        if (unit == null || unit.isEmpty()) {
            return null;
        }
        String mapped = UNITS.get(unit);
        return mapped != null ? mapped : MetricMetadata.isUnitName(unit) ? unit : null;
    }
}
