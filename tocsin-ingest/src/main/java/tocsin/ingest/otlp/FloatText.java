package tocsin.ingest.otlp;

import java.math.BigDecimal;

/**
 * Doubles written as the Go code that Datadog's OTLP mapping runs on writes them, so that tags made from numbers
 * ({@code upper_bound:0.5}, {@code quantile:0.99}, a numeric attribute) match what Datadog would store. Both
 * formats use the shortest digits that read back as the same double (what Java's {@link Double#toString} gives
 * since JDK 19, and Go's {@code strconv} too).
 *
 * <p>Thread-safe (stateless).
 */
final class FloatText {
    private FloatText() {
    }

    /**
     * Datadog's {@code formatFloat} for bucket bounds and quantiles (opentelemetry-mapping-go,
     * {@code metrics_translator.go}): {@code inf}, {@code -inf}, {@code nan}, {@code 0}; otherwise Go's
     * {@code strconv.FormatFloat(f, 'g', -1, 64)} with {@code .0} appended to whole numbers: {@code 0.5},
     * {@code 250.0}, {@code 1e+06.0}.
     */
    static String bound(double f) {
        String special = special(f, "nan", "inf", "-inf");
        if (special != null) {
            return special;
        }
        Decimal d = Decimal.of(f);
        int exp = d.point - 1;
        String s = exp < -4 || exp >= 6 ? d.scientific(false) : d.fixed();
        return f == Math.floor(f) ? s + ".0" : s;
    }

    /**
     * A double attribute value as the OpenTelemetry Collector's {@code pcommon.Value.AsString()} writes it, which is
     * how JavaScript and Go's JSON encoder write numbers: plain decimals from 1e-6 up to 1e21 ({@code 1.5},
     * {@code 100}), exponent notation outside ({@code 1e+21}, {@code 1e-7}); {@code NaN}, {@code +Inf}, {@code -Inf}
     * as Go spells them.
     */
    static String attribute(double f) {
        String special = special(f, "NaN", "+Inf", "-Inf");
        if (special != null) {
            return special;
        }
        double abs = Math.abs(f);
        Decimal d = Decimal.of(f);
        return abs < 1e-6 || abs >= 1e21 ? d.scientific(true) : d.fixed();
    }

    /** The spelling of NaN, the infinities and zero (both signs); null for other doubles. */
    private static String special(double f, String nan, String inf, String negativeInf) {
        if (Double.isNaN(f)) {
            return nan;
        }
        if (Double.isInfinite(f)) {
            return f > 0 ? inf : negativeInf;
        }
        return f == 0 ? "0" : null;
    }

    /**
     * A finite non-zero double as {@code sign 0.DIGITS × 10^point}, with the shortest digits and no trailing
     * zeros.
     */
    private record Decimal(boolean negative, String digits, int point) {
        static Decimal of(double f) {
            BigDecimal b = new BigDecimal(Double.toString(Math.abs(f))).stripTrailingZeros();
            String digits = b.unscaledValue().toString();
            return new Decimal(f < 0, digits, digits.length() - b.scale());
        }

        String fixed() {
            StringBuilder s = new StringBuilder(digits.length() + Math.abs(point) + 3);
            if (negative) {
                s.append('-');
            }
            if (point <= 0) {
                s.append("0.").repeat('0', -point).append(digits);
            } else if (point >= digits.length()) {
                s.append(digits).repeat('0', point - digits.length());
            } else {
                s.append(digits, 0, point).append('.').append(digits, point, digits.length());
            }
            return s.toString();
        }

        /** {@code d.ddde±XX}; Go pads the exponent to two digits, its JSON encoder then unpads {@code e-0X}. */
        String scientific(boolean unpadNegative) {
            StringBuilder s = new StringBuilder(digits.length() + 8);
            if (negative) {
                s.append('-');
            }
            s.append(digits.charAt(0));
            if (digits.length() > 1) {
                s.append('.').append(digits, 1, digits.length());
            }
            int exp = point - 1;
            s.append('e').append(exp < 0 ? '-' : '+');
            int abs = Math.abs(exp);
            if (abs < 10 && !(unpadNegative && exp < 0)) {
                s.append('0');
            }
            return s.append(abs).toString();
        }
    }
}
