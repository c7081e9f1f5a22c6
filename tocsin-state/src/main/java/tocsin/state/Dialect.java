package tocsin.state;

import java.sql.SQLException;
import java.util.Locale;

import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/**
 * The SQL database behind a {@link StateStore}. Stores write portable SQL and ask the dialect only where the two
 * databases differ (error codes, locking).
 */
public enum Dialect {
    /** The embedded SQLite file in the data directory. */
    SQLITE,
    /** A PostgreSQL server named by {@code --database-url}. */
    POSTGRES;

    /** The lower-case name, also the folder of dialect-specific migrations ({@code migration/postgres/}). */
    String folderName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** True when {@code e} reports a violated unique or primary-key constraint. */
    boolean isUniqueViolation(SQLException e) {
        return switch (this) {
            case POSTGRES -> "23505".equals(e.getSQLState());
            case SQLITE -> e instanceof SQLiteException se
                    && (se.getResultCode() == SQLiteErrorCode.SQLITE_CONSTRAINT_UNIQUE
                    || se.getResultCode() == SQLiteErrorCode.SQLITE_CONSTRAINT_PRIMARYKEY);
        };
    }

    /** True when {@code e} reports a violated foreign-key constraint (a row still referenced, or a missing one). */
    boolean isForeignKeyViolation(SQLException e) {
        return switch (this) {
            case POSTGRES -> "23503".equals(e.getSQLState());
            case SQLITE -> e instanceof SQLiteException se
                    && se.getResultCode() == SQLiteErrorCode.SQLITE_CONSTRAINT_FOREIGNKEY;
        };
    }
}
