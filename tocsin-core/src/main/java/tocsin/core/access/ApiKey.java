package tocsin.core.access;

import java.time.Instant;
import java.util.Objects;
import java.util.Set;

/**
 * An API key as stored: never the secret itself, only what is safe to list.
 *
 * @param id        stable identifier used to revoke the key
 * @param name      label chosen by whoever created it
 * @param hint      the first characters of the secret, so people can tell keys apart
 * @param scopes    granted scopes as stored (ADMIN not expanded)
 * @param createdAt creation time
 * @param createdBy who created it (principal name), or "bootstrap"
 * @param revokedAt when it was revoked, or null while active
 * @param maxSeries the most live metric series this key's requests may have created, or null for the server's
 *                  default ({@code metrics.max_series_per_key})
 */
public record ApiKey(String id, String name, String hint, Set<Scope> scopes, Instant createdAt, String createdBy,
                     Instant revokedAt, Long maxSeries) {
    public ApiKey {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(hint, "hint");
        scopes = Set.copyOf(scopes);
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(createdBy, "createdBy");
        if (maxSeries != null && maxSeries < 1) {
            throw new IllegalArgumentException("maxSeries must be at least 1, or null: " + maxSeries);
        }
    }

    public boolean active() {
        return revokedAt == null;
    }
}
