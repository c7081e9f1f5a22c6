package tocsin.state;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import tocsin.core.Ids;
import tocsin.notify.IdempotencyKey;
import tocsin.notify.IncidentSnapshot;
import tocsin.notify.Notification;
import tocsin.notify.dispatch.DeliveryQueue;
import tocsin.notify.template.TriggeringValue;
import tocsin.oncall.paging.LogEntry;

/**
 * {@link DeliveryQueue} on the outbox of migration V003 and the {@code notification_delivery} table of V005, in
 * portable SQL. The noise-control states {@code held} and {@code digesting} fit the text state column, so they need
 * no migration.
 *
 * <p>Design note. Correctness under concurrency rests on the database, as in {@link SqlIncidentStore}:
 * <ul>
 *   <li>expanding starts with {@code UPDATE notification_outbox SET dispatched_at = ? WHERE dispatched_at IS NULL}:
 *       of two expanders exactly one updates the row (PostgreSQL's row lock, SQLite's write lock), and the unique
 *       {@code (notification_id, rule_id)} key backs it up;</li>
 *   <li>a claim is an {@code UPDATE ... WHERE} repeating the claimable condition, so of two claimers exactly one
 *       wins a row; the lease owner and expiry fence later writes;</li>
 *   <li>the claim transaction first cancels the pending deliveries of incidents that are no longer triggered, and
 *       joins the incident's status for what it claims, so an acknowledgement that committed before the claim
 *       always wins.</li>
 * </ul>
 * A claim describes the incident as it is then, with the triggering value of its first alert's
 * {@code custom_details} ({@link TriggeringValue}).
 * Thread-safe: no state besides the pool.
 */
final class SqlDeliveryQueue implements DeliveryQueue {

    private static final String DELIVERY_COLUMNS = "id, notification_id, rule_id, contact_method_id, user_id, step, "
            + "state, attempts, due_at, provider_message_id, last_error";
    /** Due: pending and due, or sending with an expired lease. Also {@link SqlHandoffQueue}'s condition. */
    static final String CLAIMABLE = "((d.state = 'pending' AND d.next_attempt_at <= ?) "
            + "OR (d.state = 'sending' AND d.lease_expires_at <= ?))";

    /** A claim's delivery with its request and its incident as it is now; the caller appends the condition. */
    private static final String CLAIM_SELECT = "SELECT d.id, d.incident_id, d.step, d.user_id, "
            + "d.contact_method_id, d.attempts, d.first_attempt_at, d.provider_message_id, o.reason, "
            + "o.created_at, i.number, i.title, i.service_id, s.name, i.urgency, i.status, i.created_at, "
            + "(SELECT a.custom_details FROM alert a WHERE a.incident_id = i.id "
            + "ORDER BY a.created_at, a.id LIMIT 1) "
            + "FROM notification_delivery d JOIN notification_outbox o ON o.id = d.notification_id "
            + "JOIN incident i ON i.id = d.incident_id LEFT JOIN paging_service s ON s.id = i.service_id WHERE ";
    /** Held, or in a digest whose lease expired (or whose retry is due). */
    private static final String DIGESTIBLE = "(d.state = 'held' OR (d.state = 'digesting' "
            + "AND d.lease_expires_at <= ?))";

    private final Jdbc jdbc;

    SqlDeliveryQueue(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public List<Request> pending(int limit) {
        return jdbc.query("list pending notifications", "SELECT id, incident_id, user_id, step, urgency, reason, "
                + "created_at FROM notification_outbox WHERE dispatched_at IS NULL ORDER BY seq LIMIT ?", rs -> {
                    IncidentSnapshot.Urgency urgency = "low".equals(rs.getString(5)) ? IncidentSnapshot.Urgency.LOW
                            : IncidentSnapshot.Urgency.HIGH;
                    return new Request(rs.getString(1), rs.getString(2), rs.getString(3), rs.getInt(4), urgency,
                            rs.getString(6), Instant.ofEpochMilli(rs.getLong(7)));
                }, limit);
    }

    @Override
    public boolean expand(Request r, List<Plan> plans, String problem, Instant now) {
        return jdbc.transaction("expand a notification", c -> {
            if (Jdbc.update(c, "UPDATE notification_outbox SET dispatched_at = ? WHERE id = ? AND dispatched_at IS "
                    + "NULL", now.toEpochMilli(), r.notificationId()) == 0) {
                return false;
            }
            for (Plan p : plans) {
                if (Jdbc.one(c, "SELECT 1 FROM notification_delivery WHERE notification_id = ? AND rule_id = ?",
                        rs -> 1, r.notificationId(), p.ruleId()).isPresent()) {
                    continue;
                }
                Jdbc.update(c, "INSERT INTO notification_delivery (id, seq, notification_id, rule_id, incident_id, "
                                + "user_id, step, contact_method_id, state, due_at, next_attempt_at, attempts, "
                                + "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?, 0, ?)",
                        Ids.newObjectId(), Jdbc.nextCounter(c, "seq"), r.notificationId(), p.ruleId(),
                        r.incidentId(), r.userId(), r.step(), p.contactMethodId(), p.dueAt().toEpochMilli(),
                        p.dueAt().toEpochMilli(), now.toEpochMilli());
            }
            if (plans.isEmpty()) {
                log(c, r.notificationId(), LogEntry.NOBODY_PAGED, now, "auto", r.userId(), problem);
            }
            return true;
        });
    }

    @Override
    public List<Claim> claim(String owner, Instant now, Duration lease, int limit) {
        long t = now.toEpochMilli();
        return jdbc.transaction("claim deliveries", c -> {
            cancelClosed(c, t);
            List<Claim> candidates = Jdbc.query(c, CLAIM_SELECT + CLAIMABLE + " AND i.status = 'triggered' "
                    + "ORDER BY d.next_attempt_at, d.seq LIMIT ?", rs -> claim(rs, owner, t), t, t, limit);
            return lease(c, candidates, "sending", CLAIMABLE, owner, now.plus(lease), t);
        });
    }

    /**
     * Leases each candidate that still meets {@code claimable} (whose {@code ?} all stand for now) and whose
     * incident is still triggered, to {@code owner} until {@code until} in {@code state}, counting the attempt;
     * returns those won.
     */
    private static List<Claim> lease(Connection c, List<Claim> candidates, String state, String claimable,
                                     String owner, Instant until, long now) throws SQLException {
        String condition = claimable.replace("d.", "");
        List<Object> params = new ArrayList<>(List.of(state, owner, until.toEpochMilli(), now, now));
        int at = params.size();
        params.add(null); // the delivery id
        for (int i = 0; i < condition.chars().filter(ch -> ch == '?').count(); i++) {
            params.add(now);
        }
        List<Claim> won = new ArrayList<>(candidates.size());
        for (Claim cl : candidates) {
            params.set(at, cl.deliveryId());
            if (Jdbc.update(c, "UPDATE notification_delivery SET state = ?, lease_owner = ?, lease_expires_at = ?, "
                    + "attempts = attempts + 1, first_attempt_at = COALESCE(first_attempt_at, ?), updated_at = ? "
                    + "WHERE id = ? AND " + condition + " AND EXISTS (SELECT 1 FROM incident i WHERE "
                    + "i.id = notification_delivery.incident_id AND i.status = 'triggered')", params.toArray()) == 1) {
                won.add(cl);
            }
        }
        return won;
    }

    private static Claim claim(ResultSet rs, String owner, long now) throws SQLException {
        String incidentId = rs.getString(2);
        Long first = Jdbc.optLong(rs, 7);
        String reason = rs.getString(9);
        Notification.Event event = switch (reason) {
            case "trigger" -> Notification.Event.TRIGGERED;
            case "reassign" -> Notification.Event.REASSIGNED;
            case "ack_timeout", "snooze_end" -> Notification.Event.UNACKNOWLEDGED;
            default -> Notification.Event.ESCALATED;
        };
        String serviceName = rs.getString(14);
        IncidentSnapshot incident = new IncidentSnapshot(incidentId, rs.getLong(11), rs.getString(12),
                rs.getString(12), rs.getString(13), serviceName == null ? rs.getString(13) : serviceName,
                "low".equals(rs.getString(15)) ? IncidentSnapshot.Urgency.LOW : IncidentSnapshot.Urgency.HIGH,
                IncidentSnapshot.Status.valueOf(rs.getString(16).toUpperCase(Locale.ROOT)),
                TriggeringValue.of(rs.getString(18)),
                Instant.ofEpochMilli(rs.getLong(17)));
        return new Claim(rs.getString(1), owner, new IdempotencyKey(incidentId, rs.getInt(3), rs.getString(4),
                rs.getString(5)), rs.getInt(6) + 1, Instant.ofEpochMilli(first == null ? now : first),
                Optional.ofNullable(rs.getString(8)), incident, event, Instant.ofEpochMilli(rs.getLong(10)));
    }

    @Override
    public void record(Claim claim, Attempt a) {
        long t = a.at().toEpochMilli();
        jdbc.transaction("record a delivery attempt", c -> {
            String error = a.outcome() == Outcome.DELIVERED ? null : truncate(a.detail(), 1024);
            String next = switch (a.outcome()) {
                case DELIVERED -> "delivered";
                case RETRY -> "pending";
                case FAILED -> "failed";
            };
            Jdbc.update(c, "UPDATE notification_delivery SET state = ?, next_attempt_at = ?, lease_owner = NULL, "
                            + "lease_expires_at = NULL, provider_message_id = COALESCE(?, provider_message_id), "
                            + "last_error = ?, updated_at = ? WHERE id = ? AND state = 'sending' AND lease_owner = ?",
                    next, a.retryAt().map(Instant::toEpochMilli).orElse(t), a.providerMessageId().orElse(null),
                    error, t, claim.deliveryId(), claim.owner());
            String outcome = switch (a.outcome()) {
                case DELIVERED -> "delivered" + a.providerMessageId().map(id -> " (message id " + id + ")")
                        .orElse("");
                case RETRY -> "failed, will retry";
                case FAILED -> "failed";
            };
            log(c, notificationId(c, claim), LogEntry.NOTIFY, a.at(), a.channel(), claim.key().userId(), "Notified by "
                    + a.channel() + " at " + a.target() + ", attempt " + claim.attempts() + ": " + outcome + ". "
                    + a.detail());
            return null;
        });
    }

    @Override
    public int cancel(String incidentId, Instant now) {
        long t = now.toEpochMilli();
        return jdbc.transaction("cancel deliveries", c -> {
            logHeldCancelled(c, t, "i.id = ?", incidentId);
            return Jdbc.update(c, "UPDATE notification_delivery SET state = 'cancelled', updated_at = ? WHERE "
                    + "incident_id = ? AND state IN ('pending', 'held')", t, incidentId);
        });
    }

    /** Says on each incident's timeline that its held pages matching {@code where} (on {@code i}) are cancelled. */
    private static void logHeldCancelled(Connection c, long now, String where, Object... params)
            throws SQLException {
        Object[] all = new Object[params.length + 1];
        all[0] = now;
        System.arraycopy(params, 0, all, 1, params.length);
        List<String[]> held = Jdbc.query(c, "SELECT d.notification_id, d.user_id, i.status FROM notification_delivery "
                + "d JOIN incident i ON i.id = d.incident_id WHERE " + DIGESTIBLE + " AND " + where,
                rs -> new String[]{rs.getString(1), rs.getString(2), rs.getString(3)}, all);
        for (String[] h : held) {
            log(c, h[0], LogEntry.NOTIFY, Instant.ofEpochMilli(now), "digest", h[1], "A notification held back for a "
                    + "digest was cancelled" + (h[2].equals("triggered") ? "." : ": the incident is " + h[2] + "."));
        }
    }

    /**
     * Cancels the pending, held and lease-expired deliveries of incidents that are no longer triggered; a held page
     * cancelled so says so on its incident's timeline (a pending one never went out, and the acknowledgement is
     * already there).
     */
    private static void cancelClosed(Connection c, long now) throws SQLException {
        logHeldCancelled(c, now, "i.status <> 'triggered'");
        Jdbc.update(c, "UPDATE notification_delivery SET state = 'cancelled', lease_owner = NULL, lease_expires_at = "
                + "NULL, updated_at = ? WHERE (state IN ('pending', 'held') OR (state IN ('sending', 'digesting') "
                + "AND lease_expires_at <= ?)) AND incident_id IN (SELECT id FROM incident WHERE status <> "
                + "'triggered')", now, now);
    }

    @Override
    public void hold(Claim claim, Instant at, String channel, String target, String detail) {
        long t = at.toEpochMilli();
        jdbc.transaction("hold a delivery", c -> {
            if (Jdbc.update(c, "UPDATE notification_delivery SET state = 'held', attempts = attempts - 1, "
                            + "first_attempt_at = CASE WHEN attempts <= 1 THEN NULL ELSE first_attempt_at END, "
                            + "next_attempt_at = ?, lease_owner = NULL, lease_expires_at = NULL, last_error = ?, "
                            + "updated_at = ? WHERE id = ? AND state = 'sending' AND lease_owner = ?", t,
                    truncate("held: " + detail, 1024), t, claim.deliveryId(), claim.owner()) == 1) {
                log(c, notificationId(c, claim), LogEntry.NOTIFY, at, channel, claim.key().userId(),
                        "Held " + channel + " to " + target + " for a digest: " + detail + ".");
            }
            return null;
        });
    }

    @Override
    public List<HeldGroup> heldGroups(Instant now) {
        return jdbc.query("list held deliveries", "SELECT DISTINCT d.user_id, d.contact_method_id FROM "
                + "notification_delivery d WHERE " + DIGESTIBLE + " ORDER BY d.user_id, d.contact_method_id",
                rs -> new HeldGroup(rs.getString(1), rs.getString(2)), now.toEpochMilli());
    }

    @Override
    public List<Claim> claimDigest(String owner, HeldGroup g, Instant now, Duration lease, int limit) {
        long t = now.toEpochMilli();
        return jdbc.transaction("claim a digest", c -> {
            cancelClosed(c, t);
            String mine = "d.user_id = ? AND d.contact_method_id = ? AND i.status = 'triggered' AND ";
            List<Claim> candidates = Jdbc.query(c, CLAIM_SELECT + mine + "d.state = 'digesting' AND "
                    + "d.lease_expires_at <= ? ORDER BY d.seq LIMIT ?", rs -> claim(rs, owner, t), g.userId(),
                    g.contactMethodId(), t, limit);
            if (candidates.isEmpty()) {
                candidates = Jdbc.query(c, CLAIM_SELECT + mine + "d.state = 'held' ORDER BY d.seq LIMIT ?",
                        rs -> claim(rs, owner, t), g.userId(), g.contactMethodId(), limit);
            }
            return lease(c, candidates, "digesting", DIGESTIBLE, owner, now.plus(lease), t);
        });
    }

    @Override
    public void recordDigest(List<Claim> claims, Attempt a, int incidents) {
        long t = a.at().toEpochMilli();
        String what = incidents == 1 ? "after being held for the rate limit" : "in a digest of " + incidents
                + " incidents";
        String outcome = switch (a.outcome()) {
            case DELIVERED -> "delivered" + a.providerMessageId().map(id -> " (message id " + id + ")").orElse("");
            case RETRY -> "failed, will retry";
            case FAILED -> "failed";
        };
        jdbc.transaction("record a digest attempt", c -> {
            for (Claim claim : claims) {
                // a retry keeps the set leased (without an owner) until retryAt, so it is claimed again as a whole
                String next = switch (a.outcome()) {
                    case DELIVERED -> "delivered";
                    case RETRY -> "digesting";
                    case FAILED -> "failed";
                };
                Long retryAt = a.retryAt().map(Instant::toEpochMilli).orElse(null);
                if (Jdbc.update(c, "UPDATE notification_delivery SET state = ?, next_attempt_at = ?, lease_owner = "
                                + "NULL, lease_expires_at = ?, provider_message_id = COALESCE(?, provider_message_id), "
                                + "last_error = ?, updated_at = ? WHERE id = ? AND state = 'digesting' AND "
                                + "lease_owner = ?", next, retryAt == null ? t : retryAt, retryAt,
                        a.providerMessageId().orElse(null), a.outcome() == Outcome.DELIVERED ? null
                                : truncate(a.detail(), 1024), t, claim.deliveryId(), claim.owner()) == 0) {
                    continue; // the lease was lost: the new holder records its own attempt
                }
                log(c, notificationId(c, claim), LogEntry.NOTIFY, a.at(), a.channel(), claim.key().userId(),
                        "Notified by " + a.channel() + " at " + a.target() + " " + what + ", attempt "
                                + claim.attempts() + ": " + outcome + ". " + a.detail());
            }
            return null;
        });
    }

    private static String notificationId(Connection c, Claim claim) throws SQLException {
        return Jdbc.one(c, "SELECT notification_id FROM notification_delivery WHERE id = ?",
                rs -> rs.getString(1), claim.deliveryId()).orElseThrow();
    }

    @Override
    public Optional<Instant> nextDue() {
        return jdbc.queryOne("find the next delivery", "SELECT next_attempt_at FROM notification_delivery "
                        + "WHERE state = 'pending' ORDER BY next_attempt_at LIMIT 1",
                rs -> Instant.ofEpochMilli(rs.getLong(1)));
    }

    @Override
    public List<Delivery> deliveries(String incidentId) {
        return jdbc.query("list deliveries", "SELECT " + DELIVERY_COLUMNS + " FROM notification_delivery WHERE "
                + "incident_id = ? ORDER BY seq", rs -> new Delivery(rs.getString(1), rs.getString(2),
                rs.getString(3), rs.getString(4), rs.getString(5), rs.getInt(6),
                State.valueOf(rs.getString(7).toUpperCase(Locale.ROOT)), rs.getInt(8),
                Instant.ofEpochMilli(rs.getLong(9)), Optional.ofNullable(rs.getString(10)),
                Optional.ofNullable(rs.getString(11))), incidentId);
    }

    /**
     * A timeline entry on the incident of the outbox row {@code notificationId}, at the level it paged: a
     * {@code notify_log_entry} per attempt, or Tocsin's loud {@code nobody_paged_log_entry} for a person without a
     * notification rule.
     */
    private static void log(Connection c, String notificationId, String type, Instant at, String channel,
                            String userId, String summary) throws SQLException {
        Object[] incident = Jdbc.one(c, "SELECT i.id, i.service_id, o.level FROM notification_outbox o JOIN incident i "
                + "ON i.id = o.incident_id WHERE o.id = ?", SqlDeliveryQueue::row, notificationId).orElseThrow();
        Jdbc.update(c, "INSERT INTO log_entry (seq, id, incident_id, service_id, type, created_at, channel, "
                        + "agent_type, agent_id, user_id, level, summary) VALUES (?, ?, ?, ?, ?, ?, ?, NULL, NULL, ?, "
                        + "?, ?)", Jdbc.nextCounter(c, "seq"), Ids.newObjectId(), incident[0], incident[1],
                type, at.toEpochMilli(), truncate(channel, 32), userId, incident[2],
                truncate(summary, 2048));
    }

    private static Object[] row(ResultSet rs) throws SQLException {
        return new Object[]{rs.getString(1), rs.getString(2), rs.getInt(3)};
    }

    private static String truncate(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 1) + "…";
    }
}
