package tocsin.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.util.concurrent.atomic.AtomicInteger;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import tocsin.core.access.AccessStore.NewUser;
import tocsin.core.access.Role;

/** What the contract cannot see from outside: how many password checks a failed login costs. */
class SqlAccessStoreTest {

    @TempDir
    Path tmp;

    private final AtomicInteger verifications = new AtomicInteger();
    private HikariDataSource db;
    private SqlAccessStore store;

    @BeforeEach
    void open() {
        ManualClock clock = new ManualClock(Instant.parse("2026-03-01T09:00:00Z"));
        db = new SqliteDatabase(tmp.resolve("test.db")).openPool(2);
        new MigrationRunner(Dialect.SQLITE, clock).migrate(db);
        store = new SqlAccessStore(new Jdbc(db, Dialect.SQLITE), clock, new PasswordHasher() {
            @Override
            boolean verify(char[] password, String hash) {
                verifications.incrementAndGet();
                return super.verify(password, hash);
            }
        });
        store.createUser(new NewUser("ada@example.com", "Ada", Role.ADMIN, ZoneId.of("UTC"), "a passphrase".toCharArray()));
        store.createUser(new NewUser("pager@example.com", "Pager", Role.RESPONDER, ZoneId.of("UTC"), null));
    }

    @AfterEach
    void close() {
        db.close();
    }

    @Test
    void everyFailedLoginRunsExactlyOnePasswordCheck() {
        char[] password = "a passphrase".toCharArray();
        String[] emails = {"ada@example.com", "eve@example.com", "pager@example.com", "not an address", null};
        char[][] passwords = {"wrong passphrase".toCharArray(), password, password, password, password};

        for (int i = 0; i < emails.length; i++) {
            verifications.set(0);
            assertThat(store.authenticatePassword(emails[i], passwords[i])).isEmpty();
            assertThat(verifications).as(emails[i]).hasValue(1);
        }
        verifications.set(0);
        assertThat(store.authenticatePassword("ada@example.com", null)).isEmpty();
        assertThat(verifications).as("null password").hasValue(1);
    }
}
