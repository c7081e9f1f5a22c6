package tocsin.state;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

import javax.sql.DataSource;

/**
 * The JDBC plumbing of every SQL store (access, directory, paging): a connection per call or per transaction,
 * transactions that roll back on any failure, positional parameters bound by type, rows read by a reader. SQL
 * failures become {@link StateException}s naming what was being done; {@link RuntimeException}s thrown by the work
 * (a store's own refusals) pass through after the rollback. Thread-safe: no state besides the pool.
 */
final class Jdbc {

    @FunctionalInterface
    interface Work<T> {
        T apply(Connection c) throws SQLException;
    }

    @FunctionalInterface
    interface RowReader<T> {
        T read(ResultSet rs) throws SQLException;
    }

    /** How long a write waits for the writes queued before it (on SQLite) before it fails. */
    static final long WRITER_WAIT_MILLIS = 30_000;

    private final DataSource dataSource;
    private final Dialect dialect;
    /**
     * SQLite has one writer at a time, and its busy handler is not a queue: connections waiting for the write lock
     * poll it with growing sleeps, so with dozens of writers (a storm of deliveries, each held or sent in its own
     * transaction) one of them can lose every poll for the whole busy timeout and fail while the database is
     * merely busy. Writers of this process queue here in arrival order instead, before they take a connection
     * (waiting writers do not hold the pool's connections from readers); the busy timeout is left for another
     * process on the same file. Unused on PostgreSQL, whose row locks queue by themselves.
     */
    private final ReentrantLock writers = new ReentrantLock(true);

    /** One per database: every store on the same pool must share it, so that its writers queue together. */
    Jdbc(DataSource dataSource, Dialect dialect) {
        this.dataSource = dataSource;
        this.dialect = dialect;
    }

    Dialect dialect() {
        return dialect;
    }

    /**
     * Runs {@code work} on a connection in auto-commit mode: for reads. Writes go through {@link #transaction} or
     * {@link #update}, which on SQLite queue behind the writes that asked before them ({@link #writers}).
     */
    <T> T run(String what, Work<T> work) {
        try (Connection c = dataSource.getConnection()) {
            return work.apply(c);
        } catch (SQLException e) {
            throw new StateException("Could not " + what + ": " + e.getMessage(), e);
        }
    }

    /** Runs {@code work} in one transaction: all of it commits, or none. */
    <T> T transaction(String what, Work<T> work) {
        return transaction(what, false, work);
    }

    /**
     * Runs reads that must see one state of the database, though they are several statements (a schedule, then its
     * layers, then their users): on PostgreSQL in a {@code REPEATABLE READ} transaction, whose snapshot is taken at
     * its first statement; on SQLite in a {@code BEGIN DEFERRED} read transaction, whose WAL snapshot is taken at its
     * first read. Neither takes a write lock, so such reads may run while another connection holds one — as when the
     * escalation engine renders a schedule inside an incident's transaction.
     */
    <T> T snapshot(String what, Work<T> work) {
        return transaction(what, true, work);
    }

    private <T> T transaction(String what, boolean snapshot, Work<T> work) {
        if (dialect == Dialect.SQLITE) {
            return snapshot ? sqliteTransaction(what, "BEGIN DEFERRED", work)
                    : asTheWriter(what, () -> sqliteTransaction(what, "BEGIN IMMEDIATE", work));
        }
        return run(what, c -> {
            int isolation = c.getTransactionIsolation();
            if (snapshot) {
                c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            }
            c.setAutoCommit(false);
            try {
                T result = work.apply(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                try {
                    c.rollback();
                } catch (SQLException suppressed) {
                    e.addSuppressed(suppressed);
                }
                throw e;
            } finally {
                c.setAutoCommit(true);
                if (snapshot) {
                    c.setTransactionIsolation(isolation);
                }
            }
        });
    }

    /**
     * A transaction on SQLite, begun and ended by hand on a connection that stays in auto-commit mode. Not through
     * {@link Connection#setAutoCommit}: the driver then issues the {@code BEGIN} itself and counts the transaction
     * open even when the {@code BEGIN} failed (the write lock stayed busy past the busy timeout), so the pooled
     * connection would run its next "transaction" statement by statement, each committed on its own, and fail only
     * at the commit; and after each commit it begins the next transaction at once, which can fail in turn. By hand,
     * a failed {@code BEGIN} changes nothing, and {@code IMMEDIATE} (a write) or {@code DEFERRED} (a read that takes
     * no write lock, so it may run while another connection writes, as when the escalation engine renders a schedule
     * inside an incident's transaction) is chosen per call.
     */
    private <T> T sqliteTransaction(String what, String begin, Work<T> work) {
        return run(what, c -> {
            try (java.sql.Statement s = c.createStatement()) {
                s.execute(begin);
            }
            try {
                T result = work.apply(c);
                try (java.sql.Statement s = c.createStatement()) {
                    s.execute("COMMIT");
                }
                return result;
            } catch (SQLException | RuntimeException e) {
                try (java.sql.Statement s = c.createStatement()) {
                    s.execute("ROLLBACK");
                } catch (SQLException suppressed) {
                    e.addSuppressed(suppressed);
                }
                throw e;
            }
        });
    }

    <T> List<T> query(String what, String sql, RowReader<T> reader, Object... params) {
        return run(what, c -> query(c, sql, reader, params));
    }

    <T> Optional<T> queryOne(String what, String sql, RowReader<T> reader, Object... params) {
        List<T> rows = query(what, sql, reader, params);
        return rows.isEmpty() ? Optional.empty() : Optional.of(rows.getFirst());
    }

    int update(String what, String sql, Object... params) {
        if (dialect == Dialect.SQLITE) {
            return asTheWriter(what, () -> run(what, c -> update(c, sql, params)));
        }
        return run(what, c -> update(c, sql, params));
    }

    /** Runs a write once the writes that asked before it are done (see {@link #writers}). */
    private <T> T asTheWriter(String what, java.util.function.Supplier<T> write) {
        try {
            if (!writers.tryLock(WRITER_WAIT_MILLIS, TimeUnit.MILLISECONDS)) {
                throw new StateException("Could not " + what + ": other writes kept the database busy for "
                        + WRITER_WAIT_MILLIS / 1000 + " s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StateException("Could not " + what + ": interrupted while waiting for other writes", e);
        }
        try {
            return write.get();
        } finally {
            writers.unlock();
        }
    }

    static <T> List<T> query(Connection c, String sql, RowReader<T> reader, Object... params) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, params);
            try (ResultSet rs = ps.executeQuery()) {
                List<T> rows = new ArrayList<>();
                while (rs.next()) {
                    rows.add(reader.read(rs));
                }
                return rows;
            }
        }
    }

    static int update(Connection c, String sql, Object... params) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, params);
            return ps.executeUpdate();
        }
    }

    static <T> Optional<T> one(Connection c, String sql, RowReader<T> reader, Object... params) throws SQLException {
        List<T> rows = query(c, sql, reader, params);
        return rows.isEmpty() ? Optional.empty() : Optional.of(rows.getFirst());
    }

    static long count(Connection c, String sql, Object... params) throws SQLException {
        return query(c, sql, rs -> rs.getLong(1), params).getFirst();
    }

    /**
     * Binds in order, by type, so that both databases store the same thing: a null as SQL NULL of a type both accept
     * for any column; integers, booleans and doubles as themselves; anything else as its string form.
     */
    static void bind(PreparedStatement ps, Object... params) throws SQLException {
        for (int i = 0; i < params.length; i++) {
            Object p = params[i];
            switch (p) {
                case null -> ps.setNull(i + 1, java.sql.Types.NULL);
                case Long l -> ps.setLong(i + 1, l);
                case Integer n -> ps.setInt(i + 1, n);
                case Boolean b -> ps.setBoolean(i + 1, b);
                case Double d -> ps.setDouble(i + 1, d);
                case String s -> ps.setString(i + 1, s);
                default -> ps.setString(i + 1, p.toString());
            }
        }
    }

    /** A nullable BIGINT column. */
    static Long optLong(ResultSet rs, int column) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? null : v;
    }

    /** Takes the next value of a named counter in {@code paging_counter}; the row lock serialises takers. */
    static long nextCounter(Connection c, String name) throws SQLException {
        if (update(c, "UPDATE paging_counter SET value = value + 1 WHERE name = ?", name) == 0) {
            update(c, "INSERT INTO paging_counter (name, value) VALUES (?, 1)", name);
            return 1;
        }
        return one(c, "SELECT value FROM paging_counter WHERE name = ?", rs -> rs.getLong(1), name).orElseThrow();
    }

    /**
     * A {@code WHERE} clause that keeps the rows where {@code query} is a case-insensitive substring of any of the
     * columns (LIKE's wildcards in the query taken literally), or no clause when the query is null or blank.
     */
    record Filter(String where, Object[] params) {
        static Filter contains(String query, String... columns) {
            if (query == null || query.isBlank()) {
                return new Filter("", new Object[0]);
            }
            String q = query.strip().toLowerCase(java.util.Locale.ROOT);
            String pattern = "%" + q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
            List<String> terms = new ArrayList<>();
            Object[] params = new Object[columns.length];
            for (int i = 0; i < columns.length; i++) {
                terms.add("LOWER(" + columns[i] + ") LIKE ? ESCAPE '\\'");
                params[i] = pattern;
            }
            return new Filter(" WHERE (" + String.join(" OR ", terms) + ")", params);
        }

        /** This filter and {@code condition} (with its {@code ?}s bound to {@code values}). */
        Filter and(String condition, Object... values) {
            Object[] all = java.util.Arrays.copyOf(params, params.length + values.length);
            System.arraycopy(values, 0, all, params.length, values.length);
            return new Filter((where.isEmpty() ? " WHERE " : where + " AND ") + condition, all);
        }

        /** The parameters followed by {@code LIMIT ? OFFSET ?}'s. */
        Object[] paged(int limit, int offset) {
            Object[] all = java.util.Arrays.copyOf(params, params.length + 2);
            all[params.length] = limit;
            all[params.length + 1] = offset;
            return all;
        }
    }

    /** A trailing {@code ? , ?, ...} list of {@code n} placeholders, n ≥ 1. */
    static String placeholders(int n) {
        return String.join(", ", java.util.Collections.nCopies(n, "?"));
    }
}
