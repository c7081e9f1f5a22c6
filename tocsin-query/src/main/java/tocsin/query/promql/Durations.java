package tocsin.query.promql;

/**
 * Prometheus durations: one or more integer-and-unit parts with units in descending order, each at most once
 * ({@code 1h30m}, {@code 90s}, {@code 500ms}); {@code y} is 365 days and {@code w} 7 days, as Prometheus defines them.
 */
final class Durations {
    private static final String[] UNITS = {"y", "w", "d", "h", "m", "s", "ms"};
    private static final long[] MILLIS = {365L * 86_400_000, 7L * 86_400_000, 86_400_000, 3_600_000, 60_000, 1000, 1};

    private Durations() {
    }

    static boolean isUnitStart(char c) {
        return c == 'y' || c == 'w' || c == 'd' || c == 'h' || c == 'm' || c == 's';
    }

    /**
     * The milliseconds of a duration.
     *
     * @param pos where the text starts in the query, for the error
     * @throws ParseError when the text is not a duration
     */
    static long parse(String text, int pos) {
        long total = 0;
        int i = 0;
        int lastUnit = -1;
        if (text.isEmpty()) {
            throw new ParseError(pos, pos, "empty duration string");
        }
        while (i < text.length()) {
            int digits = i;
            while (i < text.length() && Lexer.isDigit(text.charAt(i))) {
                i++;
            }
            if (digits == i) {
                throw bad(text, pos);
            }
            long n;
            try {
                n = Long.parseLong(text.substring(digits, i));
            } catch (NumberFormatException e) {
                throw bad(text, pos);
            }
            int u = i;
            while (i < text.length() && Lexer.isIdentStart(text.charAt(i))) {
                i++;
            }
            String unit = text.substring(u, i);
            int index = -1;
            for (int k = 0; k < UNITS.length; k++) {
                if (UNITS[k].equals(unit)) {
                    index = k;
                }
            }
            if (index < 0) {
                throw new ParseError(pos, pos + text.length(), unit.isEmpty() ? "bad number or duration syntax: "
                        + GoFormat.quote(text) : "unknown unit " + GoFormat.quote(unit) + " in duration "
                        + GoFormat.quote(text));
            }
            if (index <= lastUnit) {
                throw new ParseError(pos, pos + text.length(), "not a valid duration string: " + GoFormat.quote(text));
            }
            lastUnit = index;
            try {
                total = Math.addExact(total, Math.multiplyExact(n, MILLIS[index]));
            } catch (ArithmeticException e) {
                throw new ParseError(pos, pos + text.length(), "duration out of range: " + GoFormat.quote(text));
            }
        }
        return total;
    }

    private static ParseError bad(String text, int pos) {
        return new ParseError(pos, pos + text.length(), "bad number or duration syntax: " + GoFormat.quote(text));
    }

    /** A duration as Prometheus prints it: {@code 5m}, {@code 1h30m}, {@code 1d}, {@code 0s}. */
    static String format(long millis) {
        if (millis == 0) {
            return "0s";
        }
        StringBuilder sb = new StringBuilder();
        if (millis < 0) {
            sb.append('-');
            millis = -millis;
        }
        for (int k = 0; k < UNITS.length; k++) {
            long n = millis / MILLIS[k];
            if (n > 0) {
                sb.append(n).append(UNITS[k]);
                millis -= n * MILLIS[k];
            }
        }
        return sb.toString();
    }
}
