package tocsin.state;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import javax.sql.DataSource;

import tocsin.monitor.downtime.Downtime;
import tocsin.monitor.downtime.DowntimeStore;
import tocsin.monitor.json.DowntimeJson;

/**
 * {@link DowntimeStore} on the {@code downtime} table of migration V004, in portable SQL: the definition as JSON
 * text, the times as columns. Ids are random UUIDs, as Datadog's. Thread-safe: no state besides the pool; each call
 * is one statement.
 */
final class SqlDowntimeStore implements DowntimeStore {
    private static final String COLUMNS = "id, attributes, created_at, modified_at, canceled_at";

    private final DataSource dataSource;

    SqlDowntimeStore(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    @Override
    public Downtime create(Downtime d) {
        Downtime stored = withId(d, UUID.randomUUID().toString());
        execute("create downtime", "INSERT INTO downtime (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?)", ps -> {
            ps.setString(1, stored.id());
            bind(ps, 2, stored);
        });
        return stored;
    }

    @Override
    public Optional<Downtime> find(String id) {
        List<Downtime> rows = select("find downtime", "WHERE id = ?", id);
        return rows.isEmpty() ? Optional.empty() : Optional.of(rows.getFirst());
    }

    @Override
    public List<Downtime> list() {
        return select("list downtimes", "ORDER BY created_at, id", null);
    }

    @Override
    public Optional<Downtime> update(Downtime d) {
        int n = execute("update downtime", "UPDATE downtime SET attributes = ?, created_at = ?, modified_at = ?, "
                + "canceled_at = ? WHERE id = ?", ps -> {
            bind(ps, 1, d);
            ps.setString(5, d.id());
        });
        return n == 0 ? Optional.empty() : Optional.of(d);
    }

    private static Downtime withId(Downtime d, String id) {
        return new Downtime(id, d.scope(), d.monitorId(), d.monitorTags(), d.schedule(), d.message(),
                d.displayTimezone(), d.muteFirstRecoveryNotification(), d.notifyEndStates(), d.notifyEndTypes(),
                d.created(), d.modified(), d.canceled());
    }

    private static void bind(PreparedStatement ps, int first, Downtime d) throws SQLException {
        ps.setString(first, DowntimeJson.storedText(d));
        ps.setLong(first + 1, d.created().toEpochMilli());
        ps.setLong(first + 2, d.modified().toEpochMilli());
        if (d.canceled() == null) {
            ps.setNull(first + 3, Types.BIGINT);
        } else {
            ps.setLong(first + 3, d.canceled().toEpochMilli());
        }
    }

    @FunctionalInterface
    private interface Binder {
        void bind(PreparedStatement ps) throws SQLException;
    }

    private int execute(String what, String sql, Binder binder) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            binder.bind(ps);
            return ps.executeUpdate();
        } catch (SQLException e) {
            throw new StateException("Could not " + what + ": " + e.getMessage(), e);
        }
    }

    private List<Downtime> select(String what, String tail, String id) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM downtime " + tail)) {
            if (id != null) {
                ps.setString(1, id);
            }
            try (ResultSet rs = ps.executeQuery()) {
                List<Downtime> out = new ArrayList<>();
                while (rs.next()) {
                    long canceled = rs.getLong(5);
                    Instant canceledAt = rs.wasNull() ? null : Instant.ofEpochMilli(canceled);
                    out.add(DowntimeJson.fromStored(rs.getString(1), rs.getString(2),
                            Instant.ofEpochMilli(rs.getLong(3)), Instant.ofEpochMilli(rs.getLong(4)), canceledAt));
                }
                return out;
            }
        } catch (SQLException e) {
            throw new StateException("Could not " + what + ": " + e.getMessage(), e);
        }
    }
}
