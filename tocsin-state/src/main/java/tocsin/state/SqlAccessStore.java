package tocsin.state;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;


import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import tocsin.core.Ids;
import tocsin.core.access.AccessStore;
import tocsin.core.access.ApiKey;
import tocsin.core.access.Principal;
import tocsin.core.access.Role;
import tocsin.core.access.Scope;
import tocsin.core.access.User;

/**
 * {@link AccessStore} on the tables of migration V001 ({@code api_key}, {@code app_user}, {@code user_session}),
 * in portable SQL.
 *
 * <p>Secrets are stored as SHA-256 ({@link Secrets}), passwords as Argon2id ({@link PasswordHasher}); a password is
 * hashed before a connection is taken, so slow hashing never holds one. Timestamps are the injected clock's, in
 * epoch milliseconds: returned objects compare equal to what a later read returns. Keys are listed in creation
 * order, users by e-mail. Expired sessions are deleted when they are next presented and whenever a session is
 * created. Changing or removing a user's password ends all of that user's sessions.
 *
 * <p>Thread-safe: no mutable state besides the pool; each call runs on its own connection, and the one
 * read-then-write rule (unique e-mail and secret) is enforced by unique constraints, not by checks.
 */
final class SqlAccessStore implements AccessStore {

    private static final Logger log = LoggerFactory.getLogger(SqlAccessStore.class);

    private static final String KEY_COLUMNS = "id, name, hint, scopes, created_at, created_by, revoked_at, max_series";
    private static final String USER_COLUMNS = "id, email, name, role, time_zone, password_hash, created_at";
    private static final int HINT_LENGTH = 4;

    private final Jdbc jdbc;
    private final Dialect dialect;
    private final InstantSource clock;
    private final PasswordHasher passwords;

    SqlAccessStore(Jdbc jdbc, InstantSource clock, PasswordHasher passwords) {
        this.jdbc = jdbc;
        this.dialect = jdbc.dialect();
        this.clock = clock;
        this.passwords = passwords;
    }

    // ---- API keys

    @Override
    public CreatedKey createKey(String name, Set<Scope> scopes, String createdBy, String secret, Long maxSeries) {
        String label = AccessFields.name(name);
        AccessFields.maxSeries(maxSeries);
        Set<Scope> granted = AccessFields.scopes(scopes);
        String creator = AccessFields.createdBy(createdBy);
        String s = secret == null ? Secrets.newApiKeySecret() : AccessFields.secret(secret);
        ApiKey key = new ApiKey(Ids.newObjectId(), label, s.substring(0, HINT_LENGTH) + "…", granted, now(), creator,
                null, maxSeries);
        transaction("create API key", c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO api_key (id, name, hint, secret_sha256, "
                    + "scopes, created_at, created_by, revoked_at, max_series) VALUES (?, ?, ?, ?, ?, ?, ?, NULL, ?)")) {
                ps.setString(1, key.id());
                ps.setString(2, key.name());
                ps.setString(3, key.hint());
                ps.setString(4, Secrets.sha256Hex(s));
                ps.setString(5, formatScopes(granted));
                ps.setLong(6, key.createdAt().toEpochMilli());
                ps.setString(7, key.createdBy());
                ps.setObject(8, maxSeries, java.sql.Types.BIGINT);
                ps.executeUpdate();
            } catch (SQLException e) {
                if (dialect.isUniqueViolation(e)) {
                    throw new IllegalArgumentException("secret: already in use");
                }
                throw e;
            }
            return null;
        });
        return new CreatedKey(key, s);
    }

    @Override
    public Optional<Principal> authenticateKey(String secret) {
        if (secret == null || secret.isEmpty() || secret.length() > AccessFields.MAX_SECRET_LENGTH) {
            return Optional.empty();
        }
        Optional<ApiKey> key = queryOne("authenticate API key", "SELECT " + KEY_COLUMNS
                + " FROM api_key WHERE secret_sha256 = ? AND revoked_at IS NULL", SqlAccessStore::readKey,
                Secrets.sha256Hex(secret));
        return key.map(k -> new Principal(Principal.Kind.API_KEY, k.id(), k.name(), k.scopes(), k.maxSeries()));
    }

    @Override
    public Optional<ApiKey> setKeyMaxSeries(String id, Long maxSeries) {
        AccessFields.maxSeries(maxSeries);
        return transaction("set API key series limit", c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE api_key SET max_series = ? WHERE id = ? AND revoked_at IS NULL")) {
                ps.setObject(1, maxSeries, java.sql.Types.BIGINT);
                ps.setString(2, id);
                if (ps.executeUpdate() == 0) {
                    return Optional.<ApiKey>empty();
                }
            }
            return Jdbc.one(c, "SELECT " + KEY_COLUMNS + " FROM api_key WHERE id = ?", SqlAccessStore::readKey, id);
        });
    }

    @Override
    public List<ApiKey> listKeys() {
        return query("list API keys", "SELECT " + KEY_COLUMNS + " FROM api_key ORDER BY created_at, id",
                SqlAccessStore::readKey);
    }

    @Override
    public Optional<ApiKey> findKey(String id) {
        if (id == null) {
            return Optional.empty();
        }
        return queryOne("find API key", "SELECT " + KEY_COLUMNS + " FROM api_key WHERE id = ?",
                SqlAccessStore::readKey, id);
    }

    @Override
    public boolean revokeKey(String id) {
        if (id == null) {
            return false;
        }
        return update("revoke API key", "UPDATE api_key SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL",
                now().toEpochMilli(), id) > 0;
    }

    // ---- users

    @Override
    public User createUser(NewUser user) {
        if (user == null) {
            throw new IllegalArgumentException("user: required");
        }
        String email = AccessFields.email(user.email());
        String name = AccessFields.name(user.name());
        Role role = AccessFields.role(user.role());
        ZoneId zone = AccessFields.timeZone(user.timeZone());
        char[] password = AccessFields.password(user.password());
        String hash = password == null ? null : passwords.hash(password);
        User created = new User(Ids.newObjectId(), email, name, role, zone, now(), hash != null);
        transaction("create user", c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO app_user (" + USER_COLUMNS
                    + ") VALUES (?, ?, ?, ?, ?, ?, ?)")) {
                ps.setString(1, created.id());
                ps.setString(2, email);
                ps.setString(3, name);
                ps.setString(4, role.wireName());
                ps.setString(5, zone.getId());
                ps.setString(6, hash);
                ps.setLong(7, created.createdAt().toEpochMilli());
                ps.executeUpdate();
            } catch (SQLException e) {
                if (dialect.isUniqueViolation(e)) {
                    throw new IllegalArgumentException("email: already in use");
                }
                throw e;
            }
            return null;
        });
        return created;
    }

    @Override
    public Optional<User> findUser(String id) {
        if (id == null) {
            return Optional.empty();
        }
        return queryOne("find user", "SELECT " + USER_COLUMNS + " FROM app_user WHERE id = ?", this::readUser, id);
    }

    @Override
    public Optional<User> findUserByEmail(String email) {
        return normalisedEmail(email).flatMap(e -> queryOne("find user",
                "SELECT " + USER_COLUMNS + " FROM app_user WHERE email = ?", this::readUser, e));
    }

    @Override
    public List<User> listUsers() {
        return query("list users", "SELECT " + USER_COLUMNS + " FROM app_user ORDER BY email", this::readUser);
    }

    @Override
    public boolean setPassword(String userId, char[] password) {
        if (userId == null) {
            return false;
        }
        char[] checked = AccessFields.password(password);
        String hash = checked == null ? null : passwords.hash(checked);
        return transaction("set password", c -> {
            int updated;
            try (PreparedStatement ps = c.prepareStatement("UPDATE app_user SET password_hash = ? WHERE id = ?")) {
                ps.setString(1, hash);
                ps.setString(2, userId);
                updated = ps.executeUpdate();
            }
            // Whoever knew the old password may hold a session: a new password must lock them out.
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM user_session WHERE user_id = ?")) {
                ps.setString(1, userId);
                ps.executeUpdate();
            }
            return updated > 0;
        });
    }

    @Override
    public Optional<Principal> authenticatePassword(String email, char[] password) {
        Optional<String> e = normalisedEmail(email);
        Optional<UserWithHash> found = e.flatMap(addr -> queryOne("authenticate user", "SELECT " + USER_COLUMNS
                + " FROM app_user WHERE email = ?", rs -> new UserWithHash(readUser(rs), rs.getString(6)), addr));
        if (found.isEmpty() || found.get().passwordHash() == null || password == null) {
            // Same cost as a real check: response time must not tell which e-mails have accounts.
            passwords.verifyNothing(password);
            return Optional.empty();
        }
        if (!passwords.verify(password, found.get().passwordHash())) {
            return Optional.empty();
        }
        return Optional.of(principal(found.get().user()));
    }

    // ---- sessions

    @Override
    public Session createSession(String userId, Duration ttl) {
        if (ttl == null || ttl.isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException("ttl: must be positive");
        }
        String token = Secrets.newSessionToken();
        Instant created = now();
        Instant expires = created.plus(ttl);
        return transaction("create session", c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM user_session WHERE expires_at <= ?")) {
                ps.setLong(1, created.toEpochMilli());
                int purged = ps.executeUpdate();
                if (purged > 0) {
                    log.debug("Purged {} expired sessions", purged);
                }
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO user_session (token_sha256, user_id, "
                    + "created_at, expires_at) SELECT ?, id, ?, ? FROM app_user WHERE id = ?")) {
                ps.setString(1, Secrets.sha256Hex(token));
                ps.setLong(2, created.toEpochMilli());
                ps.setLong(3, expires.toEpochMilli());
                ps.setString(4, userId);
                if (ps.executeUpdate() == 0) {
                    throw new IllegalArgumentException("user_id: no such user");
                }
            }
            return new Session(token, userId, expires);
        });
    }

    @Override
    public Optional<Principal> authenticateSession(String token) {
        if (token == null || token.isEmpty() || token.length() > AccessFields.MAX_SECRET_LENGTH) {
            return Optional.empty();
        }
        String hash = Secrets.sha256Hex(token);
        return run("authenticate session", c -> {
            long expiresAt;
            User user;
            try (PreparedStatement ps = c.prepareStatement("SELECT s.expires_at, u.id, u.email, u.name, u.role, "
                    + "u.time_zone, u.password_hash, u.created_at FROM user_session s JOIN app_user u "
                    + "ON u.id = s.user_id WHERE s.token_sha256 = ?")) {
                ps.setString(1, hash);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.empty();
                    }
                    expiresAt = rs.getLong(1);
                    user = readUser(rs, 2);
                }
            }
            if (expiresAt <= clock.millis()) {
                deleteSession(c, hash);
                return Optional.empty();
            }
            return Optional.of(principal(user));
        });
    }

    @Override
    public boolean deleteSession(String token) {
        if (token == null || token.isEmpty() || token.length() > AccessFields.MAX_SECRET_LENGTH) {
            return false;
        }
        String hash = Secrets.sha256Hex(token);
        return transaction("delete session", c -> {
            Long expiresAt = null;
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT expires_at FROM user_session WHERE token_sha256 = ?")) {
                ps.setString(1, hash);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        expiresAt = rs.getLong(1);
                    }
                }
            }
            // Delete even an expired row: it would be purged anyway, and the caller meant to end it.
            boolean deleted = deleteSession(c, hash) > 0;
            return deleted && expiresAt != null && expiresAt > clock.millis();
        });
    }

    @Override
    public boolean isInitialized() {
        return run("check initialisation", c -> exists(c, "SELECT 1 FROM api_key LIMIT 1")
                || exists(c, "SELECT 1 FROM app_user LIMIT 1"));
    }

    // ---- mapping

    private record UserWithHash(User user, String passwordHash) {
    }

    private static ApiKey readKey(ResultSet rs) throws SQLException {
        long revoked = rs.getLong(7);
        Instant revokedAt = rs.wasNull() ? null : Instant.ofEpochMilli(revoked);
        long max = rs.getLong(8);
        Long maxSeries = rs.wasNull() ? null : max;
        return new ApiKey(rs.getString(1), rs.getString(2), rs.getString(3), parseScopes(rs.getString(4)),
                Instant.ofEpochMilli(rs.getLong(5)), rs.getString(6), revokedAt, maxSeries);
    }

    private User readUser(ResultSet rs) throws SQLException {
        return readUser(rs, 1);
    }

    /** Reads {@link #USER_COLUMNS} starting at column {@code first}. */
    private User readUser(ResultSet rs, int first) throws SQLException {
        String id = rs.getString(first);
        Role role = Role.parse(rs.getString(first + 3)).orElseThrow(() -> new SQLException(
                "user " + id + " has an unknown role in the database"));
        return new User(id, rs.getString(first + 1), rs.getString(first + 2), role, zone(id, rs.getString(first + 4)),
                Instant.ofEpochMilli(rs.getLong(first + 6)), rs.getString(first + 5) != null);
    }

    /** A stored zone the JDK's tz database no longer knows falls back to UTC rather than locking the user out. */
    private static ZoneId zone(String userId, String stored) {
        try {
            return ZoneId.of(stored);
        } catch (DateTimeException e) {
            log.warn("User {} has time zone '{}', which this JDK does not know; using UTC", userId, stored);
            return ZoneOffset.UTC;
        }
    }

    private static Principal principal(User user) {
        return new Principal(Principal.Kind.USER, user.id(), user.email(), user.role().scopes());
    }

    private static String formatScopes(Set<Scope> scopes) {
        return EnumSet.copyOf(scopes).stream().map(Scope::wireName).collect(Collectors.joining(","));
    }

    private static Set<Scope> parseScopes(String stored) {
        EnumSet<Scope> scopes = EnumSet.noneOf(Scope.class);
        for (String s : stored.split(",")) {
            // A scope written by a newer Tocsin is ignored, never widened into something else.
            Scope.parse(s).ifPresent(scopes::add);
        }
        return scopes;
    }

    private static Optional<String> normalisedEmail(String email) {
        try {
            return Optional.of(AccessFields.email(email));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private Instant now() {
        return Instant.ofEpochMilli(clock.millis());
    }

    // ---- JDBC plumbing (shared with the directory stores)

    private <T> T run(String what, Jdbc.Work<T> work) {
        return jdbc.run(what, work);
    }

    private <T> T transaction(String what, Jdbc.Work<T> work) {
        return jdbc.transaction(what, work);
    }

    private <T> Optional<T> queryOne(String what, String sql, Jdbc.RowReader<T> reader, Object... params) {
        return jdbc.queryOne(what, sql, reader, params);
    }

    private <T> List<T> query(String what, String sql, Jdbc.RowReader<T> reader, Object... params) {
        return jdbc.query(what, sql, reader, params);
    }

    private int update(String what, String sql, Object... params) {
        return jdbc.update(what, sql, params);
    }

    private static int deleteSession(Connection c, String tokenHash) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM user_session WHERE token_sha256 = ?")) {
            ps.setString(1, tokenHash);
            return ps.executeUpdate();
        }
    }

    private static boolean exists(Connection c, String sql) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            return rs.next();
        }
    }
}
