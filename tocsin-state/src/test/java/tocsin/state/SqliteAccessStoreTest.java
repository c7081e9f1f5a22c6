package tocsin.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.InstantSource;
import java.util.EnumSet;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import tocsin.core.access.Scope;

class SqliteAccessStoreTest extends AccessStoreContract {

    @TempDir
    Path tmp;

    private final AtomicInteger dataDirs = new AtomicInteger();

    @Override
    protected StateConfig newStateConfig(InstantSource clock) {
        return new StateConfig(null, tmp.resolve("data-" + dataDirs.incrementAndGet()), clock, 4);
    }

    @Override
    protected Dialect expectedDialect() {
        return Dialect.SQLITE;
    }

    @Test
    void keepsItsFileInTheStateDirectoryOfTheDataDir() throws IOException {
        Path file = config.dataDir().resolve("state/tocsin.db");

        assertThat(file).isRegularFile();
        assertThat(state.describe()).isEqualTo("SQLite file " + file.toAbsolutePath());
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent())))
                .isEqualTo("rwx------");
    }

    @Test
    void everyConnectionIsDurableAndChecksForeignKeys() throws Exception {
        // synchronous: 2 = FULL, fsync on every commit
        assertThat(rows("PRAGMA synchronous")).containsExactly(java.util.List.of("2"));
        assertThat(rows("PRAGMA journal_mode")).containsExactly(java.util.List.of("wal"));
        assertThat(rows("PRAGMA foreign_keys")).containsExactly(java.util.List.of("1"));
        assertThat(rows("PRAGMA busy_timeout")).containsExactly(java.util.List.of("5000"));
    }

    @Test
    void foreignKeysAreEnforced() {
        assertThatThrownBy(() -> execute("INSERT INTO user_session (token_sha256, user_id, created_at, expires_at)"
                + " VALUES ('t', 'PNOSUCH', 0, 1)")).hasMessageContaining("FOREIGN KEY");
    }

    @Test
    void committedKeysSurviveAnotherProcessOpeningTheFile() {
        // A second store on the same file sees committed data at once: nothing is held back in memory.
        String secret = store.createKey("agent", EnumSet.of(Scope.INGEST), "test", null).secret();

        StateStore second = open(config);

        assertThat(second.accessStore().authenticateKey(secret)).isPresent();
    }

    @Test
    void unwritableDataDirFailsWithAClearMessage() throws IOException {
        Path file = tmp.resolve("not-a-dir");
        Files.writeString(file, "x");

        assertThatThrownBy(() -> StateStore.open(StateConfig.embedded(file)))
                .isInstanceOf(DatabaseUnavailableException.class)
                .hasMessageContaining("Cannot create the state directory " + file.resolve("state"));
    }
}
