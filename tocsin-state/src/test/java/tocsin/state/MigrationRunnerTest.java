package tocsin.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The runner's rules, on SQLite with the small migration sets under {@code testmigration/}. */
class MigrationRunnerTest {

    private static final String SETS = "tocsin/state/testmigration/";

    @TempDir
    Path tmp;

    private final ManualClock clock = new ManualClock(Instant.parse("2026-03-01T09:00:00Z"));
    private HikariDataSource db;

    @BeforeEach
    void openDatabase() {
        db = new SqliteDatabase(tmp.resolve("test.db")).openPool(2);
    }

    @AfterEach
    void closeDatabase() {
        db.close();
    }

    @Test
    void appliesEachMigrationOnceChoosingTheDialectVariant() throws SQLException {
        MigrationRunner runner = runner("ok", Dialect.SQLITE);

        assertThat(runner.migrate(db)).isEqualTo(2);
        assertThat(runner.migrate(db)).isEqualTo(2);

        assertThat(tables()).contains("first_table", "second_sqlite").doesNotContain("second_common");
        assertThat(query("SELECT version, description, applied_at FROM tocsin_schema_history ORDER BY version"))
                .containsExactly("1|first|" + clock.millis(), "2|second step|" + clock.millis());
    }

    @Test
    void otherDialectsGetTheCommonScript() {
        List<Migration> postgres = MigrationRunner.load(getClass().getClassLoader(), SETS + "ok", Dialect.POSTGRES);
        List<Migration> sqlite = MigrationRunner.load(getClass().getClassLoader(), SETS + "ok", Dialect.SQLITE);

        assertThat(postgres.get(1).resource()).isEqualTo(SETS + "ok/V002__second_step.sql");
        assertThat(sqlite.get(1).resource()).isEqualTo(SETS + "ok/sqlite/V002__second_step.sql");
        assertThat(postgres.get(1).checksum()).isNotEqualTo(sqlite.get(1).checksum());
        assertThat(postgres.get(0).checksum()).isEqualTo(sqlite.get(0).checksum());
    }

    @Test
    void failingMigrationIsRolledBackWhole() throws SQLException {
        MigrationRunner runner = runner("broken", Dialect.SQLITE);

        assertThatThrownBy(() -> runner.migrate(db))
                .isInstanceOf(SchemaException.class)
                .hasMessageContaining("Migration V002 (fails)")
                .hasMessageContaining("no_such_table")
                .hasMessageContaining("rolled back");

        assertThat(tables()).contains("first_table").doesNotContain("created_then_rolled_back");
        assertThat(query("SELECT version FROM tocsin_schema_history")).containsExactly("1");
    }

    @Test
    void refusesAMigrationSkippedWhileLaterOnesWereApplied() throws SQLException {
        runner("ok", Dialect.SQLITE).migrate(db);
        execute("DELETE FROM tocsin_schema_history WHERE version = 1");

        assertThatThrownBy(() -> runner("ok", Dialect.SQLITE).migrate(db))
                .isInstanceOf(SchemaException.class)
                .hasMessageContaining("V001 (first) was never applied");
    }

    @Test
    void refusesAnAppliedMigrationThisBinaryDoesNotShip() {
        runner("ok", Dialect.SQLITE).migrate(db);

        assertThatThrownBy(() -> runner("sparse", Dialect.SQLITE).migrate(db))
                .isInstanceOf(SchemaException.class)
                .hasMessageContaining("migration V2 applied, which this binary does not ship");
    }

    @Test
    void indexMustListVersionsInOrder() {
        assertThatThrownBy(() -> runner("unordered", Dialect.SQLITE))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("versions must increase");
    }

    @Test
    void checksumIgnoresLineEndings() {
        assertThat(Migration.checksum("SELECT 1;\r\nSELECT 2;\r\n")).isEqualTo(Migration.checksum("SELECT 1;\nSELECT 2;\n"))
                .isNotEqualTo(Migration.checksum("SELECT 1;\nSELECT 3;\n"));
    }

    @Test
    void shippedIndexListsEveryShippedScript() throws IOException, URISyntaxException {
        URL dir = getClass().getClassLoader().getResource(MigrationRunner.DEFAULT_ROOT);
        assertThat(dir).isNotNull();
        assertThat(dir.getProtocol()).as("migrations read from target/classes").isEqualTo("file");
        Path root = Path.of(dir.toURI());
        List<String> onDisk;
        try (Stream<Path> files = Files.walk(root)) {
            onDisk = files.filter(p -> p.toString().endsWith(".sql")).map(p -> p.getFileName().toString())
                    .distinct().sorted().toList();
        }

        List<String> indexed = MigrationRunner.load(getClass().getClassLoader(), MigrationRunner.DEFAULT_ROOT,
                Dialect.SQLITE).stream().map(m -> Path.of(m.resource()).getFileName().toString()).toList();
        assertThat(indexed).isEqualTo(onDisk);
    }

    private MigrationRunner runner(String set, Dialect dialect) {
        return new MigrationRunner(dialect, clock, getClass().getClassLoader(), SETS + set);
    }

    private List<String> tables() throws SQLException {
        return query("SELECT name FROM sqlite_master WHERE type = 'table'");
    }

    /** Rows of {@code sql}, columns joined with '|'. */
    private List<String> query(String sql) throws SQLException {
        try (Connection c = db.getConnection(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            List<String> rows = new ArrayList<>();
            int columns = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                List<String> row = new ArrayList<>();
                for (int i = 1; i <= columns; i++) {
                    row.add(rs.getString(i));
                }
                rows.add(String.join("|", row));
            }
            return rows;
        }
    }

    private void execute(String sql) throws SQLException {
        try (Connection c = db.getConnection(); Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }
}
