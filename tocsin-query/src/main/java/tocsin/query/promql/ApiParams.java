package tocsin.query.promql;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.regex.Pattern;

/**
 * The time, duration and limit parameters of Prometheus's HTTP API, read as Prometheus reads them. Times are Unix
 * seconds with an optional fraction, rounded to the millisecond ({@code 1435781451.781}), or RFC 3339 with optional
 * fractional seconds ({@code 2015-07-01T20:10:51.781Z}). Durations are float seconds ({@code 15}, {@code 0.5}) or a
 * Prometheus duration ({@code 15s}, {@code 1m30s}). Failures are {@link BadParameter}s carrying Prometheus's wording.
 */
final class ApiParams {
    private static final Pattern FLOAT = Pattern.compile("[+-]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][+-]?\\d+)?");

    private ApiParams() {
    }

    /** A parameter that does not parse; the message is Prometheus's, without the parameter prefix. */
    static final class BadParameter extends RuntimeException {
        BadParameter(String message) {
            super(message, null, false, false);
        }
    }

    /** Unix milliseconds. */
    static long time(String s) {
        if (FLOAT.matcher(s).matches()) {
            BigDecimal seconds = new BigDecimal(s);
            try {
                return seconds.movePointRight(3).setScale(0, RoundingMode.HALF_UP).longValueExact();
            } catch (ArithmeticException e) {
                throw new BadParameter("cannot parse " + GoFormat.quote(s) + " to a valid timestamp");
            }
        }
        try {
            OffsetDateTime t = OffsetDateTime.parse(s, DateTimeFormatter.ISO_OFFSET_DATE_TIME);
            return Math.addExact(Math.multiplyExact(t.toEpochSecond(), 1000L), t.getNano() / 1_000_000);
        } catch (DateTimeParseException | ArithmeticException e) {
            throw new BadParameter("cannot parse " + GoFormat.quote(s) + " to a valid timestamp");
        }
    }

    /** Milliseconds. */
    static long duration(String s) {
        if (FLOAT.matcher(s).matches()) {
            double nanos = Double.parseDouble(s) * 1e9;
            if (nanos > Long.MAX_VALUE || nanos < Long.MIN_VALUE) {
                throw new BadParameter("cannot parse " + GoFormat.quote(s)
                        + " to a valid duration. It overflows int64");
            }
            return (long) nanos / 1_000_000;
        }
        try {
            return Durations.parse(s, 0);
        } catch (ParseError e) {
            throw new BadParameter("cannot parse " + GoFormat.quote(s) + " to a valid duration");
        }
    }

    /** A result limit: 0 (or absent) for none. */
    static int limit(String s) {
        if (s == null || s.isEmpty()) {
            return 0;
        }
        int limit;
        try {
            limit = Integer.parseInt(s);
        } catch (NumberFormatException e) {
            throw new BadParameter("cannot parse " + GoFormat.quote(s) + " to a valid limit");
        }
        if (limit < 0) {
            throw new BadParameter("limit must be non-negative");
        }
        return limit;
    }
}
