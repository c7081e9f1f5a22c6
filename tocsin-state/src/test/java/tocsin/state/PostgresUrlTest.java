package tocsin.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.junit.jupiter.api.Test;

class PostgresUrlTest {

    @Test
    void parsesTheLibpqForm() {
        PostgresUrl url = PostgresUrl.parse("postgresql://tocsin:s%40cr%3At%2F+x@db.example.com:6432/state"
                + "?sslmode=verify-full&connect_timeout=5&application_name=tocsin");

        assertThat(url.hosts()).containsExactly(new PostgresUrl.HostPort("db.example.com", 6432));
        assertThat(url.database()).isEqualTo("state");
        assertThat(url.user()).isEqualTo("tocsin");
        assertThat(url.password()).isEqualTo("s@cr:t/+x");
        assertThat(url.parameters()).containsExactly(Map.entry("sslmode", "verify-full"),
                Map.entry("connectTimeout", "5"), Map.entry("ApplicationName", "tocsin"));
        assertThat(url.jdbcUrl()).isEqualTo("jdbc:postgresql://db.example.com:6432/state");
        Properties props = url.driverProperties();
        assertThat(props).containsEntry("user", "tocsin").containsEntry("password", "s@cr:t/+x")
                .containsEntry("sslmode", "verify-full");
    }

    @Test
    void acceptsPostgresSchemeAndDefaultsThePort() {
        PostgresUrl url = PostgresUrl.parse("postgres://db/state");

        assertThat(url.hosts()).containsExactly(new PostgresUrl.HostPort("db", 5432));
        assertThat(url.user()).isNull();
        assertThat(url.password()).isNull();
        assertThat(url.driverProperties()).isEmpty();
    }

    @Test
    void acceptsTheJdbcFormWithCredentialsAsParameters() {
        PostgresUrl url = PostgresUrl.parse("jdbc:postgresql://10.0.0.5:5433/state?user=app&password=p%26w&ssl=true");

        assertThat(url.endpoint()).isEqualTo("10.0.0.5:5433");
        assertThat(url.user()).isEqualTo("app");
        assertThat(url.password()).isEqualTo("p&w");
        assertThat(url.parameters()).containsExactly(Map.entry("ssl", "true"));
    }

    @Test
    void takesTheLastAtSignAsTheEndOfUnencodedUserInfo() {
        PostgresUrl url = PostgresUrl.parse("postgresql://app:p@ss@db:5432/state");

        assertThat(url.password()).isEqualTo("p@ss");
        assertThat(url.endpoint()).isEqualTo("db:5432");
    }

    @Test
    void parsesIpv6AndSeveralHosts() {
        PostgresUrl url = PostgresUrl.parse("postgresql://app@[::1]:5433,db2,[fe80::2]/state");

        assertThat(url.hosts()).containsExactly(new PostgresUrl.HostPort("::1", 5433),
                new PostgresUrl.HostPort("db2", 5432), new PostgresUrl.HostPort("fe80::2", 5432));
        assertThat(url.jdbcUrl()).isEqualTo("jdbc:postgresql://[::1]:5433,db2:5432,[fe80::2]:5432/state");
    }

    @Test
    void describeAndToStringNeverShowThePassword() {
        PostgresUrl url = PostgresUrl.parse("postgresql://app:hunter2hunter2@db:5432/state?sslmode=require");

        assertThat(url.describe()).isEqualTo("PostgreSQL database 'state' at db:5432 as 'app' (sslmode=require)");
        assertThat(url.toString()).doesNotContain("hunter2").contains("password=***");
    }

    @Test
    void malformedUrlsAreRejectedNamingTheProblemButNotThePassword() {
        for (List<String> c : List.of(
                List.of("", "database-url: empty"),
                List.of("db.example.com:5432/state", "database-url: expected postgresql://"),
                List.of("mysql://app:pw@db/state", "database-url: unsupported scheme 'mysql'"),
                List.of("postgresql:///state", "database-url: missing host"),
                List.of("postgresql://app:hunter2hunter2@db:5432", "database-url: missing database name"),
                List.of("postgresql://app:hunter2hunter2@db:54x2/state", "database-url: invalid port"),
                List.of("postgresql://app:hunter2hunter2/state", "database-url: invalid port"),
                List.of("postgresql://app:hunter2hunter2%zz@db/state",
                        "database-url: invalid percent-encoding in the password"),
                List.of("postgresql://app@%2Fvar%2Frun%2Fpostgresql/state",
                        "database-url: unix-domain socket paths are not supported"),
                List.of("postgresql://app@[::1/state", "database-url: unclosed '['"))) {
            assertThatThrownBy(() -> PostgresUrl.parse(c.get(0)))
                    .as(c.get(0))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith(c.get(1))
                    .hasMessageNotContaining("hunter2");
        }
    }
}
