package tocsin.oncall;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * One stretch of on-call duty: {@code userId} is on call from {@code start} (inclusive) to {@code end} (exclusive).
 * PagerDuty's {@code rendered_schedule_entries[]} item. Immutable, thread-safe.
 */
public record Entry(String userId, Instant start, Instant end) {

    public Entry {
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(start, "start");
        Objects.requireNonNull(end, "end");
        if (!end.isAfter(start)) {
            throw new IllegalArgumentException("entry end " + end + " must be after its start " + start);
        }
    }

    public Duration duration() {
        return Duration.between(start, end);
    }

    /** Whether {@code instant} lies in {@code [start, end)}. */
    public boolean contains(Instant instant) {
        return !instant.isBefore(start) && instant.isBefore(end);
    }
}
