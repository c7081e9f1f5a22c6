package tocsin.server;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tocsin.state.Dialect;
import tocsin.state.TestPostgres;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The server on PostgreSQL ({@code --database-url}), started by the test itself: state lives in the database, not
 * the data dir, and survives a restart.
 */
class PostgresServerIT {

    @Test
    void stateLivesInPostgresAndSurvivesARestart(@TempDir Path dir) {
        String url = TestPostgres.newDatabaseUrl();
        String secret;
        try (TestServer t = TestServer.startOn(dir, c -> withDatabase(c, url))) {
            assertThat(t.server().state().dialect()).isEqualTo(Dialect.POSTGRES);
            assertThat(t.server().state().describe()).doesNotContain(TestPostgres.PASSWORD);
            secret = t.createKey("read");
            assertThat(t.get("/api/tocsin/session", "Authorization", "Bearer " + secret).status()).isEqualTo(200);
        }
        assertThat(Files.exists(dir.resolve("state").resolve("tocsin.db"))).isFalse();
        try (TestServer t = TestServer.startOn(dir, c -> withDatabase(c, url))) {
            assertThat(t.get("/api/tocsin/session", "Authorization", "Bearer " + secret).status()).isEqualTo(200);
            assertThat(t.server().generatedCredentials()).isEmpty();
        }
    }

    @Test
    void anUnreachableDatabaseIsAClearStartupError(@TempDir Path dir) {
        String url = "postgresql://tocsin:pw@127.0.0.1:1/tocsin";
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> TestServer.startOn(dir, c -> withDatabase(c, url)))
                .isInstanceOf(StartupException.class)
                .hasMessageContaining("127.0.0.1:1")
                .hasMessageNotContaining(":pw@");
    }

    private static ServerConfig withDatabase(ServerConfig c, String url) {
        return new ServerConfig(c.dataDir(), c.httpAddr(), c.statsdAddr(), c.syslogAddr(), c.publicUrl(), url,
                c.bootstrapApiKey(), c.bootstrapAdminPassword(), c.config(), c.clock());
    }
}
