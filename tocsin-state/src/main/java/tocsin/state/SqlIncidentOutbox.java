package tocsin.state;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import tocsin.monitor.MonitorIncidentAction;
import tocsin.monitor.eval.IncidentOutbox;
import tocsin.monitor.template.Handle;

/**
 * {@link IncidentOutbox} on the {@code monitor_incident_action} table of migration V009, which {@link SqlMonitorStore}
 * fills in the transaction of each monitor transition ({@link #insert}).
 *
 * <p>Design note. As in {@link SqlDirectQueue}, a claim is an {@code UPDATE ... WHERE} that repeats the claimable
 * condition, so of two claimers (threads or nodes) exactly one wins a row, and the lease owner fences later writes.
 * The claimable condition adds the order per key: no row of the same dedup key and handle with a smaller
 * {@code seq} may be pending or applying. Thread-safe: no state besides the pool.
 */
final class SqlIncidentOutbox implements IncidentOutbox {

    private static final String CLAIMABLE = "((a.state = 'pending' AND a.next_attempt_at <= ?) "
            + "OR (a.state = 'applying' AND a.lease_expires_at <= ?)) AND NOT EXISTS (SELECT 1 FROM "
            + "monitor_incident_action p WHERE p.dedup_key = a.dedup_key AND p.handle_kind = a.handle_kind AND "
            + "p.handle_target = a.handle_target AND p.seq < a.seq AND p.state IN ('pending', 'applying'))";
    private static final String COLUMNS = "a.id, a.monitor_id, a.group_name, a.handle_kind, a.handle_target, a.handle, "
            + "a.action, a.dedup_key, a.summary, a.details, a.occurred_at, a.attempts";

    private final Jdbc jdbc;

    SqlIncidentOutbox(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    /** Writes an action in the caller's transaction; an action whose key is stored already is not stored again. */
    static void insert(Connection c, MonitorIncidentAction a, long now) throws SQLException {
        Jdbc.update(c, "INSERT INTO monitor_incident_action (id, monitor_id, group_name, handle_kind, handle_target, "
                        + "handle, action, dedup_key, summary, details, occurred_at, state, next_attempt_at, attempts, "
                        + "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, 0, ?, ?) "
                        + "ON CONFLICT (id) DO NOTHING", a.key(), a.monitorId(), a.group(), a.handle().kind().name(),
                a.handle().target(), a.handle().text(), a.action().name(), a.dedupKey(), a.summary(),
                SqlMonitorStore.variablesText(a.details()), a.at().toEpochMilli(), now, now, now);
    }

    @Override
    public List<Claim> claim(String owner, Instant now, Duration lease, int limit) {
        long t = now.toEpochMilli();
        return jdbc.transaction("claim monitor incident actions", c -> {
            List<Claim> candidates = Jdbc.query(c, "SELECT " + COLUMNS + " FROM monitor_incident_action a WHERE "
                    + CLAIMABLE + " ORDER BY a.seq LIMIT ?", rs -> claim(rs, owner), t, t, limit);
            List<Claim> won = new ArrayList<>(candidates.size());
            for (Claim cl : candidates) {
                if (Jdbc.update(c, "UPDATE monitor_incident_action SET state = 'applying', lease_owner = ?, "
                                + "lease_expires_at = ?, attempts = attempts + 1, updated_at = ? WHERE id = ? AND "
                                + "seq IN (SELECT a.seq FROM monitor_incident_action a WHERE a.id = ? AND " + CLAIMABLE
                                + ")", owner, now.plus(lease).toEpochMilli(), t, cl.action().key(), cl.action().key(),
                        t, t) == 1) {
                    won.add(cl);
                }
            }
            return won;
        });
    }

    private static Claim claim(ResultSet rs, String owner) throws SQLException {
        Handle.Kind kind = Handle.Kind.valueOf(rs.getString(4));
        Handle handle = new Handle(kind, rs.getString(5), rs.getString(6));
        Map<String, String> details = SqlMonitorStore.variablesFromText(rs.getString(10));
        MonitorIncidentAction a = new MonitorIncidentAction(rs.getString(1), rs.getLong(2), rs.getString(3), handle,
                MonitorIncidentAction.Action.valueOf(rs.getString(7)), rs.getString(8), rs.getString(9), details,
                Instant.ofEpochMilli(rs.getLong(11)));
        return new Claim(a, owner, rs.getInt(12) + 1);
    }

    @Override
    public void applied(Claim claim, Instant now) {
        jdbc.update("record an applied monitor incident action", "UPDATE monitor_incident_action SET state = "
                        + "'applied', lease_owner = NULL, lease_expires_at = NULL, last_error = NULL, updated_at = ? "
                        + "WHERE id = ? AND state = 'applying' AND lease_owner = ?", now.toEpochMilli(),
                claim.action().key(), claim.owner());
    }

    @Override
    public void retry(Claim claim, Instant now, Optional<Instant> retryAt, String error) {
        String e = error == null ? "" : error.length() <= 1024 ? error : error.substring(0, 1023) + "…";
        jdbc.update("record a failed monitor incident action", "UPDATE monitor_incident_action SET state = ?, "
                        + "next_attempt_at = ?, lease_owner = NULL, lease_expires_at = NULL, last_error = ?, "
                        + "updated_at = ? WHERE id = ? AND state = 'applying' AND lease_owner = ?",
                retryAt.isPresent() ? "pending" : "failed", retryAt.orElse(now).toEpochMilli(), e, now.toEpochMilli(),
                claim.action().key(), claim.owner());
    }

    @Override
    public List<Entry> recent(int limit) {
        return jdbc.query("list monitor incident actions", "SELECT id, handle, action, dedup_key, state, attempts, "
                + "last_error FROM monitor_incident_action ORDER BY seq DESC LIMIT ?", rs -> new Entry(
                rs.getString(1), rs.getString(2), MonitorIncidentAction.Action.valueOf(rs.getString(3)),
                rs.getString(4), State.valueOf(rs.getString(5).toUpperCase(Locale.ROOT)), rs.getInt(6),
                Optional.ofNullable(rs.getString(7))), limit);
    }
}
