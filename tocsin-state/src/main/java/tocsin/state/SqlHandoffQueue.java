package tocsin.state;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import tocsin.core.Ids;
import tocsin.notify.dispatch.DeliveryQueue;
import tocsin.notify.dispatch.HandoffQueue;

/**
 * {@link HandoffQueue} on V003's {@code handoff_notification} (the requests) and V010's {@code handoff_delivery}, in
 * portable SQL. Concurrency rests on the database as in {@link SqlDeliveryQueue}: expanding starts with the
 * conditional {@code UPDATE ... SET dispatched_at} that only one expander wins (the unique key backs it up); a claim
 * is an {@code UPDATE ... WHERE} repeating the claimable condition; the lease owner fences a late record. A request
 * describes the schedule by name and the time in the person's zone as they are when it is read. Thread-safe.
 */
final class SqlHandoffQueue implements HandoffQueue {

    private static final String REQUEST = "h.id, h.idempotency_key, h.user_id, h.schedule_id, s.name, h.kind, h.at, "
            + "u.time_zone";
    private static final String JOINS = "handoff_notification h LEFT JOIN schedule s ON s.id = h.schedule_id "
            + "LEFT JOIN app_user u ON u.id = h.user_id";
    private static final String CLAIMABLE = SqlDeliveryQueue.CLAIMABLE;

    private final Jdbc jdbc;

    SqlHandoffQueue(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public List<Request> pending(int limit) {
        return jdbc.query("list pending handoffs", "SELECT " + REQUEST + " FROM " + JOINS
                + " WHERE h.dispatched_at IS NULL ORDER BY h.at, h.id LIMIT ?", rs -> request(rs, 0), limit);
    }

    /** The request in the {@link #REQUEST} columns, which start after column {@code skip}. */
    private static Request request(ResultSet rs, int skip) throws SQLException {
        String schedule = rs.getString(skip + 4);
        String name = rs.getString(skip + 5);
        String zoneId = rs.getString(skip + 8);
        ZoneId zone;
        try {
            zone = zoneId == null ? ZoneOffset.UTC : ZoneId.of(zoneId);
        } catch (DateTimeException e) {
            zone = ZoneOffset.UTC;
        }
        return new Request(rs.getString(skip + 1), rs.getString(skip + 2), rs.getString(skip + 3), schedule,
                name == null ? schedule : name, Change.valueOf(rs.getString(skip + 6)),
                Instant.ofEpochMilli(rs.getLong(skip + 7)), zone);
    }

    @Override
    public boolean expand(Request r, List<String> contactMethodIds, Instant now) {
        long t = now.toEpochMilli();
        return jdbc.transaction("expand a handoff", c -> {
            if (Jdbc.update(c, "UPDATE handoff_notification SET dispatched_at = ? WHERE id = ? AND dispatched_at IS "
                    + "NULL", t, r.id()) == 0) {
                return false;
            }
            for (String cm : contactMethodIds.stream().distinct().toList()) {
                Jdbc.update(c, "INSERT INTO handoff_delivery (id, seq, handoff_id, contact_method_id, state, "
                                + "next_attempt_at, attempts, updated_at) VALUES (?, ?, ?, ?, 'pending', ?, 0, ?)",
                        Ids.newObjectId(), Jdbc.nextCounter(c, "seq"), r.id(), cm, t, t);
            }
            return true;
        });
    }

    @Override
    public List<Claim> claim(String owner, Instant now, Duration lease, int limit) {
        long t = now.toEpochMilli();
        return jdbc.transaction("claim handoff deliveries", c -> {
            String from = JOINS.replace("handoff_notification h", "handoff_notification h ON h.id = d.handoff_id");
            List<Claim> candidates = Jdbc.query(c, "SELECT d.id, d.contact_method_id, d.attempts, "
                    + "d.first_attempt_at, " + REQUEST + " FROM handoff_delivery d JOIN " + from + " WHERE "
                    + CLAIMABLE + " ORDER BY d.next_attempt_at, d.seq LIMIT ?", rs -> {
                        Long first = Jdbc.optLong(rs, 4);
                        return new Claim(rs.getString(1), owner, request(rs, 4), rs.getString(2), rs.getInt(3) + 1,
                                Instant.ofEpochMilli(first == null ? t : first));
                    }, t, t, limit);
            List<Claim> won = new ArrayList<>(candidates.size());
            for (Claim cl : candidates) {
                if (Jdbc.update(c, "UPDATE handoff_delivery SET state = 'sending', lease_owner = ?, lease_expires_at "
                        + "= ?, attempts = attempts + 1, first_attempt_at = COALESCE(first_attempt_at, ?), "
                        + "updated_at = ? WHERE id = ? AND " + CLAIMABLE.replace("d.", ""), owner,
                        now.plus(lease).toEpochMilli(), t, t, cl.deliveryId(), t, t) == 1) {
                    won.add(cl);
                }
            }
            return won;
        });
    }

    @Override
    public void record(Claim claim, DeliveryQueue.Attempt a) {
        long t = a.at().toEpochMilli();
        String next = switch (a.outcome()) {
            case DELIVERED -> "delivered";
            case RETRY -> "pending";
            case FAILED -> "failed";
        };
        jdbc.update("record a handoff attempt", "UPDATE handoff_delivery SET state = ?, "
                        + "next_attempt_at = ?, lease_owner = NULL, lease_expires_at = NULL, provider_message_id = "
                        + "COALESCE(?, provider_message_id), last_error = ?, updated_at = ? WHERE id = ? AND state = "
                        + "'sending' AND lease_owner = ?", next, a.retryAt().map(Instant::toEpochMilli).orElse(t),
                a.providerMessageId().orElse(null), a.outcome() == DeliveryQueue.Outcome.DELIVERED ? null
                        : truncate(a.channel() + " at " + a.target() + ": " + a.detail()), t, claim.deliveryId(),
                claim.owner());
    }

    @Override
    public List<Delivery> deliveries(String requestId) {
        return jdbc.query("list handoff deliveries", "SELECT id, handoff_id, contact_method_id, state, attempts, "
                + "provider_message_id, last_error FROM handoff_delivery WHERE handoff_id = ? ORDER BY seq",
                rs -> new Delivery(rs.getString(1), rs.getString(2), rs.getString(3),
                        DeliveryQueue.State.valueOf(rs.getString(4).toUpperCase(Locale.ROOT)), rs.getInt(5),
                        Optional.ofNullable(rs.getString(6)), Optional.ofNullable(rs.getString(7))), requestId);
    }

    private static String truncate(String s) {
        return s.length() <= 1024 ? s : s.substring(0, 1023) + "…";
    }
}
