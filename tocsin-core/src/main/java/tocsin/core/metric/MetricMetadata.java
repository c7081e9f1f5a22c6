package tocsin.core.metric;

/**
 * What Datadog keeps about a metric besides its points ({@code GET/PUT /api/v1/metrics/{name}}): its in-app type,
 * the interval a rate or count covers, its units, and words for people. Every field may be null (not known).
 * Immutable.
 *
 * @param type           {@code gauge}, {@code rate}, {@code count} or {@code distribution}
 * @param statsdInterval seconds one point of a rate or count covers (DogStatsD's flush interval, or a series'
 *                       {@code interval})
 * @param unit           the unit of the values ({@code byte}, {@code request})
 * @param perUnit        the unit they are per ({@code second})
 * @param description    free text
 * @param shortName      a short name for graphs
 * @param integration    the integration that submits it
 */
public record MetricMetadata(String type, Integer statsdInterval, String unit, String perUnit, String description,
                             String shortName, String integration) {
    public static final MetricMetadata NONE = new MetricMetadata(null, null, null, null, null, null, null);
    /** The longest description kept: what the metadata API takes. */
    public static final int MAX_DESCRIPTION = 4000;
    private static final java.util.regex.Pattern UNIT = java.util.regex.Pattern.compile("[a-z][a-z_]{0,49}");

    /** Whether {@code unit} has the shape of a unit name: lower-case letters and {@code _}, such as {@code byte}. */
    public static boolean isUnitName(String unit) {
        return UNIT.matcher(unit).matches();
    }

    /**
     * A description a payload declares, cut to {@link #MAX_DESCRIPTION} characters (it is only words for people);
     * null for none or a blank one.
     */
    public static String description(String text) {
        return text == null || text.isBlank() ? null : text.substring(0, Math.min(text.length(), MAX_DESCRIPTION));
    }

    /** A metric's type as declared by a payload, with the interval one point covers (null when not known). */
    public static MetricMetadata declared(String type, Integer statsdInterval) {
        return new MetricMetadata(type, statsdInterval, null, null, null, null, null);
    }

    /** These fields, with each of {@code changes}' non-null ones put in their place. */
    public MetricMetadata with(MetricMetadata changes) {
        return new MetricMetadata(or(changes.type, type), or(changes.statsdInterval, statsdInterval),
                or(changes.unit, unit), or(changes.perUnit, perUnit), or(changes.description, description),
                or(changes.shortName, shortName), or(changes.integration, integration));
    }

    private static <T> T or(T preferred, T fallback) {
        return preferred != null ? preferred : fallback;
    }
}
