package tocsin.notify;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;
import java.util.UUID;

/**
 * What makes a notification unique: one escalation step of one incident, for one user, through one contact method.
 * A retried delivery carries the same key, so providers and receivers that dedupe (mail clients on
 * {@code Message-ID}, webhook receivers on the event id) see one notification however often it was attempted.
 * Webhook subscriptions use the subscription id as {@code contactMethodId} and the target's own id as
 * {@code userId}. Immutable.
 *
 * @param incidentId      the incident's id
 * @param step            the escalation step (0-based); notifications outside escalation (acknowledged, resolved)
 *                        use a negative number per event so they never collide with a step
 * @param userId          the person (or subscription) notified
 * @param contactMethodId the contact method (or subscription) used
 */
public record IdempotencyKey(String incidentId, int step, String userId, String contactMethodId) {

    public IdempotencyKey {
        requireToken(incidentId, "incidentId");
        requireToken(userId, "userId");
        requireToken(contactMethodId, "contactMethodId");
    }

    private static void requireToken(String value, String field) {
        Objects.requireNonNull(value, field);
        if (value.isEmpty() || value.length() > 200 || value.indexOf('/') >= 0) {
            throw new IllegalArgumentException(field + " must be 1-200 characters without '/': " + value);
        }
    }

    /** The key as text: {@code incident/step/user/contactMethod}. Stable across versions; stored and compared. */
    public String value() {
        return incidentId + "/" + step + "/" + userId + "/" + contactMethodId;
    }

    /** A hex SHA-256 of {@link #value()}, 32 characters: short enough for headers and ids, opaque to receivers. */
    public String digest() {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(value().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every JDK", e);
        }
    }

    /** A name-based UUID of {@link #value()}: the same for every attempt, for receivers that key events by UUID. */
    public UUID uuid() {
        return UUID.nameUUIDFromBytes(("tocsin-notification:" + value()).getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String toString() {
        return value();
    }
}
