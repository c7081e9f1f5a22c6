package tocsin.oncall;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;

/**
 * Where the turns of one layer begin. Turn {@code k} (any long, negative before the virtual start) belongs to
 * {@code users[floorMod(k, users.size())]}; turn 0 begins at the layer's {@code rotation_virtual_start}.
 * <ul>
 *   <li><b>Whole-day turns</b> ({@code rotation_turn_length_seconds} a multiple of 86400) are counted in local
 *       calendar days: turn {@code k} begins at the virtual start's local date-time plus {@code k × days} days,
 *       made an instant by {@link WallClock}. A 09:00 handoff is 09:00 every day; the turn across a DST change is
 *       23 or 25 hours long (or what the calendar says for other changes, 30 minutes on Lord Howe).</li>
 *   <li><b>Other turns</b> are a fixed number of seconds from the virtual start instant; across DST their local
 *       handoff time moves by the change, as their length says.</li>
 * </ul>
 * Immutable, thread-safe.
 */
final class Rotation {
    private final ZoneId zone;
    private final Instant anchor;
    private final long turnSeconds;
    private final LocalDateTime localAnchor;
    private final long turnDays;

    private Rotation(ZoneId zone, Instant anchor, long turnSeconds, boolean wholeDays) {
        this.zone = zone;
        this.anchor = anchor;
        this.turnSeconds = turnSeconds;
        this.localAnchor = wholeDays ? WallClock.localOf(anchor, zone) : null;
        this.turnDays = wholeDays ? turnSeconds / 86_400 : 0;
    }

    static Rotation of(Layer layer, ZoneId zone) {
        return new Rotation(zone, layer.rotationVirtualStart(), layer.turnLength().toSeconds(),
                layer.turnsAreWholeDays());
    }

    /** When turn {@code k} begins. Never decreasing in {@code k}. */
    Instant turnStart(long k) {
        if (turnDays > 0) {
            return WallClock.instantOf(localAnchor.plusDays(Math.multiplyExact(k, turnDays)), zone);
        }
        return anchor.plusSeconds(Math.multiplyExact(k, turnSeconds));
    }

    /** The turn in progress at {@code instant}: the largest {@code k} whose turn begins at or before it. */
    long turnAt(Instant instant) {
        if (turnDays == 0) {
            long seconds = instant.getEpochSecond() - anchor.getEpochSecond()
                    - (instant.getNano() < anchor.getNano() ? 1 : 0); // floor of the exact difference
            return Math.floorDiv(seconds, turnSeconds);
        }
        long days = ChronoUnit.DAYS.between(localAnchor.toLocalDate(), WallClock.localOf(instant, zone).toLocalDate());
        long k = Math.floorDiv(days, turnDays);
        // The estimate is off by at most one turn near a handoff whose local time shifted in a gap or overlap.
        while (turnStart(k).isAfter(instant)) {
            k--;
        }
        while (!turnStart(k + 1).isAfter(instant)) {
            k++;
        }
        return k;
    }
}
