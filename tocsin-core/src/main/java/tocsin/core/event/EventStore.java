package tocsin.core.event;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Where events are kept: the timeline Datadog's events API reads ({@code GET /api/v1/events}). Implementations are
 * thread-safe, and an event {@link #add added} is durable when the call returns.
 */
public interface EventStore {

    /** An event as stored, with the id the store gave it (increasing in the order events were added). */
    record Stored(long id, Event event) {
    }

    /**
     * What to list: events that happened in {@code [start, end]} (inclusive, as Datadog's API), newest first, at
     * most {@code limit} after skipping {@code offset} (a page).
     *
     * @param priority only events of this priority, or null for any
     * @param sources  only events of one of these source types (compared ignoring case), or empty for any
     * @param tags     only events carrying every one of these tags, or empty for any
     */
    record Query(Instant start, Instant end, Event.Priority priority, List<String> sources, List<String> tags,
                 int limit, int offset) {
        public Query {
            sources = List.copyOf(sources);
            tags = List.copyOf(tags);
            if (limit < 1 || offset < 0) {
                throw new IllegalArgumentException("limit must be at least 1 and offset at least 0, were " + limit
                        + " and " + offset);
            }
        }

        /** The first {@code limit} events. */
        public Query(Instant start, Instant end, Event.Priority priority, List<String> sources, List<String> tags,
                     int limit) {
            this(start, end, priority, sources, tags, limit, 0);
        }
    }

    /** Stores {@code event} and returns it with its id. */
    Stored add(Event event);

    /** The event with this id, if it is still kept. */
    Optional<Stored> find(long id);

    /** The events {@code query} selects, newest first. */
    List<Stored> list(Query query);

    /** Deletes the events that happened before {@code cutoff}; returns how many. */
    int deleteBefore(Instant cutoff);
}
