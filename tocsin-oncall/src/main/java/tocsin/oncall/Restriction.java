package tocsin.oncall;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.LocalTime;

/**
 * A limit on when a layer's users are on call, in the layer's local time: PagerDuty's {@code daily_restriction}
 * (the same window every day) and {@code weekly_restriction} (one window a week). A layer with several restrictions
 * is on call in their union; a layer with none is on call around the clock. Immutable, thread-safe.
 *
 * <p>A window starts at a local wall-clock time and lasts {@code duration_seconds} of wall-clock time, so
 * {@code 09:00 + 8 h} is 09:00–17:00 local on every day, DST days included, and a window may cross midnight
 * ({@code 22:00 + 10 h}) or the end of the week (Sunday {@code 20:00 + 36 h}). How a wall-clock time in a DST gap or
 * overlap becomes an instant is described in {@link ScheduleRenderer}.
 */
public sealed interface Restriction permits Restriction.Daily, Restriction.Weekly {

    /** When the window opens, local time. */
    LocalTime startTimeOfDay();

    /** How long the window stays open, in wall-clock time. */
    Duration duration();

    /** PagerDuty's {@code type}: {@code daily_restriction} or {@code weekly_restriction}. */
    String type();

    /** The same window every day: {@code startTimeOfDay} for {@code duration}, at most a day. */
    record Daily(LocalTime startTimeOfDay, Duration duration) implements Restriction {
        public Daily {
            Problems problems = new Problems();
            problems.required("start_time_of_day", startTimeOfDay);
            checkDuration(problems, duration, Duration.ofDays(1), "86400 (one day)");
            problems.throwIfAny();
        }

        @Override
        public String type() {
            return "daily_restriction";
        }
    }

    /** One window a week, opening on {@code startDayOfWeek} at {@code startTimeOfDay}, at most a week long. */
    record Weekly(DayOfWeek startDayOfWeek, LocalTime startTimeOfDay, Duration duration) implements Restriction {
        public Weekly {
            Problems problems = new Problems();
            problems.required("start_day_of_week", startDayOfWeek);
            problems.required("start_time_of_day", startTimeOfDay);
            checkDuration(problems, duration, Duration.ofDays(7), "604800 (one week)");
            problems.throwIfAny();
        }

        @Override
        public String type() {
            return "weekly_restriction";
        }
    }

    /** A {@code daily_restriction} as the API carries it. */
    static Daily daily(LocalTime startTimeOfDay, long durationSeconds) {
        return new Daily(startTimeOfDay, Duration.ofSeconds(durationSeconds));
    }

    /**
     * A {@code weekly_restriction} as the API carries it.
     *
     * @param startDayOfWeek ISO 8601 day number, 1 (Monday) to 7 (Sunday), as PagerDuty numbers them
     */
    static Weekly weekly(int startDayOfWeek, LocalTime startTimeOfDay, long durationSeconds) {
        if (startDayOfWeek < 1 || startDayOfWeek > 7) {
            throw InvalidScheduleException.of("start_day_of_week",
                    "must be 1 (Monday) to 7 (Sunday), got " + startDayOfWeek);
        }
        return new Weekly(DayOfWeek.of(startDayOfWeek), startTimeOfDay, Duration.ofSeconds(durationSeconds));
    }

    private static void checkDuration(Problems problems, Duration duration, Duration max, String maxInWords) {
        if (!problems.required("duration_seconds", duration)) {
            return;
        }
        if (duration.isNegative() || duration.isZero()) {
            problems.add("duration_seconds", "must be positive, got " + duration.toSeconds());
        } else if (duration.compareTo(max) > 0) {
            problems.add("duration_seconds", "must be at most " + maxInWords + ", got " + duration.toSeconds());
        }
    }
}
