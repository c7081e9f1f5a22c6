package tocsin.monitor.downtime;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How Datadog's v1 downtime shape maps onto the one {@link Downtime} model the v2 API and the evaluator use.
 *
 * <p><b>Design note.</b> There is one downtime store. Every downtime has a v2 UUID and a v1 integer id (assigned by
 * the store from a counter), so a downtime created through either API is read, changed and canceled through the other.
 * Nothing v1-specific is stored: the v1 view is computed from the v2 model each time, and a v1 request is translated
 * into the v2 model before it is stored, so a v1 downtime mutes exactly as its v2 view says.
 * <ul>
 *   <li><b>scope</b>: v1's list of tags (AND-ed) is the v2 query {@code a:b AND c:d}; {@code ["*"]} is {@code *}.
 *       A v2 query that is not a plain conjunction of tags shows in v1 as a one-element list holding the query.</li>
 *   <li><b>monitors</b>: v1's {@code monitor_id}, else {@code monitor_tags}; neither means every monitor, which v2
 *       spells {@code monitor_tags: ["*"]}.</li>
 *   <li><b>recurrence</b>: v1's {@code days|weeks|months|years} with {@code period}, {@code week_days},
 *       {@code until_date} and {@code until_occurrences} become the canonical RRULE
 *       {@code FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,FR;UNTIL=20260401T000000Z} (always with {@code INTERVAL}); v1's
 *       {@code rrule} type is kept as written. Reading back, an RRULE in the canonical form shows as its v1 type and
 *       any other as {@code rrule}. v1's {@code start}/{@code end} are the first occurrence: the v2 recurrence starts at
 *       {@code start} (local time in the v1 {@code timezone}; moved back to its minute, as v2 keeps
 *       recurrences to the minute) and lasts until {@code end} (rounded up to a whole minute), so it always covers
 *       the requested occurrence. A v2 downtime with several recurrences shows its first in v1.</li>
 * </ul>
 * Stateless and thread-safe.
 */
public final class V1Downtime {
    /** v1's recurrence types. */
    public static final List<String> TYPES = List.of("days", "weeks", "months", "years", "rrule");
    /** v1's week day names, Monday first. */
    public static final List<String> WEEK_DAYS = List.of("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun");

    private static final Map<String, String> FREQ = Map.of("days", "DAILY", "weeks", "WEEKLY", "months", "MONTHLY",
            "years", "YEARLY");
    private static final List<String> RRULE_DAYS = List.of("MO", "TU", "WE", "TH", "FR", "SA", "SU");
    private static final Pattern CANONICAL = Pattern.compile(
            "FREQ=(DAILY|WEEKLY|MONTHLY|YEARLY);INTERVAL=(\\d{1,4})(?:;BYDAY=((?:MO|TU|WE|TH|FR|SA|SU)"
                    + "(?:,(?:MO|TU|WE|TH|FR|SA|SU))*))?(?:;UNTIL=(\\d{8}T\\d{6}Z)|;COUNT=(\\d{1,6}))?");
    private static final DateTimeFormatter UNTIL = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'");
    private static final Pattern SIMPLE_TAG = Pattern.compile("[^\\s()\"!,-][^\\s()\",]*");

    private V1Downtime() {
    }

    /**
     * A v1 recurrence. For the types other than {@code rrule}, {@code rrule} is null; for {@code rrule}, the other
     * fields are unset ({@code period} 0, {@code weekDays} empty, the limits null).
     */
    public record Recurrence(String type, int period, List<String> weekDays, Long untilDate, Integer untilOccurrences,
                             String rrule) {
        public Recurrence {
            weekDays = weekDays == null ? List.of() : List.copyOf(weekDays);
        }
    }

    /**
     * The RRULE a v1 recurrence stands for. The recurrence must already be valid ({@code week_days} only with
     * {@code weeks}, at most one of the limits).
     */
    public static String rrule(Recurrence r) {
        if (r.type().equals("rrule")) {
            return r.rrule();
        }
        StringBuilder s = new StringBuilder("FREQ=").append(FREQ.get(r.type())).append(";INTERVAL=")
                .append(Math.max(1, r.period()));
        if (!r.weekDays().isEmpty()) {
            List<String> days = new ArrayList<>();
            for (String d : WEEK_DAYS) {
                if (r.weekDays().contains(d)) {
                    days.add(RRULE_DAYS.get(WEEK_DAYS.indexOf(d)));
                }
            }
            s.append(";BYDAY=").append(String.join(",", days));
        }
        if (r.untilDate() != null) {
            s.append(";UNTIL=").append(LocalDateTime.ofEpochSecond(r.untilDate(), 0, ZoneOffset.UTC).format(UNTIL));
        } else if (r.untilOccurrences() != null) {
            s.append(";COUNT=").append(r.untilOccurrences());
        }
        return s.toString();
    }

    /** The v1 recurrence an RRULE shows as: its v1 type when in the canonical form, else type {@code rrule}. */
    public static Recurrence recurrence(String rrule) {
        Matcher m = CANONICAL.matcher(rrule);
        if (!m.matches() || (m.group(3) != null && !m.group(1).equals("WEEKLY"))) {
            return new Recurrence("rrule", 0, List.of(), null, null, rrule);
        }
        String type = FREQ.entrySet().stream().filter(e -> e.getValue().equals(m.group(1))).findFirst().orElseThrow()
                .getKey();
        List<String> days = new ArrayList<>();
        if (m.group(3) != null) {
            for (String d : m.group(3).split(",")) {
                days.add(WEEK_DAYS.get(RRULE_DAYS.indexOf(d)));
            }
        }
        Long until = m.group(4) == null ? null
                : LocalDateTime.parse(m.group(4), UNTIL).toEpochSecond(ZoneOffset.UTC);
        Integer count = m.group(5) == null ? null : Integer.valueOf(m.group(5));
        return new Recurrence(type, Integer.parseInt(m.group(2)), days, until, count, null);
    }

    /** The v2 scope query for v1's tags: AND-ed, {@code *} for none or {@code ["*"]}. */
    public static String scopeQuery(List<String> tags) {
        if (tags.isEmpty() || tags.equals(List.of("*"))) {
            return "*";
        }
        return String.join(" AND ", tags);
    }

    /** v1's tag list for a v2 scope query (see the design note). */
    public static List<String> scopeTags(String query) {
        String q = query.trim();
        if (q.isEmpty() || q.equals("*")) {
            return List.of("*");
        }
        List<String> tags = new ArrayList<>();
        for (String part : q.split(" AND ", -1)) {
            String t = part.trim();
            if (!SIMPLE_TAG.matcher(t).matches() || t.equalsIgnoreCase("AND") || t.equalsIgnoreCase("OR")
                    || t.equalsIgnoreCase("NOT")) {
                return List.of(q);
            }
            tags.add(t);
        }
        return tags;
    }

    /** v1's {@code downtime_type}: 0 for {@code *}, 1 when only hosts are scoped, 2 otherwise. */
    public static int downtimeType(List<String> scopeTags) {
        if (scopeTags.equals(List.of("*"))) {
            return 0;
        }
        return scopeTags.stream().allMatch(t -> t.toLowerCase(Locale.ROOT).startsWith("host:")) ? 1 : 2;
    }

    /** The first occurrence's start and end as v1 shows them (epoch seconds), for a recurring schedule. */
    public static Downtime.Period firstOccurrence(Downtime.Recurring r) {
        Downtime.Recurrence first = r.recurrences().getFirst();
        Instant start = first.start().atZone(r.zone()).toInstant();
        return new Downtime.Period(start, start.plus(first.duration()));
    }

    /** Whether {@code d} is one of v1's week day names ({@code Mon} … {@code Sun}). */
    public static boolean isWeekDay(String d) {
        return WEEK_DAYS.contains(d);
    }
}
