package tocsin.core.access;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * A person's base role, named as PagerDuty names its base roles. Each role grants a fixed set of scopes:
 *
 * <pre>
 *   owner      everything, and cannot be demoted by an admin
 *   admin      everything: users, keys, configuration, incidents
 *   manager    read, write configuration and incidents, ingest (PagerDuty REST role "user")
 *   responder  read, act on incidents (PagerDuty REST role "limited_user")
 *   observer   read only
 * </pre>
 *
 * Responders get {@link Scope#WRITE} at this level; finer incident-only limits belong to the on-call module.
 */
public enum Role {
    OWNER("owner", EnumSet.allOf(Scope.class)),
    ADMIN("admin", EnumSet.allOf(Scope.class)),
    MANAGER("user", EnumSet.of(Scope.READ, Scope.WRITE, Scope.INGEST)),
    RESPONDER("limited_user", EnumSet.of(Scope.READ, Scope.WRITE)),
    OBSERVER("observer", EnumSet.of(Scope.READ));

    private final String pagerDutyName;
    private final Set<Scope> scopes;

    Role(String pagerDutyName, Set<Scope> scopes) {
        this.pagerDutyName = pagerDutyName;
        this.scopes = scopes;
    }

    /** Tocsin's own lower-case name ("manager"). */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The name PagerDuty's REST API uses for this role ("user" for manager). */
    public String pagerDutyName() {
        return pagerDutyName;
    }

    public Set<Scope> scopes() {
        return EnumSet.copyOf(scopes);
    }

    /** Accepts Tocsin's names and PagerDuty's REST names. */
    public static Optional<Role> parse(String s) {
        if (s == null) {
            return Optional.empty();
        }
        String v = s.trim();
        for (Role r : values()) {
            if (r.wireName().equalsIgnoreCase(v) || r.pagerDutyName.equalsIgnoreCase(v)) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }
}
