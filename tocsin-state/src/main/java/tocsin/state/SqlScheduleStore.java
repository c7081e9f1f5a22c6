package tocsin.state;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import tocsin.core.Ids;
import tocsin.oncall.Layer;
import tocsin.oncall.Restriction;
import tocsin.oncall.Schedule;
import tocsin.oncall.ScheduleOverride;
import tocsin.oncall.directory.DirectoryException;
import tocsin.oncall.directory.Page;
import tocsin.oncall.directory.ScheduleStore;
import tocsin.oncall.directory.StoredSchedule;

/**
 * {@link ScheduleStore} on the tables of V002 ({@code schedule}, {@code schedule_layer},
 * {@code schedule_layer_user}, {@code schedule_restriction}, {@code schedule_override}, {@code calendar_feed}), in
 * portable SQL.
 *
 * <p><b>Concurrency.</b> An update replaces the layers inside one transaction that begins with
 * {@code UPDATE schedule ... SET version = version + 1 WHERE id = ? AND version = ?}: on PostgreSQL the row lock makes
 * a concurrent update wait and then match no row; on SQLite transactions take the write lock when they begin. Either
 * way the later update changes nothing and fails with {@link DirectoryException.Stale}. Reads of a schedule are
 * several statements and run in one snapshot ({@link Jdbc#snapshot}), so that a concurrent update is seen whole or
 * not at all. Adding overrides locks the schedule row first, so their creation order ({@code seq}) has no ties.
 * Instants are stored in epoch milliseconds.
 * Thread-safe: no state besides the pool.
 */
final class SqlScheduleStore implements ScheduleStore {
    private static final String SCHEDULE_COLUMNS = "id, name, description, time_zone, version";
    private static final String LAYER_COLUMNS = "id, schedule_id, name, start_at, end_at, rotation_virtual_start, "
            + "turn_length_seconds, time_zone";

    private final Jdbc jdbc;
    private final InstantSource clock;

    SqlScheduleStore(Jdbc jdbc, InstantSource clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    // ---- schedules

    @Override
    public Page<StoredSchedule> schedules(String query, int offset, int limit) {
        Jdbc.Filter filter = Jdbc.Filter.contains(query, "name");
        return jdbc.snapshot("list schedules", c -> new Page<>(
                load(c, "SELECT " + SCHEDULE_COLUMNS + " FROM schedule" + filter.where()
                        + " ORDER BY LOWER(name), id LIMIT ? OFFSET ?", filter.paged(limit, offset)),
                Jdbc.count(c, "SELECT COUNT(*) FROM schedule" + filter.where(), filter.params())));
    }

    @Override
    public Optional<StoredSchedule> schedule(String id) {
        return jdbc.snapshot("find schedule", c -> load(c, "SELECT " + SCHEDULE_COLUMNS + " FROM schedule WHERE id = ?",
                id).stream().findFirst());
    }

    @Override
    public List<StoredSchedule> schedulesWith(String userId) {
        return jdbc.snapshot("find schedules of user", c -> load(c, "SELECT " + SCHEDULE_COLUMNS + " FROM schedule s "
                + "WHERE s.id IN (SELECT l.schedule_id FROM schedule_layer l JOIN schedule_layer_user u "
                + "ON u.layer_id = l.id WHERE u.user_id = ?) OR s.id IN (SELECT o.schedule_id FROM schedule_override o "
                + "WHERE o.user_id = ?) ORDER BY LOWER(name), id", userId, userId));
    }

    @Override
    public StoredSchedule createSchedule(Draft draft) {
        String id = Ids.newObjectId();
        long now = clock.millis();
        return jdbc.transaction("create schedule", c -> {
            Jdbc.update(c, "INSERT INTO schedule (id, name, description, time_zone, version, created_at, updated_at) "
                    + "VALUES (?, ?, ?, ?, 1, ?, ?)", id, draft.name(), draft.description(), draft.timeZone().getId(),
                    now, now);
            List<Layer> layers = insertLayers(c, id, draft.layers(), Set.of());
            return stored(id, draft, layers, 1);
        });
    }

    @Override
    public Optional<StoredSchedule> updateSchedule(String id, long expectedVersion, Draft draft) {
        return jdbc.transaction("update schedule", c -> {
            int updated = Jdbc.update(c, "UPDATE schedule SET name = ?, description = ?, time_zone = ?, "
                            + "version = version + 1, updated_at = ? WHERE id = ? AND version = ?", draft.name(),
                    draft.description(), draft.timeZone().getId(), clock.millis(), id, expectedVersion);
            if (updated == 0) {
                if (Jdbc.count(c, "SELECT COUNT(*) FROM schedule WHERE id = ?", id) == 0) {
                    return Optional.empty();
                }
                throw new DirectoryException.Stale("Schedule " + id);
            }
            Set<String> ownLayerIds = new HashSet<>(Jdbc.query(c, "SELECT id FROM schedule_layer "
                    + "WHERE schedule_id = ?", rs -> rs.getString(1), id));
            // users and restrictions of the old layers go with them (ON DELETE CASCADE)
            Jdbc.update(c, "DELETE FROM schedule_layer WHERE schedule_id = ?", id);
            List<Layer> layers = insertLayers(c, id, draft.layers(), ownLayerIds);
            return Optional.of(stored(id, draft, layers, expectedVersion + 1));
        });
    }

    @Override
    public boolean deleteSchedule(String id) {
        return jdbc.transaction("delete schedule", c -> {
            Jdbc.update(c, "DELETE FROM calendar_feed WHERE kind = 'schedule' AND owner_id = ?", id);
            return Jdbc.update(c, "DELETE FROM schedule WHERE id = ?", id) > 0;
        });
    }

    // ---- overrides

    @Override
    public List<ScheduleOverride> overrides(String scheduleId, Instant since, Instant until) {
        return jdbc.query("list overrides", "SELECT id, user_id, start_at, end_at FROM schedule_override "
                        + "WHERE schedule_id = ? AND end_at > ? AND start_at < ? ORDER BY seq",
                rs -> new ScheduleOverride(rs.getString(1), rs.getString(2), Instant.ofEpochMilli(rs.getLong(3)),
                        Instant.ofEpochMilli(rs.getLong(4))),
                scheduleId, since.toEpochMilli(), until.toEpochMilli());
    }

    @Override
    public Optional<List<ScheduleOverride>> addOverrides(String scheduleId, List<ScheduleOverride> overrides) {
        long now = clock.millis();
        return jdbc.transaction("add overrides", c -> {
            // locks the schedule row: concurrent additions queue here, so seq has no ties
            if (Jdbc.update(c, "UPDATE schedule SET updated_at = ? WHERE id = ?", now, scheduleId) == 0) {
                return Optional.empty();
            }
            long seq = Jdbc.count(c, "SELECT COALESCE(MAX(seq), 0) FROM schedule_override WHERE schedule_id = ?",
                    scheduleId);
            List<ScheduleOverride> stored = new ArrayList<>(overrides.size());
            for (int i = 0; i < overrides.size(); i++) {
                ScheduleOverride o = overrides.get(i);
                ScheduleOverride s = new ScheduleOverride(Ids.newObjectId(), o.userId(), o.start(), o.end());
                try {
                    Jdbc.update(c, "INSERT INTO schedule_override (id, schedule_id, seq, user_id, start_at, end_at, "
                            + "created_at) VALUES (?, ?, ?, ?, ?, ?, ?)", s.id(), scheduleId, ++seq, s.userId(),
                            s.start().toEpochMilli(), s.end().toEpochMilli(), now);
                } catch (SQLException e) {
                    throw missingUser(e, "overrides[" + i + "].user.id", s.userId());
                }
                stored.add(s);
            }
            return Optional.of(List.copyOf(stored));
        });
    }

    @Override
    public boolean deleteOverride(String scheduleId, String overrideId) {
        return jdbc.update("delete override", "DELETE FROM schedule_override WHERE schedule_id = ? AND id = ?",
                scheduleId, overrideId) > 0;
    }

    // ---- feeds

    @Override
    public Feed feed(Feed.Kind kind, String ownerId) {
        String k = kind.name().toLowerCase(java.util.Locale.ROOT);
        Optional<Feed> existing = findFeed(kind, ownerId);
        if (existing.isPresent()) {
            return existing.get();
        }
        String token = Secrets.newSessionToken();
        try {
            jdbc.transaction("create calendar feed", c -> {
                Jdbc.update(c, "INSERT INTO calendar_feed (token, kind, owner_id, created_at) VALUES (?, ?, ?, ?)",
                        token, k, ownerId, clock.millis());
                return null;
            });
            return new Feed(kind, ownerId, token);
        } catch (StateException e) {
            // a concurrent first use created it
            return findFeed(kind, ownerId).orElseThrow(() -> e);
        }
    }

    @Override
    public Optional<Feed> feedByToken(String token) {
        if (token == null || token.isEmpty() || token.length() > 64) {
            return Optional.empty();
        }
        return jdbc.queryOne("find calendar feed", "SELECT kind, owner_id, token FROM calendar_feed WHERE token = ?",
                SqlScheduleStore::readFeed, token);
    }

    private Optional<Feed> findFeed(Feed.Kind kind, String ownerId) {
        return jdbc.queryOne("find calendar feed", "SELECT kind, owner_id, token FROM calendar_feed "
                        + "WHERE kind = ? AND owner_id = ?", SqlScheduleStore::readFeed,
                kind.name().toLowerCase(java.util.Locale.ROOT), ownerId);
    }

    private static Feed readFeed(ResultSet rs) throws SQLException {
        return new Feed(Feed.Kind.valueOf(rs.getString(1).toUpperCase(java.util.Locale.ROOT)), rs.getString(2),
                rs.getString(3));
    }

    // ---- writing layers

    /** Inserts layers in order; a layer keeps its id only when it was already one of this schedule's. */
    private List<Layer> insertLayers(Connection c, String scheduleId, List<Layer> layers, Set<String> ownIds)
            throws SQLException {
        List<Layer> stored = new ArrayList<>(layers.size());
        for (int i = 0; i < layers.size(); i++) {
            Layer l = layers.get(i);
            String layerId = l.id() != null && ownIds.contains(l.id()) ? l.id() : Ids.newObjectId();
            Layer s = new Layer(layerId, l.name(), l.start(), l.end(), l.rotationVirtualStart(), l.turnLength(),
                    l.userIds(), l.restrictions(), l.timeZone());
            Jdbc.update(c, "INSERT INTO schedule_layer (" + LAYER_COLUMNS + ", position) "
                            + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", layerId, scheduleId, s.name(),
                    s.start().toEpochMilli(), s.end() == null ? null : s.end().toEpochMilli(),
                    s.rotationVirtualStart().toEpochMilli(), s.turnLength().toSeconds(),
                    s.timeZone() == null ? null : s.timeZone().getId(), i);
            for (int u = 0; u < s.userIds().size(); u++) {
                try {
                    Jdbc.update(c, "INSERT INTO schedule_layer_user (layer_id, position, user_id) VALUES (?, ?, ?)",
                            layerId, u, s.userIds().get(u));
                } catch (SQLException e) {
                    throw missingUser(e, "schedule_layers[" + i + "].users[" + u + "].user.id", s.userIds().get(u));
                }
            }
            for (int r = 0; r < s.restrictions().size(); r++) {
                Restriction res = s.restrictions().get(r);
                Integer day = res instanceof Restriction.Weekly w ? w.startDayOfWeek().getValue() : null;
                Jdbc.update(c, "INSERT INTO schedule_restriction (layer_id, position, type, start_day_of_week, "
                                + "start_time_of_day, duration_seconds) VALUES (?, ?, ?, ?, ?, ?)", layerId, r,
                        res.type(), day, res.startTimeOfDay().toSecondOfDay(), res.duration().toSeconds());
            }
            stored.add(s);
        }
        return stored;
    }

    private RuntimeException missingUser(SQLException e, String field, String userId) {
        if (jdbc.dialect().isForeignKeyViolation(e)) {
            return new DirectoryException.MissingReference(field, "no user with id " + userId);
        }
        return new StateException("Could not store schedule: " + e.getMessage(), e);
    }

    private static StoredSchedule stored(String id, Draft draft, List<Layer> layers, long version) {
        return new StoredSchedule(new Schedule(id, draft.name(), draft.timeZone(), layers), draft.description(),
                version);
    }

    // ---- reading schedules with their layers

    private record Row(String id, String name, String description, ZoneId zone, long version) {
    }

    private record LayerRow(String id, String scheduleId, String name, Instant start, Instant end,
                            Instant virtualStart, Duration turn, ZoneId zone) {
    }

    /** The schedules {@code sql} selects (in its order), each with its layers, users and restrictions. */
    private static List<StoredSchedule> load(Connection c, String sql, Object... params) throws SQLException {
        List<Row> rows = Jdbc.query(c, sql, rs -> new Row(rs.getString(1), rs.getString(2), rs.getString(3),
                SqlPeopleStore.zone("schedule " + rs.getString(1), rs.getString(4)), rs.getLong(5)), params);
        if (rows.isEmpty()) {
            return List.of();
        }
        Object[] ids = rows.stream().map(Row::id).toArray();
        String in = "(" + Jdbc.placeholders(ids.length) + ")";
        List<LayerRow> layerRows = Jdbc.query(c, "SELECT " + LAYER_COLUMNS + " FROM schedule_layer WHERE schedule_id "
                + "IN " + in + " ORDER BY schedule_id, position", rs -> {
                    long end = rs.getLong(5);
                    Instant endAt = rs.wasNull() ? null : Instant.ofEpochMilli(end);
                    String zone = rs.getString(8);
                    return new LayerRow(rs.getString(1), rs.getString(2), rs.getString(3),
                            Instant.ofEpochMilli(rs.getLong(4)), endAt, Instant.ofEpochMilli(rs.getLong(6)),
                            Duration.ofSeconds(rs.getLong(7)),
                            zone == null ? null : SqlPeopleStore.zone("layer " + rs.getString(1), zone));
                }, ids);
        Map<String, List<String>> users = new HashMap<>();
        for (String[] r : Jdbc.query(c, "SELECT u.layer_id, u.user_id FROM schedule_layer_user u JOIN schedule_layer l "
                + "ON l.id = u.layer_id WHERE l.schedule_id IN " + in + " ORDER BY u.layer_id, u.position",
                rs -> new String[] {rs.getString(1), rs.getString(2)}, ids)) {
            users.computeIfAbsent(r[0], k -> new ArrayList<>()).add(r[1]);
        }
        Map<String, List<Restriction>> restrictions = new HashMap<>();
        Jdbc.query(c, "SELECT r.layer_id, r.type, r.start_day_of_week, r.start_time_of_day, r.duration_seconds "
                + "FROM schedule_restriction r JOIN schedule_layer l ON l.id = r.layer_id WHERE l.schedule_id IN "
                + in + " ORDER BY r.layer_id, r.position", rs -> {
                    LocalTime start = LocalTime.ofSecondOfDay(rs.getInt(4));
                    long duration = rs.getLong(5);
                    int day = rs.getInt(3);
                    Restriction res = "weekly_restriction".equals(rs.getString(2))
                            ? Restriction.weekly(day, start, duration) : Restriction.daily(start, duration);
                    restrictions.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(res);
                    return res;
                }, ids);
        Map<String, List<Layer>> layers = new LinkedHashMap<>();
        for (LayerRow l : layerRows) {
            layers.computeIfAbsent(l.scheduleId(), k -> new ArrayList<>()).add(new Layer(l.id(), l.name(), l.start(),
                    l.end(), l.virtualStart(), l.turn(), users.getOrDefault(l.id(), List.of()),
                    restrictions.getOrDefault(l.id(), List.of()), l.zone()));
        }
        List<StoredSchedule> out = new ArrayList<>(rows.size());
        for (Row r : rows) {
            out.add(new StoredSchedule(new Schedule(r.id(), r.name(), r.zone(), layers.getOrDefault(r.id(), List.of())),
                    r.description(), r.version()));
        }
        return out;
    }
}
