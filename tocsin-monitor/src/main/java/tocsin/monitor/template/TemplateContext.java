package tocsin.monitor.template;

import tocsin.monitor.MonitorStatus;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * What a message is rendered for: one group's transition and the numbers around it. Immutable.
 *
 * @param renotify          whether this is a reminder of an unchanged state
 * @param groupTags         the group's tags by key ({@code host -> web-1})
 * @param firstTriggeredAt  when the group started triggering this time, or null
 */
public record TemplateContext(long monitorId, String monitorName, MonitorStatus from, MonitorStatus to,
                              boolean renotify, Double value, Double threshold, Double warnThreshold,
                              Double okThreshold, String comparator, Map<String, String> groupTags,
                              Instant lastTriggeredAt, Instant firstTriggeredAt, Instant now, Long priority) {
    public TemplateContext {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        groupTags = Map.copyOf(groupTags);
        Objects.requireNonNull(now, "now");
        comparator = comparator == null ? "" : comparator;
        monitorName = monitorName == null ? "" : monitorName;
    }
}
