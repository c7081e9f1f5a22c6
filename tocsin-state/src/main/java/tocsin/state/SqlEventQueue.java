package tocsin.state;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import tocsin.core.Ids;
import tocsin.notify.IncidentSnapshot;
import tocsin.notify.subscription.Endpoint;
import tocsin.notify.subscription.EventQueue;
import tocsin.notify.subscription.IncidentChange;

/**
 * {@link EventQueue} on the timeline ({@code log_entry} of V003) and the {@code event_endpoint} and
 * {@code event_delivery} tables of V006, in portable SQL.
 *
 * <p>Design note. The cursor is the {@code paging_counter} row {@code event_cursor}: the {@code seq} of the last
 * timeline entry turned into deliveries. It is safe to move past every entry read because {@code log_entry.seq} comes
 * from the {@code seq} counter row, which every writer updates (locking it) inside its own transaction: no writer
 * can take a number until the previous holder committed or rolled back, so the committed numbers only ever grow
 * and a reader never sees a number while a lower one is still to come (SQLite serialises writers outright).
 * {@link #enqueue} compares and sets the cursor in the transaction that inserts the deliveries, so of two racing
 * dispatchers one records the entries and the other writes nothing; the unique {@code (endpoint_id, log_entry_id)}
 * key backs it up. Claims are {@code UPDATE ... WHERE} repeating the claimable condition, fenced afterwards by the
 * lease owner, as in {@link SqlDeliveryQueue}. Thread-safe: no state besides the pool.
 */
final class SqlEventQueue implements EventQueue {

    static final String CURSOR = "event_cursor";
    /** The timeline entries that may announce an event (the rest are skipped by the query). */
    private static final List<String> TYPES = List.of("trigger_log_entry", "acknowledge_log_entry",
            "unacknowledge_log_entry", "resolve_log_entry", "merge_log_entry", "escalate_log_entry",
            "delegate_log_entry", "assign_log_entry", "annotate_log_entry", "priority_change_log_entry");
    private static final String CLAIMABLE = "((d.state = 'pending' AND d.next_attempt_at <= ?) "
            + "OR (d.state = 'sending' AND d.lease_expires_at <= ?))";

    private final Jdbc jdbc;

    SqlEventQueue(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public Batch changes(int limit) {
        return jdbc.run("read the incident timeline", c -> {
            long cursor = cursor(c);
            List<Object> params = new ArrayList<>(TYPES);
            params.addFirst(cursor);
            params.add(limit);
            List<Row> rows = Jdbc.query(c, "SELECT e.id, e.seq, e.type, e.channel, e.agent_type, e.agent_id, "
                    + "e.summary, e.created_at, i.id, i.number, i.title, i.service_id, s.name, i.urgency, i.status, "
                    + "i.created_at, i.assignees, i.merged_into, (SELECT MIN(t.seq) FROM log_entry t WHERE "
                    + "t.incident_id = e.incident_id AND t.type = 'trigger_log_entry') FROM log_entry e JOIN incident "
                    + "i ON i.id = e.incident_id LEFT JOIN paging_service s ON s.id = i.service_id WHERE e.seq > ? "
                    + "AND e.type IN (" + Jdbc.placeholders(TYPES.size()) + ") ORDER BY e.seq LIMIT ?",
                    SqlEventQueue::row, params.toArray());
            Map<String, Set<String>> teams = teams(c, rows);
            List<IncidentChange> changes = new ArrayList<>(rows.size());
            for (Row r : rows) {
                Set<String> teamIds = new HashSet<>();
                r.assignees.forEach(u -> teamIds.addAll(teams.getOrDefault(u, Set.of())));
                changes.add(new IncidentChange(r.id, r.seq, r.type, r.channel, r.agentType, r.agentId, r.summary,
                        r.at, r.incident, teamIds, r.seq == r.firstTriggerSeq, r.mergedInto));
            }
            return new Batch(cursor, changes);
        });
    }

    private record Row(String id, long seq, String type, String channel, String agentType, String agentId,
                       String summary, Instant at, IncidentSnapshot incident, List<String> assignees,
                       String mergedInto, long firstTriggerSeq) {
    }

    private static Row row(ResultSet rs) throws SQLException {
        String serviceName = rs.getString(13);
        IncidentSnapshot incident = new IncidentSnapshot(rs.getString(9), rs.getLong(10), rs.getString(11),
                rs.getString(11), rs.getString(12), serviceName == null ? rs.getString(12) : serviceName,
                "low".equals(rs.getString(14)) ? IncidentSnapshot.Urgency.LOW : IncidentSnapshot.Urgency.HIGH,
                IncidentSnapshot.Status.valueOf(rs.getString(15).toUpperCase(Locale.ROOT)), Optional.empty(),
                Instant.ofEpochMilli(rs.getLong(16)));
        String assignees = rs.getString(17);
        Long firstTrigger = Jdbc.optLong(rs, 19);
        return new Row(rs.getString(1), rs.getLong(2), rs.getString(3), rs.getString(4), rs.getString(5),
                rs.getString(6), rs.getString(7), Instant.ofEpochMilli(rs.getLong(8)), incident,
                assignees == null || assignees.isEmpty() ? List.of() : List.of(assignees.split(",")),
                rs.getString(18), firstTrigger == null ? -1 : firstTrigger);
    }

    /** The teams of every assignee named in {@code rows}. */
    private static Map<String, Set<String>> teams(Connection c, List<Row> rows) throws SQLException {
        Set<String> users = new LinkedHashSet<>();
        rows.forEach(r -> users.addAll(r.assignees));
        Map<String, Set<String>> out = new HashMap<>();
        if (users.isEmpty()) {
            return out;
        }
        for (String[] m : Jdbc.query(c, "SELECT user_id, team_id FROM team_member WHERE user_id IN ("
                + Jdbc.placeholders(users.size()) + ")", rs -> new String[]{rs.getString(1), rs.getString(2)},
                users.toArray())) {
            out.computeIfAbsent(m[0], k -> new HashSet<>()).add(m[1]);
        }
        return out;
    }

    private static long cursor(Connection c) throws SQLException {
        return Jdbc.one(c, "SELECT value FROM paging_counter WHERE name = ?", rs -> rs.getLong(1), CURSOR)
                .orElseThrow(() -> new SQLException("paging_counter has no " + CURSOR + " row (migration V006)"));
    }

    @Override
    public List<Endpoint> receivingEndpoints() {
        return jdbc.query("list receiving endpoints", "SELECT " + SqlEndpointStore.COLUMNS + " FROM event_endpoint "
                + "WHERE active = ? AND temporarily_disabled = ? ORDER BY created_at, id", SqlEndpointStore::endpoint,
                true, false);
    }

    @Override
    public boolean enqueue(long from, long to, List<NewDelivery> deliveries, Instant now) {
        long t = now.toEpochMilli();
        return jdbc.transaction("record event deliveries", c -> {
            if (Jdbc.update(c, "UPDATE paging_counter SET value = ? WHERE name = ? AND value = ?", to, CURSOR,
                    from) == 0) {
                return false;
            }
            for (NewDelivery d : deliveries) {
                if (Jdbc.one(c, "SELECT 1 FROM event_delivery WHERE endpoint_id = ? AND log_entry_id = ?", rs -> 1,
                        d.endpointId(), d.logEntryId()).isPresent()) {
                    continue;
                }
                Jdbc.update(c, "INSERT INTO event_delivery (id, seq, endpoint_id, log_entry_id, incident_id, "
                                + "event_id, event_type, payload, state, next_attempt_at, attempts, created_at, "
                                + "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, 0, ?, ?)",
                        Ids.newObjectId(), Jdbc.nextCounter(c, "event_seq"), d.endpointId(), d.logEntryId(),
                        d.incidentId(), d.eventId(), d.eventType(), d.payload(), t, t, t);
            }
            return true;
        });
    }

    @Override
    public List<Claim> claim(String owner, Instant now, Duration lease, int limit) {
        long t = now.toEpochMilli();
        return jdbc.transaction("claim event deliveries", c -> {
            // deliveries of endpoints switched off or disabled meanwhile are dropped, as PagerDuty drops them
            Jdbc.update(c, "UPDATE event_delivery SET state = 'cancelled', lease_owner = NULL, lease_expires_at = "
                    + "NULL, updated_at = ? WHERE (state = 'pending' OR (state = 'sending' AND lease_expires_at <= ?)) "
                    + "AND endpoint_id IN (SELECT id FROM event_endpoint WHERE active = ? OR temporarily_disabled = ?)",
                    t, t, false, true);
            List<String[]> candidates = Jdbc.query(c, "SELECT d.id, d.endpoint_id FROM event_delivery d WHERE "
                    + CLAIMABLE + " AND NOT EXISTS (SELECT 1 FROM event_delivery p WHERE p.endpoint_id = "
                    + "d.endpoint_id AND p.incident_id = d.incident_id AND p.seq < d.seq AND p.state IN ('pending', "
                    + "'sending')) ORDER BY d.next_attempt_at, d.seq LIMIT ?",
                    rs -> new String[]{rs.getString(1), rs.getString(2)}, t, t, limit);
            List<Claim> won = new ArrayList<>(candidates.size());
            Map<String, Endpoint> endpoints = new HashMap<>();
            for (String[] candidate : candidates) {
                if (Jdbc.update(c, "UPDATE event_delivery SET state = 'sending', lease_owner = ?, lease_expires_at = "
                                + "?, attempts = attempts + 1, first_attempt_at = COALESCE(first_attempt_at, ?), "
                                + "updated_at = ? WHERE id = ? AND " + CLAIMABLE.replace("d.", ""), owner,
                        now.plus(lease).toEpochMilli(), t, t, candidate[0], t, t) != 1) {
                    continue;
                }
                Endpoint endpoint = endpoints.get(candidate[1]);
                if (endpoint == null) {
                    endpoint = SqlEndpointStore.read(c, candidate[1]).orElseThrow();
                    endpoints.put(candidate[1], endpoint);
                }
                won.add(claimed(c, candidate[0], owner, endpoint));
            }
            return won;
        });
    }

    private static Claim claimed(Connection c, String id, String owner, Endpoint endpoint) throws SQLException {
        return Jdbc.one(c, "SELECT d.incident_id, d.event_id, d.event_type, d.payload, d.attempts, d.first_attempt_at, "
                + "(SELECT p.provider_message_id FROM event_delivery p WHERE p.endpoint_id = d.endpoint_id AND "
                + "p.incident_id = d.incident_id AND p.state = 'delivered' AND p.provider_message_id IS NOT NULL "
                + "ORDER BY p.seq DESC LIMIT 1) FROM event_delivery d WHERE d.id = ?", rs -> new Claim(id, owner,
                endpoint, rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getInt(5),
                Instant.ofEpochMilli(rs.getLong(6)), Optional.ofNullable(rs.getString(7))), id).orElseThrow();
    }

    @Override
    public boolean record(Claim claim, Attempt a, int disableAfter) {
        long t = a.at().toEpochMilli();
        return jdbc.transaction("record an event delivery attempt", c -> {
            String next = switch (a.outcome()) {
                case DELIVERED -> "delivered";
                case RETRY -> "pending";
                case FAILED -> "failed";
            };
            if (Jdbc.update(c, "UPDATE event_delivery SET state = ?, next_attempt_at = ?, lease_owner = NULL, "
                            + "lease_expires_at = NULL, provider_message_id = COALESCE(?, provider_message_id), "
                            + "last_error = ?, updated_at = ? WHERE id = ? AND state = 'sending' AND lease_owner = ?",
                    next, a.retryAt().map(Instant::toEpochMilli).orElse(t), a.providerMessageId().orElse(null),
                    a.outcome() == Outcome.DELIVERED ? null : truncate(a.detail()), t, claim.deliveryId(),
                    claim.owner()) == 0) {
                return false;
            }
            String endpointId = claim.endpoint().id();
            switch (a.outcome()) {
                case DELIVERED -> Jdbc.update(c, "UPDATE event_endpoint SET consecutive_failures = 0, last_error = "
                        + "NULL WHERE id = ?", endpointId);
                case RETRY -> {
                    return false;
                }
                case FAILED -> {
                    Jdbc.update(c, "UPDATE event_endpoint SET consecutive_failures = consecutive_failures + 1, "
                            + "last_error = ? WHERE id = ?", truncate(a.detail()), endpointId);
                    int failures = Jdbc.one(c, "SELECT consecutive_failures FROM event_endpoint WHERE id = ?",
                            rs -> rs.getInt(1), endpointId).orElse(0);
                    if ((a.disable() || failures >= disableAfter) && Jdbc.update(c, "UPDATE event_endpoint SET "
                            + "temporarily_disabled = ?, updated_at = ? WHERE id = ? AND temporarily_disabled = ?",
                            true, t, endpointId, false) == 1) {
                        SqlEndpointStore.cancelPending(c, endpointId, t);
                        return true;
                    }
                }
            }
            return false;
        });
    }

    @Override
    public List<StoredDelivery> deliveries(String endpointId) {
        return jdbc.query("list event deliveries", "SELECT id, endpoint_id, incident_id, event_id, event_type, state, "
                + "attempts, provider_message_id, last_error FROM event_delivery WHERE endpoint_id = ? ORDER BY seq",
                rs -> new StoredDelivery(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        rs.getString(5), State.valueOf(rs.getString(6).toUpperCase(Locale.ROOT)), rs.getInt(7),
                        Optional.ofNullable(rs.getString(8)), Optional.ofNullable(rs.getString(9))), endpointId);
    }

    @Override
    public Optional<Instant> nextDue() {
        return jdbc.queryOne("find the next event delivery", "SELECT next_attempt_at FROM event_delivery WHERE state "
                + "= 'pending' ORDER BY next_attempt_at LIMIT 1", rs -> Instant.ofEpochMilli(rs.getLong(1)));
    }

    private static String truncate(String s) {
        return s.length() <= 1024 ? s : s.substring(0, 1023) + "…";
    }
}
