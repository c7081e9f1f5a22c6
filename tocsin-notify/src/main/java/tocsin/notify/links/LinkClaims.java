package tocsin.notify.links;

import java.time.Instant;

/**
 * What a verified link says: {@code userId} may perform {@code action} on {@code incidentId} until {@code expiresAt}.
 * Immutable.
 */
public record LinkClaims(LinkAction action, String incidentId, String userId, Instant expiresAt) {
}
