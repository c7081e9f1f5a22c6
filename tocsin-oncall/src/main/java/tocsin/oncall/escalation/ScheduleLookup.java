package tocsin.oncall.escalation;

import java.util.Optional;

import tocsin.oncall.Schedule;

/**
 * Where the escalation engine finds a schedule named by an escalation rule. Owned here, implemented by whoever keeps
 * schedules (the directory); implementations are thread-safe.
 */
@FunctionalInterface
public interface ScheduleLookup {

    /** The schedule with this id, with its overrides; empty when there is none. */
    Optional<Schedule> schedule(String id);

    /** A lookup that knows no schedules. */
    static ScheduleLookup none() {
        return id -> Optional.empty();
    }
}
