package tocsin.oncall.escalation;

import java.util.Optional;

/**
 * Where paging finds the people escalation policies, incidents and REST callers name. Owned here, implemented by
 * whoever keeps users (today the access store, later the directory); implementations are thread-safe.
 */
public interface UserLookup {

    /** Whether a user with this id exists. */
    boolean exists(String id);

    /** A user's display name, for summaries. */
    Optional<String> name(String id);

    /** The id of the user with this e-mail address (PagerDuty's {@code From:} header). */
    Optional<String> idByEmail(String email);

    /** The accounts of an access store: the people paging knows (the directory's people are the same accounts). */
    static UserLookup of(tocsin.core.access.AccessStore access) {
        return new UserLookup() {
            @Override
            public boolean exists(String id) {
                return access.findUser(id).isPresent();
            }

            @Override
            public Optional<String> name(String id) {
                return access.findUser(id).map(tocsin.core.access.User::name);
            }

            @Override
            public Optional<String> idByEmail(String email) {
                return access.findUserByEmail(email).map(tocsin.core.access.User::id);
            }
        };
    }
}
