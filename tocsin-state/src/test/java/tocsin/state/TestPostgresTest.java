package tocsin.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;

import org.junit.jupiter.api.Test;

class TestPostgresTest {

    @Test
    void givesEachCallerAnEmptyDatabaseOnOneServer() throws Exception {
        String first = TestPostgres.newDatabaseUrl();
        String second = TestPostgres.newDatabaseUrl();

        assertThat(first).startsWith("postgresql://" + TestPostgres.SUPERUSER + ":")
                .isNotEqualTo(second)
                .contains(":" + TestPostgres.instance().port() + "/");
        String database = first.substring(first.lastIndexOf('/') + 1);
        try (Connection c = TestPostgres.instance().connect(database); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")) {
            rs.next();
            assertThat(rs.getInt(1)).isZero();
        }
    }

    @Test
    void serverRunsWithoutDurabilityAndNotAsRoot() throws Exception {
        try (Connection c = TestPostgres.instance().connect("postgres"); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SHOW fsync")) {
            rs.next();
            assertThat(rs.getString(1)).isEqualTo("off");
        }
        try (Connection c = TestPostgres.instance().connect("postgres"); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT pg_backend_pid()")) {
            rs.next();
            Path backend = Path.of("/proc/" + rs.getLong(1));
            // PostgreSQL refuses root; as root, TestPostgres must have dropped to another user.
            assertThat((Integer) Files.getAttribute(backend, "unix:uid")).isNotZero();
        }
    }

    @Test
    void percentEncodesReservedCharacters() {
        assertThat(TestPostgres.percentEncode("p@ss:w/rd%+?# ü")).isEqualTo("p%40ss%3Aw%2Frd%25%2B%3F%23%20%C3%BC");
    }
}
