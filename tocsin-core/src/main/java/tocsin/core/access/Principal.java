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
 */
public record Principal(Kind kind, String id, String name, Set<Scope> scopes) {

    public enum Kind { API_KEY, USER }

    public Principal {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        scopes = Set.copyOf(Scope.expand(scopes.isEmpty() ? EnumSet.noneOf(Scope.class) : EnumSet.copyOf(scopes)));
    }

    public boolean has(Scope scope) {
        return scope.isGrantedBy(scopes);
    }
}
