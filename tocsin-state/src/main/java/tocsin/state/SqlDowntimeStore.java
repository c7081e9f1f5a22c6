package tocsin.state;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

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

    private final Jdbc jdbc;

    SqlDowntimeStore(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public Downtime create(Downtime d) {
        Downtime stored = withId(d, UUID.randomUUID().toString());
        jdbc.update("create downtime", "INSERT INTO downtime (attributes, created_at, modified_at, canceled_at, id) "
                + "VALUES (?, ?, ?, ?, ?)", params(stored));
        return stored;
    }

    @Override
    public Optional<Downtime> find(String id) {
        return jdbc.queryOne("find downtime", "SELECT " + COLUMNS + " FROM downtime WHERE id = ?",
                SqlDowntimeStore::read, id);
    }

    @Override
    public List<Downtime> list() {
        return jdbc.query("list downtimes", "SELECT " + COLUMNS + " FROM downtime ORDER BY created_at, id",
                SqlDowntimeStore::read);
    }

    @Override
    public Optional<Downtime> update(Downtime d) {
        int n = jdbc.update("update downtime", "UPDATE downtime SET attributes = ?, created_at = ?, modified_at = ?, "
                + "canceled_at = ? WHERE id = ?", params(d));
        return n == 0 ? Optional.empty() : Optional.of(d);
    }

    private static Downtime withId(Downtime d, String id) {
        return new Downtime(id, d.scope(), d.monitorId(), d.monitorTags(), d.schedule(), d.message(),
                d.displayTimezone(), d.muteFirstRecoveryNotification(), d.notifyEndStates(), d.notifyEndTypes(),
                d.created(), d.modified(), d.canceled());
    }

    /** attributes, created_at, modified_at, canceled_at, id: the order both statements bind. */
    private static Object[] params(Downtime d) {
        return new Object[]{DowntimeJson.storedText(d), d.created().toEpochMilli(), d.modified().toEpochMilli(),
                d.canceled() == null ? null : d.canceled().toEpochMilli(), d.id()};
    }

    private static Downtime read(ResultSet rs) throws SQLException {
        Long canceled = Jdbc.optLong(rs, 5);
        return DowntimeJson.fromStored(rs.getString(1), rs.getString(2), Instant.ofEpochMilli(rs.getLong(3)),
                Instant.ofEpochMilli(rs.getLong(4)), canceled == null ? null : Instant.ofEpochMilli(canceled));
    }
}
