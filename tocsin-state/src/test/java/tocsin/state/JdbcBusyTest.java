package tocsin.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A SQLite transaction that cannot begin — another connection holds the write lock past the busy timeout — fails
 * and leaves its pooled connection as it was: the next transaction on it is still all or nothing. (Through the
 * driver's {@code setAutoCommit(false)}, the failed {@code BEGIN} left the connection believing a transaction was
 * open, and the next one then committed statement by statement.)
 */
class JdbcBusyTest {

    @Test
    void aTransactionThatCouldNotBeginLeavesTheConnectionAllOrNothing(@TempDir Path dir) throws Exception {
        SqliteDatabase db = new SqliteDatabase(dir.resolve("busy.db"));
        try (HikariDataSource pool = db.openPool(1); HikariDataSource other = db.openPool(1)) {
            Jdbc jdbc = new Jdbc(pool, Dialect.SQLITE);
            jdbc.run("create", c -> {
                try (Statement s = c.createStatement()) {
                    s.execute("CREATE TABLE t (x INTEGER NOT NULL)");
                }
                return null;
            });
            try (Connection holder = other.getConnection(); Statement s = holder.createStatement()) {
                s.execute("BEGIN IMMEDIATE"); // holds the write lock past the busy timeout
                assertThatThrownBy(() -> jdbc.transaction("insert while locked", c -> {
                    insert(c, 1);
                    return null;
                })).isInstanceOf(StateException.class).hasMessageContaining("locked");
                s.execute("ROLLBACK");
            }
            assertThatThrownBy(() -> jdbc.transaction("insert then fail", c -> {
                insert(c, 2);
                insert(c, 3);
                throw new IllegalStateException("the store refuses");
            })).isInstanceOf(IllegalStateException.class);
            jdbc.transaction("insert", c -> {
                insert(c, 4);
                return null;
            });
            assertThat(jdbc.query("read", "SELECT x FROM t ORDER BY x", rs -> rs.getInt(1))).as("all or nothing")
                    .isEqualTo(List.of(4));
        }
    }

    /**
     * Forty writers at once, each holding the write lock 20 ms eight times: 6.4 s of writes, longer than SQLite's
     * busy timeout. SQLite's busy handler lets a waiting connection lose every poll for the lock until its timeout
     * runs out; queued in arrival order, every write commits.
     */
    @Test
    void aStormOfWritersAllCommit(@TempDir Path dir) throws Exception {
        SqliteDatabase db = new SqliteDatabase(dir.resolve("storm.db"));
        try (HikariDataSource pool = db.openPool(10)) {
            Jdbc jdbc = new Jdbc(pool, Dialect.SQLITE);
            jdbc.update("create", "CREATE TABLE t (x INTEGER NOT NULL)");
            int writers = 40;
            int each = 8;
            java.util.concurrent.atomic.AtomicInteger failures = new java.util.concurrent.atomic.AtomicInteger();
            try (var threads = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
                for (int w = 0; w < writers; w++) {
                    int writer = w;
                    threads.submit(() -> {
                        for (int i = 0; i < each; i++) {
                            int x = writer * each + i;
                            try {
                                jdbc.transaction("insert " + x, c -> {
                                    insert(c, x);
                                    java.util.concurrent.locks.LockSupport.parkNanos(20_000_000L);
                                    return null;
                                });
                            } catch (StateException e) {
                                failures.incrementAndGet();
                            }
                        }
                        return null;
                    });
                }
            }
            assertThat(failures.get()).isZero();
            assertThat(jdbc.query("count", "SELECT COUNT(*) FROM t", rs -> rs.getInt(1))).containsExactly(writers * each);
        }
    }

    private static void insert(Connection c, int x) throws java.sql.SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("INSERT INTO t VALUES (" + x + ")");
        }
    }
}
