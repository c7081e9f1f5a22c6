package tocsin.oncall;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;

/**
 * The one rule by which a schedule turns a local wall-clock time into an instant, used for every handoff of a
 * whole-day rotation and every edge of a restriction window, so that the two always agree. It is java.time's rule for
 * {@link ZonedDateTime#of(LocalDateTime, ZoneId)}:
 * <ul>
 *   <li>a time that occurs once maps to that instant;</li>
 *   <li>a time in an overlap (clocks going back: 01:30 happens twice) maps to its <em>first</em> occurrence, the
 *       earlier offset;</li>
 *   <li>a time in a gap (clocks going forward: 02:30 never happens) moves later by the length of the gap
 *       (02:30 becomes 03:30 on a one-hour gap).</li>
 * </ul>
 * Resolution is monotonic: a later wall-clock time never maps to an earlier instant, so turns and windows built
 * from increasing local times never run backwards (at worst one collapses to nothing in a gap as long as itself).
 */
final class WallClock {

    private WallClock() {
    }

    static Instant instantOf(LocalDateTime local, ZoneId zone) {
        return ZonedDateTime.of(local, zone).toInstant();
    }

    static LocalDateTime localOf(Instant instant, ZoneId zone) {
        return LocalDateTime.ofInstant(instant, zone);
    }
}
