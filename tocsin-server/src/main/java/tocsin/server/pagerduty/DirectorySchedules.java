package tocsin.server.pagerduty;

import tocsin.oncall.Schedule;
import tocsin.oncall.directory.ScheduleStore;
import tocsin.oncall.escalation.ScheduleLookup;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Optional;

/**
 * The escalation engine's and {@code /oncalls}' view of the directory's schedules: a stored schedule with the
 * overrides that overlap the window anyone asks about — from {@link #PAST} ago (a shift that began then is still
 * rendered whole) to {@link #AHEAD} ahead ({@code /oncalls} answers at most 90 days, as PagerDuty). Thread-safe.
 */
public final class DirectorySchedules implements ScheduleLookup {
    static final Duration PAST = Duration.ofDays(30);
    static final Duration AHEAD = Duration.ofDays(91);

    private final ScheduleStore store;
    private final InstantSource clock;

    private DirectorySchedules(ScheduleStore store, InstantSource clock) {
        this.store = store;
        this.clock = clock;
    }

    public static ScheduleLookup over(ScheduleStore store, InstantSource clock) {
        return new DirectorySchedules(store, clock);
    }

    @Override
    public Optional<Schedule> schedule(String id) {
        Instant now = clock.instant();
        return store.schedule(id).map(s -> s.schedule().withOverrides(
                store.overrides(id, now.minus(PAST), now.plus(AHEAD))));
    }
}
