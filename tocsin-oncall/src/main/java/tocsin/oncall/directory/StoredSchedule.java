package tocsin.oncall.directory;

import java.util.Objects;

import tocsin.oncall.Schedule;

/**
 * A schedule as stored: its layers (each with its stored id) without overrides, which are read per window with
 * {@link ScheduleStore#overrides}, plus what only the API shows. Immutable, thread-safe.
 *
 * @param schedule    id, name, time zone and layers; {@link Schedule#overrides()} is empty
 * @param description free text; null when unset
 * @param version     incremented by every update; an update names the version it read (optimistic concurrency)
 */
public record StoredSchedule(Schedule schedule, String description, long version) {
    public StoredSchedule {
        Objects.requireNonNull(schedule, "schedule");
        Objects.requireNonNull(schedule.id(), "schedule.id");
    }

    public String id() {
        return schedule.id();
    }
}
