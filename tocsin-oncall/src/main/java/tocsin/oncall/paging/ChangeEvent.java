package tocsin.oncall.paging;

import java.time.Instant;
import java.util.Objects;

/**
 * A change on a service (a deploy, a config push) sent to {@code /v2/change/enqueue}: it opens no incident but is
 * kept so responders can see what changed. Immutable.
 *
 * @param customDetails JSON text, or null
 * @param links         JSON text of the links array, or null
 */
public record ChangeEvent(String id, String serviceId, String integrationId, String summary, String source,
                          Instant timestamp, String customDetails, String links, Instant createdAt) {

    public ChangeEvent {
        Objects.requireNonNull(serviceId, "serviceId");
        Objects.requireNonNull(summary, "summary");
        Objects.requireNonNull(timestamp, "timestamp");
        Objects.requireNonNull(createdAt, "createdAt");
    }

    public ChangeEvent withId(String newId) {
        return new ChangeEvent(newId, serviceId, integrationId, summary, source, timestamp, customDetails, links,
                createdAt);
    }
}
