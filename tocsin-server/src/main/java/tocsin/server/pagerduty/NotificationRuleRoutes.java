package tocsin.server.pagerduty;

import tocsin.core.access.Scope;
import tocsin.oncall.directory.ContactMethod;
import tocsin.oncall.directory.NotificationRule;
import tocsin.server.http.Access;
import tocsin.server.http.ApiProblem;
import tocsin.server.http.Dialect;
import tocsin.server.http.Exchange;
import tocsin.server.http.RouteTable;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

import static tocsin.server.pagerduty.DirectoryApi.guarded;

/**
 * PagerDuty's {@code /users/{id}/notification_rules}: {@code assignment_notification_rule}s with
 * {@code start_delay_in_minutes} (0 to a week), a {@code contact_method} of the same user and an {@code urgency}
 * ({@code high}, {@code low} or {@code any}); the list takes {@code ?urgency=} and {@code include[]=contact_methods}.
 * {@code PUT} changes only the fields it carries. Thread-safe.
 */
final class NotificationRuleRoutes {
    private static final int BODY_LIMIT = 16 * 1024;
    private static final long MAX_DELAY_MINUTES = 7 * 24 * 60;
    private static final Set<String> URGENCIES = Set.of("high", "low", "any");
    private static final String BASE = "/users/{id}/notification_rules";

    private final DirectoryApi api;

    NotificationRuleRoutes(DirectoryApi api) {
        this.api = api;
    }

    void register(RouteTable routes) {
        routes.family(Dialect.PAGERDUTY_REST)
                .get(BASE, Access.scope(Scope.READ), guarded(this::list))
                .post(BASE, Access.scope(Scope.WRITE), BODY_LIMIT, guarded(this::create))
                .get(BASE + "/{rule}", Access.scope(Scope.READ), guarded(this::get))
                .route(io.helidon.http.Method.PUT, BASE + "/{rule}", Access.scope(Scope.WRITE), BODY_LIMIT,
                        guarded(this::update))
                .delete(BASE + "/{rule}", Access.scope(Scope.WRITE), guarded(this::delete));
    }

    private void list(Exchange ex) {
        String userId = api.person(ex.pathParam("id")).id();
        NotificationRule.Urgency urgency = ex.query("urgency").map(String::strip).filter(s -> !s.isEmpty())
                .map(u -> NotificationRule.Urgency.parse(u).orElseThrow(() -> ApiProblem.invalidField("urgency",
                        "must be one of any, high, low, got '" + u + "'"))).orElse(null);
        boolean full = PdQuery.includes(ex, Set.of("contact_methods")).contains("contact_methods");
        Map<String, ContactMethod> methods = methods(userId);
        DirectoryJson json = api.json();
        ex.json(200, Map.of("notification_rules", api.people().notificationRules(userId, urgency).stream()
                .map(r -> json.rule(r, methods.get(r.contactMethodId()), full)).toList()));
    }

    private void get(Exchange ex) {
        NotificationRule rule = find(ex);
        boolean full = PdQuery.includes(ex, Set.of("contact_methods")).contains("contact_methods");
        answer(ex, 200, rule, full);
    }

    private void create(Exchange ex) {
        String userId = api.person(ex.pathParam("id")).id();
        PdFields f = PdFields.root(ex.jsonBody(), "notification_rule");
        NotificationRule.Draft draft = read(f, null);
        f.throwIfInvalid();
        NotificationRule created = DirectoryApi.within("notification_rule",
                        () -> api.people().createNotificationRule(userId, draft))
                .orElseThrow(() -> ApiProblem.notFound("User Not Found: no user with id " + userId));
        ex.response().header("Location", api.json().refs().self("users", userId) + "/notification_rules/"
                + created.id());
        answer(ex, 201, created, false);
    }

    private void update(Exchange ex) {
        NotificationRule old = find(ex);
        PdFields f = PdFields.root(ex.jsonBody(), "notification_rule");
        NotificationRule.Draft draft = read(f, old);
        f.throwIfInvalid();
        NotificationRule updated = DirectoryApi.within("notification_rule",
                        () -> api.people().updateNotificationRule(old.userId(), old.id(), draft))
                .orElseThrow(() -> notFound(old.id()));
        answer(ex, 200, updated, false);
    }

    private void delete(Exchange ex) {
        String userId = api.person(ex.pathParam("id")).id();
        if (!api.people().deleteNotificationRule(userId, ex.pathParam("rule"))) {
            throw notFound(ex.pathParam("rule"));
        }
        ex.noContent();
    }

    private void answer(Exchange ex, int status, NotificationRule rule, boolean full) {
        ContactMethod method = methods(rule.userId()).get(rule.contactMethodId());
        ex.json(status, Map.of("notification_rule", api.json().rule(rule, method, full)));
    }

    private Map<String, ContactMethod> methods(String userId) {
        Map<String, ContactMethod> byId = new HashMap<>();
        api.people().contactMethods(userId).forEach(c -> byId.put(c.id(), c));
        return byId;
    }

    private NotificationRule find(Exchange ex) {
        String userId = api.person(ex.pathParam("id")).id();
        return api.people().notificationRule(userId, ex.pathParam("rule"))
                .orElseThrow(() -> notFound(ex.pathParam("rule")));
    }

    /** The rule a request describes; {@code old} supplies what an update leaves out. */
    static NotificationRule.Draft read(PdFields f, NotificationRule old) {
        f.optText("type", 64).filter(t -> !t.equals("assignment_notification_rule"))
                .ifPresent(t -> f.error("type", "must be assignment_notification_rule, got '" + t + "'"));
        Long delay = f.optLong("start_delay_in_minutes", 0, MAX_DELAY_MINUTES).orElse(null);
        if (delay == null && !f.hasErrorOn("start_delay_in_minutes")) {
            if (old == null) {
                f.error("start_delay_in_minutes", "is required");
            } else {
                delay = (long) old.startDelayInMinutes();
            }
        }
        String contactMethod = f.optRefId("contact_method").orElse(old == null ? null : old.contactMethodId());
        if (contactMethod == null && !f.hasErrorOn("contact_method") && !f.hasErrorOn("contact_method.id")) {
            f.error("contact_method", "is required ({\"id\": \"...\", \"type\": \"email_contact_method_reference\"})");
        }
        NotificationRule.Urgency urgency = f.optEnum("urgency", URGENCIES).flatMap(NotificationRule.Urgency::parse)
                .orElse(old == null ? NotificationRule.Urgency.HIGH : old.urgency());
        if (!f.errors().isEmpty()) {
            return null;
        }
        return new NotificationRule.Draft(delay.intValue(), contactMethod, urgency);
    }

    private static ApiProblem notFound(String id) {
        return ApiProblem.notFound("Notification Rule Not Found: no notification rule with id " + id
                + " for this user");
    }
}
