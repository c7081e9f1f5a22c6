package tocsin.core.access;

import java.time.Instant;
import java.time.ZoneId;
import java.util.Objects;

/**
 * A person who can log in, be on call and be paged. Immutable; the password hash never leaves the store.
 *
 * @param id        PagerDuty-style object id
 * @param email     unique, stored lower-case; the login name
 * @param name      display name
 * @param role      base role
 * @param timeZone  the user's own zone, used to show times and for follow-the-sun layers
 * @param createdAt creation time
 * @param hasPassword whether the user can log in with a password
 */
public record User(String id, String email, String name, Role role, ZoneId timeZone, Instant createdAt,
                   boolean hasPassword) {
    public User {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(email, "email");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(timeZone, "timeZone");
        Objects.requireNonNull(createdAt, "createdAt");
    }
}
