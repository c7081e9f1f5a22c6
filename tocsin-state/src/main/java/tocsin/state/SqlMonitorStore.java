package tocsin.state;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import tocsin.monitor.Creator;
import tocsin.monitor.GroupState;
import tocsin.monitor.Monitor;
import tocsin.monitor.MonitorDefinition;
import tocsin.monitor.MonitorDelivery;
import tocsin.monitor.MonitorIncidentAction;
import tocsin.monitor.MonitorStatus;
import tocsin.monitor.MonitorStore;
import tocsin.monitor.MonitorType;
import tocsin.monitor.Transition;
import tocsin.monitor.json.MonitorJson;

/**
 * {@link MonitorStore} on the tables of migration V004 ({@code monitor}, {@code monitor_tag},
 * {@code monitor_group_state}, {@code monitor_transition}), V009 ({@code monitor_incident_action}, the outbox of the
 * incidents notifications open and resolve; see {@link SqlIncidentOutbox}) and V007 ({@code monitor_delivery}, the
 * outbox of direct
 * messages, written with the transition that caused them; {@code monitor_managed}, the keys of the monitors the
 * configuration file declares: {@code key:<key>} or {@code name:<name>}, of which V007's comment names only the
 * second), in portable SQL; ids come from
 * the database's identity column, so they are integers as Datadog's and never reused on SQLite ({@code AUTOINCREMENT})
 * or PostgreSQL.
 *
 * <p>Thread-safe: no mutable state besides the pool. Writes that touch several tables (a monitor and its tags; a
 * group state and its transition) run in one transaction; a group state for a deleted monitor is dropped by the
 * {@code WHERE EXISTS} of its insert rather than by a check-then-write.
 */
final class SqlMonitorStore implements MonitorStore {

    private static final String MONITOR_COLUMNS = "id, name, type, query, message, priority, options, creator_email, "
            + "creator_handle, creator_name, created_at, modified_at";
    private static final String STATE_COLUMNS = "monitor_id, group_name, status, value, last_triggered_at, "
            + "last_resolved_at, last_nodata_at, last_notified_at, renotify_count, last_data_at, modified_at";

    private final Jdbc jdbc;
    private final InstantSource clock;

    SqlMonitorStore(Jdbc jdbc, InstantSource clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    @Override
    public Monitor create(MonitorDefinition d, Creator creator) {
        return create(d, creator, null);
    }

    /** Inserts the monitor, its tags and (when {@code managedKey} is given) its configuration key together. */
    @Override
    public Monitor create(MonitorDefinition d, Creator creator, String managedKey) {
        long now = clock.millis();
        long id = jdbc.transaction("create monitor", c -> {
            long newId;
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO monitor (name, type, query, message, priority, "
                    + "options, creator_email, creator_handle, creator_name, created_at, modified_at) "
                    + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", Statement.RETURN_GENERATED_KEYS)) {
                bindDefinition(ps, d);
                ps.setString(7, creator.email());
                ps.setString(8, creator.handle());
                ps.setString(9, creator.name());
                ps.setLong(10, now);
                ps.setLong(11, now);
                ps.executeUpdate();
                try (ResultSet keys = ps.getGeneratedKeys()) {
                    keys.next();
                    newId = keys.getLong(1);
                }
            }
            writeTags(c, newId, d.tags());
            if (managedKey != null) {
                Jdbc.update(c, "INSERT INTO monitor_managed (monitor_id, config_key) VALUES (?, ?)", newId,
                        managedKey);
            }
            return newId;
        });
        return new Monitor(id, d, creator, Instant.ofEpochMilli(now), Instant.ofEpochMilli(now));
    }

    @Override
    public Optional<Monitor> find(long id) {
        List<Monitor> found = select("find monitor", "WHERE id = ?", List.of(id));
        return found.isEmpty() ? Optional.empty() : Optional.of(found.getFirst());
    }

    @Override
    public List<Monitor> list(MonitorFilter filter) {
        StringBuilder where = new StringBuilder("WHERE id > ?");
        List<Object> params = new ArrayList<>(List.of(filter.idAfter()));
        if (filter.name() != null && !filter.name().isEmpty()) {
            where.append(" AND LOWER(name) LIKE ? ESCAPE '\\'");
            params.add("%" + likeEscape(filter.name().toLowerCase(java.util.Locale.ROOT)) + "%");
        }
        for (String tag : filter.tags()) {
            where.append(" AND EXISTS (SELECT 1 FROM monitor_tag t WHERE t.monitor_id = monitor.id AND t.tag = ?)");
            params.add(tag);
        }
        where.append(" ORDER BY id");
        if (filter.limit() < Integer.MAX_VALUE) {
            where.append(" LIMIT ").append(Math.max(0, filter.limit()));
        }
        return select("list monitors", where.toString(), params);
    }

    @Override
    public Optional<Monitor> update(long id, MonitorDefinition d) {
        long now = clock.millis();
        boolean updated = jdbc.transaction("update monitor", c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE monitor SET name = ?, type = ?, query = ?, "
                    + "message = ?, priority = ?, options = ?, modified_at = ? WHERE id = ?")) {
                bindDefinition(ps, d);
                ps.setLong(7, now);
                ps.setLong(8, id);
                if (ps.executeUpdate() == 0) {
                    return false;
                }
            }
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM monitor_tag WHERE monitor_id = ?")) {
                ps.setLong(1, id);
                ps.executeUpdate();
            }
            writeTags(c, id, d.tags());
            return true;
        });
        return updated ? find(id) : Optional.empty();
    }

    @Override
    public boolean delete(long id) {
        return jdbc.transaction("delete monitor", c -> {
            for (String table : List.of("monitor_transition", "monitor_group_state", "monitor_tag",
                    "monitor_managed")) {
                try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + table + " WHERE monitor_id = ?")) {
                    ps.setLong(1, id);
                    ps.executeUpdate();
                }
            }
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM monitor WHERE id = ?")) {
                ps.setLong(1, id);
                return ps.executeUpdate() > 0;
            }
        });
    }

    @Override
    public List<GroupState> groupStates(long monitorId) {
        return query("read monitor group states", "SELECT " + STATE_COLUMNS
                + " FROM monitor_group_state WHERE monitor_id = ? ORDER BY group_name", List.of(monitorId),
                SqlMonitorStore::readState);
    }

    @Override
    public List<GroupState> allGroupStates() {
        return query("read monitor group states", "SELECT " + STATE_COLUMNS
                + " FROM monitor_group_state ORDER BY monitor_id, group_name", List.of(), SqlMonitorStore::readState);
    }

    @Override
    public void save(GroupState s, Transition t, List<MonitorDelivery> deliveries,
                     List<MonitorIncidentAction> incidents) {
        jdbc.transaction("save monitor group state", c -> {
            int written;
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO monitor_group_state (" + STATE_COLUMNS
                    + ") SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM monitor WHERE id = ?) "
                    + "ON CONFLICT (monitor_id, group_name) DO UPDATE SET status = excluded.status, "
                    + "value = excluded.value, last_triggered_at = excluded.last_triggered_at, "
                    + "last_resolved_at = excluded.last_resolved_at, last_nodata_at = excluded.last_nodata_at, "
                    + "last_notified_at = excluded.last_notified_at, renotify_count = excluded.renotify_count, "
                    + "last_data_at = excluded.last_data_at, modified_at = excluded.modified_at")) {
                ps.setLong(1, s.monitorId());
                ps.setString(2, s.group());
                ps.setString(3, s.status().name());
                setDouble(ps, 4, s.value());
                setInstant(ps, 5, s.lastTriggeredAt());
                setInstant(ps, 6, s.lastResolvedAt());
                setInstant(ps, 7, s.lastNoDataAt());
                setInstant(ps, 8, s.lastNotifiedAt());
                ps.setInt(9, s.renotifyCount());
                setInstant(ps, 10, s.lastDataAt());
                ps.setLong(11, s.modifiedAt().toEpochMilli());
                ps.setLong(12, s.monitorId());
                written = ps.executeUpdate();
            }
            if (t != null && written > 0) {
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO monitor_transition (monitor_id, "
                        + "group_name, from_status, to_status, value, window_start, window_end, at, notification, "
                        + "handles) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                    ps.setLong(1, t.monitorId());
                    ps.setString(2, t.group());
                    ps.setString(3, t.from().name());
                    ps.setString(4, t.to().name());
                    setDouble(ps, 5, t.value());
                    setInstant(ps, 6, t.windowStart());
                    setInstant(ps, 7, t.windowEnd());
                    ps.setLong(8, t.at().toEpochMilli());
                    ps.setString(9, t.notification());
                    ps.setString(10, String.join("\n", t.handles()));
                    ps.executeUpdate();
                }
            }
            if (written > 0) {
                for (MonitorDelivery d : deliveries) {
                    long now = clock.millis();
                    Jdbc.update(c, "INSERT INTO monitor_delivery (id, monitor_id, group_name, handle, kind, target, "
                                    + "title, message, variables, occurred_at, state, next_attempt_at, attempts, "
                                    + "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, 0, "
                                    + "?, ?) ON CONFLICT (id) DO NOTHING", d.key(), d.monitorId(), d.group(), d.handle(),
                            d.kind().name(), d.target(), d.title(), d.message(), variablesText(d.variables()),
                            d.at().toEpochMilli(), now, now, now);
                }
                for (MonitorIncidentAction a : incidents) {
                    SqlIncidentOutbox.insert(c, a, clock.millis());
                }
            }
            return null;
        });
    }

    @Override
    public Map<String, Long> managed() {
        Map<String, Long> out = new LinkedHashMap<>();
        jdbc.query("read managed monitors", "SELECT config_key, monitor_id FROM monitor_managed ORDER BY monitor_id",
                rs -> out.put(rs.getString(1), rs.getLong(2)));
        return out;
    }

    @Override
    public void manage(long monitorId, String key) {
        jdbc.transaction("mark a monitor managed", c -> {
            Jdbc.update(c, "DELETE FROM monitor_managed WHERE monitor_id = ?", monitorId);
            if (key != null) {
                Jdbc.update(c, "INSERT INTO monitor_managed (monitor_id, config_key) SELECT ?, ? WHERE EXISTS "
                        + "(SELECT 1 FROM monitor WHERE id = ?)", monitorId, key, monitorId);
            }
            return null;
        });
    }

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON =
            new com.fasterxml.jackson.databind.ObjectMapper();

    static String variablesText(Map<String, String> variables) {
        try {
            return JSON.writeValueAsString(new java.util.TreeMap<>(variables));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("a map of strings always serializes", e);
        }
    }

    static Map<String, String> variablesFromText(String text) {
        try {
            return JSON.readValue(text, new com.fasterxml.jackson.core.type.TypeReference<Map<String, String>>() {
            });
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("stored monitor delivery variables are not JSON", e);
        }
    }

    @Override
    public void removeGroups(long monitorId, List<String> groups) {
        jdbc.transaction("remove monitor groups", c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM monitor_group_state WHERE monitor_id = ? "
                    + "AND group_name = ?")) {
                for (String g : groups) {
                    ps.setLong(1, monitorId);
                    ps.setString(2, g);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            return null;
        });
    }

    @Override
    public List<Transition> history(long monitorId, Instant from, Instant to, int limit) {
        return query("read monitor history", "SELECT monitor_id, group_name, from_status, to_status, value, "
                + "window_start, window_end, at, notification, handles FROM monitor_transition WHERE monitor_id = ? "
                + "AND at >= ? AND at < ? ORDER BY at DESC, id DESC LIMIT " + Math.max(0, limit),
                List.of(monitorId, from.toEpochMilli(), to.toEpochMilli()), rs -> new Transition(rs.getLong(1),
                        rs.getString(2), MonitorStatus.valueOf(rs.getString(3)),
                        MonitorStatus.valueOf(rs.getString(4)), getDouble(rs, 5), getInstant(rs, 6),
                        getInstant(rs, 7), Instant.ofEpochMilli(rs.getLong(8)), rs.getString(9),
                        rs.getString(10).isEmpty() ? List.of() : List.of(rs.getString(10).split("\n"))));
    }

    // ---- rows

    private List<Monitor> select(String what, String where, List<Object> params) {
        List<Monitor> monitors = query(what, "SELECT " + MONITOR_COLUMNS + " FROM monitor " + where, params,
                SqlMonitorStore::readMonitor);
        if (monitors.isEmpty()) {
            return monitors;
        }
        Map<Long, List<String>> tags = new LinkedHashMap<>();
        StringBuilder in = new StringBuilder();
        for (Monitor m : monitors) {
            tags.put(m.id(), new ArrayList<>());
            in.append(in.isEmpty() ? "?" : ", ?");
        }
        query(what, "SELECT monitor_id, tag FROM monitor_tag WHERE monitor_id IN (" + in
                + ") ORDER BY monitor_id, position", List.copyOf(tags.keySet()), rs -> {
                    tags.get(rs.getLong(1)).add(rs.getString(2));
                    return null;
                });
        List<Monitor> out = new ArrayList<>(monitors.size());
        for (Monitor m : monitors) {
            MonitorDefinition d = m.definition();
            out.add(new Monitor(m.id(), new MonitorDefinition(d.name(), d.type(), d.query(), d.message(),
                    tags.get(m.id()), d.priority(), d.options()), m.creator(), m.created(), m.modified()));
        }
        return List.copyOf(out);
    }

    private static Monitor readMonitor(ResultSet rs) throws SQLException {
        long priority = rs.getLong(6);
        Long p = rs.wasNull() ? null : priority;
        MonitorType type = MonitorType.ofWireName(rs.getString(3))
                .orElseThrow(() -> new IllegalStateException("unknown stored monitor type"));
        MonitorDefinition d = new MonitorDefinition(rs.getString(2), type, rs.getString(4), rs.getString(5),
                List.of(), p, MonitorJson.optionsFromText(rs.getString(7)));
        return new Monitor(rs.getLong(1), d, new Creator(rs.getString(8), rs.getString(9), rs.getString(10)),
                Instant.ofEpochMilli(rs.getLong(11)), Instant.ofEpochMilli(rs.getLong(12)));
    }

    private static GroupState readState(ResultSet rs) throws SQLException {
        return new GroupState(rs.getLong(1), rs.getString(2), MonitorStatus.valueOf(rs.getString(3)),
                getDouble(rs, 4), getInstant(rs, 5), getInstant(rs, 6), getInstant(rs, 7), getInstant(rs, 8),
                rs.getInt(9), getInstant(rs, 10), Instant.ofEpochMilli(rs.getLong(11)));
    }

    private static void bindDefinition(PreparedStatement ps, MonitorDefinition d) throws SQLException {
        ps.setString(1, d.name());
        ps.setString(2, d.type().wireName());
        ps.setString(3, d.query());
        ps.setString(4, d.message());
        if (d.priority() == null) {
            ps.setNull(5, Types.INTEGER);
        } else {
            ps.setInt(5, d.priority().intValue());
        }
        ps.setString(6, MonitorJson.optionsText(d.options()));
    }

    private static void writeTags(Connection c, long id, List<String> tags) throws SQLException {
        if (tags.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO monitor_tag (monitor_id, position, tag) "
                + "VALUES (?, ?, ?)")) {
            for (int i = 0; i < tags.size(); i++) {
                ps.setLong(1, id);
                ps.setInt(2, i);
                ps.setString(3, tags.get(i));
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    private static String likeEscape(String s) {
        return s.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    }

    private static void setDouble(PreparedStatement ps, int i, Double v) throws SQLException {
        if (v == null) {
            ps.setNull(i, Types.DOUBLE);
        } else {
            ps.setDouble(i, v);
        }
    }

    private static void setInstant(PreparedStatement ps, int i, Instant t) throws SQLException {
        if (t == null) {
            ps.setNull(i, Types.BIGINT);
        } else {
            ps.setLong(i, t.toEpochMilli());
        }
    }

    private static Double getDouble(ResultSet rs, int i) throws SQLException {
        double v = rs.getDouble(i);
        return rs.wasNull() ? null : v;
    }

    private static Instant getInstant(ResultSet rs, int i) throws SQLException {
        long v = rs.getLong(i);
        return rs.wasNull() ? null : Instant.ofEpochMilli(v);
    }

    /** The rows {@code row} reads; a reader that folds rows elsewhere returns null for them. */
    private <T> List<T> query(String what, String sql, List<?> params, Jdbc.RowReader<T> row) {
        List<T> rows = jdbc.query(what, sql, row, params.toArray());
        rows.removeIf(java.util.Objects::isNull);
        return rows;
    }
}
