package tocsin.server.pagerduty;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * Writes an iCalendar document (RFC 5545) of on-call shifts: one {@code VCALENDAR} of {@code VEVENT}s with UTC
 * {@code DTSTART}/{@code DTEND}, text values escaped (§3.3.11), lines ending in CRLF and folded at 75 octets
 * (§3.1) without splitting a UTF-8 sequence.
 *
 * <p>Hand-written rather than ical4j: the feed needs one component type, UTC times and no parsing, which is some
 * eighty lines; ical4j would add 3 MB of jars and its own time-zone registry to the server for that, and its output
 * would still need the same checks in tests. Not thread-safe: one per document.
 */
final class ICalWriter {
    static final String MEDIA_TYPE = "text/calendar; charset=utf-8";
    private static final int MAX_LINE_OCTETS = 75;
    private static final DateTimeFormatter UTC = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
            .withZone(ZoneOffset.UTC);

    private final StringBuilder out = new StringBuilder();
    private final Instant stamp;

    /**
     * @param name  the calendar's name, shown by calendar apps ({@code X-WR-CALNAME})
     * @param stamp when the document is generated ({@code DTSTAMP} of each event)
     */
    ICalWriter(String name, Instant stamp) {
        this.stamp = stamp;
        line("BEGIN:VCALENDAR");
        line("VERSION:2.0");
        line("PRODID:-//Tocsin//On-call schedules//EN");
        line("CALSCALE:GREGORIAN");
        line("METHOD:PUBLISH");
        line("X-WR-CALNAME:" + text(name));
    }

    /**
     * One shift.
     *
     * @param uid a globally unique id, the same every time this shift is written, so that calendar apps update the
     *            event rather than add another
     */
    ICalWriter event(String uid, Instant start, Instant end, String summary, String description, String url) {
        line("BEGIN:VEVENT");
        line("UID:" + text(uid));
        line("DTSTAMP:" + UTC.format(stamp));
        line("DTSTART:" + UTC.format(start));
        line("DTEND:" + UTC.format(end));
        line("SUMMARY:" + text(summary));
        if (description != null) {
            line("DESCRIPTION:" + text(description));
        }
        if (url != null) {
            line("URL:" + url);
        }
        line("TRANSP:OPAQUE");
        line("END:VEVENT");
        return this;
    }

    /** The finished document. */
    String finish() {
        line("END:VCALENDAR");
        return out.toString();
    }

    /** RFC 5545 §3.3.11 TEXT: backslash, semicolon, comma and newlines escaped; other controls dropped. */
    static String text(String value) {
        StringBuilder sb = new StringBuilder(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '\\' -> sb.append("\\\\");
                case ';' -> sb.append("\\;");
                case ',' -> sb.append("\\,");
                case '\n' -> sb.append("\\n");
                case '\r' -> {
                    // a CR (of a CRLF) adds nothing to the \n written for the LF
                }
                default -> {
                    if (!Character.isISOControl(c) || c == '\t') {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.toString();
    }

    /** Appends a content line, folded so that no physical line exceeds 75 octets, each ending in CRLF. */
    private void line(String content) {
        int octets = 0;
        int i = 0;
        while (i < content.length()) {
            int cp = content.codePointAt(i);
            int width = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8).length;
            if (octets + width > MAX_LINE_OCTETS) {
                out.append("\r\n ");
                octets = 1; // the leading space of a continuation line counts
            }
            out.appendCodePoint(cp);
            octets += width;
            i += Character.charCount(cp);
        }
        out.append("\r\n");
    }
}
