package tocsin.core.access;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * What an API key may do. Scopes are independent grants, except {@link #ADMIN}, which implies all others.
 *
 * <ul>
 *   <li>{@link #INGEST}: send data (metrics, logs, events, alerts) through the intake routes.</li>
 *   <li>{@link #READ}: read configuration, incidents, metrics and logs.</li>
 *   <li>{@link #WRITE}: change configuration and incidents (acknowledge, resolve, create monitors...).</li>
 *   <li>{@link #ADMIN}: manage keys and users; implies every other scope.</li>
 * </ul>
 */
public enum Scope {
    INGEST, READ, WRITE, ADMIN;

    /** The lower-case name used on the wire and in the CLI. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses a wire name, case-insensitively. */
    public static Optional<Scope> parse(String s) {
        if (s == null) {
            return Optional.empty();
        }
        for (Scope scope : values()) {
            if (scope.wireName().equalsIgnoreCase(s.trim())) {
                return Optional.of(scope);
            }
        }
        return Optional.empty();
    }

    /** True when a holder of {@code granted} may act with {@code this} scope. */
    public boolean isGrantedBy(Set<Scope> granted) {
        return granted.contains(ADMIN) || granted.contains(this);
    }

    /** The effective set for a grant, with ADMIN expanded to everything. */
    public static Set<Scope> expand(Set<Scope> granted) {
        return granted.contains(ADMIN) ? EnumSet.allOf(Scope.class) : EnumSet.copyOf(granted.isEmpty() ? EnumSet.noneOf(Scope.class) : granted);
    }
}
