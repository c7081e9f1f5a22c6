package tocsin.oncall.directory;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import tocsin.oncall.Layer;
import tocsin.oncall.ScheduleOverride;

/**
 * Schedules, their overrides and calendar feeds: what the on-call directory needs from persistence.
 *
 * <p>Layers are stored in their given order with their ids (a layer without one gets a new id). Every person a layer
 * or override names must exist; the store refuses the change otherwise, so the caller checks first to name the
 * field. Updates are optimistic: each names the {@link StoredSchedule#version()} it read, and a concurrent update
 * makes the later one fail with {@link DirectoryException.Stale}, never a mix of both. Implementations are
 * thread-safe.
 */
public interface ScheduleStore {

    /** A schedule as created or replaced. */
    record Draft(String name, String description, java.time.ZoneId timeZone, List<Layer> layers) {
        public Draft {
            java.util.Objects.requireNonNull(name, "name");
            java.util.Objects.requireNonNull(timeZone, "timeZone");
            layers = List.copyOf(layers);
        }
    }

    /** A calendar feed: the unguessable token that proves the right to read a schedule's or person's shifts. */
    record Feed(Kind kind, String ownerId, String token) {
        /** Whose shifts a feed shows. */
        public enum Kind { SCHEDULE, USER }
    }

    /** By name, then id; {@code query} a case-insensitive substring of the name. */
    Page<StoredSchedule> schedules(String query, int offset, int limit);

    Optional<StoredSchedule> schedule(String id);

    /** The schedules whose layers name {@code userId}, by name. */
    List<StoredSchedule> schedulesWith(String userId);

    StoredSchedule createSchedule(Draft draft);

    /**
     * Replaces a schedule's name, description, zone and layers (keeping the overrides).
     *
     * @return empty when there is no such schedule
     * @throws DirectoryException.Stale when its version is no longer {@code expectedVersion}
     */
    Optional<StoredSchedule> updateSchedule(String id, long expectedVersion, Draft draft);

    /** Deletes a schedule with its layers, overrides and feed. */
    boolean deleteSchedule(String id);

    /**
     * The overrides overlapping {@code [since, until)}, in creation order (the last created wins where they
     * overlap).
     */
    List<ScheduleOverride> overrides(String scheduleId, Instant since, Instant until);

    /**
     * Stores overrides in the given order, each with a new id.
     *
     * @return the stored overrides; empty when there is no such schedule
     */
    Optional<List<ScheduleOverride>> addOverrides(String scheduleId, List<ScheduleOverride> overrides);

    boolean deleteOverride(String scheduleId, String overrideId);

    /** The feed of a schedule or person, created with a new random token on first use. */
    Feed feed(Feed.Kind kind, String ownerId);

    /** The feed a token opens, or empty. */
    Optional<Feed> feedByToken(String token);
}
