package tocsin.oncall.paging;

import java.time.Instant;
import java.util.Objects;

/**
 * An on-call handoff notification request: {@code userId} goes on call (or off call) for {@code scheduleId} at
 * {@code at}, and an escalation policy using that schedule asks for handoff notifications
 * ({@code on_call_handoff_notifications}). A row of the handoff outbox, read by the delivery pipeline like the
 * incident notification outbox. Immutable.
 *
 * @param id             null until stored
 * @param idempotencyKey {@code handoff:<kind>:<schedule>:<user>:<epoch millis>}: unique, so a handoff is notified once
 * @param policyId       a policy that asked for it
 */
public record Handoff(String id, String idempotencyKey, String userId, String scheduleId, String policyId, Kind kind,
                      Instant at, Instant createdAt) {

    /** Going on call, or coming off it. */
    public enum Kind {
        ON_CALL, OFF_CALL
    }

    public Handoff {
        Objects.requireNonNull(idempotencyKey, "idempotencyKey");
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(scheduleId, "scheduleId");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(createdAt, "createdAt");
    }

    public static Handoff of(Kind kind, String scheduleId, String userId, String policyId, Instant at,
                             Instant createdAt) {
        return new Handoff(null, "handoff:" + kind.name().toLowerCase(java.util.Locale.ROOT) + ":" + scheduleId + ":"
                + userId + ":" + at.toEpochMilli(), userId, scheduleId, policyId, kind, at, createdAt);
    }
}
