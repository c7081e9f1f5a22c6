package tocsin.state;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

import javax.sql.DataSource;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings a database's schema up to the version this binary ships.
 *
 * <p>Design note. Migrations are SQL scripts on the class path, listed in order in {@code <root>/index.txt}; a
 * dialect may override a script with {@code <root>/<dialect>/<same name>}. Applied migrations are recorded in
 * {@code tocsin_schema_history (version, description, checksum, applied_at)}. A run:
 * <ol>
 *   <li>on PostgreSQL takes a session advisory lock, so nodes starting together migrate one after the other
 *       (SQLite needs none: each migration's {@code BEGIN IMMEDIATE} holds the file's write lock, and the history is
 *       re-read inside it);</li>
 *   <li>refuses a database that is newer than this binary, that has a migration this binary does not ship, or whose
 *       applied scripts differ from the shipped ones (checksum): migrations are append-only, never edited;</li>
 *   <li>applies each pending migration and its history row in one transaction. Both databases have transactional
 *       DDL, so a crash or a failing statement leaves the schema at the previous version, never half-way.</li>
 * </ol>
 * Not thread-safe; used once while a {@link StateStore} opens.
 */
final class MigrationRunner {

    static final String DEFAULT_ROOT = "tocsin/state/migration";
    static final String INDEX_FILE = "index.txt";
    static final String HISTORY_TABLE = "tocsin_schema_history";

    /** Advisory lock id for schema changes: "tocsin" in ASCII, then 1. */
    private static final long POSTGRES_LOCK_KEY = 0x746f6373696e0001L;

    private static final Logger log = LoggerFactory.getLogger(MigrationRunner.class);

    private final Dialect dialect;
    private final InstantSource clock;
    private final List<Migration> migrations;

    MigrationRunner(Dialect dialect, InstantSource clock) {
        this(dialect, clock, MigrationRunner.class.getClassLoader(), DEFAULT_ROOT);
    }

    MigrationRunner(Dialect dialect, InstantSource clock, ClassLoader loader, String root) {
        this.dialect = dialect;
        this.clock = clock;
        this.migrations = load(loader, root, dialect);
    }

    /** The migrations listed in {@code <root>/index.txt}, in order, each in its variant for {@code dialect}. */
    static List<Migration> load(ClassLoader loader, String root, Dialect dialect) {
        List<Migration> migrations = new ArrayList<>();
        for (String fileName : readIndex(loader, root)) {
            Migration m = Migration.load(loader, root, fileName, dialect);
            if (!migrations.isEmpty() && m.version() <= migrations.getLast().version()) {
                throw new IllegalStateException(root + "/" + INDEX_FILE + " lists " + fileName
                        + " after version " + migrations.getLast().version() + "; versions must increase");
            }
            migrations.add(m);
        }
        return List.copyOf(migrations);
    }

    /** The version a database has once this runner is done. */
    int latestVersion() {
        return migrations.isEmpty() ? 0 : migrations.getLast().version();
    }

    List<Migration> migrations() {
        return migrations;
    }

    /**
     * Applies the pending migrations.
     *
     * @return the schema version afterwards
     * @throws SchemaException when the database cannot be brought to this binary's version
     */
    int migrate(DataSource dataSource) {
        try (Connection c = dataSource.getConnection()) {
            lock(c);
            try {
                createHistoryTable(c);
                NavigableMap<Integer, String> applied = readHistory(c);
                check(applied);
                int from = applied.isEmpty() ? 0 : applied.lastKey();
                int count = 0;
                for (Migration m : migrations) {
                    if (!applied.containsKey(m.version()) && apply(c, m)) {
                        count++;
                    }
                }
                if (count > 0) {
                    log.info("Schema migrated from version {} to {} ({} migrations)", from, latestVersion(), count);
                }
                return Math.max(from, latestVersion());
            } finally {
                unlock(c);
            }
        } catch (SQLException e) {
            throw new StateException("Cannot read or update the schema history: " + e.getMessage(), e);
        }
    }

    private void check(NavigableMap<Integer, String> applied) {
        if (applied.isEmpty()) {
            return;
        }
        int newest = applied.lastKey();
        if (newest > latestVersion()) {
            throw new SchemaException("The database is at schema version " + newest
                    + ", written by a newer Tocsin; this binary knows versions up to " + latestVersion()
                    + ". Run that newer Tocsin, or restore a backup taken before the upgrade.");
        }
        Map<Integer, Migration> shipped = new TreeMap<>();
        migrations.forEach(m -> shipped.put(m.version(), m));
        for (Map.Entry<Integer, String> e : applied.entrySet()) {
            Migration m = shipped.get(e.getKey());
            if (m == null) {
                throw new SchemaException("The database has migration V" + e.getKey()
                        + " applied, which this binary does not ship. It was written by a different Tocsin build;"
                        + " run that build, or restore a backup.");
            }
            if (!m.checksum().equals(e.getValue())) {
                throw new SchemaException("Migration " + label(m) + " applied to this database differs from "
                        + m.resource() + " in this binary (checksum " + e.getValue() + " in the database, "
                        + m.checksum() + " shipped). Applied migrations must never be edited: restore the original"
                        + " script, or restore the database from a backup.");
            }
        }
        for (Migration m : migrations) {
            if (m.version() < newest && !applied.containsKey(m.version())) {
                throw new SchemaException("Migration " + label(m) + " was never applied to this database although"
                        + " later ones were. Restore the database from a backup.");
            }
        }
    }

    /** Applies one migration in its own transaction; false when another process applied it meanwhile. */
    private boolean apply(Connection c, Migration m) throws SQLException {
        long started = System.nanoTime();
        c.setAutoCommit(false);
        try {
            if (isApplied(c, m.version())) {
                c.rollback();
                return false;
            }
            try (Statement st = c.createStatement()) {
                for (String sql : SqlScript.statements(m.script())) {
                    st.execute(sql);
                }
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + HISTORY_TABLE
                    + " (version, description, checksum, applied_at) VALUES (?, ?, ?, ?)")) {
                ps.setInt(1, m.version());
                ps.setString(2, m.description());
                ps.setString(3, m.checksum());
                ps.setLong(4, clock.millis());
                ps.executeUpdate();
            }
            c.commit();
        } catch (SQLException | RuntimeException e) {
            rollbackQuietly(c, e);
            throw new SchemaException("Migration " + label(m) + " (" + m.resource() + ") failed: " + e.getMessage()
                    + ". The transaction was rolled back; the schema is unchanged.", e);
        } finally {
            c.setAutoCommit(true);
        }
        log.info("Applied migration {} in {} ms", label(m), (System.nanoTime() - started) / 1_000_000);
        return true;
    }

    private static boolean isApplied(Connection c, int version) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM " + HISTORY_TABLE + " WHERE version = ?")) {
            ps.setInt(1, version);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    private static void createHistoryTable(Connection c) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute("CREATE TABLE IF NOT EXISTS " + HISTORY_TABLE + " ("
                    + " version INTEGER NOT NULL PRIMARY KEY,"
                    + " description VARCHAR(200) NOT NULL,"
                    + " checksum VARCHAR(64) NOT NULL,"
                    + " applied_at BIGINT NOT NULL)");
        }
    }

    /** Applied versions and their checksums, in version order. */
    private static NavigableMap<Integer, String> readHistory(Connection c) throws SQLException {
        NavigableMap<Integer, String> applied = new TreeMap<>();
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT version, checksum FROM " + HISTORY_TABLE)) {
            while (rs.next()) {
                applied.put(rs.getInt(1), rs.getString(2));
            }
        }
        return applied;
    }

    private void lock(Connection c) throws SQLException {
        if (dialect != Dialect.POSTGRES) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_try_advisory_lock(?)")) {
            ps.setLong(1, POSTGRES_LOCK_KEY);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                if (rs.getBoolean(1)) {
                    return;
                }
            }
        }
        log.info("Another Tocsin node is migrating the schema; waiting for it to finish");
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_advisory_lock(?)")) {
            ps.setLong(1, POSTGRES_LOCK_KEY);
            ps.executeQuery().close();
        }
    }

    /**
     * Releases the advisory lock. A failure is logged, not thrown, so it cannot hide the error that ended the run; it
     * means the connection broke, and the server releases a broken session's locks itself.
     */
    private void unlock(Connection c) {
        if (dialect != Dialect.POSTGRES) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_advisory_unlock(?)")) {
            ps.setLong(1, POSTGRES_LOCK_KEY);
            ps.executeQuery().close();
        } catch (SQLException e) {
            log.warn("Cannot release the schema migration lock", e);
        }
    }

    private static List<String> readIndex(ClassLoader loader, String root) {
        String resource = root + "/" + INDEX_FILE;
        try (InputStream in = loader.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("migration index " + resource + " is not on the class path");
            }
            List<String> names = new ArrayList<>();
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                String name = line.strip();
                if (!name.isEmpty() && !name.startsWith("#")) {
                    names.add(name);
                }
            }
            return names;
        } catch (IOException e) {
            throw new IllegalStateException("cannot read migration index " + resource, e);
        }
    }

    private static void rollbackQuietly(Connection c, Exception cause) {
        try {
            c.rollback();
        } catch (SQLException e) {
            cause.addSuppressed(e);
        }
    }

    private static String label(Migration m) {
        return "V" + String.format("%03d", m.version()) + " (" + m.description() + ")";
    }
}
