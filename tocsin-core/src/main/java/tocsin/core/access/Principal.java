package tocsin.core.access;

import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * Who is making a request: an API key or a logged-in user. Immutable.
 *
 * @param kind    how the caller proved itself
 * @param id      the key id or user id
 * @param name    a human label (key name, user e-mail) for logs and timelines
 * @param scopes  the effective scopes (ADMIN already expanded)
 * @param maxSeries an API key's own limit of metric series its requests may have created, or null for the server's
 *                  default
 */
public record Principal(Kind kind, String id, String name, Set<Scope> scopes, Long maxSeries) {

    public enum Kind { API_KEY, USER }

    public Principal {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        scopes = Set.copyOf(Scope.expand(scopes.isEmpty() ? EnumSet.noneOf(Scope.class) : EnumSet.copyOf(scopes)));
    }

    /** A principal under the server's default series limit. */
    public Principal(Kind kind, String id, String name, Set<Scope> scopes) {
        this(kind, id, name, scopes, null);
    }

    public boolean has(Scope scope) {
        return scope.isGrantedBy(scopes);
    }
}
