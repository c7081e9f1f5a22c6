package tocsin.oncall;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * One rendered line of a schedule over a window: a layer's turns, the overrides, or the final schedule; PagerDuty's
 * {@code schedule_layers[]} rendering, {@code overrides_subschedule} and {@code final_schedule}. Entries are sorted,
 * disjoint, within the window, and touching entries of one user are merged; gaps are simply absent. Immutable,
 * thread-safe.
 *
 * @param id                         the layer's id; null for the overrides and the final schedule
 * @param name                       the layer's name, {@code Overrides} or {@code Final Schedule}
 * @param renderedScheduleEntries    {@code rendered_schedule_entries}
 * @param renderedCoveragePercentage {@code rendered_coverage_percentage}, rounded as {@link Coverage} describes
 */
public record Subschedule(String id, String name, List<Entry> renderedScheduleEntries,
                          double renderedCoveragePercentage) {

    public Subschedule {
        renderedScheduleEntries = List.copyOf(renderedScheduleEntries);
        for (int i = 1; i < renderedScheduleEntries.size(); i++) {
            Entry previous = renderedScheduleEntries.get(i - 1);
            Entry next = renderedScheduleEntries.get(i);
            if (next.start().isBefore(previous.end())) {
                throw new IllegalArgumentException("entries must be sorted and disjoint: " + previous + " then " + next);
            }
        }
        Objects.requireNonNull(name, "name");
    }

    /** The exact time covered by the entries, of which {@link #renderedCoveragePercentage()} is the rounded share. */
    public Duration coveredTime() {
        Duration sum = Duration.ZERO;
        for (Entry entry : renderedScheduleEntries) {
            sum = sum.plus(entry.duration());
        }
        return sum;
    }
}
