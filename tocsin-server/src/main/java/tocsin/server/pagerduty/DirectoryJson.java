package tocsin.server.pagerduty;

import tocsin.oncall.directory.ContactMethod;
import tocsin.oncall.directory.NotificationRule;
import tocsin.oncall.directory.Person;
import tocsin.oncall.directory.Team;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The on-call directory's objects in PagerDuty's REST shapes (users, contact methods, notification rules, teams) and
 * references to them, as PagerDuty's v2 API reference and its clients' structs (go-pagerduty, the Terraform
 * provider) have them. Immutable, thread-safe.
 */
final class DirectoryJson {
    private final PdRefs refs;

    DirectoryJson(PdRefs refs) {
        this.refs = refs;
    }

    PdRefs refs() {
        return refs;
    }

    Map<String, Object> userRef(String id, String name) {
        return refs.ref("user", "users", id, name);
    }

    Map<String, Object> userRef(Person p) {
        return userRef(p.id(), p.name());
    }

    /**
     * A full user object. Each of the three lists is rendered as references, or as full objects when the caller
     * asked to {@code include[]} them.
     */
    Map<String, Object> user(Person p, List<ContactMethod> contacts, List<NotificationRule> rules,
                             List<Team> teams, java.util.Set<String> includes) {
        Map<String, Object> m = refs.object("user", "users", p.id(), p.name());
        m.put("name", p.name());
        m.put("email", p.email());
        m.put("time_zone", p.timeZone().getId());
        m.put("color", p.color());
        m.put("avatar_url", null);
        m.put("role", p.role().pagerDutyName());
        m.put("description", p.description());
        m.put("invitation_sent", false);
        m.put("job_title", p.jobTitle());
        m.put("created_at", p.createdAt().toString());
        m.put("teams", teams.stream().map(t -> includes.contains("teams") ? team(t) : teamRef(t)).toList());
        m.put("contact_methods", contacts.stream()
                .map(c -> includes.contains("contact_methods") ? contactMethod(c) : contactMethodRef(c)).toList());
        Map<String, ContactMethod> byId = new java.util.HashMap<>();
        contacts.forEach(c -> byId.put(c.id(), c));
        m.put("notification_rules", rules.stream().map(r -> includes.contains("notification_rules")
                ? rule(r, byId.get(r.contactMethodId()), includes.contains("contact_methods")) : ruleRef(r)).toList());
        m.put("coordinated_incidents", List.of());
        return m;
    }

    Map<String, Object> contactMethodRef(ContactMethod c) {
        Map<String, Object> m = head(c.type().wireName() + "_reference", c.id(), c.label(), contactSelf(c));
        m.put("html_url", null);
        return m;
    }

    Map<String, Object> contactMethod(ContactMethod c) {
        Map<String, Object> m = head(c.type().wireName(), c.id(), c.label(), contactSelf(c));
        m.put("html_url", null);
        m.put("label", c.label());
        m.put("address", c.address());
        switch (c.type()) {
            case EMAIL -> {
                m.put("send_short_email", false);
                m.put("send_html_email", true);
            }
            case PHONE -> {
                m.put("country_code", c.countryCode());
                m.put("blacklisted", false);
            }
            case SMS -> {
                m.put("country_code", c.countryCode());
                m.put("enabled", true);
                m.put("blacklisted", false);
            }
            case PUSH_NOTIFICATION -> m.put("created_at", c.createdAt().toString());
        }
        return m;
    }

    Map<String, Object> ruleRef(NotificationRule r) {
        Map<String, Object> m = head("assignment_notification_rule_reference", r.id(), ruleSummary(r), ruleSelf(r));
        m.put("html_url", null);
        return m;
    }

    /**
     * A full notification rule. Its contact method is a typed reference, or the full object when {@code full}
     * (PagerDuty's {@code include[]=contact_methods}); {@code method} null gives an untyped reference.
     */
    Map<String, Object> rule(NotificationRule r, ContactMethod method, boolean full) {
        Map<String, Object> m = head("assignment_notification_rule", r.id(), ruleSummary(r), ruleSelf(r));
        m.put("html_url", null);
        m.put("start_delay_in_minutes", r.startDelayInMinutes());
        if (method == null) {
            // read a moment apart from the rule, the method was deleted (taking the rule with it) or just created
            m.put("contact_method", Map.of("id", r.contactMethodId(), "type", "contact_method_reference"));
        } else {
            m.put("contact_method", full ? contactMethod(method) : contactMethodRef(method));
        }
        m.put("urgency", r.urgency().wireName());
        return m;
    }

    Map<String, Object> teamRef(Team t) {
        return refs.ref("team", "teams", t.id(), t.name());
    }

    Map<String, Object> team(Team t) {
        Map<String, Object> m = refs.object("team", "teams", t.id(), t.name());
        m.put("name", t.name());
        m.put("description", t.description());
        m.put("parent", null);
        return m;
    }

    private String contactSelf(ContactMethod c) {
        return refs.self("users", c.userId()) + "/contact_methods/" + c.id();
    }

    private String ruleSelf(NotificationRule r) {
        return refs.self("users", r.userId()) + "/notification_rules/" + r.id();
    }

    private static String ruleSummary(NotificationRule r) {
        return r.startDelayInMinutes() + " minutes: channel " + r.contactMethodId();
    }

    private static Map<String, Object> head(String type, String id, String summary, String self) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", id);
        m.put("type", type);
        m.put("summary", summary);
        m.put("self", self);
        return m;
    }
}
