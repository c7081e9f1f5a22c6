package tocsin.oncall;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;

/**
 * One rotation of a schedule, PagerDuty's {@code schedule_layers[]} item: {@code userIds} take turns of
 * {@code turnLength} in list order, phased so that the first user's turn begins at {@code rotationVirtualStart};
 * the layer is active from {@code start} to {@code end} (open-ended when null) and, within that, only inside its
 * {@code restrictions} (around the clock when there are none). How turns fall in local time is described in
 * {@link ScheduleRenderer}. Immutable, thread-safe.
 *
 * @param id                   PagerDuty's layer id; null until the schedule is stored (a preview has none)
 * @param name                 the layer's name, e.g. {@code Layer 1}; may be null
 * @param start                {@code start}: when the layer begins to count
 * @param end                  {@code end}: when it stops, exclusive; null when it does not end
 * @param rotationVirtualStart {@code rotation_virtual_start}: a handoff to the first user; may be before or after
 *                             {@code start}; turns repeat from it in both directions
 * @param turnLength           {@code rotation_turn_length_seconds}: one hour to one year, whole seconds
 * @param userIds              {@code users}: the rotation order; a user may appear more than once
 * @param restrictions         {@code restrictions}: windows of local time the layer is limited to
 * @param timeZone             Tocsin's extension {@code time_zone} on a layer: the zone this layer's turns and
 *                             restrictions are counted in, for follow-the-sun layers in each team's own hours;
 *                             null to use the schedule's zone, as PagerDuty always does
 */
public record Layer(String id, String name, Instant start, Instant end, Instant rotationVirtualStart,
                    Duration turnLength, List<String> userIds, List<Restriction> restrictions, ZoneId timeZone) {

    /** The shortest turn PagerDuty accepts (its Terraform provider validates 3600 to 31536000 seconds). */
    public static final Duration MIN_TURN = Duration.ofHours(1);
    /** The longest turn: PagerDuty documents that a turn "cannot exceed one year in seconds". */
    public static final Duration MAX_TURN = Duration.ofDays(365);

    public Layer {
        Problems problems = new Problems();
        problems.required("start", start);
        if (start != null && end != null && !end.isAfter(start)) {
            problems.add("end", "must be after start (" + start + "), got " + end);
        }
        problems.required("rotation_virtual_start", rotationVirtualStart);
        checkTurnLength(problems, turnLength);
        userIds = checkUsers(problems, userIds);
        restrictions = checkRestrictions(problems, restrictions);
        problems.throwIfAny();
    }

    /** A layer in the schedule's zone, as PagerDuty has them. */
    public Layer(String id, String name, Instant start, Instant end, Instant rotationVirtualStart,
                 Duration turnLength, List<String> userIds, List<Restriction> restrictions) {
        this(id, name, start, end, rotationVirtualStart, turnLength, userIds, restrictions, null);
    }

    /** The zone this layer counts in: its own when set, else {@code scheduleZone}. */
    public ZoneId zoneIn(ZoneId scheduleZone) {
        return timeZone != null ? timeZone : scheduleZone;
    }

    /**
     * Whether turns are a whole number of days, and so are counted as local calendar days (a 09:00 handoff stays at
     * 09:00 across DST) rather than as a fixed number of seconds.
     */
    public boolean turnsAreWholeDays() {
        return turnLength.toSeconds() % 86_400 == 0;
    }

    private static void checkTurnLength(Problems problems, Duration turnLength) {
        String field = "rotation_turn_length_seconds";
        if (!problems.required(field, turnLength)) {
            return;
        }
        if (turnLength.isNegative() || turnLength.isZero()) {
            problems.add(field, "must be positive, got " + turnLength.toSeconds());
        } else if (turnLength.getNano() != 0) {
            problems.add(field, "must be whole seconds");
        } else if (turnLength.compareTo(MIN_TURN) < 0) {
            problems.add(field, "must be at least 3600 (one hour), got " + turnLength.toSeconds());
        } else if (turnLength.compareTo(MAX_TURN) > 0) {
            problems.add(field, "must be at most 31536000 (365 days), got " + turnLength.toSeconds());
        }
    }

    private static List<String> checkUsers(Problems problems, List<String> userIds) {
        if (!problems.required("users", userIds)) {
            return List.of();
        }
        if (userIds.isEmpty()) {
            problems.add("users", "must name at least one user");
        }
        List<String> copy = new ArrayList<>(userIds.size());
        for (int i = 0; i < userIds.size(); i++) {
            String user = userIds.get(i);
            if (user == null || user.isBlank()) {
                problems.add("users[" + i + "]", "must be a user id");
            } else {
                copy.add(user);
            }
        }
        return List.copyOf(copy);
    }

    private static List<Restriction> checkRestrictions(Problems problems, List<Restriction> restrictions) {
        if (restrictions == null) {
            return List.of(); // PagerDuty's clients send "restrictions": null for "none"
        }
        List<Restriction> copy = new ArrayList<>(restrictions.size());
        for (int i = 0; i < restrictions.size(); i++) {
            if (restrictions.get(i) == null) {
                problems.add("restrictions[" + i + "]", "must be a daily_restriction or weekly_restriction");
            } else {
                copy.add(restrictions.get(i));
            }
        }
        return List.copyOf(copy);
    }
}
