package tocsin.state;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * The embedded database: one SQLite file, {@code <dataDir>/state/tocsin.db}.
 *
 * <p>Every connection runs with {@code journal_mode=WAL} (readers never block the writer),
 * {@code synchronous=FULL} (a commit is fsynced before it returns, so a request the server answered 2xx survives
 * {@code kill -9} and power loss), {@code foreign_keys=ON}, a 5 s {@code busy_timeout}, and
 * {@code BEGIN IMMEDIATE} transactions: a transaction takes the write lock when it starts rather than on its first
 * write, because upgrading a read lock fails with SQLITE_BUSY at once, without waiting out the busy timeout.
 */
record SqliteDatabase(Path file) implements Database {

    static final int BUSY_TIMEOUT_MILLIS = 5_000;

    static SqliteDatabase inDataDir(Path dataDir) {
        return new SqliteDatabase(dataDir.toAbsolutePath().resolve("state").resolve("tocsin.db"));
    }

    @Override
    public Dialect dialect() {
        return Dialect.SQLITE;
    }

    @Override
    public String describe() {
        return "SQLite file " + file;
    }

    @Override
    public HikariDataSource openPool(int maxPoolSize) {
        createDirectory(file.getParent());
        SQLiteConfig sqlite = new SQLiteConfig();
        sqlite.setJournalMode(SQLiteConfig.JournalMode.WAL);
        sqlite.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
        sqlite.enforceForeignKeys(true);
        sqlite.setBusyTimeout(BUSY_TIMEOUT_MILLIS);
        sqlite.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
        SQLiteDataSource dataSource = new SQLiteDataSource(sqlite);
        dataSource.setUrl("jdbc:sqlite:" + file);

        HikariConfig pool = new HikariConfig();
        pool.setPoolName("tocsin-state");
        pool.setDataSource(dataSource);
        pool.setMaximumPoolSize(maxPoolSize);
        pool.setMinimumIdle(1);
        try {
            return new HikariDataSource(pool);
        } catch (RuntimeException e) {
            throw new DatabaseUnavailableException("Cannot open the embedded database " + file + ": "
                    + rootMessage(e) + ". Check that the data directory is writable by this user and not full.", e);
        }
    }

    /** Creates the state directory readable by its owner only: it holds password and key hashes. */
    private static void createDirectory(Path dir) {
        try {
            if (Files.isDirectory(dir)) {
                return;
            }
            if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
                Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            } else {
                Files.createDirectories(dir);
            }
        } catch (IOException e) {
            throw new DatabaseUnavailableException("Cannot create the state directory " + dir + ": " + e
                    + ". Check that the data directory is writable by this user.", e);
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return String.valueOf(t.getMessage());
    }
}
