package tocsin.monitor.downtime;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * The subset of RFC 5545 recurrence rules Datadog's downtimes accept: {@code FREQ} (DAILY, WEEKLY, MONTHLY, YEARLY),
 * {@code INTERVAL}, {@code COUNT}, {@code UNTIL}, {@code BYDAY} (weekly) and {@code BYMONTHDAY} (monthly).
 * Occurrences are computed in local time of a zone, so a 09:00 downtime stays at 09:00 across DST changes (a start
 * in a DST gap moves forward, as {@link ZonedDateTime#of} does). Immutable and thread-safe.
 */
public final class Rrule {
    /** Occurrences looked at before giving up on finding the current one (about 270 years of daily rules). */
    static final int MAX_STEPS = 100_000;
    private static final DateTimeFormatter UNTIL_UTC = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'");

    enum Freq { DAILY, WEEKLY, MONTHLY, YEARLY }

    private final String text;
    private final Freq freq;
    private final int interval;
    private final Integer count;
    private final ZonedDateTime until;
    private final Set<DayOfWeek> byDay;
    private final Set<Integer> byMonthDay;

    private Rrule(String text, Freq freq, int interval, Integer count, ZonedDateTime until, Set<DayOfWeek> byDay,
                  Set<Integer> byMonthDay) {
        this.text = text;
        this.freq = freq;
        this.interval = interval;
        this.count = count;
        this.until = until;
        this.byDay = byDay;
        this.byMonthDay = byMonthDay;
    }

    /** @throws IllegalArgumentException naming the part that is not understood */
    public static Rrule parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("must be a recurrence rule such as FREQ=WEEKLY;BYDAY=MO");
        }
        String body = text.startsWith("RRULE:") ? text.substring(6) : text;
        Freq freq = null;
        int interval = 1;
        Integer count = null;
        ZonedDateTime until = null;
        Set<DayOfWeek> byDay = EnumSet.noneOf(DayOfWeek.class);
        Set<Integer> byMonthDay = new TreeSet<>();
        for (String part : body.split(";")) {
            int eq = part.indexOf('=');
            if (eq < 0) {
                throw new IllegalArgumentException("'" + part + "' is not NAME=VALUE");
            }
            String name = part.substring(0, eq).toUpperCase(Locale.ROOT);
            String value = part.substring(eq + 1);
            switch (name) {
                case "FREQ" -> {
                    try {
                        freq = Freq.valueOf(value.toUpperCase(Locale.ROOT));
                    } catch (IllegalArgumentException e) {
                        throw new IllegalArgumentException("FREQ must be DAILY, WEEKLY, MONTHLY or YEARLY, got '"
                                + value + "'");
                    }
                }
                case "INTERVAL" -> interval = positive(name, value, 1000);
                case "COUNT" -> count = positive(name, value, 100_000);
                case "UNTIL" -> until = until(value);
                case "BYDAY" -> {
                    for (String d : value.split(",")) {
                        byDay.add(day(d));
                    }
                }
                case "BYMONTHDAY" -> {
                    for (String d : value.split(",")) {
                        byMonthDay.add(positive(name, d, 31));
                    }
                }
                case "WKST" -> day(value);
                default -> throw new IllegalArgumentException("unsupported rule part '" + name
                        + "': expected FREQ, INTERVAL, COUNT, UNTIL, BYDAY or BYMONTHDAY");
            }
        }
        if (freq == null) {
            throw new IllegalArgumentException("FREQ is required");
        }
        if (count != null && until != null) {
            throw new IllegalArgumentException("COUNT and UNTIL cannot both be set");
        }
        if (!byDay.isEmpty() && freq != Freq.WEEKLY && freq != Freq.DAILY) {
            throw new IllegalArgumentException("BYDAY is supported with FREQ=WEEKLY or DAILY only");
        }
        if (!byMonthDay.isEmpty() && freq != Freq.MONTHLY) {
            throw new IllegalArgumentException("BYMONTHDAY is supported with FREQ=MONTHLY only");
        }
        return new Rrule(text, freq, interval, count, until, byDay, byMonthDay);
    }

    private static int positive(String name, String value, int max) {
        try {
            int n = Integer.parseInt(value.trim());
            if (n < 1 || n > max) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a whole number between 1 and " + max + ", got '"
                    + value + "'");
        }
    }

    private static DayOfWeek day(String d) {
        return switch (d.trim().toUpperCase(Locale.ROOT)) {
            case "MO" -> DayOfWeek.MONDAY;
            case "TU" -> DayOfWeek.TUESDAY;
            case "WE" -> DayOfWeek.WEDNESDAY;
            case "TH" -> DayOfWeek.THURSDAY;
            case "FR" -> DayOfWeek.FRIDAY;
            case "SA" -> DayOfWeek.SATURDAY;
            case "SU" -> DayOfWeek.SUNDAY;
            default -> throw new IllegalArgumentException("BYDAY takes MO, TU, WE, TH, FR, SA or SU, got '" + d + "'");
        };
    }

    private static ZonedDateTime until(String value) {
        try {
            if (value.length() == 8) {
                return LocalDate.parse(value, DateTimeFormatter.BASIC_ISO_DATE).atTime(LocalTime.MAX)
                        .atZone(ZoneOffset.UTC);
            }
            return LocalDateTime.parse(value, UNTIL_UTC).atZone(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("UNTIL must be YYYYMMDD or YYYYMMDDTHHMMSSZ, got '" + value + "'");
        }
    }

    /**
     * The occurrence starts in {@code zone}, from {@code start}, that begin no later than {@code limit}, most recent
     * last, at most {@code keep} of them.
     */
    List<ZonedDateTime> startsUpTo(LocalDateTime start, ZoneId zone, ZonedDateTime limit, int keep) {
        List<ZonedDateTime> out = new ArrayList<>();
        int emitted = 0;
        for (int step = 0; step < MAX_STEPS; step++) {
            long k = (long) step * interval;
            // From the start each time, so that a month clamped to its last day does not drift (Jan 31, Feb 28, ...).
            LocalDateTime period = switch (freq) {
                case DAILY -> start.plusDays(k);
                case WEEKLY -> start.plusWeeks(k);
                case MONTHLY -> start.plusMonths(k);
                case YEARLY -> start.plusYears(k);
            };
            for (LocalDateTime candidate : expand(period, start)) {
                if (candidate.isBefore(start)) {
                    continue;
                }
                ZonedDateTime at = ZonedDateTime.of(candidate, zone);
                if ((count != null && emitted >= count) || (until != null && at.isAfter(until)) || at.isAfter(limit)) {
                    return out;
                }
                emitted++;
                out.add(at);
                if (out.size() > keep) {
                    out.removeFirst();
                }
            }
        }
        return out;
    }

    /** The occurrences within one period (one day, week, month or year from {@code period}). */
    private List<LocalDateTime> expand(LocalDateTime period, LocalDateTime start) {
        if (freq == Freq.WEEKLY && !byDay.isEmpty()) {
            List<LocalDateTime> days = new ArrayList<>();
            LocalDateTime monday = period.minusDays(period.getDayOfWeek().getValue() - 1L);
            for (DayOfWeek d : byDay) {
                days.add(monday.plusDays(d.getValue() - 1L));
            }
            days.sort(null);
            return days;
        }
        if (freq == Freq.DAILY && !byDay.isEmpty()) {
            return byDay.contains(period.getDayOfWeek()) ? List.of(period) : List.of();
        }
        if (freq == Freq.MONTHLY && !byMonthDay.isEmpty()) {
            List<LocalDateTime> days = new ArrayList<>();
            for (int d : byMonthDay) {
                if (d <= period.toLocalDate().lengthOfMonth()) {
                    days.add(period.withDayOfMonth(d));
                }
            }
            return days;
        }
        if (freq == Freq.MONTHLY && start.getDayOfMonth() > period.toLocalDate().lengthOfMonth()) {
            return List.of(); // the 31st does not occur in 30-day months
        }
        return List.of(freq == Freq.MONTHLY ? period.withDayOfMonth(Math.min(start.getDayOfMonth(),
                period.toLocalDate().lengthOfMonth())) : period);
    }

    @Override
    public String toString() {
        return text;
    }
}
