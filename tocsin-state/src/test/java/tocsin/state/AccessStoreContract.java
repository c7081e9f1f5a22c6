package tocsin.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import tocsin.core.access.AccessStore;
import tocsin.core.access.AccessStore.CreatedKey;
import tocsin.core.access.AccessStore.NewUser;
import tocsin.core.access.AccessStore.Session;
import tocsin.core.access.ApiKey;
import tocsin.core.access.Principal;
import tocsin.core.access.Role;
import tocsin.core.access.Scope;
import tocsin.core.access.User;

/**
 * What every {@link StateStore} backend owes: the {@link AccessStore} contract (keys, users, passwords, sessions,
 * with bad input, revocation, expiry on a manual clock and concurrent callers) and the schema handling behind it
 * (reopening, edited migrations, databases from a newer Tocsin). A backend's test extends this class and says how to
 * get fresh, empty storage; it may add tests of its own.
 *
 * <p>Each test gets a fresh store in {@link #store}; tests that look behind the store's back use
 * {@link StateStore#dataSource()}. Public so other modules can run it through the test-jar.
 */
public abstract class AccessStoreContract {

    protected static final Instant START = Instant.parse("2026-03-01T09:00:00Z");
    protected static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
    protected static final char[] PASSWORD = "correct horse battery".toCharArray();

    protected final ManualClock clock = new ManualClock(START);
    private final List<StateStore> opened = new CopyOnWriteArrayList<>();

    /** The configuration of {@link #state}; opening it again reaches the same data. */
    protected StateConfig config;
    protected StateStore state;
    protected AccessStore store;

    /**
     * A configuration for fresh, empty storage using {@code clock}. Every call must give new storage; opening the
     * same configuration twice must reach the same data.
     */
    protected abstract StateConfig newStateConfig(InstantSource clock);

    protected abstract Dialect expectedDialect();

    @BeforeEach
    final void openFreshStore() {
        config = newStateConfig(clock);
        state = open(config);
        store = state.accessStore();
    }

    @AfterEach
    final void closeStores() {
        opened.forEach(StateStore::close);
    }

    /** Opens a store that is closed after the test. */
    protected final StateStore open(StateConfig config) {
        StateStore s = StateStore.open(config);
        opened.add(s);
        return s;
    }

    /** Closes {@link #state} and opens its configuration again, as a restarted server would. */
    protected final void reopen() {
        state.close();
        state = open(config);
        store = state.accessStore();
    }

    // ---- API keys

    @Test
    void createdKeyHasADatadogShapedSecretAndListableMetadata() {
        CreatedKey created = store.createKey("ci agent", EnumSet.of(Scope.INGEST), "admin@example.com", null);

        assertThat(created.secret()).matches("[0-9a-f]{32}");
        ApiKey key = created.key();
        assertThat(key.id()).matches("P[A-Z0-9]{6}");
        assertThat(key.name()).isEqualTo("ci agent");
        assertThat(key.hint()).isEqualTo(created.secret().substring(0, 4) + "…");
        assertThat(key.scopes()).containsExactly(Scope.INGEST);
        assertThat(key.createdAt()).isEqualTo(START);
        assertThat(key.createdBy()).isEqualTo("admin@example.com");
        assertThat(key.active()).isTrue();
        assertThat(store.findKey(key.id())).contains(key);
    }

    @Test
    void generatedSecretsAndIdsAreUnique() {
        Set<String> secrets = new HashSet<>();
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < 25; i++) {
            CreatedKey created = store.createKey("key " + i, EnumSet.of(Scope.READ), "test", null);
            secrets.add(created.secret());
            ids.add(created.key().id());
        }
        assertThat(secrets).hasSize(25);
        assertThat(ids).hasSize(25);
    }

    @Test
    void callerChosenSecretAuthenticates() {
        String secret = "bootstrap-secret-0123456789";
        CreatedKey created = store.createKey("bootstrap", EnumSet.of(Scope.ADMIN), "bootstrap", secret);

        assertThat(created.secret()).isEqualTo(secret);
        assertThat(created.key().hint()).isEqualTo("boot…");
        assertThat(store.authenticateKey(secret)).map(Principal::id).contains(created.key().id());
    }

    @Test
    void createKeyRejectsInvalidInputNamingTheField() {
        Set<Scope> read = EnumSet.of(Scope.READ);
        assertInvalid(() -> store.createKey(" ", read, "test", null), "name: must not be blank");
        assertInvalid(() -> store.createKey(null, read, "test", null), "name: must not be blank");
        assertInvalid(() -> store.createKey("x".repeat(201), read, "test", null), "name: at most 200 characters");
        assertInvalid(() -> store.createKey("k", Set.of(), "test", null),
                "scopes: at least one of ingest, read, write, admin");
        assertInvalid(() -> store.createKey("k", null, "test", null),
                "scopes: at least one of ingest, read, write, admin");
        assertInvalid(() -> store.createKey("k", read, " ", null), "created_by: must not be blank");
        assertInvalid(() -> store.createKey("k", read, "test", "short-secret"), "secret: at least 16 characters");
        assertInvalid(() -> store.createKey("k", read, "test", "has whitespace inside"),
                "secret: visible ASCII characters only, no whitespace");
        assertInvalid(() -> store.createKey("k", read, "test", "tab\tinside-the-secret"),
                "secret: visible ASCII characters only, no whitespace");
        assertInvalid(() -> store.createKey("k", read, "test", "s".repeat(201)), "secret: at most 200 characters");
        assertThat(store.listKeys()).isEmpty();
    }

    @Test
    void createKeyRejectsASecretAlreadyInUse() {
        String secret = "bootstrap-secret-0123456789";
        store.createKey("first", EnumSet.of(Scope.READ), "test", secret);

        assertInvalid(() -> store.createKey("second", EnumSet.of(Scope.ADMIN), "test", secret), "secret: already in use");
        assertThat(store.listKeys()).extracting(ApiKey::name).containsExactly("first");
    }

    @Test
    void authenticateKeyGivesAnApiKeyPrincipalWithExpandedScopes() {
        CreatedKey ingest = store.createKey("agent", EnumSet.of(Scope.INGEST, Scope.READ), "test", null);
        CreatedKey admin = store.createKey("ops", EnumSet.of(Scope.ADMIN), "test", null);

        assertThat(store.authenticateKey(ingest.secret())).contains(new Principal(Principal.Kind.API_KEY,
                ingest.key().id(), "agent", EnumSet.of(Scope.INGEST, Scope.READ)));
        Principal adminPrincipal = store.authenticateKey(admin.secret()).orElseThrow();
        assertThat(adminPrincipal.scopes()).containsExactlyInAnyOrder(Scope.values());
        // stored as granted, expanded only in the principal
        assertThat(store.findKey(admin.key().id())).map(ApiKey::scopes).contains(Set.of(Scope.ADMIN));
    }

    @Test
    void aKeyCarriesItsOwnSeriesLimitIntoItsPrincipal() {
        CreatedKey ci = store.createKey("ci", EnumSet.of(Scope.INGEST), "test", null, 5000L);
        CreatedKey agent = store.createKey("agent", EnumSet.of(Scope.INGEST), "test", null);
        assertThat(ci.key().maxSeries()).isEqualTo(5000L);
        assertThat(store.findKey(ci.key().id())).map(ApiKey::maxSeries).contains(5000L);
        assertThat(store.authenticateKey(ci.secret())).map(Principal::maxSeries).contains(5000L);
        assertThat(store.authenticateKey(agent.secret()).orElseThrow().maxSeries()).isNull();

        assertThat(store.setKeyMaxSeries(agent.key().id(), 20L)).map(ApiKey::maxSeries).contains(20L);
        assertThat(store.authenticateKey(agent.secret())).map(Principal::maxSeries).contains(20L);
        assertThat(store.setKeyMaxSeries(ci.key().id(), null)).hasValueSatisfying(k -> assertThat(k.maxSeries())
                .isNull());

        assertInvalid(() -> store.setKeyMaxSeries(ci.key().id(), 0L), "max_series: a whole number from 1 to "
                + "2147483647, or null for the server's default; got 0");
        assertInvalid(() -> store.createKey("x", EnumSet.of(Scope.INGEST), "test", null, 1L << 40),
                "max_series: a whole number from 1 to 2147483647, or null for the server's default; got "
                        + (1L << 40));
        store.revokeKey(ci.key().id());
        assertThat(store.setKeyMaxSeries(ci.key().id(), 10L)).isEmpty();
        assertThat(store.setKeyMaxSeries("no-such-key", 10L)).isEmpty();
    }

    @Test
    void authenticateKeyRefusesUnknownBlankAndNullSecrets() {
        CreatedKey created = store.createKey("agent", EnumSet.of(Scope.INGEST), "test", null);

        assertThat(store.authenticateKey(created.secret().toUpperCase())).isEmpty();
        assertThat(store.authenticateKey(created.secret().substring(1))).isEmpty();
        assertThat(store.authenticateKey("")).isEmpty();
        assertThat(store.authenticateKey(null)).isEmpty();
        assertThat(store.authenticateKey("x".repeat(10_000))).isEmpty();
    }

    @Test
    void keySecretIsStoredOnlyAsItsSha256() throws SQLException {
        CreatedKey created = store.createKey("agent", EnumSet.of(Scope.INGEST), "test", null);

        List<List<String>> rows = rows("SELECT id, name, hint, secret_sha256, scopes, created_by FROM api_key");
        assertThat(rows).hasSize(1);
        assertThat(String.join("|", rows.getFirst())).doesNotContain(created.secret());
        assertThat(rows.getFirst().get(3)).isEqualTo(sha256Hex(created.secret()));
    }

    @Test
    void listKeysInCreationOrderIncludingRevokedOnes() {
        ApiKey first = store.createKey("first", EnumSet.of(Scope.READ), "test", null).key();
        clock.advance(Duration.ofSeconds(1));
        ApiKey second = store.createKey("second", EnumSet.of(Scope.WRITE), "test", null).key();
        clock.advance(Duration.ofSeconds(1));
        ApiKey third = store.createKey("third", EnumSet.of(Scope.INGEST), "test", null).key();
        store.revokeKey(second.id());

        assertThat(store.listKeys()).extracting(ApiKey::id).containsExactly(first.id(), second.id(), third.id());
        assertThat(store.listKeys()).filteredOn(ApiKey::active).extracting(ApiKey::id)
                .containsExactly(first.id(), third.id());
    }

    @Test
    void findKeyIsEmptyForUnknownIds() {
        store.createKey("agent", EnumSet.of(Scope.INGEST), "test", null);

        assertThat(store.findKey("PNOSUCH")).isEmpty();
        assertThat(store.findKey(null)).isEmpty();
    }

    @Test
    void revokedKeyStopsAuthenticatingAndIsRevokedOnce() {
        CreatedKey created = store.createKey("agent", EnumSet.of(Scope.INGEST), "test", null);
        CreatedKey other = store.createKey("other", EnumSet.of(Scope.INGEST), "test", null);
        clock.advance(Duration.ofMinutes(5));

        assertThat(store.revokeKey(created.key().id())).isTrue();

        assertThat(store.authenticateKey(created.secret())).isEmpty();
        assertThat(store.authenticateKey(other.secret())).isPresent();
        assertThat(store.findKey(created.key().id())).map(ApiKey::revokedAt).contains(START.plus(Duration.ofMinutes(5)));
        assertThat(store.revokeKey(created.key().id())).isFalse();
        assertThat(store.revokeKey("PNOSUCH")).isFalse();
        assertThat(store.revokeKey(null)).isFalse();
    }

    // ---- users

    @Test
    void createUserNormalisesTheEmailAndReadsBackEqual() {
        User created = store.createUser(new NewUser("  Ada.Lovelace@Example.COM ", " Ada Lovelace ", Role.MANAGER,
                BERLIN, null));

        assertThat(created.id()).matches("P[A-Z0-9]{6}");
        assertThat(created.email()).isEqualTo("ada.lovelace@example.com");
        assertThat(created.name()).isEqualTo("Ada Lovelace");
        assertThat(created.role()).isEqualTo(Role.MANAGER);
        assertThat(created.timeZone()).isEqualTo(BERLIN);
        assertThat(created.createdAt()).isEqualTo(START);
        assertThat(created.hasPassword()).isFalse();
        assertThat(store.findUser(created.id())).contains(created);
        assertThat(store.findUserByEmail("ADA.LOVELACE@example.com")).contains(created);
        assertThat(store.findUserByEmail("nobody@example.com")).isEmpty();
        assertThat(store.findUserByEmail("not an address")).isEmpty();
        assertThat(store.findUserByEmail(null)).isEmpty();
        assertThat(store.findUser("PNOSUCH")).isEmpty();
        assertThat(store.findUser(null)).isEmpty();
    }

    @Test
    void createUserRejectsInvalidInputNamingTheField() {
        for (String email : List.of("", "plainaddress", "two@@example.com", "a b@example.com", "@example.com",
                "ada@", "ada@-example.com", "ada@example..com", "a".repeat(65) + "@example.com")) {
            assertThatThrownBy(() -> store.createUser(new NewUser(email, "Ada", Role.OBSERVER, BERLIN, null)))
                    .as(email)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("email: ");
        }
        assertInvalid(() -> store.createUser(new NewUser("plainaddress", "Ada", Role.OBSERVER, BERLIN, null)),
                "email: must be a valid e-mail address");
        assertInvalid(() -> store.createUser(new NewUser("ada@example.com", " ", Role.OBSERVER, BERLIN, null)),
                "name: must not be blank");
        assertInvalid(() -> store.createUser(new NewUser("ada@example.com", "Ada", null, BERLIN, null)),
                "role: required");
        assertInvalid(() -> store.createUser(new NewUser("ada@example.com", "Ada", Role.OBSERVER, null, null)),
                "time_zone: required");
        assertInvalid(() -> store.createUser(new NewUser("ada@example.com", "Ada", Role.OBSERVER, BERLIN,
                "short".toCharArray())), "password: at least 8 characters");
        assertInvalid(() -> store.createUser(null), "user: required");
        assertThat(store.listUsers()).isEmpty();
    }

    @Test
    void acceptsAddressesPeopleActuallyHave() {
        for (String email : List.of("ops@localhost", "first.last+tag@sub.example.co.uk", "o'brien@example.ie",
                "x@a-b.example")) {
            assertThat(store.createUser(new NewUser(email, "Someone", Role.OBSERVER, BERLIN, null)).email())
                    .isEqualTo(email);
        }
    }

    @Test
    void duplicateEmailIsRejectedWhateverItsCase() {
        store.createUser(new NewUser("ada@example.com", "Ada", Role.ADMIN, BERLIN, null));

        assertInvalid(() -> store.createUser(new NewUser("ADA@Example.com", "Other Ada", Role.OBSERVER, BERLIN, null)),
                "email: already in use");
        assertThat(store.listUsers()).extracting(User::name).containsExactly("Ada");
    }

    @Test
    void listUsersOrderedByEmail() {
        store.createUser(new NewUser("carol@example.com", "Carol", Role.RESPONDER, BERLIN, null));
        store.createUser(new NewUser("alice@example.com", "Alice", Role.OWNER, ZoneId.of("UTC"), null));
        store.createUser(new NewUser("bob@example.com", "Bob", Role.OBSERVER, ZoneId.of("+05:30"), null));

        assertThat(store.listUsers()).extracting(User::email)
                .containsExactly("alice@example.com", "bob@example.com", "carol@example.com");
        assertThat(store.listUsers()).extracting(User::timeZone)
                .containsExactly(ZoneId.of("UTC"), ZoneId.of("+05:30"), BERLIN);
    }

    @Test
    void passwordIsStoredOnlyAsAnArgon2idHash() throws SQLException {
        User user = store.createUser(new NewUser("ada@example.com", "Ada", Role.ADMIN, BERLIN, PASSWORD));

        assertThat(user.hasPassword()).isTrue();
        String hash = rows("SELECT password_hash FROM app_user").getFirst().getFirst();
        assertThat(hash).startsWith("$argon2id$v=19$m=19456,t=2,p=1$").doesNotContain(new String(PASSWORD));
    }

    @Test
    void authenticatePasswordGivesAUserPrincipalWithTheRoleScopes() {
        User user = store.createUser(new NewUser("ada@example.com", "Ada", Role.RESPONDER, BERLIN, PASSWORD));

        assertThat(store.authenticatePassword(" ADA@example.com", PASSWORD)).contains(new Principal(
                Principal.Kind.USER, user.id(), "ada@example.com", Role.RESPONDER.scopes()));
    }

    @Test
    void authenticatePasswordRefusesWrongPasswordsUnknownEmailsAndPasswordlessUsers() {
        store.createUser(new NewUser("ada@example.com", "Ada", Role.ADMIN, BERLIN, PASSWORD));
        store.createUser(new NewUser("pager@example.com", "Pager Only", Role.RESPONDER, BERLIN, null));

        assertThat(store.authenticatePassword("ada@example.com", "correct horse battery!".toCharArray())).isEmpty();
        assertThat(store.authenticatePassword("ada@example.com", new char[0])).isEmpty();
        assertThat(store.authenticatePassword("ada@example.com", null)).isEmpty();
        assertThat(store.authenticatePassword("bob@example.com", PASSWORD)).isEmpty();
        assertThat(store.authenticatePassword("pager@example.com", PASSWORD)).isEmpty();
        assertThat(store.authenticatePassword(null, PASSWORD)).isEmpty();
    }

    @Test
    void failedLoginCostsAsMuchForAnUnknownEmailAsForAWrongPassword() {
        store.createUser(new NewUser("ada@example.com", "Ada", Role.ADMIN, BERLIN, PASSWORD));
        char[] wrong = "wrong password!".toCharArray();

        // The fastest of a few runs filters out scheduling noise. Without a dummy hash check the unknown e-mail
        // answers in about a millisecond, against tens of milliseconds for Argon2.
        long wrongPassword = Long.MAX_VALUE;
        long unknownEmail = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            wrongPassword = Math.min(wrongPassword, nanos(() -> store.authenticatePassword("ada@example.com", wrong)));
            unknownEmail = Math.min(unknownEmail, nanos(() -> store.authenticatePassword("eve@example.com", wrong)));
        }
        assertThat(unknownEmail).as("fastest unknown-e-mail login (ns) vs wrong password %d ns", wrongPassword)
                .isGreaterThan(wrongPassword / 4);
    }

    @Test
    void setPasswordReplacesAndRemovesPasswords() {
        User user = store.createUser(new NewUser("ada@example.com", "Ada", Role.ADMIN, BERLIN, PASSWORD));
        char[] next = "a new passphrase".toCharArray();

        assertThat(store.setPassword(user.id(), next)).isTrue();
        assertThat(store.authenticatePassword("ada@example.com", PASSWORD)).isEmpty();
        assertThat(store.authenticatePassword("ada@example.com", next)).isPresent();

        assertThat(store.setPassword(user.id(), null)).isTrue();
        assertThat(store.findUser(user.id())).map(User::hasPassword).contains(false);
        assertThat(store.authenticatePassword("ada@example.com", next)).isEmpty();
    }

    @Test
    void setPasswordRejectsUnknownUsersAndWeakPasswords() {
        User user = store.createUser(new NewUser("ada@example.com", "Ada", Role.ADMIN, BERLIN, null));

        assertThat(store.setPassword("PNOSUCH", PASSWORD)).isFalse();
        assertThat(store.setPassword(null, PASSWORD)).isFalse();
        assertInvalid(() -> store.setPassword(user.id(), "1234567".toCharArray()), "password: at least 8 characters");
        assertInvalid(() -> store.setPassword(user.id(), new char[1025]), "password: at most 1024 characters");
        assertThat(store.findUser(user.id())).map(User::hasPassword).contains(false);
    }

    @Test
    void setPasswordEndsTheUsersSessions() {
        User ada = store.createUser(new NewUser("ada@example.com", "Ada", Role.ADMIN, BERLIN, null));
        User bob = store.createUser(new NewUser("bob@example.com", "Bob", Role.ADMIN, BERLIN, null));
        Session adaSession = store.createSession(ada.id(), Duration.ofHours(8));
        Session bobSession = store.createSession(bob.id(), Duration.ofHours(8));

        store.setPassword(ada.id(), null);

        assertThat(store.authenticateSession(adaSession.token())).isEmpty();
        assertThat(store.authenticateSession(bobSession.token())).isPresent();
    }

    // ---- sessions

    @Test
    void sessionTokenAuthenticatesAsItsUser() {
        User user = store.createUser(new NewUser("ada@example.com", "Ada", Role.OBSERVER, BERLIN, null));

        Session session = store.createSession(user.id(), Duration.ofHours(8));

        assertThat(session.token()).matches("[A-Za-z0-9_-]{43}");
        assertThat(session.userId()).isEqualTo(user.id());
        assertThat(session.expiresAt()).isEqualTo(START.plus(Duration.ofHours(8)));
        assertThat(store.authenticateSession(session.token())).contains(new Principal(Principal.Kind.USER, user.id(),
                "ada@example.com", Role.OBSERVER.scopes()));
        assertThat(store.createSession(user.id(), Duration.ofHours(8)).token()).isNotEqualTo(session.token());
    }

    @Test
    void sessionExpiresAtItsDeadlineAndIsThenDeleted() throws SQLException {
        User user = store.createUser(new NewUser("ada@example.com", "Ada", Role.OBSERVER, BERLIN, null));
        Session session = store.createSession(user.id(), Duration.ofMinutes(30));

        clock.advance(Duration.ofMinutes(30).minusMillis(1));
        assertThat(store.authenticateSession(session.token())).isPresent();

        clock.advance(Duration.ofMillis(1));
        assertThat(store.authenticateSession(session.token())).isEmpty();
        assertThat(rows("SELECT token_sha256 FROM user_session")).isEmpty();
    }

    @Test
    void expiredSessionsArePurgedWhenSessionsAreCreated() throws SQLException {
        User user = store.createUser(new NewUser("ada@example.com", "Ada", Role.OBSERVER, BERLIN, null));
        store.createSession(user.id(), Duration.ofMinutes(1));
        store.createSession(user.id(), Duration.ofMinutes(1));
        Session lasting = store.createSession(user.id(), Duration.ofDays(1));

        clock.advance(Duration.ofMinutes(2));
        Session fresh = store.createSession(user.id(), Duration.ofMinutes(1));

        assertThat(rows("SELECT token_sha256 FROM user_session")).extracting(List::getFirst)
                .containsExactlyInAnyOrder(sha256Hex(lasting.token()), sha256Hex(fresh.token()));
    }

    @Test
    void deleteSessionEndsOnlyLiveSessions() {
        User user = store.createUser(new NewUser("ada@example.com", "Ada", Role.OBSERVER, BERLIN, null));
        Session live = store.createSession(user.id(), Duration.ofHours(1));
        Session shortLived = store.createSession(user.id(), Duration.ofMinutes(1));
        clock.advance(Duration.ofMinutes(2));

        assertThat(store.deleteSession(live.token())).isTrue();
        assertThat(store.authenticateSession(live.token())).isEmpty();
        assertThat(store.deleteSession(live.token())).isFalse();
        assertThat(store.deleteSession(shortLived.token())).isFalse();
        assertThat(store.deleteSession("no-such-token")).isFalse();
        assertThat(store.deleteSession(null)).isFalse();
    }

    @Test
    void createSessionRejectsUnknownUsersAndNonPositiveLifetimes() {
        User user = store.createUser(new NewUser("ada@example.com", "Ada", Role.OBSERVER, BERLIN, null));

        assertInvalid(() -> store.createSession("PNOSUCH", Duration.ofHours(1)), "user_id: no such user");
        assertInvalid(() -> store.createSession(user.id(), Duration.ZERO), "ttl: must be positive");
        assertInvalid(() -> store.createSession(user.id(), Duration.ofSeconds(-1)), "ttl: must be positive");
        assertInvalid(() -> store.createSession(user.id(), null), "ttl: must be positive");
    }

    @Test
    void authenticateSessionRefusesUnknownTokens() {
        User user = store.createUser(new NewUser("ada@example.com", "Ada", Role.OBSERVER, BERLIN, null));
        Session session = store.createSession(user.id(), Duration.ofHours(1));

        assertThat(store.authenticateSession(session.token().substring(1))).isEmpty();
        assertThat(store.authenticateSession("")).isEmpty();
        assertThat(store.authenticateSession(null)).isEmpty();
    }

    @Test
    void sessionTokenIsStoredOnlyAsItsSha256() throws SQLException {
        User user = store.createUser(new NewUser("ada@example.com", "Ada", Role.OBSERVER, BERLIN, null));
        Session session = store.createSession(user.id(), Duration.ofHours(1));

        assertThat(rows("SELECT token_sha256, user_id FROM user_session"))
                .containsExactly(List.of(sha256Hex(session.token()), user.id()));
    }

    // ---- initialisation

    @Test
    void initializedOnceAKeyOrAUserExists() {
        assertThat(store.isInitialized()).isFalse();
        store.createUser(new NewUser("ada@example.com", "Ada", Role.OWNER, BERLIN, null));
        assertThat(store.isInitialized()).isTrue();

        AccessStore other = open(newStateConfig(clock)).accessStore();
        assertThat(other.isInitialized()).isFalse();
        other.revokeKey(other.createKey("bootstrap", EnumSet.of(Scope.ADMIN), "bootstrap", null).key().id());
        assertThat(other.isInitialized()).isTrue();
    }

    // ---- concurrency

    @Test
    @Timeout(60)
    void concurrentKeyCreationFromEightThreads() throws Exception {
        List<Callable<List<CreatedKey>>> tasks = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            int thread = t;
            tasks.add(() -> {
                List<CreatedKey> keys = new ArrayList<>();
                for (int i = 0; i < 10; i++) {
                    CreatedKey key = store.createKey("t" + thread + "-" + i, EnumSet.of(Scope.INGEST), "test", null);
                    assertThat(store.authenticateKey(key.secret())).isPresent();
                    keys.add(key);
                }
                return keys;
            });
        }
        List<CreatedKey> created = new ArrayList<>();
        for (Future<List<CreatedKey>> f : runTogether(tasks)) {
            created.addAll(f.get());
        }

        assertThat(created).extracting(CreatedKey::secret).doesNotHaveDuplicates().hasSize(80);
        assertThat(store.listKeys()).hasSize(80);
    }

    @Test
    @Timeout(60)
    void concurrentSignUpsWithOneEmailLetExactlyOneWin() throws Exception {
        List<Callable<String>> tasks = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            tasks.add(() -> {
                try {
                    return store.createUser(new NewUser("ada@example.com", "Ada", Role.OBSERVER, BERLIN, null)).id();
                } catch (IllegalArgumentException e) {
                    return e.getMessage();
                }
            });
        }
        List<String> outcomes = new ArrayList<>();
        for (Future<String> f : runTogether(tasks)) {
            outcomes.add(f.get());
        }

        assertThat(outcomes).filteredOn(o -> o.equals("email: already in use")).hasSize(7);
        assertThat(store.listUsers()).hasSize(1);
    }

    // ---- schema

    @Test
    void reportsItsDialectAndSchemaVersion() {
        assertThat(state.dialect()).isEqualTo(expectedDialect());
        assertThat(state.schemaVersion()).isGreaterThanOrEqualTo(1);
        assertThat(state.describe()).isNotBlank();
    }

    @Test
    void reopeningKeepsTheDataAndTheSchemaVersion() throws SQLException {
        User user = store.createUser(new NewUser("ada@example.com", "Ada", Role.ADMIN, BERLIN, null));
        CreatedKey key = store.createKey("agent", EnumSet.of(Scope.INGEST), "test", null);
        Session session = store.createSession(user.id(), Duration.ofHours(1));
        int version = state.schemaVersion();
        List<List<String>> history = rows("SELECT version, checksum, applied_at FROM tocsin_schema_history");

        reopen();

        assertThat(state.schemaVersion()).isEqualTo(version);
        assertThat(rows("SELECT version, checksum, applied_at FROM tocsin_schema_history")).isEqualTo(history);
        assertThat(store.findUser(user.id())).contains(user);
        assertThat(store.listKeys()).containsExactly(key.key());
        assertThat(store.authenticateKey(key.secret())).isPresent();
        assertThat(store.authenticateSession(session.token())).isPresent();
    }

    @Test
    void historyRecordsEveryShippedMigration() throws SQLException {
        List<Migration> shipped = new MigrationRunner(expectedDialect(), clock).migrations();

        assertThat(rows("SELECT version, description, checksum, applied_at FROM tocsin_schema_history ORDER BY version"))
                .containsExactlyElementsOf(shipped.stream().map(m -> List.of(Integer.toString(m.version()),
                        m.description(), m.checksum(), Long.toString(START.toEpochMilli()))).toList());
        assertThat(state.schemaVersion()).isEqualTo(shipped.getLast().version());
    }

    @Test
    void refusesADatabaseWhoseAppliedMigrationWasEdited() throws SQLException {
        execute("UPDATE tocsin_schema_history SET checksum = '0123abcd' WHERE version = 1");
        state.close();

        assertThatThrownBy(() -> open(config))
                .isInstanceOf(SchemaException.class)
                .hasMessageContaining("V001")
                .hasMessageContaining("differs from")
                .hasMessageContaining("0123abcd");
    }

    @Test
    void refusesADatabaseWrittenByANewerTocsin() throws SQLException {
        execute("INSERT INTO tocsin_schema_history (version, description, checksum, applied_at)"
                + " VALUES (999, 'from the future', 'abc', 0)");
        state.close();

        assertThatThrownBy(() -> open(config))
                .isInstanceOf(SchemaException.class)
                .hasMessageContaining("schema version 999, written by a newer Tocsin");
    }

    // ---- helpers

    protected static void assertInvalid(Runnable call, String message) {
        assertThatThrownBy(call::run).isInstanceOf(IllegalArgumentException.class).hasMessage(message);
    }

    /** Every row of {@code sql} on the current store, each value as a string (null stays null). */
    protected final List<List<String>> rows(String sql) throws SQLException {
        try (Connection c = state.dataSource().getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery(sql)) {
            List<List<String>> rows = new ArrayList<>();
            int columns = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                List<String> row = new ArrayList<>();
                for (int i = 1; i <= columns; i++) {
                    row.add(rs.getString(i));
                }
                rows.add(row);
            }
            return rows;
        }
    }

    protected final void execute(String sql) throws SQLException {
        try (Connection c = state.dataSource().getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.executeUpdate();
        }
    }

    protected static String sha256Hex(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    private static long nanos(Runnable r) {
        long start = System.nanoTime();
        r.run();
        return System.nanoTime() - start;
    }

    /** Runs the tasks on their own threads, released together. */
    private static <T> List<Future<T>> runTogether(List<Callable<T>> tasks) throws InterruptedException {
        CountDownLatch gate = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(tasks.size());
        try {
            List<Future<T>> futures = new ArrayList<>();
            for (Callable<T> task : tasks) {
                futures.add(pool.submit(() -> {
                    gate.await();
                    return task.call();
                }));
            }
            gate.countDown();
            return futures;
        } finally {
            pool.shutdown();
            assertThat(pool.awaitTermination(50, TimeUnit.SECONDS)).as("tasks finished").isTrue();
        }
    }
}
