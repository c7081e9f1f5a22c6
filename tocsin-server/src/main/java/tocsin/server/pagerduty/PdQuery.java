package tocsin.server.pagerduty;

import tocsin.server.http.ApiProblem;
import tocsin.server.http.Exchange;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Query parameters as PagerDuty's clients send them: array parameters as {@code user_ids[]=A&user_ids[]=B} (also
 * accepted: {@code user_ids=A,B}), {@code include[]}, ISO 8601 times with or without offset, IANA
 * {@code time_zone}. Bad values are a 400 naming the parameter. Stateless.
 */
public final class PdQuery {
    private PdQuery() {
    }

    /** All values of an array parameter, in order, without duplicates. */
    public static List<String> list(Exchange ex, String name) {
        Set<String> out = new LinkedHashSet<>();
        for (String key : List.of(name + "[]", name)) {
            for (String v : ex.request().query().all(key, List::of)) {
                for (String part : v.split(",")) {
                    if (!part.isBlank()) {
                        out.add(part.trim());
                    }
                }
            }
        }
        return new ArrayList<>(out);
    }

    /** The {@code include[]} values, checked against what the resource can include. */
    public static Set<String> includes(Exchange ex, Set<String> allowed) {
        Set<String> out = new LinkedHashSet<>(list(ex, "include"));
        for (String inc : out) {
            if (!allowed.contains(inc)) {
                throw ApiProblem.invalidField("include[]", "unknown include '" + inc + "'; expected one of "
                        + String.join(", ", new java.util.TreeSet<>(allowed)));
            }
        }
        return out;
    }

    /** An ISO 8601 instant parameter ({@code 2026-12-05T09:00:00Z}, {@code 2026-12-05T09:00:00-05:00}). */
    public static Optional<Instant> instant(Exchange ex, String name, ZoneId zoneForLocal) {
        Optional<String> raw = ex.query(name).map(String::trim).filter(s -> !s.isEmpty());
        return raw.map(v -> parseInstant(name, v, zoneForLocal));
    }

    /**
     * Parses an ISO 8601 time as PagerDuty accepts it: with an offset or {@code Z}; a local date-time or a bare date
     * is read in {@code zoneForLocal}.
     */
    public static Instant parseInstant(String field, String v, ZoneId zoneForLocal) {
        try {
            return OffsetDateTime.parse(v, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
        } catch (DateTimeParseException ignored) {
            // fall through to local forms
        }
        try {
            return java.time.LocalDateTime.parse(v, DateTimeFormatter.ISO_LOCAL_DATE_TIME).atZone(zoneForLocal)
                    .toInstant();
        } catch (DateTimeParseException ignored) {
            // fall through
        }
        try {
            return java.time.LocalDate.parse(v).atStartOfDay(zoneForLocal).toInstant();
        } catch (DateTimeParseException e) {
            throw ApiProblem.invalidField(field, "must be an ISO 8601 date-time, got '" + v + "'");
        }
    }

    /** The {@code time_zone} parameter, or {@code dflt}. */
    public static ZoneId zone(Exchange ex, String name, ZoneId dflt) {
        Optional<String> raw = ex.query(name).map(String::trim).filter(s -> !s.isEmpty());
        if (raw.isEmpty()) {
            return dflt;
        }
        try {
            return ZoneId.of(raw.get());
        } catch (DateTimeException e) {
            throw ApiProblem.invalidField(name, "unknown time zone '" + raw.get() + "'");
        }
    }

    /** A free-text parameter such as {@code query}: trimmed, blank as absent, a 400 when longer than the limit. */
    public static Optional<String> text(Exchange ex, String name, int maxLength) {
        Optional<String> raw = ex.query(name).map(String::trim).filter(s -> !s.isEmpty());
        if (raw.isPresent() && raw.get().length() > maxLength) {
            throw ApiProblem.invalidField(name, "is longer than " + maxLength + " characters");
        }
        return raw;
    }

    /** A boolean parameter ({@code true}/{@code false}). */
    public static Optional<Boolean> bool(Exchange ex, String name) {
        Optional<String> raw = ex.query(name).map(String::trim).filter(s -> !s.isEmpty());
        if (raw.isEmpty()) {
            return Optional.empty();
        }
        return switch (raw.get().toLowerCase(java.util.Locale.ROOT)) {
            case "true" -> Optional.of(true);
            case "false" -> Optional.of(false);
            default -> throw ApiProblem.invalidField(name, "must be true or false, got '" + raw.get() + "'");
        };
    }
}
