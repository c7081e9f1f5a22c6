package tocsin.oncall;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import static tocsin.oncall.RestrictionWindows.max;
import static tocsin.oncall.RestrictionWindows.min;

/**
 * Renders a {@link Schedule} over a window {@code [since, until)}: who is on call when, layer by layer and in the
 * final schedule, as PagerDuty's {@code GET /schedules/{id}?since=&until=} and {@code POST /schedules/preview} show
 * it. The front door of schedule rendering; the escalation engine asks {@link #onCallAt(Schedule, Instant)}.
 *
 * <h2>Design</h2>
 * <ul>
 *   <li><b>Zone.</b> A layer counts in its own {@link Layer#timeZone()} when it has one (Tocsin's follow-the-sun
 *       extension), else in the schedule's {@code time_zone}. Both its turns and its restrictions use that zone.</li>
 *   <li><b>Turns</b> ({@link Rotation}). Turn {@code k} belongs to {@code users[k mod n]} and turn 0 begins at
 *       {@code rotation_virtual_start}, so the phase is fixed by the virtual start alone and turns extend both ways
 *       from it. When {@code rotation_turn_length_seconds} is a whole number of days, turns are <em>local
 *       days</em>: turn {@code k} begins at the virtual start's local date-time plus {@code k × days} calendar
 *       days, so a 09:00 handoff stays at 09:00 local across DST and the turn spanning the change lasts 23 h or
 *       25 h (23½ h or 24½ h on Lord Howe, whose clocks move by 30 minutes). Any other length is a fixed number of seconds from the virtual
 *       start instant, whose local handoff time moves when the offset changes.</li>
 *   <li><b>Clipping.</b> A layer counts only within {@code [start, end)} and the window. Restrictions
 *       ({@link RestrictionWindows}) cut each turn to the union of their windows, each a local start plus a
 *       wall-clock duration ({@code 09:00 + 8 h} is 09:00–17:00 local every day); windows crossing midnight or the
 *       end of the week are ordinary. A turn keeps its user whether or not windows cut it: restrictions never
 *       shift the rotation.</li>
 *   <li><b>Where DST matters.</b> Every local wall-clock time, handoff or window edge, becomes an instant by one
 *       rule ({@link WallClock}, java.time's): in an overlap it is the first occurrence; in a gap it moves later by
 *       the gap's length (a 02:30 handoff on the spring-forward night of Europe/Berlin happens at 03:30). For
 *       whole-day turns the virtual start is read as a local date-time, so a virtual start placed on the second
 *       occurrence of an overlap hands off at the first one. A gap as long as a whole turn (Pacific/Apia skipped
 *       30 December 2011) leaves that turn empty: its user is skipped that once and the order resumes. Fixed
 *       turns ignore the calendar entirely.</li>
 *   <li><b>Precedence.</b> The final schedule paints layers in list order ({@code schedule_layers[0]} is
 *       PagerDuty's Layer 1, a later layer wins where it overlaps, as PagerDuty's Schedule Basics says of
 *       Layer 2 over Layer 1), then overrides over every layer, in creation order, so the last created wins
 *       ({@link Timeline}). Touching entries of one user merge; a gap is simply no entry.</li>
 *   <li><b>Coverage</b> is covered time over {@code until − since}, rounded as {@link Coverage} says, per layer,
 *       for the overrides and for the final schedule.</li>
 * </ul>
 *
 * <h2>Complexity</h2>
 * Per layer O(T + W log W): T turns meet the window and W restriction windows (one per day or week per restriction)
 * are generated, sorted and merged; the final schedule paints E entries into a tree, O(E log E). Memory is O(E).
 * Work grows with the window, so the HTTP layer bounds {@code until − since}. Nothing is cached between calls.
 *
 * <h2>Concurrency</h2>
 * Stateless and thread-safe; each call allocates its own state. Time comes in as parameters; nothing reads a clock.
 */
public final class ScheduleRenderer {
    private static final Logger LOG = LoggerFactory.getLogger(ScheduleRenderer.class);

    /** PagerDuty's name of the final subschedule. */
    public static final String FINAL_SCHEDULE = "Final Schedule";
    /** PagerDuty's name of the overrides subschedule. */
    public static final String OVERRIDES = "Overrides";

    private ScheduleRenderer() {
    }

    /**
     * {@code schedule} over {@code [since, until)}. Entries that run past either end are cut at it (PagerDuty's
     * default, {@code overflow=false}).
     *
     * @throws InvalidScheduleException when {@code until} is not after {@code since}
     */
    public static RenderedSchedule render(Schedule schedule, Instant since, Instant until) {
        Objects.requireNonNull(schedule, "schedule");
        Objects.requireNonNull(since, "since");
        Objects.requireNonNull(until, "until");
        if (!until.isAfter(since)) {
            throw InvalidScheduleException.of("until", "must be after since (" + since + "), got " + until);
        }
        Duration window = Duration.between(since, until);
        Timeline onCall = new Timeline();
        List<Subschedule> layers = new ArrayList<>(schedule.layers().size());
        for (int i = 0; i < schedule.layers().size(); i++) {
            Layer layer = schedule.layers().get(i);
            List<Entry> entries = renderLayer(layer, layer.zoneIn(schedule.timeZone()), since, until);
            String name = layer.name() != null ? layer.name() : "Layer " + (i + 1);
            layers.add(subschedule(layer.id(), name, entries, window));
            for (Entry entry : entries) {
                onCall.paint(entry);
            }
        }
        Timeline overrides = new Timeline();
        for (ScheduleOverride override : schedule.overrides()) {
            Instant start = max(override.start(), since);
            Instant end = min(override.end(), until);
            if (start.isBefore(end)) {
                Entry entry = new Entry(override.userId(), start, end);
                overrides.paint(entry);
                onCall.paint(entry);
            }
        }
        return new RenderedSchedule(since, until, layers,
                subschedule(null, OVERRIDES, overrides.entries(), window),
                subschedule(null, FINAL_SCHEDULE, onCall.entries(), window));
    }

    /**
     * Who is on call for {@code schedule} at {@code instant}, or empty when nobody is: the question the escalation
     * engine asks when it pages a schedule target.
     */
    public static Optional<String> onCallAt(Schedule schedule, Instant instant) {
        return render(schedule, instant, instant.plusNanos(1)).onCallAt(instant);
    }

    /** One layer's entries within {@code [since, until)}, counted in {@code zone}. */
    static List<Entry> renderLayer(Layer layer, ZoneId zone, Instant since, Instant until) {
        Instant from = max(since, layer.start());
        Instant to = layer.end() == null ? until : min(until, layer.end());
        if (!from.isBefore(to)) {
            return List.of();
        }
        Rotation rotation = Rotation.of(layer, zone);
        List<String> users = layer.userIds();
        List<Entry> turns = new ArrayList<>();
        long k = rotation.turnAt(from);
        Instant turnStart = rotation.turnStart(k);
        while (turnStart.isBefore(to)) {
            Instant next = rotation.turnStart(k + 1);
            Instant start = max(turnStart, from);
            Instant end = min(next, to);
            String user = users.get(Math.floorMod(k, users.size()));
            if (start.isBefore(end)) {
                turns.add(new Entry(user, start, end));
            } else if (next.equals(turnStart)) {
                LOG.debug("layer {}: turn {} of {} falls into a calendar gap of {} at {} and is skipped",
                        layer.id(), k, user, zone, turnStart);
            }
            turnStart = next;
            k++;
        }
        if (!layer.restrictions().isEmpty()) {
            turns = RestrictionWindows.clip(turns, RestrictionWindows.allowed(layer.restrictions(), zone, from, to));
        }
        return Timeline.merged(turns);
    }

    private static Subschedule subschedule(String id, String name, List<Entry> entries, Duration window) {
        Duration covered = Duration.ZERO;
        for (Entry entry : entries) {
            covered = covered.plus(entry.duration());
        }
        return new Subschedule(id, name, entries, Coverage.percent(covered, window));
    }
}
