package tocsin.oncall.paging;

import java.time.Instant;
import java.util.Objects;

/** A note on an incident, PagerDuty's {@code /incidents/{id}/notes}. Immutable. */
public record Note(String id, String incidentId, String userId, String content, Instant createdAt) {
    public static final int MAX_CONTENT = 65_536;

    public Note {
        Objects.requireNonNull(incidentId, "incidentId");
        Objects.requireNonNull(content, "content");
        Objects.requireNonNull(createdAt, "createdAt");
    }
}
