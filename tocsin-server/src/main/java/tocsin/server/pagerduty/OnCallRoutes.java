package tocsin.server.pagerduty;

import tocsin.core.access.Scope;
import tocsin.oncall.Entry;
import tocsin.oncall.Schedule;
import tocsin.oncall.ScheduleRenderer;
import tocsin.oncall.escalation.ScheduleLookup;
import tocsin.oncall.escalation.UserLookup;
import tocsin.oncall.paging.EscalationPolicy;
import tocsin.oncall.paging.PagingConfigStore;
import tocsin.oncall.paging.Target;
import tocsin.server.http.Access;
import tocsin.server.http.ApiProblem;
import tocsin.server.http.Dialect;
import tocsin.server.http.Exchange;
import tocsin.server.http.RouteTable;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * PagerDuty's {@code GET /oncalls}: who is on call at which escalation level of which policy, from
 * {@code since} to {@code until} (both default to now), filtered by {@code user_ids[]},
 * {@code escalation_policy_ids[]}, {@code schedule_ids[]}, with {@code earliest=true} keeping only each user's
 * earliest on-call per policy and level, and times shown in {@code time_zone}. A user target is on call
 * permanently ({@code start}/{@code end} null); a schedule target is on call for its final schedule's shifts, shown
 * whole (shifts are found in a window widened by {@link #SHIFT_MARGIN} on each side). Thread-safe.
 */
public final class OnCallRoutes {
    static final Duration SHIFT_MARGIN = Duration.ofDays(14);
    static final Duration MAX_WINDOW = Duration.ofDays(90);

    private final PagingConfigStore config;
    private final ScheduleLookup schedules;
    private final EscalationPolicyRoutes policies;
    private final UserLookup users;
    private final PdRefs refs;
    private final InstantSource clock;

    public OnCallRoutes(PagingConfigStore config, ScheduleLookup schedules, EscalationPolicyRoutes policies,
                        UserLookup users, PdRefs refs, InstantSource clock) {
        this.config = config;
        this.schedules = schedules;
        this.policies = policies;
        this.users = users;
        this.refs = refs;
        this.clock = clock;
    }

    public void register(RouteTable routes) {
        routes.family(Dialect.PAGERDUTY_REST).get("/oncalls", Access.scope(Scope.READ), this::list);
    }

    private record OnCall(EscalationPolicy policy, int level, String scheduleId, String userId, Instant start,
                          Instant end) {
    }

    private void list(Exchange ex) {
        PdPaging paging = PdPaging.of(ex);
        ZoneId zone = PdQuery.zone(ex, "time_zone", ZoneOffset.UTC);
        PdQuery.includes(ex, Set.of("users", "schedules", "escalation_policies"));
        Instant now = clock.instant();
        Instant since = PdQuery.instant(ex, "since", zone).orElse(now);
        Instant until = PdQuery.instant(ex, "until", zone).orElse(since.plusMillis(1));
        if (until.isBefore(since)) {
            throw ApiProblem.invalidField("until", "must not be before since");
        }
        if (Duration.between(since, until).compareTo(MAX_WINDOW) > 0) {
            throw ApiProblem.invalidField("until", "must be at most 90 days after since");
        }
        if (!until.isAfter(since)) {
            until = since.plusMillis(1);
        }
        List<String> userIds = PdQuery.list(ex, "user_ids");
        List<String> policyIds = PdQuery.list(ex, "escalation_policy_ids");
        List<String> scheduleIds = PdQuery.list(ex, "schedule_ids");
        boolean earliest = PdQuery.bool(ex, "earliest").orElse(false);

        List<OnCall> found = new ArrayList<>();
        Map<String, Optional<Schedule>> cache = new LinkedHashMap<>();
        for (EscalationPolicy p : config.policies()) {
            if (!policyIds.isEmpty() && !policyIds.contains(p.id())) {
                continue;
            }
            for (int level = 1; level <= p.rules().size(); level++) {
                for (Target t : p.level(level).targets()) {
                    if (t.kind() == Target.Kind.USER) {
                        if (scheduleIds.isEmpty()) {
                            found.add(new OnCall(p, level, null, t.id(), null, null));
                        }
                        continue;
                    }
                    if (!scheduleIds.isEmpty() && !scheduleIds.contains(t.id())) {
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
        List<OnCall> kept = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        found.sort(Comparator.comparing((OnCall o) -> o.policy().name()).thenComparingInt(OnCall::level)
                .thenComparing(o -> o.start() == null ? Instant.MIN : o.start()));
        for (OnCall o : found) {
            if (!userIds.isEmpty() && !userIds.contains(o.userId())) {
                continue;
            }
            if (earliest && !seen.add(o.userId() + "/" + o.policy().id() + "/" + o.level())) {
                continue;
            }
            kept.add(o);
        }
        DateTimeFormatter format = DateTimeFormatter.ISO_OFFSET_DATE_TIME;
        ex.json(200, paging.page("oncalls", kept.stream().map(o -> {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("escalation_policy", refs.ref("escalation_policy", "escalation_policies", o.policy().id(),
                    o.policy().name()));
            out.put("escalation_level", o.level());
            out.put("schedule", o.scheduleId() == null ? null : policies.target(Target.schedule(o.scheduleId())));
            out.put("user", refs.ref("user", "users", o.userId(), users.name(o.userId()).orElse(o.userId())));
            out.put("start", o.start() == null ? null : format.format(o.start().atZone(zone)));
            out.put("end", o.end() == null ? null : format.format(o.end().atZone(zone)));
            return out;
        }).toList()));
    }
}
