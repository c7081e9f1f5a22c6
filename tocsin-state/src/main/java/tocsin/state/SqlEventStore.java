package tocsin.state;

import tocsin.core.event.Event;
import tocsin.core.event.EventStore;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * {@link EventStore} on the {@code event} and {@code event_tag} tables of migration V012, in portable SQL. An add is
 * one transaction (its id from the {@code event_id} counter, the row, its tags); a list is one query for the
 * matching ids and one for their tags. Thread-safe: no state besides the pool.
 */
final class SqlEventStore implements EventStore {
    private static final String COLUMNS = "id, happened_at, title, body, host, aggregation_key, priority, "
            + "source_type, alert_type";

    private final Jdbc jdbc;

    SqlEventStore(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public Stored add(Event e) {
        return jdbc.transaction("add event", c -> {
            long id = Jdbc.nextCounter(c, "event_id");
            Jdbc.update(c, "INSERT INTO event (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", id,
                    e.timestamp().toEpochMilli(), e.title(), e.text(), e.host(), e.aggregationKey(),
                    e.priority().name(), e.sourceType(), e.alertType().name());
            for (String tag : e.tags()) {
                Jdbc.update(c, "INSERT INTO event_tag (event_id, tag) VALUES (?, ?)", id, tag);
            }
            return new Stored(id, e);
        });
    }

    @Override
    public Optional<Stored> find(long id) {
        return jdbc.run("find event", c -> {
            List<Row> rows = Jdbc.query(c, "SELECT " + COLUMNS + " FROM event WHERE id = ?", SqlEventStore::read, id);
            return withTags(c, rows).stream().findFirst();
        });
    }

    @Override
    public List<Stored> list(Query q) {
        StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM event WHERE happened_at >= ? "
                + "AND happened_at <= ?");
        List<Object> params = new ArrayList<>(List.of(q.start().toEpochMilli(), q.end().toEpochMilli()));
        if (q.priority() != null) {
            sql.append(" AND priority = ?");
            params.add(q.priority().name());
        }
        if (!q.sources().isEmpty()) {
            sql.append(" AND LOWER(source_type) IN (").append(Jdbc.placeholders(q.sources().size())).append(')');
            q.sources().forEach(s -> params.add(s.toLowerCase(Locale.ROOT)));
        }
        for (String tag : q.tags()) {
            sql.append(" AND EXISTS (SELECT 1 FROM event_tag t WHERE t.event_id = event.id AND t.tag = ?)");
            params.add(tag);
        }
        sql.append(" ORDER BY happened_at DESC, id DESC LIMIT ? OFFSET ?");
        params.add(q.limit());
        params.add(q.offset());
        return jdbc.run("list events", c -> withTags(c, Jdbc.query(c, sql.toString(), SqlEventStore::read,
                params.toArray())));
    }

    @Override
    public int deleteBefore(Instant cutoff) {
        return jdbc.transaction("delete old events", c -> {
            Jdbc.update(c, "DELETE FROM event_tag WHERE event_id IN (SELECT id FROM event WHERE happened_at < ?)",
                    cutoff.toEpochMilli());
            return Jdbc.update(c, "DELETE FROM event WHERE happened_at < ?", cutoff.toEpochMilli());
        });
    }

    /** An event row before its tags are read. */
    private record Row(long id, Instant at, String title, String text, String host, String aggregationKey,
                       Event.Priority priority, String sourceType, Event.AlertType alertType) {
    }

    private static Row read(ResultSet rs) throws SQLException {
        return new Row(rs.getLong(1), Instant.ofEpochMilli(rs.getLong(2)), rs.getString(3), rs.getString(4),
                rs.getString(5), rs.getString(6), Event.Priority.valueOf(rs.getString(7)), rs.getString(8),
                Event.AlertType.valueOf(rs.getString(9)));
    }

    /** The rows as events, their tags read in one query, in the rows' order. */
    private static List<Stored> withTags(Connection c, List<Row> rows) throws SQLException {
        if (rows.isEmpty()) {
            return List.of();
        }
        Map<Long, List<String>> tags = new HashMap<>();
        Object[] ids = rows.stream().map(Row::id).toArray();
        for (String[] pair : Jdbc.query(c, "SELECT event_id, tag FROM event_tag WHERE event_id IN ("
                + Jdbc.placeholders(ids.length) + ")", rs -> new String[]{rs.getString(1), rs.getString(2)}, ids)) {
            tags.computeIfAbsent(Long.parseLong(pair[0]), k -> new ArrayList<>()).add(pair[1]);
        }
        List<Stored> out = new ArrayList<>(rows.size());
        for (Row r : rows) {
            out.add(new Stored(r.id(), new Event(r.title(), r.text(), r.at(), r.host(), r.aggregationKey(),
                    r.priority(), r.sourceType(), r.alertType(), tags.getOrDefault(r.id(), List.of()))));
        }
        return out;
    }
}
