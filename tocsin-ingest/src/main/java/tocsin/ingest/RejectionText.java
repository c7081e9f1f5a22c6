package tocsin.ingest;

import java.time.Duration;

/**
 * How payload values are shown inside rejection reasons: short, quoted as JSON would, so a reason stays one readable
 * line whatever the sender put in the payload. Thread-safe (stateless).
 */
public final class RejectionText {
    /** Longest excerpt of a sent value quoted in a reason. */
    public static final int MAX_SHOWN = 64;

    private RejectionText() {
    }

    /** {@code "abc"}, cut to {@link #MAX_SHOWN} characters with an ellipsis, control characters escaped. */
    public static String quote(CharSequence s) {
        StringBuilder b = new StringBuilder(Math.min(s.length(), MAX_SHOWN) + 4).append('"');
        int n = Math.min(s.length(), MAX_SHOWN);
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x7f) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        if (s.length() > n) {
            b.append('…');
        }
        return b.append('"').toString();
    }

    /** {@code 1h}, {@code 10min}, {@code 1h30min}, {@code 45s}, {@code 250ms}. */
    public static String duration(Duration d) {
        long ms = d.toMillis();
        if (ms == 0) {
            return "0s";
        }
        if (ms % 1000 != 0) {
            return ms + "ms";
        }
        long s = ms / 1000;
        StringBuilder b = new StringBuilder();
        long h = s / 3600;
        long m = (s % 3600) / 60;
        long sec = s % 60;
        if (h > 0) {
            b.append(h).append('h');
        }
        if (m > 0) {
            b.append(m).append("min");
        }
        if (sec > 0) {
            b.append(sec).append('s');
        }
        return b.toString();
    }
}
