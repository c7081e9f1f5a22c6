package tocsin.ingest;

/**
 * Datadog's normalisation of metric names and tags, as the Datadog backend applies it to everything it receives
 * (the Agent and DogStatsD forward names and tags unchanged). Tocsin applies it at intake so that queries written
 * for Datadog find the same series.
 *
 * <p><b>Metric names</b> (Datadog's "metric naming" rules; the algorithm the Datadog Agent's trace normaliser
 * borrowed from the backend): characters before the first ASCII letter are dropped; ASCII letters, digits, {@code _}
 * and {@code .} are kept, case included (metric names are case-sensitive); every run of other characters becomes one
 * {@code _}; an {@code _} directly before a {@code .} becomes that {@code .}, none is kept directly after one;
 * a trailing {@code _} is dropped. A name with no ASCII letter normalises to the empty string.
 *
 * <p><b>Tags</b> (Datadog's "defining tags" rules): upper-case letters are lower-cased; Unicode letters, Unicode
 * decimal digits and {@code _ - : . /} are kept; every run of other characters and underscores becomes one
 * {@code _}, and a run at the end is dropped; characters before the first letter or {@code :} are dropped
 * (tags start with a letter). A tag with nothing left is dropped by the caller. Deliberately not done, because
 * Datadog does not document it precisely: a trailing {@code :} is kept, and nothing is truncated (an over-long tag
 * is rejected by {@link SeriesKeyBuilder} instead).
 *
 * <p>Both functions return their argument itself when it is already normal, so the common case allocates nothing.
 * Both are idempotent. Thread-safe (stateless).
 */
public final class DatadogNames {
    private DatadogNames() {
    }

    /** The metric name as Datadog stores it; empty when it has no ASCII letter. */
    public static String normalizeMetricName(String name) {
        if (isNormalMetricName(name)) {
            return name;
        }
        int n = name.length();
        int i = 0;
        while (i < n && !isAsciiLetter(name.charAt(i))) {
            i++;
        }
        if (i == n) {
            return "";
        }
        char[] out = new char[n - i];
        int len = 0;
        for (; i < n; i++) {
            char c = name.charAt(i);
            if (isAsciiLetter(c) || (c >= '0' && c <= '9')) {
                out[len++] = c;
            } else if (c == '.') {
                if (out[len - 1] == '_') {
                    out[len - 1] = '.';
                } else {
                    out[len++] = '.';
                }
            } else if (out[len - 1] != '.' && out[len - 1] != '_') {
                out[len++] = '_';
            }
        }
        if (out[len - 1] == '_') {
            len--;
        }
        return new String(out, 0, len);
    }

    /** The tag as Datadog stores it; empty when nothing valid is left (the caller drops it). */
    public static String normalizeTag(String tag) {
        if (isNormalAsciiTag(tag)) {
            return tag;
        }
        StringBuilder out = new StringBuilder(tag.length());
        boolean started = false;
        boolean pendingUnderscore = false;
        for (int i = 0; i < tag.length(); ) {
            int cp = tag.codePointAt(i);
            i += Character.charCount(cp);
            if (Character.getType(cp) == Character.UPPERCASE_LETTER) {
                cp = Character.toLowerCase(cp);
            }
            boolean valid;
            if (Character.isLetter(cp) || cp == ':') {
                valid = true;
            } else if (!started) {
                continue;
            } else {
                valid = Character.isDigit(cp) || cp == '.' || cp == '/' || cp == '-';
            }
            if (!valid) {
                pendingUnderscore = true;
                continue;
            }
            if (pendingUnderscore) {
                out.append('_');
                pendingUnderscore = false;
            }
            out.appendCodePoint(cp);
            started = true;
        }
        return out.toString();
    }

    static boolean isNormalMetricName(String s) {
        int n = s.length();
        if (n == 0) {
            return true;
        }
        if (!isAsciiLetter(s.charAt(0)) || s.charAt(n - 1) == '_') {
            return false;
        }
        char prev = s.charAt(0);
        for (int i = 1; i < n; i++) {
            char c = s.charAt(i);
            if (c == '_') {
                if (prev == '_' || prev == '.') {
                    return false;
                }
            } else if (c == '.') {
                if (prev == '_') {
                    return false;
                }
            } else if (!isAsciiLetter(c) && (c < '0' || c > '9')) {
                return false;
            }
            prev = c;
        }
        return true;
    }

    static boolean isNormalAsciiTag(String s) {
        int n = s.length();
        if (n == 0) {
            return true;
        }
        char first = s.charAt(0);
        if (!((first >= 'a' && first <= 'z') || first == ':')) {
            return false;
        }
        for (int i = 1; i < n; i++) {
            char c = s.charAt(i);
            if (isAsciiTagChar(c)) {
                continue;
            }
            // an underscore is normal only between two valid non-underscore characters
            if (c != '_' || i + 1 == n || !isAsciiTagChar(s.charAt(i + 1))) {
                return false;
            }
            i++;
        }
        return true;
    }

    private static boolean isAsciiTagChar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == ':' || c == '.' || c == '/' || c == '-';
    }

    private static boolean isAsciiLetter(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }
}
