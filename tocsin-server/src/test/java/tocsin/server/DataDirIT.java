package tocsin.server;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tocsin.server.auth.Bootstrap;
import tocsin.server.datadir.DataDirException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** One server per data dir; first-start credentials; restarts keep state. */
class DataDirIT {

    @Test
    void aSecondServerOnTheSameDataDirRefusesWhileTheFirstStaysHealthy(@TempDir Path dir) {
        try (TestServer first = TestServer.startOn(dir, c -> c)) {
            assertThatThrownBy(() -> TestServer.startOn(dir, c -> c))
                    .isInstanceOf(DataDirException.class)
                    .hasMessageContaining("is in use by another Tocsin process")
                    .hasMessageContaining("pid=" + ProcessHandle.current().pid());
            assertThat(first.get("/health").status()).isEqualTo(200);
            assertThat(first.adminGet("/api/tocsin/keys").status()).isEqualTo(200);
        }
        // Released on close: a restart works and keeps the data.
        try (TestServer again = TestServer.startOn(dir, c -> c)) {
            assertThat(again.adminGet("/api/tocsin/keys").status()).isEqualTo(200);
        }
    }

    @Test
    void aDataDirThatIsAFileIsAClearError(@TempDir Path tmp) throws Exception {
        Path file = Files.writeString(tmp.resolve("not-a-dir"), "x");
        assertThatThrownBy(() -> TestServer.startOn(file, c -> c))
                .isInstanceOf(DataDirException.class)
                .hasMessageContaining("not-a-dir");
        assertThatThrownBy(() -> TestServer.startOn(file.resolve("sub"), c -> c))
                .isInstanceOf(DataDirException.class)
                .hasMessageContaining("a file is in the way");
    }

    @Test
    void aDataDirFromANewerLayoutIsRefused(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("layout.properties"), "layout=99\n");
        assertThatThrownBy(() -> TestServer.startOn(dir, c -> c))
                .isInstanceOf(DataDirException.class)
                .hasMessageContaining("newer Tocsin");
    }

    @Test
    void generatedCredentialsAreWrittenOnceWithMode0600(@TempDir Path dir) throws Exception {
        String key;
        try (TestServer t = TestServer.startOn(dir, c -> new ServerConfig(c.dataDir(), c.httpAddr(), null, null,
                null, null, null, null, c.config(), c.clock()))) {
            assertThat(t.server().generatedCredentials()).isPresent();
            Path file = dir.resolve(Bootstrap.CREDENTIALS_FILE);
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
            Properties p = new Properties();
            try (var in = Files.newInputStream(file)) {
                p.load(in);
            }
            key = p.getProperty("api_key");
            assertThat(key).matches("[0-9a-f]{32}");
            assertThat(t.get("/api/tocsin/keys", "Authorization", "Bearer " + key).status()).isEqualTo(200);
            TestServer.Reply login = t.postJson("/api/tocsin/session", "{\"email\":\"admin@localhost\",\"password\":\""
                    + p.getProperty("admin_password") + "\"}");
            assertThat(login.status()).isEqualTo(201);
        }
        Files.delete(dir.resolve(Bootstrap.CREDENTIALS_FILE));
        try (TestServer t = TestServer.startOn(dir, c -> new ServerConfig(c.dataDir(), c.httpAddr(), null, null,
                null, null, null, null, c.config(), c.clock()))) {
            assertThat(t.server().generatedCredentials()).isEmpty();
            assertThat(Files.exists(dir.resolve(Bootstrap.CREDENTIALS_FILE))).isFalse();
            assertThat(t.get("/api/tocsin/keys", "Authorization", "Bearer " + key).status()).isEqualTo(200);
        }
    }

    @Test
    void bootstrapSecretsFromFlagsAreNeitherPrintedNorWritten(@TempDir Path dir) {
        try (TestServer t = TestServer.startOn(dir, c -> c)) {
            assertThat(t.server().generatedCredentials()).isEmpty();
            assertThat(Files.exists(dir.resolve(Bootstrap.CREDENTIALS_FILE))).isFalse();
        }
    }
}
