package tocsin.state;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Semaphore;
import java.util.function.Function;

import tocsin.core.Ids;
import tocsin.oncall.paging.Alert;
import tocsin.oncall.paging.ChangeEvent;
import tocsin.oncall.paging.EscalationPolicy;
import tocsin.oncall.paging.EscalationTimer;
import tocsin.oncall.paging.Handoff;
import tocsin.oncall.paging.Incident;
import tocsin.oncall.paging.IncidentFilter;
import tocsin.oncall.paging.IncidentStore;
import tocsin.oncall.paging.IncidentTx;
import tocsin.oncall.paging.LogEntry;
import tocsin.oncall.paging.Note;
import tocsin.oncall.paging.Notification;
import tocsin.oncall.paging.PagingException;
import tocsin.oncall.paging.Service;
import tocsin.oncall.paging.Urgency;

/**
 * {@link IncidentStore} on the tables of migration V003, in portable SQL.
 *
 * <p>Design note. Every write happens in {@link #inTransaction}: one connection, one transaction, committed when the
 * work returns. Correctness under concurrency rests on the database, not on locks here:
 * <ul>
 *   <li>an incident update carries {@code WHERE version = ?}; zero rows updated means another writer won, reported
 *       as {@link PagingException.Conflict};</li>
 *   <li>a timer is claimed by {@code DELETE ... WHERE id = ?}: of two workers, exactly one deletes the row (on
 *       PostgreSQL the second blocks on the row lock and then finds it gone; on SQLite the write lock serialises
 *       them), and the claim commits or rolls back together with the timer's effect;</li>
 *   <li>the outbox's unique idempotency key and the partial unique indexes on open incidents and open alerts make
 *       a repeated step or a racing duplicate trigger fail rather than write twice;</li>
 *   <li>incident numbers and log sequence numbers come from counter rows whose update locks them.</li>
 * </ul>
 * Thread-safe: no state besides the pool.
 */
final class SqlIncidentStore implements IncidentStore {

    private static final String INCIDENT_COLUMNS = "id, number, title, service_id, policy_id, status, urgency, "
            + "priority, incident_key, group_key, level, loop_count, step, assignees, acknowledgements, created_at, "
            + "status_changed_at, resolved_at, merged_into, version";
    private static final String ALERT_COLUMNS = "id, incident_id, service_id, integration_id, dedup_key, resolved, "
            + "summary, source, severity, component, group_name, class_name, custom_details, event_count, created_at, "
            + "resolved_at";
    private static final String LOG_COLUMNS = "id, incident_id, service_id, type, created_at, channel, agent_type, "
            + "agent_id, user_id, level, summary";
    private static final String OUTBOX_COLUMNS = "id, idempotency_key, incident_id, user_id, level, step, urgency, "
            + "reason, created_at, dispatched_at";
    private static final String CHANGE_COLUMNS = "id, service_id, integration_id, summary, source, happened_at, "
            + "custom_details, links, created_at";

    private final Jdbc jdbc;
    private final Dialect dialect;
    private final Semaphore transactions;

    /**
     * @param maxTransactions how many transactions may run at once: at most half the pool, so that work inside a
     *                        transaction can always get a second connection for lookups (users, schedules) and
     *                        the pool cannot starve itself
     */
    SqlIncidentStore(Jdbc jdbc, Dialect dialect, int maxTransactions) {
        this.jdbc = jdbc;
        this.dialect = dialect;
        this.transactions = new Semaphore(Math.max(1, maxTransactions), true);
    }

    @Override
    public <T> T inTransaction(Function<IncidentTx, T> work) {
        transactions.acquireUninterruptibly();
        try {
            return jdbc.transaction("change incidents", c -> work.apply(new Tx(c)));
        } finally {
            transactions.release();
        }
    }

    @Override
    public Optional<Incident> incident(String idOrNumber) {
        if (idOrNumber == null || idOrNumber.isEmpty() || idOrNumber.length() > 32) {
            return Optional.empty();
        }
        if (idOrNumber.chars().allMatch(Character::isDigit) && idOrNumber.length() < 18) {
            return jdbc.queryOne("read incident", "SELECT " + INCIDENT_COLUMNS + " FROM incident WHERE number = ?",
                    SqlIncidentStore::incident, Long.parseLong(idOrNumber));
        }
        return jdbc.queryOne("read incident", "SELECT " + INCIDENT_COLUMNS + " FROM incident WHERE id = ?",
                SqlIncidentStore::incident, idOrNumber);
    }

    @Override
    public Page<Incident> incidents(IncidentFilter f) {
        List<Object> params = new ArrayList<>();
        String where = where(f, params);
        String order = f.newestFirst() ? " ORDER BY created_at DESC, number DESC" : " ORDER BY created_at, number";
        params.add((long) f.limit() + 1);
        params.add((long) f.offset());
        List<Incident> rows = jdbc.query("list incidents", "SELECT " + INCIDENT_COLUMNS + " FROM incident" + where
                + order + " LIMIT ? OFFSET ?", SqlIncidentStore::incident, params.toArray());
        return page(rows, f.limit());
    }

    @Override
    public long count(IncidentFilter f) {
        List<Object> params = new ArrayList<>();
        String where = where(f, params);
        return jdbc.queryOne("count incidents", "SELECT COUNT(*) FROM incident" + where, rs -> rs.getLong(1),
                params.toArray()).orElse(0L);
    }

    /** The WHERE clause of a filter, its parameters appended to {@code params}. */
    private static String where(IncidentFilter f, List<Object> params) {
        StringBuilder where = new StringBuilder(" WHERE 1 = 1");
        in(where, params, "status", f.statuses().stream().map(Incident.Status::wireName).toList());
        in(where, params, "service_id", f.serviceIds());
        in(where, params, "urgency", f.urgencies().stream().map(Urgency::wireName).toList());
        if (!f.userIds().isEmpty()) {
            where.append(" AND (");
            for (int i = 0; i < f.userIds().size(); i++) {
                where.append(i == 0 ? "" : " OR ").append("(',' || assignees || ',') LIKE ?");
                params.add("%," + f.userIds().get(i) + ",%");
            }
            where.append(")");
        }
        if (f.incidentKey() != null) {
            where.append(" AND incident_key = ?");
            params.add(f.incidentKey());
        }
        if (f.since() != null) {
            where.append(" AND created_at >= ?");
            params.add(f.since().toEpochMilli());
        }
        if (f.until() != null) {
            where.append(" AND created_at < ?");
            params.add(f.until().toEpochMilli());
        }
        return where.toString();
    }

    @Override
    public Page<LogEntry> logEntries(String incidentId, Instant since, Instant until, int offset, int limit) {
        StringBuilder where = new StringBuilder(" WHERE 1 = 1");
        List<Object> params = new ArrayList<>();
        if (incidentId != null) {
            where.append(" AND incident_id = ?");
            params.add(incidentId);
        }
        if (since != null) {
            where.append(" AND created_at >= ?");
            params.add(since.toEpochMilli());
        }
        if (until != null) {
            where.append(" AND created_at < ?");
            params.add(until.toEpochMilli());
        }
        params.add((long) limit + 1);
        params.add((long) offset);
        List<LogEntry> rows = jdbc.query("list log entries", "SELECT " + LOG_COLUMNS + " FROM log_entry" + where
                + " ORDER BY created_at, seq LIMIT ? OFFSET ?", SqlIncidentStore::logEntry, params.toArray());
        return page(rows, limit);
    }

    @Override
    public Optional<LogEntry> logEntry(String id) {
        return jdbc.queryOne("read log entry", "SELECT " + LOG_COLUMNS + " FROM log_entry WHERE id = ?",
                SqlIncidentStore::logEntry, id);
    }

    @Override
    public List<Alert> alerts(String incidentId) {
        return jdbc.run("list alerts", c -> alerts(c, incidentId));
    }

    @Override
    public List<Note> notes(String incidentId) {
        return jdbc.query("list notes", "SELECT id, incident_id, user_id, content, created_at FROM incident_note "
                + "WHERE incident_id = ? ORDER BY created_at, id", rs -> new Note(rs.getString(1), rs.getString(2),
                rs.getString(3), rs.getString(4), Instant.ofEpochMilli(rs.getLong(5))), incidentId);
    }

    @Override
    public List<Notification> notifications(String incidentId) {
        return jdbc.query("list notifications", "SELECT " + OUTBOX_COLUMNS + " FROM notification_outbox WHERE "
                + "incident_id = ? ORDER BY seq", SqlIncidentStore::notification, incidentId);
    }

    @Override
    public List<EscalationTimer> dueTimers(Instant now, int limit) {
        return jdbc.query("list due timers", "SELECT id, incident_id, kind, due_at, step FROM escalation_timer WHERE "
                + "due_at <= ? ORDER BY due_at, id LIMIT ?", SqlIncidentStore::timer, now.toEpochMilli(),
                (long) limit);
    }

    @Override
    public Optional<Instant> nextTimerDue() {
        return jdbc.query("read next timer", "SELECT due_at FROM escalation_timer ORDER BY due_at LIMIT 1",
                rs -> Instant.ofEpochMilli(rs.getLong(1))).stream().findFirst();
    }

    @Override
    public Optional<Instant> handoffCursor() {
        return jdbc.queryOne("read handoff cursor", "SELECT value FROM paging_counter WHERE name = 'handoff_cursor'",
                rs -> Instant.ofEpochMilli(rs.getLong(1)));
    }

    @Override
    public boolean recordHandoffs(Instant from, Instant to, List<Handoff> handoffs) {
        return jdbc.transaction("record handoffs", c -> {
            if (from == null) {
                if (Jdbc.one(c, "SELECT 1 FROM paging_counter WHERE name = 'handoff_cursor'", rs -> 1).isPresent()) {
                    return false;
                }
                Jdbc.update(c, "INSERT INTO paging_counter (name, value) VALUES ('handoff_cursor', ?)",
                        to.toEpochMilli());
            } else if (Jdbc.update(c, "UPDATE paging_counter SET value = ? WHERE name = 'handoff_cursor' AND value = ?",
                    to.toEpochMilli(), from.toEpochMilli()) == 0) {
                return false;
            }
            for (Handoff h : handoffs) {
                if (Jdbc.one(c, "SELECT 1 FROM handoff_notification WHERE idempotency_key = ?", rs -> 1,
                        h.idempotencyKey()).isEmpty()) {
                    Jdbc.update(c, "INSERT INTO handoff_notification (id, idempotency_key, user_id, schedule_id, "
                                    + "policy_id, kind, at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                            Ids.newObjectId(), h.idempotencyKey(), h.userId(), h.scheduleId(), h.policyId(),
                            h.kind().name(), h.at().toEpochMilli(), h.createdAt().toEpochMilli());
                }
            }
            return true;
        });
    }

    @Override
    public List<Handoff> handoffs(Instant since) {
        return jdbc.query("list handoffs", "SELECT id, idempotency_key, user_id, schedule_id, policy_id, kind, at, "
                + "created_at FROM handoff_notification WHERE at >= ? ORDER BY at, kind DESC, id", rs -> new Handoff(
                rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                Handoff.Kind.valueOf(rs.getString(6)), Instant.ofEpochMilli(rs.getLong(7)),
                Instant.ofEpochMilli(rs.getLong(8))), since.toEpochMilli());
    }

    @Override
    public ChangeEvent saveChange(ChangeEvent e) {
        ChangeEvent stored = e.withId(Ids.newObjectId());
        jdbc.update("store change event", "INSERT INTO change_event (" + CHANGE_COLUMNS
                        + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", stored.id(), e.serviceId(), e.integrationId(),
                e.summary(), e.source(), e.timestamp().toEpochMilli(), e.customDetails(), e.links(),
                e.createdAt().toEpochMilli());
        return stored;
    }

    @Override
    public Page<ChangeEvent> changes(String serviceId, int offset, int limit) {
        String where = serviceId == null ? "" : " WHERE service_id = ?";
        List<Object> params = new ArrayList<>();
        if (serviceId != null) {
            params.add(serviceId);
        }
        params.add((long) limit + 1);
        params.add((long) offset);
        return page(jdbc.query("list change events", "SELECT " + CHANGE_COLUMNS + " FROM change_event" + where
                + " ORDER BY created_at DESC, id LIMIT ? OFFSET ?", rs -> new ChangeEvent(rs.getString(1),
                rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                Instant.ofEpochMilli(rs.getLong(6)), rs.getString(7), rs.getString(8),
                Instant.ofEpochMilli(rs.getLong(9))), params.toArray()), limit);
    }

    /** The writes and reads of one transaction on one connection. */
    private final class Tx implements IncidentTx {
        private final Connection c;

        Tx(Connection c) {
            this.c = c;
        }

        /**
         * Reads and locks the incident row (PostgreSQL {@code FOR UPDATE}; SQLite's transaction already holds the
         * write lock), so every transaction locks the incident before its timers and outbox rows: one lock order,
         * no deadlocks between a person's change and a firing timer.
         */
        @Override
        public Optional<Incident> incident(String id) {
            String lock = dialect == Dialect.POSTGRES ? " FOR UPDATE" : "";
            return sql(() -> Jdbc.one(c, "SELECT " + INCIDENT_COLUMNS + " FROM incident WHERE id = ?" + lock,
                    SqlIncidentStore::incident, id));
        }

        @Override
        public Optional<EscalationPolicy> policy(String id) {
            return sql(() -> SqlPagingConfigStore.readPolicy(c, id));
        }

        @Override
        public Optional<Service> service(String id) {
            return sql(() -> SqlPagingConfigStore.readService(c, id));
        }

        @Override
        public Optional<Incident> openIncidentByKey(String serviceId, String incidentKey) {
            return sql(() -> Jdbc.one(c, "SELECT " + INCIDENT_COLUMNS + " FROM incident WHERE service_id = ? AND "
                    + "incident_key = ? AND status <> 'resolved'", SqlIncidentStore::incident, serviceId, incidentKey));
        }

        @Override
        public Optional<Incident> openIncidentByGroup(String serviceId, String groupKey, Instant createdSince) {
            return sql(() -> Jdbc.one(c, "SELECT " + INCIDENT_COLUMNS + " FROM incident WHERE service_id = ? AND "
                            + "group_key = ? AND status <> 'resolved' AND created_at >= ? ORDER BY created_at DESC "
                            + "LIMIT 1", SqlIncidentStore::incident, serviceId, groupKey,
                    createdSince.toEpochMilli()));
        }

        @Override
        public Incident insertIncident(Incident d) {
            return sql(() -> {
                long number = Jdbc.nextCounter(c, "incident_number");
                Incident stored = d.stored(Ids.newObjectId(), number, 1);
                try {
                    Jdbc.update(c, "INSERT INTO incident (" + INCIDENT_COLUMNS + ") VALUES (" + "?, ".repeat(19)
                            + "?)", incidentValues(stored));
                } catch (SQLException e) {
                    if (dialect.isUniqueViolation(e)) {
                        throw new PagingException.Conflict("Service " + d.serviceId() + " already has an open "
                                + "incident with incident_key '" + d.incidentKey() + "'");
                    }
                    throw e;
                }
                return stored;
            });
        }

        @Override
        public Incident updateIncident(Incident i) {
            return sql(() -> {
                Object[] values = incidentValues(i.stored(i.id(), i.number(), i.version() + 1));
                String set = Arrays.stream(INCIDENT_COLUMNS.split(", ")).skip(2).map(col -> col + " = ?")
                        .collect(java.util.stream.Collectors.joining(", "));
                Object[] params = new Object[values.length];
                System.arraycopy(values, 2, params, 0, values.length - 2);
                params[values.length - 2] = i.id();
                params[values.length - 1] = i.version();
                int n;
                try {
                    n = Jdbc.update(c, "UPDATE incident SET " + set + " WHERE id = ? AND version = ?", params);
                } catch (SQLException e) {
                    if (dialect.isUniqueViolation(e)) {
                        throw new PagingException.Conflict("Service " + i.serviceId() + " already has an open "
                                + "incident with incident_key '" + i.incidentKey() + "'");
                    }
                    throw e;
                }
                if (n == 0) {
                    throw new PagingException.Conflict("Incident " + i.id() + " was changed concurrently (version "
                            + i.version() + " is no longer current); read it again and retry");
                }
                return i.stored(i.id(), i.number(), i.version() + 1);
            });
        }

        @Override
        public Optional<Alert> openAlert(String serviceId, String dedupKey) {
            return sql(() -> Jdbc.one(c, "SELECT " + ALERT_COLUMNS + " FROM alert WHERE service_id = ? AND "
                    + "dedup_key = ? AND resolved = 0", SqlIncidentStore::alert, serviceId, dedupKey));
        }

        @Override
        public Alert insertAlert(Alert a) {
            Alert stored = a.withId(Ids.newObjectId());
            sql(() -> Jdbc.update(c, "INSERT INTO alert (" + ALERT_COLUMNS + ") VALUES (" + "?, ".repeat(15) + "?)",
                    alertValues(stored)));
            return stored;
        }

        @Override
        public void updateAlert(Alert a) {
            Object[] values = alertValues(a);
            Object[] params = Arrays.copyOf(Arrays.copyOfRange(values, 1, values.length), values.length);
            params[values.length - 1] = a.id();
            String set = Arrays.stream(ALERT_COLUMNS.split(", ")).skip(1).map(col -> col + " = ?")
                    .collect(java.util.stream.Collectors.joining(", "));
            sql(() -> Jdbc.update(c, "UPDATE alert SET " + set + " WHERE id = ?", params));
        }

        @Override
        public List<Alert> alerts(String incidentId) {
            return sql(() -> SqlIncidentStore.alerts(c, incidentId));
        }

        @Override
        public LogEntry log(LogEntry e) {
            LogEntry stored = e.withId(Ids.newObjectId());
            sql(() -> Jdbc.update(c, "INSERT INTO log_entry (seq, " + LOG_COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, "
                            + "?, ?, ?, ?, ?)", Jdbc.nextCounter(c, "seq"), stored.id(), e.incidentId(), e.serviceId(),
                    e.type(), e.createdAt().toEpochMilli(), e.channel(), e.agentType(), e.agentId(), e.userId(),
                    e.level(), truncate(e.summary(), 2048)));
            return stored;
        }

        @Override
        public Note addNote(Note n) {
            Note stored = new Note(Ids.newObjectId(), n.incidentId(), n.userId(), n.content(), n.createdAt());
            sql(() -> Jdbc.update(c, "INSERT INTO incident_note (id, incident_id, user_id, content, created_at) VALUES "
                    + "(?, ?, ?, ?, ?)", stored.id(), n.incidentId(), n.userId(), n.content(),
                    n.createdAt().toEpochMilli()));
            return stored;
        }

        @Override
        public boolean enqueue(Notification n) {
            return sql(() -> {
                if (Jdbc.one(c, "SELECT 1 FROM notification_outbox WHERE idempotency_key = ?", rs -> 1,
                        n.idempotencyKey()).isPresent()) {
                    return false;
                }
                Jdbc.update(c, "INSERT INTO notification_outbox (seq, " + OUTBOX_COLUMNS + ") VALUES (?, ?, ?, ?, ?, "
                                + "?, ?, ?, ?, ?, ?)", Jdbc.nextCounter(c, "seq"), Ids.newObjectId(),
                        n.idempotencyKey(), n.incidentId(), n.userId(), n.level(), n.step(), n.urgency().wireName(),
                        n.reason(), n.createdAt().toEpochMilli(),
                        n.dispatchedAt() == null ? null : n.dispatchedAt().toEpochMilli());
                return true;
            });
        }

        @Override
        public void setTimer(String incidentId, EscalationTimer.Kind kind, Instant dueAt, int step) {
            sql(() -> {
                Jdbc.update(c, "DELETE FROM escalation_timer WHERE incident_id = ? AND kind = ?", incidentId,
                        kind.name());
                return Jdbc.update(c, "INSERT INTO escalation_timer (id, incident_id, kind, due_at, step) VALUES "
                        + "(?, ?, ?, ?, ?)", Ids.newObjectId(), incidentId, kind.name(), dueAt.toEpochMilli(), step);
            });
        }

        @Override
        public void cancelTimers(String incidentId, Set<EscalationTimer.Kind> kinds) {
            for (EscalationTimer.Kind kind : kinds) {
                sql(() -> Jdbc.update(c, "DELETE FROM escalation_timer WHERE incident_id = ? AND kind = ?",
                        incidentId, kind.name()));
            }
        }

        @Override
        public boolean claimTimer(EscalationTimer timer) {
            return sql(() -> Jdbc.update(c, "DELETE FROM escalation_timer WHERE id = ?", timer.id()) == 1);
        }

        @Override
        public long nextRoundRobin(String ruleId) {
            return sql(() -> {
                if (Jdbc.update(c, "UPDATE round_robin_cursor SET next_index = next_index + 1 WHERE rule_id = ?",
                        ruleId) == 0) {
                    Jdbc.update(c, "INSERT INTO round_robin_cursor (rule_id, next_index) VALUES (?, 1)", ruleId);
                    return 0L;
                }
                return Jdbc.one(c, "SELECT next_index FROM round_robin_cursor WHERE rule_id = ?",
                        rs -> rs.getLong(1), ruleId).orElseThrow() - 1;
            });
        }
    }

    // ---- mapping

    private static Object[] incidentValues(Incident i) {
        return new Object[]{i.id(), i.number(), i.title(), i.serviceId(), i.policyId(), i.status().wireName(),
                i.urgency().wireName(), i.priority(), i.incidentKey(), i.groupKey(), i.level(), i.loop(), i.step(),
                String.join(",", i.assignees()), acknowledgements(i.acknowledgements()),
                i.createdAt().toEpochMilli(), i.statusChangedAt().toEpochMilli(),
                i.resolvedAt() == null ? null : i.resolvedAt().toEpochMilli(), i.mergedInto(), i.version()};
    }

    private static Incident incident(ResultSet rs) throws SQLException {
        String assignees = rs.getString(14);
        Long resolved = Jdbc.optLong(rs, 18);
        return new Incident(rs.getString(1), rs.getLong(2), rs.getString(3), rs.getString(4), rs.getString(5),
                Incident.Status.parse(rs.getString(6)).orElseThrow(() -> new SQLException("unknown status")),
                Urgency.parse(rs.getString(7)).orElseThrow(() -> new SQLException("unknown urgency")),
                rs.getString(8), rs.getString(9), rs.getString(10), rs.getInt(11), rs.getInt(12), rs.getInt(13),
                assignees.isEmpty() ? List.of() : List.of(assignees.split(",")), acknowledgements(rs.getString(15)),
                Instant.ofEpochMilli(rs.getLong(16)), Instant.ofEpochMilli(rs.getLong(17)),
                resolved == null ? null : Instant.ofEpochMilli(resolved), rs.getString(19), rs.getLong(20));
    }

    /** {@code by@millis,by@millis}: user ids and {@code service:ID} contain neither separator. */
    private static String acknowledgements(List<Incident.Acknowledgement> acks) {
        StringBuilder sb = new StringBuilder();
        for (Incident.Acknowledgement a : acks) {
            sb.append(sb.isEmpty() ? "" : ",").append(a.by()).append('@').append(a.at().toEpochMilli());
        }
        return sb.toString();
    }

    private static List<Incident.Acknowledgement> acknowledgements(String stored) {
        List<Incident.Acknowledgement> out = new ArrayList<>();
        if (stored.isEmpty()) {
            return out;
        }
        for (String part : stored.split(",")) {
            int at = part.lastIndexOf('@');
            out.add(new Incident.Acknowledgement(part.substring(0, at),
                    Instant.ofEpochMilli(Long.parseLong(part.substring(at + 1)))));
        }
        return out;
    }

    private static Object[] alertValues(Alert a) {
        return new Object[]{a.id(), a.incidentId(), a.serviceId(), a.integrationId(), a.dedupKey(),
                a.resolved() ? 1 : 0, truncate(a.summary(), 1024), truncate(a.source(), 1024), a.severity(),
                truncate(a.component(), 1024), truncate(a.group(), 1024), truncate(a.className(), 1024),
                a.customDetails(), a.eventCount(), a.createdAt().toEpochMilli(),
                a.resolvedAt() == null ? null : a.resolvedAt().toEpochMilli()};
    }

    private static List<Alert> alerts(Connection c, String incidentId) throws SQLException {
        return Jdbc.query(c, "SELECT " + ALERT_COLUMNS + " FROM alert WHERE incident_id = ? ORDER BY created_at, id",
                SqlIncidentStore::alert, incidentId);
    }

    private static Alert alert(ResultSet rs) throws SQLException {
        Long resolved = Jdbc.optLong(rs, 16);
        return new Alert(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                rs.getInt(6) != 0, rs.getString(7), rs.getString(8), rs.getString(9), rs.getString(10),
                rs.getString(11), rs.getString(12), rs.getString(13), rs.getInt(14),
                Instant.ofEpochMilli(rs.getLong(15)), resolved == null ? null : Instant.ofEpochMilli(resolved));
    }

    private static LogEntry logEntry(ResultSet rs) throws SQLException {
        return new LogEntry(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                Instant.ofEpochMilli(rs.getLong(5)), rs.getString(6), rs.getString(7), rs.getString(8),
                rs.getString(9), rs.getInt(10), rs.getString(11));
    }

    private static Notification notification(ResultSet rs) throws SQLException {
        Long dispatched = Jdbc.optLong(rs, 10);
        return new Notification(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getInt(5),
                rs.getInt(6), Urgency.parse(rs.getString(7)).orElseThrow(() -> new SQLException("unknown urgency")),
                rs.getString(8), Instant.ofEpochMilli(rs.getLong(9)),
                dispatched == null ? null : Instant.ofEpochMilli(dispatched));
    }

    private static EscalationTimer timer(ResultSet rs) throws SQLException {
        return new EscalationTimer(rs.getString(1), rs.getString(2), EscalationTimer.Kind.valueOf(rs.getString(3)),
                Instant.ofEpochMilli(rs.getLong(4)), rs.getInt(5));
    }

    private static void in(StringBuilder where, List<Object> params, String column, List<String> values) {
        if (values.isEmpty()) {
            return;
        }
        where.append(" AND ").append(column).append(" IN (").append("?, ".repeat(values.size() - 1)).append("?)");
        params.addAll(values);
    }

    private static <T> Page<T> page(List<T> rows, int limit) {
        boolean more = rows.size() > limit;
        return new Page<>(more ? rows.subList(0, limit) : rows, more);
    }

    private static String truncate(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max);
    }

    @FunctionalInterface
    private interface SqlCall<T> {
        T call() throws SQLException;
    }

    /**
     * Runs a statement of an open transaction; an SQL failure becomes a StateException that rolls it back, except
     * PostgreSQL's serialization failures and deadlocks, which are lost races to be retried like an optimistic one.
     */
    private static <T> T sql(SqlCall<T> call) {
        try {
            return call.call();
        } catch (SQLException e) {
            if ("40001".equals(e.getSQLState()) || "40P01".equals(e.getSQLState())) {
                throw new PagingException.Conflict("Lost a race with a concurrent change: " + e.getMessage());
            }
            throw new StateException("Could not change incidents: " + e.getMessage(), e);
        }
    }
}
