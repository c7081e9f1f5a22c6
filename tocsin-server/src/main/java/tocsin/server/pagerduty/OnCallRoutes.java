package tocsin.server.pagerduty;

import tocsin.core.access.Scope;
import tocsin.oncall.escalation.OnCalls;
import tocsin.oncall.escalation.OnCalls.OnCall;
import tocsin.oncall.escalation.ScheduleLookup;
import tocsin.oncall.escalation.UserLookup;
import tocsin.oncall.paging.PagingConfigStore;
import tocsin.oncall.paging.Target;
import tocsin.server.http.Access;
import tocsin.server.http.ApiProblem;
import tocsin.server.http.Dialect;
import tocsin.server.http.Exchange;
import tocsin.server.http.RouteTable;

import java.time.Duration;
import java.time.InstantSource;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * PagerDuty's {@code GET /oncalls}: who is on call at which escalation level of which policy, from
 * {@code since} to {@code until} (both default to now), filtered by {@code user_ids[]},
 * {@code escalation_policy_ids[]}, {@code schedule_ids[]}, with {@code earliest=true} keeping only each user's
 * earliest on-call per policy and level, and times shown in {@code time_zone}. A user target is on call
 * permanently ({@code start}/{@code end} null); a schedule target is on call for its final schedule's shifts, shown
 * whole ({@link OnCalls}). Thread-safe.
 */
public final class OnCallRoutes {
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

        List<OnCall> kept = OnCalls.find(config.policies(), schedules, since, until,
                new OnCalls.Filter(userIds, policyIds, scheduleIds, earliest));
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
