package tocsin.oncall.escalation;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

import tocsin.oncall.Entry;
import tocsin.oncall.Schedule;
import tocsin.oncall.ScheduleRenderer;
import tocsin.oncall.paging.EscalationPolicy;
import tocsin.oncall.paging.Target;

/**
 * Who is on call at which level of which escalation policy over a window: PagerDuty's {@code /oncalls}. A user
 * target is on call permanently (no start or end); a schedule target is on call for its final schedule's shifts
 * that overlap the window, each shown whole (shifts are found in the window widened by {@link #SHIFT_MARGIN} on each
 * side, so a shift longer than that is cut there). Stateless and thread-safe.
 */
public final class OnCalls {
    /** How far around the window a shift is looked for. */
    public static final Duration SHIFT_MARGIN = Duration.ofDays(14);

    private OnCalls() {
    }

    /**
     * One on-call: {@code user} at {@code level} of {@code policy}, through {@code scheduleId} (null for a user
     * target) from {@code start} to {@code end} (both null for a user target). Immutable.
     */
    public record OnCall(EscalationPolicy policy, int level, String scheduleId, String userId, Instant start,
                         Instant end) {
        public OnCall {
            Objects.requireNonNull(policy, "policy");
            Objects.requireNonNull(userId, "userId");
        }
    }

    /** Which on-calls to keep; empty lists keep all. Immutable. */
    public record Filter(List<String> userIds, List<String> policyIds, List<String> scheduleIds, boolean earliest) {
        public Filter {
            userIds = List.copyOf(userIds);
            policyIds = List.copyOf(policyIds);
            scheduleIds = List.copyOf(scheduleIds);
        }
    }

    /**
     * The on-calls of {@code policies} over {@code [since, until)}, sorted by policy name, level and start; with
     * {@code earliest}, only each user's first per policy and level. A schedule filter keeps only schedule on-calls.
     */
    public static List<OnCall> find(List<EscalationPolicy> policies, ScheduleLookup schedules, Instant since,
                                    Instant until, Filter filter) {
        if (!until.isAfter(since)) {
            throw new IllegalArgumentException("until must be after since");
        }
        List<OnCall> found = new ArrayList<>();
        Map<String, Optional<Schedule>> cache = new HashMap<>();
        for (EscalationPolicy p : policies) {
            if (!filter.policyIds().isEmpty() && !filter.policyIds().contains(p.id())) {
                continue;
            }
            for (int level = 1; level <= p.rules().size(); level++) {
                for (Target t : p.level(level).targets()) {
                    if (t.kind() == Target.Kind.USER) {
                        if (filter.scheduleIds().isEmpty()) {
                            found.add(new OnCall(p, level, null, t.id(), null, null));
                        }
                        continue;
                    }
                    if (!filter.scheduleIds().isEmpty() && !filter.scheduleIds().contains(t.id())) {
                        continue;
                    }
                    Optional<Schedule> s = cache.computeIfAbsent(t.id(), schedules::schedule);
                    if (s.isEmpty()) {
                        continue;
                    }
                    for (Entry e : ScheduleRenderer.render(s.get(), since.minus(SHIFT_MARGIN),
                            until.plus(SHIFT_MARGIN)).finalSchedule().renderedScheduleEntries()) {
                        if (e.start().isBefore(until) && e.end().isAfter(since)) {
                            found.add(new OnCall(p, level, t.id(), e.userId(), e.start(), e.end()));
                        }
                    }
                }
            }
        }
        found.sort(Comparator.comparing((OnCall o) -> o.policy().name()).thenComparingInt(OnCall::level)
                .thenComparing(o -> o.start() == null ? Instant.MIN : o.start()));
        List<OnCall> kept = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (OnCall o : found) {
            if (!filter.userIds().isEmpty() && !filter.userIds().contains(o.userId())) {
                continue;
            }
            if (filter.earliest() && !seen.add(o.userId() + "/" + o.policy().id() + "/" + o.level())) {
                continue;
            }
            kept.add(o);
        }
        return kept;
    }
}
