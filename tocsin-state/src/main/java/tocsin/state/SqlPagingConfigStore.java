package tocsin.state;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import tocsin.core.Ids;
import tocsin.oncall.paging.AlertGrouping;
import tocsin.oncall.paging.EscalationPolicy;
import tocsin.oncall.paging.EscalationRule;
import tocsin.oncall.paging.Integration;
import tocsin.oncall.paging.MaintenanceWindow;
import tocsin.oncall.paging.PagingConfigStore;
import tocsin.oncall.paging.PagingException;
import tocsin.oncall.paging.Service;
import tocsin.oncall.paging.SupportHours;
import tocsin.oncall.paging.Target;
import tocsin.oncall.paging.Urgency;
import tocsin.oncall.paging.UrgencyRule;

/**
 * {@link PagingConfigStore} on the tables of migration V003 in portable SQL. A policy is one row plus its rules and
 * their targets, replaced together in one transaction; rule ids survive an update when the client sends them back,
 * so round-robin positions follow the rule. Versions are checked and bumped in the {@code UPDATE}'s {@code WHERE}
 * clause, so two racing writers cannot both succeed. Unique names are enforced by unique constraints.
 *
 * <p>Thread-safe: no state besides the pool.
 */
final class SqlPagingConfigStore implements PagingConfigStore {

    private static final String SERVICE_COLUMNS = "id, name, description, escalation_policy_id, status, ack_timeout_s, "
            + "auto_resolve_s, urgency, outside_urgency, support_zone, support_days, support_start, support_end, "
            + "grouping_type, grouping_timeout_s, grouping_fields, grouping_aggregate, grouping_window_s, version, "
            + "created_at";

    private final Jdbc jdbc;
    private final Dialect dialect;
    private final InstantSource clock;

    SqlPagingConfigStore(Jdbc jdbc, Dialect dialect, InstantSource clock) {
        this.jdbc = jdbc;
        this.dialect = dialect;
        this.clock = clock;
    }

    // ---- escalation policies

    @Override
    public EscalationPolicy savePolicy(EscalationPolicy policy) {
        long now = clock.millis();
        return uniqueName(() -> jdbc.transaction("save escalation policy", c -> {
            String id;
            long version;
            Instant created;
            if (policy.id() == null) {
                id = Ids.newObjectId();
                version = 1;
                created = Instant.ofEpochMilli(now);
                Jdbc.update(c, "INSERT INTO escalation_policy (id, name, description, num_loops, handoff, version, "
                                + "created_at, updated_at) VALUES (?, ?, ?, ?, ?, 1, ?, ?)", id, policy.name(),
                        policy.description(), policy.numLoops(), policy.handoffNotifications(), now, now);
            } else {
                id = policy.id();
                EscalationPolicy stored = readPolicy(c, id).orElseThrow(() ->
                        new PagingException.NotFound("Escalation policy " + id + " not found"));
                checkVersion("escalation policy", id, policy.version(), stored.version());
                version = stored.version() + 1;
                created = stored.createdAt();
                int n = Jdbc.update(c, "UPDATE escalation_policy SET name = ?, description = ?, num_loops = ?, "
                                + "handoff = ?, version = ?, updated_at = ? WHERE id = ? AND version = ?",
                        policy.name(), policy.description(), policy.numLoops(), policy.handoffNotifications(),
                        version, now, id, stored.version());
                if (n == 0) {
                    throw concurrent("escalation policy", id);
                }
                Jdbc.update(c, "DELETE FROM escalation_rule WHERE policy_id = ?", id);
            }
            List<EscalationRule> rules = new ArrayList<>();
            for (int i = 0; i < policy.rules().size(); i++) {
                EscalationRule r = policy.rules().get(i);
                String ruleId = r.id() != null ? r.id() : Ids.newObjectId();
                Jdbc.update(c, "INSERT INTO escalation_rule (id, policy_id, position, delay_minutes, assignment) "
                        + "VALUES (?, ?, ?, ?, ?)", ruleId, id, i, r.delayMinutes(), r.assignment().wireName());
                for (int t = 0; t < r.targets().size(); t++) {
                    Target target = r.targets().get(t);
                    Jdbc.update(c, "INSERT INTO escalation_target (rule_id, position, kind, target_id) "
                            + "VALUES (?, ?, ?, ?)", ruleId, t, target.kind().wireName(), target.id());
                }
                rules.add(r.withId(ruleId));
            }
            return policy.stored(id, rules, version, created);
        }), "escalation_policy");
    }

    @Override
    public Optional<EscalationPolicy> policy(String id) {
        if (id == null) {
            return Optional.empty();
        }
        return jdbc.run("read escalation policy", c -> readPolicy(c, id));
    }

    @Override
    public List<EscalationPolicy> policies() {
        return jdbc.run("list escalation policies", c -> {
            List<String> ids = Jdbc.query(c, "SELECT id FROM escalation_policy ORDER BY name", rs -> rs.getString(1));
            List<EscalationPolicy> out = new ArrayList<>();
            for (String id : ids) {
                readPolicy(c, id).ifPresent(out::add);
            }
            return out;
        });
    }

    @Override
    public boolean deletePolicy(String id) {
        return jdbc.transaction("delete escalation policy", c -> {
            List<String> users = Jdbc.query(c, "SELECT name FROM paging_service WHERE escalation_policy_id = ? "
                    + "ORDER BY name", rs -> rs.getString(1), id);
            if (!users.isEmpty()) {
                throw new PagingException.Conflict("Escalation policy " + id + " is used by services "
                        + String.join(", ", users) + "; give them another policy first");
            }
            return Jdbc.update(c, "DELETE FROM escalation_policy WHERE id = ?", id) > 0;
        });
    }

    static Optional<EscalationPolicy> readPolicy(Connection c, String id) throws SQLException {
        record Head(String name, String description, int loops, String handoff, long version, long created) {
        }
        Optional<Head> head = Jdbc.one(c, "SELECT name, description, num_loops, handoff, version, created_at FROM "
                + "escalation_policy WHERE id = ?", rs -> new Head(rs.getString(1), rs.getString(2), rs.getInt(3),
                rs.getString(4), rs.getLong(5), rs.getLong(6)), id);
        if (head.isEmpty()) {
            return Optional.empty();
        }
        record RuleRow(String id, int delay, String assignment) {
        }
        List<RuleRow> ruleRows = Jdbc.query(c, "SELECT id, delay_minutes, assignment FROM escalation_rule WHERE "
                + "policy_id = ? ORDER BY position", rs -> new RuleRow(rs.getString(1), rs.getInt(2),
                rs.getString(3)), id);
        Map<String, List<Target>> targets = new LinkedHashMap<>();
        for (var t : Jdbc.query(c, "SELECT t.rule_id, t.kind, t.target_id FROM escalation_target t JOIN "
                + "escalation_rule r ON r.id = t.rule_id WHERE r.policy_id = ? ORDER BY t.rule_id, t.position",
                rs -> Map.entry(rs.getString(1), target(rs.getString(2), rs.getString(3))), id)) {
            targets.computeIfAbsent(t.getKey(), k -> new ArrayList<>()).add(t.getValue());
        }
        List<EscalationRule> rules = new ArrayList<>();
        for (RuleRow r : ruleRows) {
            rules.add(new EscalationRule(r.id(), r.delay(), targets.getOrDefault(r.id(), List.of()),
                    EscalationRule.Assignment.parse(r.assignment()).orElse(EscalationRule.Assignment.ASSIGN_TO_EVERYONE)));
        }
        Head h = head.get();
        return Optional.of(new EscalationPolicy(id, h.name(), h.description(), h.loops(), h.handoff(), rules,
                h.version(), Instant.ofEpochMilli(h.created())));
    }

    // ---- services

    @Override
    public Service saveService(Service s) {
        long now = clock.millis();
        return uniqueName(() -> jdbc.transaction("save service", c -> {
            if (Jdbc.one(c, "SELECT 1 FROM escalation_policy WHERE id = ?", rs -> 1, s.policyId()).isEmpty()) {
                throw PagingException.Invalid.of("escalation_policy.id", "no escalation policy '" + s.policyId()
                        + "'");
            }
            Object[] values = serviceValues(s);
            if (s.id() == null) {
                String id = Ids.newObjectId();
                Object[] params = concat(new Object[]{id}, values, new Object[]{1L, now, now});
                Jdbc.update(c, "INSERT INTO paging_service (" + SERVICE_COLUMNS + ", updated_at) VALUES ("
                        + "?, ".repeat(20) + "?)", params);
                return s.stored(id, 1, Instant.ofEpochMilli(now));
            }
            Service stored = readService(c, s.id()).orElseThrow(() ->
                    new PagingException.NotFound("Service " + s.id() + " not found"));
            checkVersion("service", s.id(), s.version(), stored.version());
            long version = stored.version() + 1;
            String set = Arrays.stream(SERVICE_COLUMNS.split(", ")).skip(1).limit(17)
                    .map(col -> col + " = ?").collect(Collectors.joining(", "));
            Object[] params = concat(values, new Object[]{version, now, s.id(), stored.version()});
            if (Jdbc.update(c, "UPDATE paging_service SET " + set + ", version = ?, updated_at = ? WHERE id = ? "
                    + "AND version = ?", params) == 0) {
                throw concurrent("service", s.id());
            }
            return s.stored(s.id(), version, stored.createdAt());
        }), "service");
    }

    /** The values of columns 2..18 of {@link #SERVICE_COLUMNS}: everything between id and version. */
    private static Object[] serviceValues(Service s) {
        UrgencyRule u = s.urgencyRule();
        SupportHours h = u.supportHours();
        AlertGrouping g = s.grouping();
        return new Object[]{s.name(), s.description(), s.policyId(), s.status(), seconds(s.ackTimeout()),
                seconds(s.autoResolveTimeout()), u.urgency().wireName(),
                u.outside() == null ? null : u.outside().wireName(),
                h == null ? null : h.zone().getId(),
                h == null ? null : h.days().stream().map(d -> Integer.toString(d.getValue()))
                        .collect(Collectors.joining(",")),
                h == null ? null : h.start().toString(), h == null ? null : h.end().toString(),
                g.type().name(), g.timeout().toSeconds(), String.join(",", g.fields()), g.aggregate(),
                g.timeWindow().toSeconds()};
    }

    @Override
    public Optional<Service> service(String id) {
        if (id == null) {
            return Optional.empty();
        }
        return jdbc.run("read service", c -> readService(c, id));
    }

    @Override
    public List<Service> services() {
        return jdbc.query("list services", "SELECT " + SERVICE_COLUMNS + " FROM paging_service ORDER BY name",
                SqlPagingConfigStore::service);
    }

    @Override
    public boolean deleteService(String id) {
        return jdbc.transaction("delete service", c -> Jdbc.update(c, "DELETE FROM paging_service WHERE id = ?",
                id) > 0);
    }

    static Optional<Service> readService(Connection c, String id) throws SQLException {
        return Jdbc.one(c, "SELECT " + SERVICE_COLUMNS + " FROM paging_service WHERE id = ?",
                SqlPagingConfigStore::service, id);
    }

    private static Service service(ResultSet rs) throws SQLException {
        Urgency urgency = urgency(rs.getString(8));
        String outside = rs.getString(9);
        UrgencyRule rule;
        if (outside == null) {
            rule = UrgencyRule.constant(urgency);
        } else {
            Set<DayOfWeek> days = EnumSet.noneOf(DayOfWeek.class);
            for (String d : rs.getString(11).split(",")) {
                days.add(DayOfWeek.of(Integer.parseInt(d)));
            }
            rule = new UrgencyRule(new SupportHours(ZoneId.of(rs.getString(10)), days,
                    LocalTime.parse(rs.getString(12)), LocalTime.parse(rs.getString(13))), urgency, urgency(outside));
        }
        String fields = rs.getString(16);
        AlertGrouping grouping = new AlertGrouping(AlertGrouping.Type.valueOf(rs.getString(14)),
                Duration.ofSeconds(rs.getLong(15)), fields.isEmpty() ? List.of() : List.of(fields.split(",")),
                rs.getString(17), Duration.ofSeconds(rs.getLong(18)));
        return new Service(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                duration(Jdbc.optLong(rs, 6)), duration(Jdbc.optLong(rs, 7)), rule, grouping, rs.getLong(19),
                Instant.ofEpochMilli(rs.getLong(20)));
    }

    // ---- integrations

    @Override
    public Integration saveIntegration(Integration i) {
        return jdbc.transaction("save integration", c -> {
            if (i.id() != null) {
                Integration stored = readIntegration(c, "id", i.id()).orElseThrow(() ->
                        new PagingException.NotFound("Integration " + i.id() + " not found"));
                Jdbc.update(c, "UPDATE service_integration SET name = ? WHERE id = ?", i.name(), i.id());
                return new Integration(stored.id(), stored.serviceId(), i.name(), stored.type(), stored.key(),
                        stored.createdAt());
            }
            if (Jdbc.one(c, "SELECT 1 FROM paging_service WHERE id = ?", rs -> 1, i.serviceId()).isEmpty()) {
                throw new PagingException.NotFound("Service " + i.serviceId() + " not found");
            }
            String id = Ids.newObjectId();
            long now = clock.millis();
            try {
                Jdbc.update(c, "INSERT INTO service_integration (id, service_id, name, type, integration_key, "
                        + "created_at) VALUES (?, ?, ?, ?, ?, ?)", id, i.serviceId(), i.name(), i.type().wireName(),
                        i.key(), now);
            } catch (SQLException e) {
                if (dialect.isUniqueViolation(e)) {
                    throw PagingException.Invalid.of("integration_key", "already in use");
                }
                throw e;
            }
            return i.stored(id, Instant.ofEpochMilli(now));
        });
    }

    @Override
    public Optional<Integration> integration(String id) {
        return jdbc.run("read integration", c -> readIntegration(c, "id", id));
    }

    @Override
    public Optional<Integration> integrationByKey(String key) {
        if (!Integration.isWellFormedKey(key)) {
            return Optional.empty();
        }
        return jdbc.run("find integration by key", c -> readIntegration(c, "integration_key", key));
    }

    @Override
    public List<Integration> integrations(String serviceId) {
        return jdbc.query("list integrations", "SELECT id, service_id, name, type, integration_key, created_at FROM "
                + "service_integration WHERE service_id = ? ORDER BY created_at, id", SqlPagingConfigStore::integration,
                serviceId);
    }

    private static Optional<Integration> readIntegration(Connection c, String column, String value)
            throws SQLException {
        return Jdbc.one(c, "SELECT id, service_id, name, type, integration_key, created_at FROM service_integration "
                + "WHERE " + column + " = ?", SqlPagingConfigStore::integration, value);
    }

    private static Integration integration(ResultSet rs) throws SQLException {
        String type = rs.getString(4);
        return new Integration(rs.getString(1), rs.getString(2), rs.getString(3),
                Integration.Type.parse(type).orElseThrow(() -> new SQLException("unknown integration type " + type)),
                rs.getString(5), Instant.ofEpochMilli(rs.getLong(6)));
    }

    private static Target target(String kind, String id) throws SQLException {
        return new Target(Target.Kind.parse(kind).orElseThrow(() -> new SQLException("unknown target kind " + kind)),
                id);
    }

    // ---- maintenance windows

    @Override
    public MaintenanceWindow saveWindow(MaintenanceWindow w) {
        return jdbc.transaction("save maintenance window", c -> {
            for (int i = 0; i < w.serviceIds().size(); i++) {
                if (Jdbc.one(c, "SELECT 1 FROM paging_service WHERE id = ?", rs -> 1, w.serviceIds().get(i))
                        .isEmpty()) {
                    throw PagingException.Invalid.of("services[" + i + "].id", "no service '" + w.serviceIds().get(i)
                            + "'");
                }
            }
            String id = w.id();
            if (id == null) {
                id = Ids.newObjectId();
                Jdbc.update(c, "INSERT INTO maintenance_window (id, start_at, end_at, description, created_by) VALUES "
                        + "(?, ?, ?, ?, ?)", id, w.start().toEpochMilli(), w.end().toEpochMilli(), w.description(),
                        w.createdBy());
            } else if (Jdbc.update(c, "UPDATE maintenance_window SET start_at = ?, end_at = ?, description = ? "
                    + "WHERE id = ?", w.start().toEpochMilli(), w.end().toEpochMilli(), w.description(), id) == 0) {
                throw new PagingException.NotFound("Maintenance window " + id + " not found");
            }
            Jdbc.update(c, "DELETE FROM maintenance_window_service WHERE window_id = ?", id);
            for (String service : w.serviceIds().stream().distinct().toList()) {
                Jdbc.update(c, "INSERT INTO maintenance_window_service (window_id, service_id) VALUES (?, ?)", id,
                        service);
            }
            return w.withId(id);
        });
    }

    @Override
    public Optional<MaintenanceWindow> window(String id) {
        return windows(" WHERE w.id = ?", id).stream().findFirst();
    }

    @Override
    public List<MaintenanceWindow> windows() {
        return windows("");
    }

    private List<MaintenanceWindow> windows(String where, Object... params) {
        record Row(String id, long start, long end, String description, String createdBy, String service) {
        }
        List<Row> rows = jdbc.query("list maintenance windows", "SELECT w.id, w.start_at, w.end_at, w.description, "
                + "w.created_by, s.service_id FROM maintenance_window w LEFT JOIN maintenance_window_service s ON "
                + "s.window_id = w.id" + where + " ORDER BY w.start_at DESC, w.id, s.service_id", rs -> new Row(
                rs.getString(1), rs.getLong(2), rs.getLong(3), rs.getString(4), rs.getString(5), rs.getString(6)),
                params);
        Map<String, List<Row>> byId = new LinkedHashMap<>();
        rows.forEach(r -> byId.computeIfAbsent(r.id(), k -> new ArrayList<>()).add(r));
        List<MaintenanceWindow> out = new ArrayList<>();
        for (List<Row> group : byId.values()) {
            Row r = group.getFirst();
            List<String> services = group.stream().map(Row::service).filter(s -> s != null).toList();
            if (services.isEmpty()) {
                continue; // all its services were deleted: the window no longer covers anything
            }
            out.add(new MaintenanceWindow(r.id(), Instant.ofEpochMilli(r.start()), Instant.ofEpochMilli(r.end()),
                    r.description(), services, r.createdBy()));
        }
        return out;
    }

    @Override
    public boolean deleteWindow(String id) {
        return jdbc.transaction("delete maintenance window", c -> Jdbc.update(c,
                "DELETE FROM maintenance_window WHERE id = ?", id) > 0);
    }

    @Override
    public boolean inMaintenance(String serviceId, Instant at) {
        long t = at.toEpochMilli();
        return jdbc.queryOne("check maintenance windows", "SELECT 1 FROM maintenance_window w JOIN "
                + "maintenance_window_service s ON s.window_id = w.id WHERE s.service_id = ? AND w.start_at <= ? AND "
                + "w.end_at > ? LIMIT 1", rs -> 1, serviceId, t, t).isPresent();
    }

    // ---- helpers

    private <T> T uniqueName(java.util.function.Supplier<T> write, String kind) {
        try {
            return write.get();
        } catch (StateException e) {
            if (e.getCause() instanceof SQLException sql && dialect.isUniqueViolation(sql)) {
                throw PagingException.Invalid.of("name", "another " + kind.replace('_', ' ') + " has this name");
            }
            throw e;
        }
    }

    private static void checkVersion(String kind, String id, long expected, long stored) {
        if (expected != 0 && expected != stored) {
            throw new PagingException.Conflict("The " + kind + " " + id + " was changed by someone else (version "
                    + stored + ", you sent " + expected + "); read it again and retry");
        }
    }

    private static PagingException.Conflict concurrent(String kind, String id) {
        return new PagingException.Conflict("The " + kind + " " + id + " was changed concurrently; read it again and "
                + "retry");
    }

    private static Long seconds(Duration d) {
        return d == null ? null : d.toSeconds();
    }

    private static Duration duration(Long seconds) {
        return seconds == null ? null : Duration.ofSeconds(seconds);
    }

    private static Urgency urgency(String s) throws SQLException {
        return Urgency.parse(s).orElseThrow(() -> new SQLException("unknown urgency " + s));
    }

    private static Object[] concat(Object[]... parts) {
        List<Object> all = new ArrayList<>();
        for (Object[] p : parts) {
            all.addAll(Arrays.asList(p));
        }
        return all.toArray();
    }
}
