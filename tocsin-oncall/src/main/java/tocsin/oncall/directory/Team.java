package tocsin.oncall.directory;

import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * A team: a named group of people, PagerDuty's {@code team}. Immutable, thread-safe.
 *
 * @param description free text; null when unset
 */
public record Team(String id, String name, String description) {
    public Team {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
    }

    /** A person's role within a team, PagerDuty's team membership roles. */
    public enum Role {
        OBSERVER, RESPONDER, MANAGER;

        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Optional<Role> parse(String s) {
            for (Role r : values()) {
                if (r.wireName().equals(s)) {
                    return Optional.of(r);
                }
            }
            return Optional.empty();
        }
    }

    /** One person's membership of one team. */
    public record Member(String teamId, String userId, Role role) {
        public Member {
            Objects.requireNonNull(teamId, "teamId");
            Objects.requireNonNull(userId, "userId");
            Objects.requireNonNull(role, "role");
        }
    }
}
