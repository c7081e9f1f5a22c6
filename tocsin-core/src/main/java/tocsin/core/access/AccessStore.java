package tocsin.core.access;

import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Keys, people and login sessions: what authentication needs from persistence.
 *
 * <p>Secrets (API keys, session tokens, passwords) are only ever stored hashed. Keys and session tokens are
 * high-entropy random strings, so a fast cryptographic hash is enough to find them; passwords are low-entropy and
 * are hashed with a slow, memory-hard function.
 *
 * <p>Implementations are thread-safe.
 */
public interface AccessStore {

    /** A key as just created: the only moment its secret is known. */
    record CreatedKey(ApiKey key, String secret) {
    }

    /** What a new user needs; {@code password} may be null for people who only get paged. */
    record NewUser(String email, String name, Role role, ZoneId timeZone, char[] password) {
    }

    /** A new login session: the token to hand to the browser, once. */
    record Session(String token, String userId, java.time.Instant expiresAt) {
    }

    /**
     * Creates a key. When {@code secret} is null a random one is generated; a caller-chosen secret (bootstrap)
     * must be at least 16 characters.
     *
     * @throws IllegalArgumentException when the name, scopes or secret are invalid, or the secret is already in use
     */
    default CreatedKey createKey(String name, Set<Scope> scopes, String createdBy, String secret) {
        return createKey(name, scopes, createdBy, secret, null);
    }

    /**
     * Creates a key with its own series limit ({@link ApiKey#maxSeries()}; null for the server's default).
     *
     * @throws IllegalArgumentException as {@link #createKey(String, Set, String, String)}, or for a limit below 1
     */
    CreatedKey createKey(String name, Set<Scope> scopes, String createdBy, String secret, Long maxSeries);

    /**
     * Sets an active key's series limit (null: back to the server's default). Returns the key as changed, or empty
     * when no active key has this id.
     *
     * @throws IllegalArgumentException for a limit below 1
     */
    Optional<ApiKey> setKeyMaxSeries(String id, Long maxSeries);

    /** The principal for an active key with this secret, or empty. */
    Optional<Principal> authenticateKey(String secret);

    List<ApiKey> listKeys();

    Optional<ApiKey> findKey(String id);

    /** Marks the key revoked. Returns false when no active key has this id. */
    boolean revokeKey(String id);

    /**
     * Creates a user.
     *
     * @throws IllegalArgumentException when a field is invalid or the e-mail is taken
     */
    User createUser(NewUser user);

    Optional<User> findUser(String id);

    Optional<User> findUserByEmail(String email);

    List<User> listUsers();

    /** Sets (or with null, removes) a user's password. Returns false when the user does not exist. */
    boolean setPassword(String userId, char[] password);

    /** The principal for this e-mail and password, or empty; never says which of the two was wrong. */
    Optional<Principal> authenticatePassword(String email, char[] password);

    Session createSession(String userId, Duration ttl);

    /** The principal for a live session token, or empty when unknown or expired. */
    Optional<Principal> authenticateSession(String token);

    /** Ends a session. Returns false when the token was not live. */
    boolean deleteSession(String token);

    /** True once any key or user exists: a data dir past its first start. */
    boolean isInitialized();
}
