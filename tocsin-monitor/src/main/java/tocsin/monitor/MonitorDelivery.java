package tocsin.monitor;

import tocsin.monitor.template.Handle;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * One message a monitor notification sends straight to a handle ({@code @slack-…}, {@code @teams-…},
 * {@code @webhook-…}, {@code @user@example.com}), as it is written to the durable outbox together with the group
 * state and transition that caused it ({@link MonitorStore#save(GroupState, Transition, java.util.List)}). It carries
 * everything delivery needs, so it is delivered even if the monitor changes or is deleted meanwhile. Immutable.
 *
 * @param key       the idempotency key: the same for every attempt, unique per notification and handle
 * @param kind      the handle's kind (never one that opens incidents)
 * @param target    the handle's target ({@code ops} in {@code @webhook-ops}; the address for e-mail)
 * @param handle    the handle as written, with its {@code @}
 * @param title     the notification's title ({@code [Triggered on {host:web-1}] Disk full})
 * @param message   the rendered message
 * @param variables Datadog's webhook variables without the {@code $} ({@code ALERT_TITLE}, {@code EVENT_MSG}, ...),
 *                  except {@code LINK}, which delivery fills in from the public URL and {@link #monitorId}
 */
public record MonitorDelivery(String key, long monitorId, String group, Handle.Kind kind, String target,
                              String handle, String title, String message, Map<String, String> variables,
                              Instant at) {
    public MonitorDelivery {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(handle, "handle");
        Objects.requireNonNull(title, "title");
        Objects.requireNonNull(message, "message");
        variables = Map.copyOf(variables);
        Objects.requireNonNull(at, "at");
        if (kind.opensIncidents()) {
            throw new IllegalArgumentException(handle + " opens incidents; it is not delivered directly");
        }
    }
}
