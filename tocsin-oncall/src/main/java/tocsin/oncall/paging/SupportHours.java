package tocsin.oncall.paging;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * A service's support hours, PagerDuty's {@code support_hours}: {@code start_time} to {@code end_time} local time on
 * {@code days_of_week}, in {@code time_zone}. Immutable.
 *
 * @param zone  {@code time_zone}
 * @param days  {@code days_of_week} (PagerDuty numbers them 1 = Monday to 7 = Sunday), at least one
 * @param start {@code start_time}, inclusive
 * @param end   {@code end_time}, exclusive; after {@code start} (support hours do not cross midnight)
 */
public record SupportHours(ZoneId zone, Set<DayOfWeek> days, LocalTime start, LocalTime end) {

    public SupportHours {
        Checks checks = new Checks();
        checks.required("support_hours.time_zone", zone);
        if (days == null || days.isEmpty()) {
            checks.add("support_hours.days_of_week", "must name at least one day, 1 (Monday) to 7 (Sunday)");
            days = Set.of();
        } else {
            days = Set.copyOf(EnumSet.copyOf(days));
        }
        checks.required("support_hours.start_time", start);
        checks.required("support_hours.end_time", end);
        if (start != null && end != null && !end.isAfter(start)) {
            checks.add("support_hours.end_time", "must be after start_time " + start + ", got " + end);
        }
        checks.throwIfAny();
    }

    /** Whether {@code instant} falls inside the support hours. */
    public boolean contains(Instant instant) {
        ZonedDateTime local = Objects.requireNonNull(instant, "instant").atZone(zone);
        LocalTime t = local.toLocalTime();
        return days.contains(local.getDayOfWeek()) && !t.isBefore(start) && t.isBefore(end);
    }
}
