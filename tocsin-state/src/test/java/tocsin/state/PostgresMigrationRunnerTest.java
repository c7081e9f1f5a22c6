package tocsin.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Migrations on PostgreSQL when several nodes start at once. */
class PostgresMigrationRunnerTest {

    private final ManualClock clock = new ManualClock(Instant.parse("2026-03-01T09:00:00Z"));

    @Test
    @Timeout(60)
    void nodesStartingTogetherApplyEachMigrationOnce() throws Exception {
        String url = TestPostgres.newDatabaseUrl();
        int nodes = 3;
        List<HikariDataSource> pools = new ArrayList<>();
        ExecutorService threads = Executors.newFixedThreadPool(nodes);
        try {
            for (int i = 0; i < nodes; i++) {
                pools.add(new PostgresDatabase(PostgresUrl.parse(url)).openPool(1));
            }
            CountDownLatch gate = new CountDownLatch(1);
            List<Future<Integer>> versions = new ArrayList<>();
            for (HikariDataSource pool : pools) {
                MigrationRunner runner = new MigrationRunner(Dialect.POSTGRES, clock, getClass().getClassLoader(),
                        "tocsin/state/testmigration/slow");
                versions.add(threads.submit(() -> {
                    gate.await();
                    return runner.migrate(pool);
                }));
            }
            gate.countDown();

            for (Future<Integer> version : versions) {
                assertThat(version.get()).isEqualTo(1);
            }
            try (Connection c = pools.getFirst().getConnection(); Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT count(*) FROM tocsin_schema_history")) {
                rs.next();
                assertThat(rs.getInt(1)).isEqualTo(1);
            }
        } finally {
            threads.shutdownNow();
            pools.forEach(HikariDataSource::close);
        }
    }
}
