package tocsin.core.event;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One event, as DogStatsD's {@code _e} datagram and Datadog's {@code POST /api/v1/events} carry it: something that
 * happened (a deploy, a failover, a job's end) on the timeline beside the metrics.
 *
 * <p>Immutable and thread-safe.
 *
 * @param title          the title, never empty
 * @param text           the body; may be empty
 * @param timestamp      when it happened (the intake time when the sender gave none)
 * @param host           the host it concerns; empty when none
 * @param aggregationKey groups related events; empty when none
 * @param priority       normal or low
 * @param sourceType     the source type name ({@code jenkins}); empty when none
 * @param alertType      error, warning, info or success
 * @param tags           normalised tags, sorted, without duplicates
 */
public record Event(String title, String text, Instant timestamp, String host, String aggregationKey,
                    Priority priority, String sourceType, AlertType alertType, List<String> tags) {

    public Event {
        Objects.requireNonNull(title, "title");
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(timestamp, "timestamp");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(aggregationKey, "aggregationKey");
        Objects.requireNonNull(priority, "priority");
        Objects.requireNonNull(sourceType, "sourceType");
        Objects.requireNonNull(alertType, "alertType");
        tags = tags.stream().distinct().sorted().toList();
    }

    public enum Priority {
        NORMAL, LOW
    }

    /** Datadog's alert types; DogStatsD sends only the first four. */
    public enum AlertType {
        ERROR, WARNING, INFO, SUCCESS, USER_UPDATE, RECOMMENDATION, SNAPSHOT
    }
}
