package tocsin.oncall;

import java.time.Instant;

/**
 * PagerDuty's schedule override ({@code /schedules/{id}/overrides}): {@code userId} is on call from {@code start} to
 * {@code end}, whatever the layers say. Where overrides overlap, the one created last wins, as PagerDuty documents;
 * {@link Schedule#overrides()} is in creation order. (Named {@code ScheduleOverride}, not {@code Override}: a type
 * called {@code Override} would shadow {@code java.lang.Override} for the whole package.) Immutable, thread-safe.
 *
 * @param id     PagerDuty's override id; null until stored
 * @param userId {@code user.id}
 * @param start  {@code start}, inclusive
 * @param end    {@code end}, exclusive; after {@code start}
 */
public record ScheduleOverride(String id, String userId, Instant start, Instant end) {

    public ScheduleOverride {
        Problems problems = new Problems();
        if (userId == null || userId.isBlank()) {
            problems.add("user.id", "is required");
        }
        problems.required("start", start);
        problems.required("end", end);
        if (start != null && end != null && !end.isAfter(start)) {
            problems.add("end", "must be after start (" + start + "), got " + end);
        }
        problems.throwIfAny();
    }
}
