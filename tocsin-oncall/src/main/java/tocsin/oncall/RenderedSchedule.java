package tocsin.oncall;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A schedule rendered over {@code [since, until)}: each layer's turns, the overrides, and the final schedule of who
 * is on call, as PagerDuty's {@code GET /schedules/{id}?since=&until=} returns them. Immutable, thread-safe.
 *
 * @param scheduleLayers      one per layer, in the schedule's layer order
 * @param overridesSubschedule the overrides within the window, the last created winning where they overlap
 * @param finalSchedule       who is on call: overrides over layers, later layers over earlier ones
 */
public record RenderedSchedule(Instant since, Instant until, List<Subschedule> scheduleLayers,
                               Subschedule overridesSubschedule, Subschedule finalSchedule) {

    public RenderedSchedule {
        Objects.requireNonNull(since, "since");
        Objects.requireNonNull(until, "until");
        scheduleLayers = List.copyOf(scheduleLayers);
        Objects.requireNonNull(overridesSubschedule, "overridesSubschedule");
        Objects.requireNonNull(finalSchedule, "finalSchedule");
        List<Entry> entries = finalSchedule.renderedScheduleEntries();
        if (!entries.isEmpty()
                && (entries.getFirst().start().isBefore(since) || entries.getLast().end().isAfter(until))) {
            throw new IllegalArgumentException("final schedule entries must lie within [" + since + ", " + until + ")");
        }
    }

    /**
     * Who is on call at {@code instant}: the final schedule's user then, or empty when nobody is (a gap). A
     * schedule has at most one person on call at a time, as in PagerDuty. O(log entries).
     *
     * @throws IllegalArgumentException when {@code instant} is outside {@code [since, until)}: this rendering
     *                                  cannot say, and "nobody" would be a wrong answer
     */
    public Optional<String> onCallAt(Instant instant) {
        if (instant.isBefore(since) || !instant.isBefore(until)) {
            throw new IllegalArgumentException(
                    "instant " + instant + " is outside the rendered window [" + since + ", " + until + ")");
        }
        List<Entry> entries = finalSchedule.renderedScheduleEntries();
        int lo = 0;
        int hi = entries.size() - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            Entry entry = entries.get(mid);
            if (instant.isBefore(entry.start())) {
                hi = mid - 1;
            } else if (!instant.isBefore(entry.end())) {
                lo = mid + 1;
            } else {
                return Optional.of(entry.userId());
            }
        }
        return Optional.empty();
    }
}
