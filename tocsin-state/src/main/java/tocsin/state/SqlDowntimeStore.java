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
 * {@link DowntimeStore} on the {@code downtime} table of migrations V004 and V011, in portable SQL: the definition as
 * JSON text, the times as columns. Ids are random UUIDs, as Datadog's v2 ids; v1 ids come from the
 * {@code downtime_v1_id} counter, taken in the inserting transaction, so concurrent creates never share one.
 * Thread-safe: no state besides the pool; each call is one statement or one transaction.
 */
final class SqlDowntimeStore implements DowntimeStore {
    private static final String COLUMNS = "id, v1_id, attributes, created_at, modified_at, canceled_at";

    private final Jdbc jdbc;

    SqlDowntimeStore(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public Downtime create(Downtime d) {
        return jdbc.transaction("create downtime", c -> {
            Downtime stored = d.withIds(UUID.randomUUID().toString(), Jdbc.nextCounter(c, "downtime_v1_id"));
            Jdbc.update(c, "INSERT INTO downtime (attributes, created_at, modified_at, canceled_at, id, v1_id) "
                    + "VALUES (?, ?, ?, ?, ?, ?)", params(stored, stored.v1Id()));
            return stored;
        });
    }

    @Override
    public Optional<Downtime> find(String id) {
        return jdbc.queryOne("find downtime", "SELECT " + COLUMNS + " FROM downtime WHERE id = ?",
                SqlDowntimeStore::read, id);
    }

    @Override
    public Optional<Downtime> findByV1Id(long v1Id) {
        return jdbc.queryOne("find downtime", "SELECT " + COLUMNS + " FROM downtime WHERE v1_id = ?",
                SqlDowntimeStore::read, v1Id);
    }

    @Override
    public List<Downtime> list() {
        return jdbc.query("list downtimes", "SELECT " + COLUMNS + " FROM downtime ORDER BY created_at, v1_id",
                SqlDowntimeStore::read);
    }

    @Override
    public Optional<Downtime> update(Downtime d) {
        int n = jdbc.update("update downtime", "UPDATE downtime SET attributes = ?, created_at = ?, modified_at = ?, "
                + "canceled_at = ? WHERE id = ?", params(d));
        return n == 0 ? Optional.empty() : find(d.id());
    }

    /** attributes, created_at, modified_at, canceled_at, id (then any extra): the order the statements bind. */
    private static Object[] params(Downtime d, Object... extra) {
        Object[] base = {DowntimeJson.storedText(d), d.created().toEpochMilli(), d.modified().toEpochMilli(),
                d.canceled() == null ? null : d.canceled().toEpochMilli(), d.id()};
        Object[] all = java.util.Arrays.copyOf(base, base.length + extra.length);
        System.arraycopy(extra, 0, all, base.length, extra.length);
        return all;
    }

    private static Downtime read(ResultSet rs) throws SQLException {
        Long canceled = Jdbc.optLong(rs, 6);
        return DowntimeJson.fromStored(rs.getString(1), rs.getLong(2), rs.getString(3),
                Instant.ofEpochMilli(rs.getLong(4)), Instant.ofEpochMilli(rs.getLong(5)),
                canceled == null ? null : Instant.ofEpochMilli(canceled));
    }
}
