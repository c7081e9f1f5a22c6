package tocsin.server.pagerduty;

import tocsin.core.access.Scope;
import tocsin.oncall.escalation.ScheduleLookup;
import tocsin.oncall.escalation.TargetCheck;
import tocsin.oncall.escalation.UserLookup;
import tocsin.oncall.paging.EscalationPolicy;
import tocsin.oncall.paging.EscalationRule;
import tocsin.oncall.paging.PagingConfigStore;
import tocsin.oncall.paging.PagingException;
import tocsin.oncall.paging.Service;
import tocsin.oncall.paging.Target;
import tocsin.server.http.Access;
import tocsin.server.http.ApiProblem;
import tocsin.server.http.Dialect;
import tocsin.server.http.Exchange;
import tocsin.server.http.RouteTable;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * PagerDuty's {@code /escalation_policies}: list ({@code query}, paging), create, get, update, delete. Every user
 * and schedule a policy names must exist when it is stored; a policy that services still use cannot be deleted.
 * Thread-safe.
 */
public final class EscalationPolicyRoutes {
    private final PagingConfigStore config;
    private final UserLookup users;
    private final ScheduleLookup schedules;
    private final PdRefs refs;

    public EscalationPolicyRoutes(PagingConfigStore config, UserLookup users, ScheduleLookup schedules, PdRefs refs) {
        this.config = config;
        this.users = users;
        this.schedules = schedules;
        this.refs = refs;
    }

    public void register(RouteTable routes) {
        routes.family(Dialect.PAGERDUTY_REST)
                .get("/escalation_policies", Access.scope(Scope.READ), PagingErrors.mapped(this::list))
                .post("/escalation_policies", Access.scope(Scope.WRITE), PagingErrors.mapped(this::create))
                .get("/escalation_policies/{id}", Access.scope(Scope.READ), PagingErrors.mapped(this::get))
                .put("/escalation_policies/{id}", Access.scope(Scope.WRITE), PagingErrors.mapped(this::update))
                .delete("/escalation_policies/{id}", Access.scope(Scope.WRITE), PagingErrors.mapped(this::delete));
    }

    private void list(Exchange ex) {
        PdPaging paging = PdPaging.of(ex);
        String query = ex.query("query").orElse("").toLowerCase(Locale.ROOT);
        List<String> userIds = PdQuery.list(ex, "user_ids");
        List<Service> services = config.services();
        List<Map<String, Object>> out = new ArrayList<>();
        for (EscalationPolicy p : config.policies()) {
            boolean named = p.name().toLowerCase(Locale.ROOT).contains(query);
            boolean hasUser = userIds.isEmpty() || p.allTargets().stream()
                    .anyMatch(t -> t.kind() == Target.Kind.USER && userIds.contains(t.id()));
            if (named && hasUser) {
                out.add(render(p, services));
            }
        }
        ex.json(200, paging.page("escalation_policies", out));
    }

    private void get(Exchange ex) {
        ex.json(200, Map.of("escalation_policy", render(find(ex.pathParam("id")), config.services())));
    }

    private void create(Exchange ex) {
        EscalationPolicy p = parse(PdFields.root(ex.jsonBody(), "escalation_policy"), null, 0);
        ex.json(201, Map.of("escalation_policy", render(config.savePolicy(p), config.services())));
    }

    private void update(Exchange ex) {
        EscalationPolicy existing = find(ex.pathParam("id"));
        EscalationPolicy p = parse(PdFields.root(ex.jsonBody(), "escalation_policy"), existing, existing.version());
        ex.json(200, Map.of("escalation_policy", render(config.savePolicy(p), config.services())));
    }

    private void delete(Exchange ex) {
        if (!config.deletePolicy(ex.pathParam("id"))) {
            throw ApiProblem.notFound("Escalation policy " + ex.pathParam("id") + " not found");
        }
        ex.noContent();
    }

    private EscalationPolicy find(String id) {
        return config.policy(id).orElseThrow(() -> ApiProblem.notFound("Escalation policy " + id + " not found"));
    }

    /** A policy from a request; absent fields keep {@code base}'s values on update. */
    private EscalationPolicy parse(PdFields f, EscalationPolicy base, long version) {
        String name = base == null ? f.text("name", 255) : f.optText("name", 255).orElse(base.name());
        String description = f.optText("description", 1024).orElse(base == null ? null : base.description());
        int loops = f.optLong("num_loops", 0, EscalationPolicy.MAX_LOOPS).map(Long::intValue)
                .orElse(base == null ? 0 : base.numLoops());
        String handoff = f.optEnum("on_call_handoff_notifications", EscalationPolicy.HANDOFF_VALUES)
                .orElse(base == null ? null : base.handoffNotifications());
        List<EscalationRule> rules = new ArrayList<>();
        if (!f.has("escalation_rules") && base != null) {
            rules.addAll(base.rules());
        } else {
            List<PdFields> items = f.objects("escalation_rules");
            for (int i = 0; i < items.size(); i++) {
                EscalationRule r = rule(items.get(i));
                if (r != null) {
                    rules.add(r);
                }
            }
            if (items.isEmpty() && f.errors().isEmpty()) {
                f.error("escalation_rules", "must contain at least one rule");
            }
        }
        f.throwIfInvalid();
        EscalationPolicy policy = at(f.at(""), () -> new EscalationPolicy(base == null ? null : base.id(), name,
                description, loops, handoff, rules, version, null));
        TargetCheck.check(policy, users, schedules);
        return policy;
    }

    private static EscalationRule rule(PdFields r) {
        Long delay = r.optLong("escalation_delay_in_minutes", 1, EscalationRule.MAX_DELAY_MINUTES).orElse(null);
        if (delay == null && !r.has("escalation_delay_in_minutes")) {
            r.error("escalation_delay_in_minutes", "is required");
        }
        List<Target> targets = new ArrayList<>();
        for (PdFields t : r.objects("targets")) {
            String id = t.text("id", 64);
            String type = t.text("type", 64);
            if (type != null && Target.Kind.parse(type).isEmpty()) {
                t.error("type", "must be user_reference or schedule_reference, got '" + type + "'");
            } else if (id != null && type != null) {
                targets.add(new Target(Target.Kind.parse(type).orElseThrow(), id));
            }
        }
        if (targets.isEmpty() && !r.has("targets")) {
            r.error("targets", "must name at least one user or schedule");
        } else if (targets.isEmpty() && r.errors().stream().noneMatch(e -> e.startsWith(r.at("targets")))) {
            r.error("targets", "must name at least one user or schedule");
        }
        EscalationRule.Assignment assignment = r.object("escalation_rule_assignment_strategy")
                .flatMap(s -> s.optEnum("type", Set.of("assign_to_everyone", "round_robin")))
                .flatMap(EscalationRule.Assignment::parse).orElse(EscalationRule.Assignment.ASSIGN_TO_EVERYONE);
        if (delay == null || targets.isEmpty()) {
            return null;
        }
        String id = r.optText("id", 32).orElse(null);
        return at(r.at(""), () -> new EscalationRule(id, delay.intValue(), targets, assignment));
    }

    /** Builds a value, prefixing its problems with the path it sits at in the request. */
    static <T> T at(String path, Supplier<T> build) {
        try {
            return build.get();
        } catch (PagingException.Invalid e) {
            String prefix = path.endsWith(".") ? path : path + ".";
            throw new PagingException.Invalid(e.problems().stream().map(p -> prefix + p).toList());
        }
    }

    Map<String, Object> render(EscalationPolicy p, List<Service> services) {
        Map<String, Object> out = refs.object("escalation_policy", "escalation_policies", p.id(), p.name());
        out.put("name", p.name());
        out.put("description", p.description());
        out.put("num_loops", p.numLoops());
        out.put("on_call_handoff_notifications", p.handoffNotifications());
        List<Map<String, Object>> rules = new ArrayList<>();
        for (EscalationRule r : p.rules()) {
            Map<String, Object> rule = new LinkedHashMap<>();
            rule.put("id", r.id());
            rule.put("escalation_delay_in_minutes", r.delayMinutes());
            rule.put("targets", r.targets().stream().map(this::target).toList());
            rule.put("escalation_rule_assignment_strategy", Map.of("type", r.assignment().wireName()));
            rules.add(rule);
        }
        out.put("escalation_rules", rules);
        out.put("services", services.stream().filter(s -> s.policyId().equals(p.id()))
                .map(s -> refs.ref("service", "services", s.id(), s.name())).toList());
        out.put("teams", List.of());
        out.put("created_at", p.createdAt() == null ? null : p.createdAt().toString());
        return out;
    }

    Map<String, Object> target(Target t) {
        return t.kind() == Target.Kind.USER
                ? refs.ref("user", "users", t.id(), users.name(t.id()).orElse(t.id()))
                : refs.ref("schedule", "schedules", t.id(), schedules.schedule(t.id())
                .map(s -> s.name() == null ? t.id() : s.name()).orElse(t.id()));
    }
}
