package tocsin.oncall.paging;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * How a service groups new alerts into an open incident, PagerDuty's {@code alert_grouping_parameters}. Immutable.
 *
 * <ul>
 *   <li>{@link Type#NONE}: every alert with a new dedup key opens its own incident;</li>
 *   <li>{@link Type#TIME}: alerts join the service's open time-grouped incident while it is younger than
 *       {@code timeout} ({@code config.timeout} minutes; 0 means as long as it is open);</li>
 *   <li>{@link Type#CONTENT_BASED}: alerts whose {@code fields} are equal ({@code aggregate} {@code all}: every
 *       field; {@code any}: at least one) join an open incident younger than {@code timeWindow}.</li>
 * </ul>
 *
 * @param timeout    for {@link Type#TIME}; zero for "while open"
 * @param fields     for {@link Type#CONTENT_BASED}: {@code summary}, {@code source}, {@code component},
 *                   {@code group}, {@code class}, {@code severity}, or {@code custom_details.<key>}
 * @param aggregate  {@code all} or {@code any}
 * @param timeWindow for {@link Type#CONTENT_BASED}; zero for "while open"
 */
public record AlertGrouping(Type type, Duration timeout, List<String> fields, String aggregate, Duration timeWindow) {

    public static final AlertGrouping NONE = new AlertGrouping(Type.NONE, Duration.ZERO, List.of(), "all",
            Duration.ZERO);

    public enum Type {
        NONE, TIME, CONTENT_BASED;

        public String wireName() {
            return this == NONE ? null : name().toLowerCase(Locale.ROOT);
        }

        public static Optional<Type> parse(String s) {
            if (s == null) {
                return Optional.of(NONE);
            }
            return switch (s.toLowerCase(Locale.ROOT)) {
                case "time" -> Optional.of(TIME);
                case "content_based" -> Optional.of(CONTENT_BASED);
                default -> Optional.empty();
            };
        }
    }

    public AlertGrouping {
        Checks checks = new Checks();
        type = type == null ? Type.NONE : type;
        timeout = timeout == null ? Duration.ZERO : timeout;
        timeWindow = timeWindow == null ? Duration.ZERO : timeWindow;
        fields = fields == null ? List.of() : List.copyOf(fields);
        aggregate = aggregate == null ? "all" : aggregate.toLowerCase(Locale.ROOT);
        if (timeout.isNegative() || timeout.compareTo(Duration.ofDays(1)) > 0) {
            checks.add("alert_grouping_parameters.config.timeout", "must be between 0 and 1440 minutes");
        }
        if (timeWindow.isNegative() || timeWindow.compareTo(Duration.ofDays(1)) > 0) {
            checks.add("alert_grouping_parameters.config.time_window", "must be between 0 and 86400 seconds");
        }
        if (!aggregate.equals("all") && !aggregate.equals("any")) {
            checks.add("alert_grouping_parameters.config.aggregate", "must be all or any, got '" + aggregate + "'");
        }
        if (type == Type.CONTENT_BASED) {
            if (fields.isEmpty()) {
                checks.add("alert_grouping_parameters.config.fields", "must name at least one field");
            }
            for (int i = 0; i < fields.size(); i++) {
                String f = fields.get(i);
                if (!Alert.GROUPABLE_FIELDS.contains(f) && !(f.startsWith("custom_details.") && f.length() > 15)) {
                    checks.add("alert_grouping_parameters.config.fields[" + i + "]", "unknown field '" + f
                            + "'; expected one of " + String.join(", ", Alert.GROUPABLE_FIELDS)
                            + " or custom_details.<key>");
                }
            }
        }
        checks.throwIfAny();
    }
}
