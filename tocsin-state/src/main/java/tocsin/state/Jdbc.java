package tocsin.state;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import javax.sql.DataSource;

/**
 * The JDBC plumbing of the paging stores: a connection per call or per transaction, statements with positional
 * parameters (a Java {@code null} binds SQL NULL), rows mapped by a reader, SQL failures wrapped in
 * {@link StateException} naming what was being done. Thread-safe: no state besides the pool.
 */
final class Jdbc {

    @FunctionalInterface
    interface Work<T> {
        T apply(Connection c) throws SQLException;
    }

    @FunctionalInterface
    interface Row<T> {
        T read(ResultSet rs) throws SQLException;
    }

    private final DataSource dataSource;

    Jdbc(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    <T> T run(String what, Work<T> work) {
        try (Connection c = dataSource.getConnection()) {
            return work.apply(c);
        } catch (SQLException e) {
            throw new StateException("Could not " + what + ": " + e.getMessage(), e);
        }
    }

    /** Runs {@code work} in one transaction; a RuntimeException or SQLException rolls it back. */
    <T> T transaction(String what, Work<T> work) {
        return run(what, c -> {
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
            }
        });
    }

    <T> List<T> query(String what, String sql, Row<T> row, Object... params) {
        return run(what, c -> list(c, sql, row, params));
    }

    <T> Optional<T> queryOne(String what, String sql, Row<T> row, Object... params) {
        return run(what, c -> one(c, sql, row, params));
    }

    static <T> List<T> list(Connection c, String sql, Row<T> row, Object... params) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, params);
            try (ResultSet rs = ps.executeQuery()) {
                List<T> out = new ArrayList<>();
                while (rs.next()) {
                    out.add(row.read(rs));
                }
                return out;
            }
        }
    }

    static <T> Optional<T> one(Connection c, String sql, Row<T> row, Object... params) throws SQLException {
        List<T> rows = list(c, sql, row, params);
        return rows.isEmpty() ? Optional.empty() : Optional.of(rows.getFirst());
    }

    static int update(Connection c, String sql, Object... params) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, params);
            return ps.executeUpdate();
        }
    }

    static void bind(PreparedStatement ps, Object... params) throws SQLException {
        for (int i = 0; i < params.length; i++) {
            Object p = params[i];
            if (p == null) {
                ps.setObject(i + 1, null); // untyped: PostgreSQL infers the column's type
            } else if (p instanceof Long l) {
                ps.setLong(i + 1, l);
            } else if (p instanceof Integer n) {
                ps.setInt(i + 1, n);
            } else {
                ps.setString(i + 1, p.toString());
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
}
