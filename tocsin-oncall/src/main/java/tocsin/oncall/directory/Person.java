package tocsin.oncall.directory;

import java.time.Instant;
import java.time.ZoneId;
import java.util.Objects;

import tocsin.core.access.Role;

/**
 * A person as the on-call directory sees them: Tocsin's account ({@code tocsin.core.access.User}, the same row)
 * with PagerDuty's profile fields. One set of people, two APIs. Immutable, thread-safe.
 *
 * @param id          PagerDuty-style object id, the account's id
 * @param email       unique, lower-case
 * @param name        display name
 * @param role        base role (PagerDuty's {@code owner}, {@code admin}, {@code user}, {@code limited_user},
 *                    {@code observer})
 * @param timeZone    the person's own zone
 * @param color       PagerDuty's schedule color, e.g. {@code green}; null when unset
 * @param description free text; null when unset
 * @param jobTitle    free text; null when unset
 * @param createdAt   when the account was created
 */
public record Person(String id, String email, String name, Role role, ZoneId timeZone, String color,
                     String description, String jobTitle, Instant createdAt) {
    public Person {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(email, "email");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(timeZone, "timeZone");
        Objects.requireNonNull(createdAt, "createdAt");
    }

    /**
     * What a person is made of when created or replaced. The HTTP layer validates fields; the store normalises the
     * e-mail and enforces its uniqueness.
     */
    public record Draft(String email, String name, Role role, ZoneId timeZone, String color, String description,
                        String jobTitle) {
        public Draft {
            Objects.requireNonNull(email, "email");
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(role, "role");
            Objects.requireNonNull(timeZone, "timeZone");
        }
    }
}
