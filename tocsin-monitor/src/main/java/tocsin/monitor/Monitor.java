package tocsin.monitor;

import java.time.Instant;
import java.util.Objects;

/**
 * A stored monitor. Ids are positive integers, as Datadog's. Immutable.
 *
 * @param id         the monitor id
 * @param definition what the user wrote
 * @param creator    who created it
 * @param created    when it was created
 * @param modified   when its definition last changed
 */
public record Monitor(long id, MonitorDefinition definition, Creator creator, Instant created, Instant modified) {
    public Monitor {
        Objects.requireNonNull(definition, "definition");
        Objects.requireNonNull(creator, "creator");
        Objects.requireNonNull(created, "created");
        Objects.requireNonNull(modified, "modified");
    }
}
