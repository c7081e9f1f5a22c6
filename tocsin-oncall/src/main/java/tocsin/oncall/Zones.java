package tocsin.oncall;

import java.time.ZoneId;
import java.util.Set;

/**
 * Time zones as PagerDuty's API carries them: IANA names such as {@code Europe/Berlin} in a {@code time_zone} field.
 * Thread-safe.
 */
public final class Zones {
    private static final Set<String> KNOWN = ZoneId.getAvailableZoneIds();

    private Zones() {
    }

    /**
     * The zone named {@code id}, or an {@link InvalidScheduleException} naming {@code field}. Only names in the
     * JDK's copy of the IANA time-zone database are accepted ({@code Europe/Berlin}, {@code UTC},
     * {@code Etc/GMT+5}); bare offsets such as {@code +02:00} are refused, as a schedule follows a place's rules
     * across DST, not a fixed offset. (PagerDuty documents the field's format as {@code activesupport-time-zone},
     * which would also take Rails' names such as {@code Eastern Time (US & Canada)}; clients send IANA names, and
     * only those are accepted so far.)
     *
     * @param field the field's path as the client sent it, e.g. {@code schedule.time_zone}
     */
    public static ZoneId parse(String field, String id) {
        if (id == null || id.isBlank()) {
            throw InvalidScheduleException.of(field, "is required");
        }
        if (!KNOWN.contains(id)) {
            throw InvalidScheduleException.of(field,
                    "must be an IANA time zone such as Europe/Berlin or America/New_York, got '" + printable(id) + "'");
        }
        return ZoneId.of(id);
    }

    private static String printable(String id) {
        String shown = id.length() > 64 ? id.substring(0, 64) + "…" : id;
        StringBuilder sb = new StringBuilder(shown.length());
        shown.codePoints().forEach(c -> sb.appendCodePoint(Character.isISOControl(c) ? '?' : c));
        return sb.toString();
    }
}
