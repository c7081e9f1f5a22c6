package tocsin.oncall.escalation;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import tocsin.oncall.Entry;
import tocsin.oncall.Schedule;
import tocsin.oncall.ScheduleRenderer;
import tocsin.oncall.paging.EscalationPolicy;
import tocsin.oncall.paging.Handoff;
import tocsin.oncall.paging.IncidentStore;
import tocsin.oncall.paging.PagingConfigStore;
import tocsin.oncall.paging.Service;
import tocsin.oncall.paging.Target;

/**
 * PagerDuty's on-call handoff notifications: when someone goes on call (or comes off call) for a schedule that an
 * escalation policy pages, a {@link Handoff} request is written for the delivery pipeline, if the policy asks for it
 * ({@code on_call_handoff_notifications}: {@code always}, or {@code if_has_services} when a service uses the
 * policy).
 *
 * <p>Design note. A durable cursor records how far the schedules were scanned. Each {@link #run} renders every such
 * schedule from the cursor to now and records the shift starts and ends in between, moving the cursor in the same
 * transaction (compare-and-set), so a handoff is recorded once even with several workers or a crash mid-run (the
 * idempotency key guards the rest). The first run only sets the cursor: past handoffs are never announced. After a
 * long outage only the last {@link #MAX_CATCH_UP} is scanned: a handoff announced a day late is noise. Thread-safe;
 * time from the injected clock.
 */
public final class HandoffNotifier {
    /** How far back a late run still announces handoffs. */
    public static final Duration MAX_CATCH_UP = Duration.ofDays(1);

    private final PagingConfigStore config;
    private final IncidentStore store;
    private final ScheduleLookup schedules;
    private final InstantSource clock;

    public HandoffNotifier(PagingConfigStore config, IncidentStore store, ScheduleLookup schedules,
                           InstantSource clock) {
        this.config = config;
        this.store = store;
        this.schedules = schedules;
        this.clock = clock;
    }

    /** Scans from the cursor to now; returns how many handoffs were recorded (0 when another worker won). */
    public int run() {
        Instant now = clock.instant();
        Optional<Instant> cursor = store.handoffCursor();
        if (cursor.isEmpty()) {
            store.recordHandoffs(null, now, List.of());
            return 0;
        }
        Instant from = cursor.get();
        if (!now.isAfter(from)) {
            return 0;
        }
        Instant scanFrom = from.isBefore(now.minus(MAX_CATCH_UP)) ? now.minus(MAX_CATCH_UP) : from;
        List<Handoff> found = new ArrayList<>();
        List<Service> services = config.services();
        Set<String> scanned = new LinkedHashSet<>();
        for (EscalationPolicy p : config.policies()) {
            boolean wanted = p.handoffNotifications().equals("always")
                    || services.stream().anyMatch(s -> s.policyId().equals(p.id()));
            if (!wanted) {
                continue;
            }
            for (Target t : p.allTargets()) {
                if (t.kind() != Target.Kind.SCHEDULE || !scanned.add(t.id())) {
                    continue;
                }
                Optional<Schedule> s = schedules.schedule(t.id());
                if (s.isEmpty()) {
                    continue;
                }
                for (Entry e : ScheduleRenderer.render(s.get(), scanFrom.minus(MAX_CATCH_UP), now.plus(MAX_CATCH_UP))
                        .finalSchedule().renderedScheduleEntries()) {
                    if (e.start().isAfter(scanFrom) && !e.start().isAfter(now)) {
                        found.add(Handoff.of(Handoff.Kind.ON_CALL, t.id(), e.userId(), p.id(), e.start(), now));
                    }
                    if (e.end().isAfter(scanFrom) && !e.end().isAfter(now)) {
                        found.add(Handoff.of(Handoff.Kind.OFF_CALL, t.id(), e.userId(), p.id(), e.end(), now));
                    }
                }
            }
        }
        return store.recordHandoffs(from, now, found) ? found.size() : 0;
    }
}
