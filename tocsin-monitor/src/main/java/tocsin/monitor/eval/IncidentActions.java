package tocsin.monitor.eval;

import tocsin.monitor.MonitorIncidentAction;
import tocsin.monitor.MonitorStatus;
import tocsin.monitor.template.Handle;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a notification asks of the incident side: for each {@code @pagerduty-}/{@code @oncall-} handle, a trigger
 * when the group alerts, warns or has no data (not on a renotification, which the open incident already covers),
 * and a resolve when it recovers. Stateless.
 */
final class IncidentActions {
    private IncidentActions() {
    }

    static List<MonitorIncidentAction> of(MonitorNotification n) {
        List<MonitorIncidentAction> out = new ArrayList<>();
        for (Handle h : n.handles()) {
            if (!h.kind().opensIncidents()) {
                continue;
            }
            MonitorIncidentAction.Action action;
            Map<String, String> details;
            if (n.to() == MonitorStatus.OK) {
                action = MonitorIncidentAction.Action.RESOLVE;
                details = Map.of();
            } else if (!n.renotify()) {
                action = MonitorIncidentAction.Action.TRIGGER;
                details = Map.of("monitor_id", Long.toString(n.monitorId()), "group", n.group(), "status",
                        n.to().wireName(), "value", n.value() == null ? "" : Double.toString(n.value()), "message",
                        n.message());
            } else {
                continue;
            }
            String key = DirectDeliveries.digest("incident/" + n.monitorId() + "/" + n.group() + "/"
                    + n.at().toEpochMilli() + "/" + n.to().name() + "/" + action.name() + "/"
                    + h.text().toLowerCase(Locale.ROOT));
            out.add(new MonitorIncidentAction(key, n.monitorId(), n.group(), h, action, n.dedupKey(), n.summary(),
                    details, n.at()));
        }
        return out;
    }
}
