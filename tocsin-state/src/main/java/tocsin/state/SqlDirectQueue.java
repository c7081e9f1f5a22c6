package tocsin.state;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import tocsin.notify.direct.DirectMessage;
import tocsin.notify.direct.DirectQueue;
import tocsin.notify.dispatch.DeliveryQueue.Attempt;
import tocsin.notify.dispatch.DeliveryQueue.State;

/**
 * {@link DirectQueue} on the {@code monitor_delivery} table of migration V007, which {@link SqlMonitorStore} fills
 * in the transaction of each monitor transition. A message links to its monitor's page ({@code /ui/monitors/<id>})
 * and threads by its group's aggregation key.
 *
 * <p>Design note. As in {@link SqlDeliveryQueue}, a claim is an {@code UPDATE ... WHERE} that repeats the claimable
 * condition, so of two claimers (threads or nodes) exactly one wins a row; the lease owner fences later writes, so a
 * dispatcher that lost its lease records nothing. Thread-safe: no state besides the pool.
 */
final class SqlDirectQueue implements DirectQueue {

    private static final String CLAIMABLE = "((state = 'pending' AND next_attempt_at <= ?) "
            + "OR (state = 'sending' AND lease_expires_at <= ?))";

    private final Jdbc jdbc;

    SqlDirectQueue(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public List<Claim> claim(String owner, Instant now, Duration lease, int limit) {
        long t = now.toEpochMilli();
        return jdbc.transaction("claim direct messages", c -> {
            List<Claim> candidates = Jdbc.query(c, "SELECT id, attempts, first_attempt_at, kind, target, title, "
                    + "message, variables, monitor_id, occurred_at FROM monitor_delivery WHERE " + CLAIMABLE
                    + " ORDER BY next_attempt_at, created_at LIMIT ?", rs -> claim(rs, owner, t), t, t, limit);
            List<Claim> won = new ArrayList<>(candidates.size());
            for (Claim cl : candidates) {
                if (Jdbc.update(c, "UPDATE monitor_delivery SET state = 'sending', lease_owner = ?, lease_expires_at "
                                + "= ?, attempts = attempts + 1, first_attempt_at = COALESCE(first_attempt_at, ?), "
                                + "updated_at = ? WHERE id = ? AND " + CLAIMABLE, owner, now.plus(lease).toEpochMilli(),
                        t, t, cl.id(), t, t) == 1) {
                    won.add(cl);
                }
            }
            return won;
        });
    }

    private static Claim claim(ResultSet rs, String owner, long now) throws SQLException {
        Long first = Jdbc.optLong(rs, 3);
        Map<String, String> variables = SqlMonitorStore.variablesFromText(rs.getString(8));
        String id = rs.getString(1);
        DirectMessage m = new DirectMessage(id, DirectMessage.Kind.valueOf(rs.getString(4)), rs.getString(5),
                rs.getString(6), rs.getString(7), variables, "/ui/monitors/" + rs.getLong(9),
                variables.getOrDefault("AGGREG_KEY", id), Instant.ofEpochMilli(rs.getLong(10)));
        return new Claim(id, owner, rs.getInt(2) + 1, Instant.ofEpochMilli(first == null ? now : first), m);
    }

    @Override
    public void record(Claim claim, Attempt a) {
        long t = a.at().toEpochMilli();
        String next = switch (a.outcome()) {
            case DELIVERED -> "delivered";
            case RETRY -> "pending";
            case FAILED -> "failed";
        };
        String error = a.outcome() == tocsin.notify.dispatch.DeliveryQueue.Outcome.DELIVERED ? null
                : a.detail().length() <= 1024 ? a.detail() : a.detail().substring(0, 1023) + "…";
        jdbc.update("record a direct message attempt", "UPDATE monitor_delivery SET state = ?, next_attempt_at = ?, "
                        + "lease_owner = NULL, lease_expires_at = NULL, provider_message_id = COALESCE(?, "
                        + "provider_message_id), last_error = ?, updated_at = ? WHERE id = ? AND state = 'sending' AND "
                        + "lease_owner = ?", next, a.retryAt().map(Instant::toEpochMilli).orElse(t),
                a.providerMessageId().orElse(null), error, t, claim.id(), claim.owner());
    }

    @Override
    public Optional<Instant> nextDue() {
        return jdbc.queryOne("find the next direct message", "SELECT next_attempt_at FROM monitor_delivery WHERE "
                + "state = 'pending' ORDER BY next_attempt_at LIMIT 1", rs -> Instant.ofEpochMilli(rs.getLong(1)));
    }

    @Override
    public List<Delivery> recent(int limit) {
        return jdbc.query("list direct messages", "SELECT id, kind, target, state, attempts, provider_message_id, "
                + "last_error FROM monitor_delivery ORDER BY created_at DESC, id LIMIT ?", rs -> new Delivery(
                rs.getString(1), DirectMessage.Kind.valueOf(rs.getString(2)), rs.getString(3),
                State.valueOf(rs.getString(4).toUpperCase(Locale.ROOT)), rs.getInt(5),
                Optional.ofNullable(rs.getString(6)), Optional.ofNullable(rs.getString(7))), limit);
    }
}
