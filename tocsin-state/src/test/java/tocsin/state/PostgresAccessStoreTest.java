package tocsin.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.InstantSource;

import org.junit.jupiter.api.Test;

class PostgresAccessStoreTest extends AccessStoreContract {

    @Override
    protected StateConfig newStateConfig(InstantSource clock) {
        return new StateConfig(TestPostgres.newDatabaseUrl(), null, clock, 4);
    }

    @Override
    protected Dialect expectedDialect() {
        return Dialect.POSTGRES;
    }

    @Test
    void describeNamesTheServerButNeverThePassword() {
        TestPostgres pg = TestPostgres.instance();

        assertThat(state.describe())
                .startsWith("PostgreSQL database 'test_")
                .contains("at 127.0.0.1:" + pg.port() + " as 'tocsin'")
                .doesNotContain(TestPostgres.PASSWORD)
                .doesNotContain(TestPostgres.percentEncode(TestPostgres.PASSWORD));
    }

    @Test
    void acceptsTheJdbcFormWithCredentialsAsParameters() {
        TestPostgres pg = TestPostgres.instance();
        String database = config.databaseUrl().substring(config.databaseUrl().lastIndexOf('/') + 1);
        String jdbc = "jdbc:postgresql://127.0.0.1:" + pg.port() + "/" + database + "?user=tocsin&password="
                + TestPostgres.percentEncode(TestPostgres.PASSWORD) + "&ApplicationName=tocsin-test";

        StateStore second = open(new StateConfig(jdbc, null, clock, 2));

        assertThat(second.schemaVersion()).isEqualTo(state.schemaVersion());
    }

    @Test
    void wrongPasswordFailsNamingTheUserAndWhatToCheck() {
        String url = config.databaseUrl().replaceFirst(":[^:@/]+@", ":not-the-password@");

        assertThatThrownBy(() -> open(new StateConfig(url, null, clock, 2)))
                .isInstanceOf(DatabaseUnavailableException.class)
                .hasMessageContaining("PostgreSQL at 127.0.0.1:" + TestPostgres.instance().port())
                .hasMessageContaining("refused the login of user 'tocsin'")
                .hasMessageContaining("Check the user name and password in --database-url")
                .hasMessageNotContaining("not-the-password");
    }

    @Test
    void missingDatabaseFailsSayingHowToCreateIt() {
        String url = TestPostgres.instance().url("no_such_db");

        assertThatThrownBy(() -> open(new StateConfig(url, null, clock, 2)))
                .isInstanceOf(DatabaseUnavailableException.class)
                .hasMessageContaining("has no database 'no_such_db'")
                .hasMessageContaining("CREATE DATABASE no_such_db");
    }

    @Test
    void unreachableServerFailsNamingHostAndPort() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        String url = "postgresql://tocsin:secret-pw@127.0.0.1:" + closedPort + "/tocsin";

        assertThatThrownBy(() -> open(new StateConfig(url, null, clock, 2)))
                .isInstanceOf(DatabaseUnavailableException.class)
                .hasMessageContaining("Cannot connect to PostgreSQL at 127.0.0.1:" + closedPort)
                .hasMessageContaining("Check that PostgreSQL is running there")
                .hasMessageNotContaining("secret-pw");
    }
}
