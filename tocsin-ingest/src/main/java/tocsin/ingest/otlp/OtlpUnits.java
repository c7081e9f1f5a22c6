package tocsin.ingest.otlp;

import tocsin.core.metric.MetricMetadata;

import java.util.Map;

/**
 * An OTLP metric's {@code unit} (UCUM, as the OpenTelemetry semantic conventions write it: {@code ms}, {@code By},
 * {@code {request}}, {@code By/s}) as Datadog's unit names: {@code millisecond}, {@code byte}, {@code request}, and
 * {@code byte} per {@code second}. A unit with no Datadog name ({@code 1}, anything unknown) gives none. Stateless.
 */
final class OtlpUnits {
    private static final Map<String, String> UCUM = Map.ofEntries(
            Map.entry("ns", "nanosecond"), Map.entry("us", "microsecond"), Map.entry("ms", "millisecond"),
            Map.entry("s", "second"), Map.entry("min", "minute"), Map.entry("h", "hour"), Map.entry("d", "day"),
            Map.entry("wk", "week"), Map.entry("bit", "bit"), Map.entry("By", "byte"), Map.entry("KBy", "kilobyte"),
            Map.entry("MBy", "megabyte"), Map.entry("GBy", "gigabyte"), Map.entry("TBy", "terabyte"),
            Map.entry("KiBy", "kibibyte"), Map.entry("MiBy", "mebibyte"), Map.entry("GiBy", "gibibyte"),
            Map.entry("TiBy", "tebibyte"), Map.entry("%", "percent"), Map.entry("Hz", "hertz"));

    private OtlpUnits() {
    }

    /** The metadata a unit stands for: {@code unit} and {@code per_unit}; {@link MetricMetadata#NONE} for none. */
    static MetricMetadata of(String ucum) {
        if (ucum == null || ucum.isEmpty() || ucum.length() > 100) {
            return MetricMetadata.NONE;
        }
        int slash = ucum.indexOf('/');
        String unit = name(slash < 0 ? ucum : ucum.substring(0, slash));
        String per = slash < 0 ? null : name(ucum.substring(slash + 1));
        if (unit == null && per == null) {
            return MetricMetadata.NONE;
        }
        return new MetricMetadata(null, null, unit, per, null, null, null);
    }

    /** One side of a unit: a UCUM unit, or an annotation such as {@code {request}}; null when it names none. */
    private static String name(String part) {
        String mapped = UCUM.get(part);
        if (mapped != null) {
            return mapped;
        }
        String word = part.startsWith("{") && part.endsWith("}") ? part.substring(1, part.length() - 1) : part;
        return !word.isEmpty() && MetricMetadata.isUnitName(word) ? word : null;
    }
}
