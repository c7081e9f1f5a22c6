package tocsin.monitor.downtime;

import tocsin.core.metric.SeriesKey;
import tocsin.monitor.Monitor;
import tocsin.query.TagFilter;
import tocsin.query.datadog.DatadogQueryEngine;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A Datadog v2 downtime: which monitors ({@code monitor_identifier}: one id, or every monitor carrying all of some
 * tags) and which of their groups ({@code scope}, a tag query such as {@code env:prod AND host:web-*}) are muted,
 * and when (one-off, or RRULE recurrences in a time zone). Muted groups keep being evaluated; their transitions notify
 * nobody. Immutable and thread-safe.
 *
 * <p>{@code id} is the v2 UUID; {@code v1Id} the integer the v1 API ({@code /api/v1/downtime}) knows the same downtime
 * by, 0 until the store assigns one (see {@link V1Downtime} for how the two views map).
 */
public record Downtime(String id, long v1Id, String scope, Long monitorId, List<String> monitorTags, Schedule schedule,
                       String message, String displayTimezone, boolean muteFirstRecoveryNotification,
                       List<String> notifyEndStates, List<String> notifyEndTypes, Instant created, Instant modified,
                       Instant canceled) {

    public Downtime {
        Objects.requireNonNull(scope, "scope");
        monitorTags = monitorTags == null ? List.of() : List.copyOf(monitorTags);
        if ((monitorId == null) == monitorTags.isEmpty()) {
            throw new IllegalArgumentException("a downtime names a monitor id or monitor tags, not both");
        }
        Objects.requireNonNull(schedule, "schedule");
        message = message == null ? "" : message;
        displayTimezone = displayTimezone == null ? "UTC" : displayTimezone;
        notifyEndStates = List.copyOf(notifyEndStates);
        notifyEndTypes = List.copyOf(notifyEndTypes);
    }

    /** This downtime under the ids a store assigned. */
    public Downtime withIds(String newId, long newV1Id) {
        return new Downtime(newId, newV1Id, scope, monitorId, monitorTags, schedule, message, displayTimezone,
                muteFirstRecoveryNotification, notifyEndStates, notifyEndTypes, created, modified, canceled);
    }

    /** This downtime canceled (and modified) at {@code at}. */
    public Downtime canceledAt(Instant at) {
        return new Downtime(id, v1Id, scope, monitorId, monitorTags, schedule, message, displayTimezone,
                muteFirstRecoveryNotification, notifyEndStates, notifyEndTypes, created, at, at);
    }

    /** When a downtime applies. */
    public sealed interface Schedule permits OneTime, Recurring {
    }

    /** From {@code start} until {@code end}, or for ever when {@code end} is null. */
    public record OneTime(Instant start, Instant end) implements Schedule {
        public OneTime {
            Objects.requireNonNull(start, "start");
            if (end != null && !end.isAfter(start)) {
                throw new IllegalArgumentException("end must be after start");
            }
        }
    }

    /** One RRULE recurrence: each occurrence starts as the rule says and lasts {@code duration}. */
    public record Recurrence(String rrule, Duration duration, LocalDateTime start) {
        public Recurrence {
            Rrule.parse(rrule);
            if (duration.isNegative() || duration.isZero()) {
                throw new IllegalArgumentException("duration must be positive");
            }
            Objects.requireNonNull(start, "start");
        }
    }

    /** Recurrences in a time zone. */
    public record Recurring(List<Recurrence> recurrences, ZoneId zone) implements Schedule {
        public Recurring {
            recurrences = List.copyOf(recurrences);
            if (recurrences.isEmpty()) {
                throw new IllegalArgumentException("recurrences must not be empty");
            }
            Objects.requireNonNull(zone, "zone");
        }
    }

    /** A period of downtime. */
    public record Period(Instant start, Instant end) {
    }

    /** The period in force at {@code now}, if any (never for a canceled downtime). */
    public Optional<Period> activeAt(Instant now) {
        if (canceled != null && !now.isBefore(canceled)) {
            return Optional.empty();
        }
        return switch (schedule) {
            case OneTime o -> !now.isBefore(o.start()) && (o.end() == null || now.isBefore(o.end()))
                    ? Optional.of(new Period(o.start(), o.end())) : Optional.empty();
            case Recurring r -> {
                for (Recurrence rec : r.recurrences()) {
                    List<ZonedDateTime> starts = Rrule.parse(rec.rrule()).startsUpTo(rec.start(), r.zone(),
                            now.atZone(r.zone()), 1);
                    if (!starts.isEmpty()) {
                        Instant s = starts.getLast().toInstant();
                        Instant e = starts.getLast().plus(rec.duration()).toInstant();
                        if (now.isBefore(e)) {
                            yield Optional.of(new Period(s, e));
                        }
                    }
                }
                yield Optional.empty();
            }
        };
    }

    /** Datadog's status: {@code canceled}, {@code active}, {@code ended} or {@code scheduled}. */
    public String status(Instant now) {
        if (canceled != null) {
            return "canceled";
        }
        if (activeAt(now).isPresent()) {
            return "active";
        }
        if (schedule instanceof OneTime o && o.end() != null && !now.isBefore(o.end())) {
            return "ended";
        }
        return "scheduled";
    }

    /** Whether this downtime names {@code monitor}: by its id, or by tags the monitor all carries. */
    public boolean appliesTo(Monitor monitor) {
        return monitorId != null ? monitorId == monitor.id()
                : monitorTags.equals(List.of("*")) || monitor.definition().tags().containsAll(monitorTags);
    }

    /** Whether this downtime mutes the group of {@code monitor} with these tags at {@code now}. */
    public boolean mutes(Monitor monitor, Map<String, String> groupTags, Instant now) {
        if (activeAt(now).isEmpty()) {
            return false;
        }
        if (!appliesTo(monitor)) {
            return false;
        }
        if (scope.isBlank() || scope.trim().equals("*")) {
            return true;
        }
        List<String> tags = groupTags.entrySet().stream().map(e -> e.getKey() + ":" + e.getValue()).toList();
        return scopeFilter(scope).matches(SeriesKey.of("downtime.scope", tags));
    }

    /**
     * Parses a downtime scope with the metric query language's scope grammar.
     *
     * @throws IllegalArgumentException naming the problem
     */
    public static TagFilter scopeFilter(String scope) {
        try {
            return DatadogQueryEngine.parse("downtime.scope{" + scope + "}").singleMetric()
                    .orElseThrow(() -> new IllegalArgumentException("not a tag scope")).filter();
        } catch (tocsin.query.QueryException e) {
            throw new IllegalArgumentException(e.getMessage().replaceFirst(" at column \\d+.*$", ""), e);
        }
    }
}
