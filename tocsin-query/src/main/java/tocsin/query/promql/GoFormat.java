package tocsin.query.promql;

import java.math.BigDecimal;

/**
 * Numbers and strings written as Prometheus writes them, which is as Go's {@code strconv} does: sample values in the
 * shortest form that reads back to the same double ({@code "0.1"}, {@code "1e-07"}, {@code "+Inf"}), timestamps as
 * seconds with up to three decimals, quoted strings as {@code %q}. Java's {@link Double#toString} gives the same
 * shortest digits (since JDK 19); only the layout differs, and that is done here.
 */
final class GoFormat {

    private GoFormat() {
    }

    /**
     * A sample value as the HTTP API writes it: plain decimal notation ({@code 'f'}), switching to exponent notation
     * ({@code 'e'}) below 1e-6 and from 1e21 on, {@code NaN}, {@code +Inf} and {@code -Inf}.
     */
    static String value(double v) {
        if (Double.isNaN(v)) {
            return "NaN";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "+Inf" : "-Inf";
        }
        double abs = Math.abs(v);
        return abs != 0 && (abs < 1e-6 || abs >= 1e21) ? exponent(v) : plain(v);
    }

    /** Go's {@code FormatFloat(v, 'f', -1, 64)}: shortest digits, never an exponent ({@code 1e21} has 22 digits). */
    static String plain(double v) {
        if (Double.isNaN(v)) {
            return "NaN";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "+Inf" : "-Inf";
        }
        if (v == 0) {
            return 1 / v < 0 ? "-0" : "0";
        }
        return new BigDecimal(Double.toString(v)).stripTrailingZeros().toPlainString();
    }

    /** Go's {@code FormatFloat(v, 'e', -1, 64)}: {@code 1e-07}, {@code -1.5e+21}; finite, non-zero values only. */
    static String exponent(double v) {
        BigDecimal d = new BigDecimal(Double.toString(v)).stripTrailingZeros();
        String digits = d.unscaledValue().abs().toString();
        int exp = digits.length() - 1 - d.scale();
        StringBuilder sb = new StringBuilder(24);
        if (v < 0) {
            sb.append('-');
        }
        sb.append(digits.charAt(0));
        if (digits.length() > 1) {
            sb.append('.').append(digits, 1, digits.length());
        }
        sb.append('e').append(exp < 0 ? '-' : '+');
        int e = Math.abs(exp);
        return sb.append(e < 10 ? "0" : "").append(e).toString();
    }

    /**
     * A Unix-millisecond time as seconds: {@code 1435781451.781}, half a second as {@code .500}, no point when
     * whole.
     */
    static void seconds(StringBuilder sb, long millis) {
        if (millis < 0) {
            sb.append('-');
            millis = -millis;
        }
        sb.append(millis / 1000);
        long fraction = millis % 1000;
        if (fraction != 0) {
            sb.append('.');
            if (fraction < 100) {
                sb.append('0');
            }
            if (fraction < 10) {
                sb.append('0');
            }
            sb.append(fraction);
        }
    }

    /** A double-quoted string with Go's escapes, as Prometheus prints label values in label sets and errors. */
    static void quote(StringBuilder sb, String s) {
        quote(sb, s, false);
    }

    /**
     * A double-quoted string: as Go's {@code strconv.Quote} (control characters as {@code \x01}), or as Go's
     * encoding/json writes JSON strings (control characters, {@code <}, {@code >}, {@code &}, U+2028 and U+2029 as
     * four-digit backslash-u escapes, for HTML safety).
     */
    static void quote(StringBuilder sb, String s, boolean json) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    boolean html = c == '<' || c == '>' || c == '&' || c == '\u2028' || c == '\u2029';
                    if (json && (c < 0x20 || html)) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else if (!json && (c < 0x20 || c == 0x7f)) {
                        sb.append(String.format("\\x%02x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }

    static String quote(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 2);
        quote(sb, s);
        return sb.toString();
    }
}
