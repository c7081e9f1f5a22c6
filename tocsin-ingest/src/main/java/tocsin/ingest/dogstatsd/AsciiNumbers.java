package tocsin.ingest.dogstatsd;

import java.nio.charset.StandardCharsets;

/**
 * Parses decimal numbers straight from datagram bytes, without making a String in the common case.
 *
 * <p>Accepted grammar: {@code [+-]? (digits [. digits?] | . digits) ([eE] [+-]? digits)?}. Unlike
 * {@link Double#parseDouble}, no whitespace, no {@code NaN}/{@code Infinity}, no hex and no {@code d}/{@code f}
 * suffix: a DogStatsD value is a plain decimal. Results are correctly rounded: short numbers take Clinger's exact
 * fast path (an integer below 2^53 divided by an exact power of ten), the rest go through
 * {@link Double#parseDouble}.
 */
final class AsciiNumbers {
    private static final double[] POW10 = {
            1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
            1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
    private static final long MAX_EXACT = 1L << 53;

    private AsciiNumbers() {
    }

    /** Whether {@code b[from, to)} is a decimal number of the grammar above. */
    static boolean isDecimal(byte[] b, int from, int to) {
        int i = from;
        if (i < to && (b[i] == '+' || b[i] == '-')) {
            i++;
        }
        int intDigits = 0;
        while (i < to && isDigit(b[i])) {
            i++;
            intDigits++;
        }
        int fracDigits = 0;
        if (i < to && b[i] == '.') {
            i++;
            while (i < to && isDigit(b[i])) {
                i++;
                fracDigits++;
            }
        }
        if (intDigits + fracDigits == 0) {
            return false;
        }
        if (i < to && (b[i] == 'e' || b[i] == 'E')) {
            i++;
            if (i < to && (b[i] == '+' || b[i] == '-')) {
                i++;
            }
            int expDigits = 0;
            while (i < to && isDigit(b[i])) {
                i++;
                expDigits++;
            }
            if (expDigits == 0) {
                return false;
            }
        }
        return i == to;
    }

    /** The value of {@code b[from, to)}, which must satisfy {@link #isDecimal}. May be infinite on overflow. */
    static double parse(byte[] b, int from, int to) {
        int i = from;
        boolean negative = false;
        if (b[i] == '+' || b[i] == '-') {
            negative = b[i] == '-';
            i++;
        }
        long mantissa = 0;
        int digits = 0;
        int fracDigits = 0;
        boolean fraction = false;
        for (; i < to; i++) {
            byte c = b[i];
            if (c == '.') {
                fraction = true;
                continue;
            }
            if (!isDigit(c) || digits >= 18) {
                return slow(b, from, to);
            }
            mantissa = mantissa * 10 + (c - '0');
            if (mantissa != 0) {
                digits++;
            }
            if (fraction) {
                fracDigits++;
            }
        }
        if (mantissa >= MAX_EXACT || fracDigits >= POW10.length) {
            return slow(b, from, to);
        }
        double v = fracDigits == 0 ? (double) mantissa : mantissa / POW10[fracDigits];
        return negative ? -v : v;
    }

    /** A positive decimal integer of at most 18 digits, or -1. */
    static long parseLong(byte[] b, int from, int to) {
        if (to <= from || to - from > 18) {
            return -1;
        }
        long v = 0;
        for (int i = from; i < to; i++) {
            if (!isDigit(b[i])) {
                return -1;
            }
            v = v * 10 + (b[i] - '0');
        }
        return v;
    }

    private static double slow(byte[] b, int from, int to) {
        return Double.parseDouble(new String(b, from, to - from, StandardCharsets.ISO_8859_1));
    }

    private static boolean isDigit(byte c) {
        return c >= '0' && c <= '9';
    }
}
