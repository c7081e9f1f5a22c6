package tocsin.oncall;

import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An on-call schedule: layers stacked in PagerDuty's order plus overrides, counted in {@code timeZone}.
 * {@link ScheduleRenderer} turns it into who is on call when. Immutable, thread-safe.
 *
 * <p><b>Layer order.</b> {@code layers.get(0)} is PagerDuty's "Layer 1", {@code layers.get(1)} is "Layer 2", and so
 * on; a later layer wins where it overlaps an earlier one ("the user on Layer 2 will be the one on-call for the
 * period of their overlap", PagerDuty's Schedule Basics). This is the order in which clients send
 * {@code schedule_layers} on create and update.
 *
 * @param id        PagerDuty's schedule id; null for a preview ({@code POST /schedules/preview})
 * @param name      the schedule's name; may be null
 * @param timeZone  {@code time_zone}: the zone turns and restrictions are counted in (a layer may carry its own)
 * @param layers    {@code schedule_layers}, at least one, lowest precedence first
 * @param overrides overrides in creation order, the last created winning where they overlap; may be empty
 */
public record Schedule(String id, String name, ZoneId timeZone, List<Layer> layers, List<ScheduleOverride> overrides) {

    public Schedule {
        Problems problems = new Problems();
        problems.required("time_zone", timeZone);
        layers = checkLayers(problems, layers);
        overrides = checkOverrides(problems, overrides);
        problems.throwIfAny();
    }

    /** A schedule without overrides. */
    public Schedule(String id, String name, ZoneId timeZone, List<Layer> layers) {
        this(id, name, timeZone, layers, List.of());
    }

    /** The same schedule with {@code added} created after its existing overrides. */
    public Schedule withOverrides(List<ScheduleOverride> added) {
        List<ScheduleOverride> all = new ArrayList<>(overrides);
        all.addAll(added);
        return new Schedule(id, name, timeZone, layers, all);
    }

    private static List<Layer> checkLayers(Problems problems, List<Layer> layers) {
        if (layers == null || layers.isEmpty()) {
            problems.add("schedule_layers", "must contain at least one layer");
            return List.of();
        }
        Map<String, Integer> seen = new HashMap<>();
        for (int i = 0; i < layers.size(); i++) {
            Layer layer = layers.get(i);
            if (layer == null) {
                problems.add("schedule_layers[" + i + "]", "must be a schedule layer");
                continue;
            }
            if (layer.id() != null) {
                Integer first = seen.putIfAbsent(layer.id(), i);
                if (first != null) {
                    problems.add("schedule_layers[" + i + "].id",
                            "duplicates schedule_layers[" + first + "].id '" + layer.id() + "'");
                }
            }
        }
        return problems.hasAny() ? List.of() : List.copyOf(layers);
    }

    private static List<ScheduleOverride> checkOverrides(Problems problems, List<ScheduleOverride> overrides) {
        if (overrides == null) {
            return List.of();
        }
        for (int i = 0; i < overrides.size(); i++) {
            if (overrides.get(i) == null) {
                problems.add("overrides[" + i + "]", "must be an override");
            }
        }
        return problems.hasAny() ? List.of() : List.copyOf(overrides);
    }
}
