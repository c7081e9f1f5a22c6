package tocsin.monitor;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A monitor's {@code options}, as Datadog names them. Durations carry Datadog's units: seconds for the delays,
 * minutes for {@code no_data_timeframe} and {@code renotify_interval}, hours for {@code timeout_h}. Null means "not
 * set" where Datadog distinguishes it. Immutable.
 *
 * @param silenced scope ({@code *} or a group such as {@code host:a}) to the Unix second the silence ends, or null
 *                 for "until unmuted"
 */
public record MonitorOptions(Thresholds thresholds, long evaluationDelay, long newGroupDelay, Long newHostDelay,
                             boolean requireFullWindow, boolean notifyNoData, Long noDataTimeframe,
                             OnMissingData onMissingData, Long renotifyInterval, Long renotifyOccurrences,
                             Set<MonitorStatus> renotifyStatuses, String escalationMessage, boolean includeTags,
                             List<String> notifyBy, Long timeoutH, boolean notifyAudit, Map<String, Long> silenced) {

    public MonitorOptions {
        Objects.requireNonNull(thresholds, "thresholds");
        Objects.requireNonNull(onMissingData, "onMissingData");
        renotifyStatuses = Set.copyOf(renotifyStatuses);
        notifyBy = List.copyOf(notifyBy);
        silenced = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(silenced));
        escalationMessage = escalationMessage == null ? "" : escalationMessage;
    }

    /** Datadog's defaults. */
    public static MonitorOptions defaults() {
        return new MonitorOptions(Thresholds.NONE, 0, 0, null, false, false, null, OnMissingData.DEFAULT, null, null,
                Set.of(), "", true, List.of(), null, false, Map.of());
    }

    public MonitorOptions withThresholds(Thresholds t) {
        return new MonitorOptions(t, evaluationDelay, newGroupDelay, newHostDelay, requireFullWindow, notifyNoData,
                noDataTimeframe, onMissingData, renotifyInterval, renotifyOccurrences, renotifyStatuses,
                escalationMessage, includeTags, notifyBy, timeoutH, notifyAudit, silenced);
    }
}
