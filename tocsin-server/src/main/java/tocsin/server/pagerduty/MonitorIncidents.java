package tocsin.server.pagerduty;

import tocsin.monitor.eval.IncidentSink;
import tocsin.monitor.template.Handle;
import tocsin.monitor.template.HandleResolver;
import tocsin.oncall.incident.AlertEvent;
import tocsin.oncall.incident.Incidents;
import tocsin.oncall.paging.Integration;
import tocsin.oncall.paging.PagingConfigStore;
import tocsin.oncall.paging.Service;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Monitors page people through incidents: {@code @pagerduty-<Service>} in a monitor's message opens an incident on
 * the Tocsin service of that name when a group alerts, one per monitor group (the dedup key), and resolves it when
 * the group recovers; the service's escalation policy then pages whoever is on call. This is what Datadog's
 * PagerDuty integration does, with Tocsin's own services.
 *
 * <p>A service is named as Datadog names PagerDuty services in handles: case and punctuation do not matter
 * ({@code @pagerduty-Checkout-API} is the service "Checkout API"). Monitor events arrive through the service's
 * "Tocsin monitors" Events API v2 integration, created on first use, so the incident's alerts and log entries say
 * where they came from and the service's alert grouping, maintenance windows and urgency rules apply as for any event.
 *
 * <p>{@code @oncall-<team>} pages a team through the team's own service: the one service whose name matches the
 * team's name (the same matching: {@code @oncall-payments} is the team "Payments" and pages through the service
 * "Payments"), so the team's escalation policy, on that service, decides who is on call. The rule is deliberately
 * plain: Tocsin's services do not yet carry PagerDuty's {@code teams} field, and a name an SRE can read off the
 * services list beats a guess among several services. A team that does not exist, or has no service of its name, is
 * refused at validation with what to create.
 *
 * <p>Also the monitors' {@link HandleResolver}: validation refuses a {@code @pagerduty-} handle that names no
 * service, or more than one, and an {@code @oncall-} handle as above. Thread-safe.
 */
public final class MonitorIncidents implements IncidentSink, HandleResolver {
    static final String INTEGRATION_NAME = "Tocsin monitors";

    private final PagingConfigStore config;
    private final Incidents incidents;
    private final HandleResolver others;
    private final java.util.function.Supplier<List<String>> teams;
    private final ReentrantLock creating = new ReentrantLock();

    /**
     * @param teams  the on-call directory's team names, for {@code @oncall-<team>}
     * @param others resolves the handles that do not open incidents (chat, webhooks, e-mail)
     */
    public MonitorIncidents(PagingConfigStore config, Incidents incidents,
                            java.util.function.Supplier<List<String>> teams, HandleResolver others) {
        this.teams = teams;
        this.config = config;
        this.incidents = incidents;
        this.others = others;
    }

    @Override
    public Optional<String> problem(Handle handle) {
        return switch (handle.kind()) {
            case PAGERDUTY -> service(handle.target()).isPresent() ? Optional.empty()
                    : Optional.of(serviceProblem(handle.target()));
            case ONCALL -> teamProblem(handle.target());
            default -> others.problem(handle);
        };
    }

    /**
     * @throws IllegalStateException when the handle names no service now (validation accepted it when the monitor was
     *                               saved, so the service was renamed or deleted since): the monitor's incident
     *                               worker retries, so the incident opens once the service is back
     */
    @Override
    public void trigger(Handle target, String dedupKey, String summary, Map<String, String> details) {
        Integration integration = integrationOrFail(target);
        String status = details.getOrDefault("status", "Alert");
        String severity = switch (status.toLowerCase(Locale.ROOT)) {
            case "warn", "warning" -> "warning";
            case "no data" -> "error";
            default -> "critical";
        };
        incidents.trigger(integration, new AlertEvent(dedupKey, summary, "tocsin monitor "
                + details.getOrDefault("monitor_id", "?"), severity, details.get("group"), null, "monitor", null,
                details));
    }

    /** @throws IllegalStateException as {@link #trigger} */
    @Override
    public void resolve(Handle target, String dedupKey) {
        incidents.resolve(integrationOrFail(target), dedupKey);
    }

    private Integration integrationOrFail(Handle target) {
        return integrationFor(target).orElseThrow(() -> new IllegalStateException(
                target.kind() == Handle.Kind.ONCALL ? target.text() + ": " + teamProblem(target.target())
                        .orElse("no service") : serviceProblem(target.target())));
    }

    /** Empty when {@code @oncall-<name>} names one team that has one service of its name; else what to do. */
    private Optional<String> teamProblem(String name) {
        String wanted = normalise(name);
        List<String> matches = teams.get().stream().filter(t -> normalise(t).equals(wanted)).toList();
        if (matches.isEmpty()) {
            return Optional.of("no team named '" + name + "': create it (POST /teams) or page a service with "
                    + "@pagerduty-<service>");
        }
        if (matches.size() > 1) {
            return Optional.of(matches.size() + " teams match '" + name + "' (" + String.join(", ", matches)
                    + "); rename one");
        }
        List<Service> services = matching(name);
        if (services.size() == 1) {
            return Optional.empty();
        }
        return Optional.of(services.isEmpty()
                ? "team '" + matches.getFirst() + "' has no service of its own: @oncall-<team> pages through the "
                + "service named like the team, so create a service named '" + matches.getFirst() + "' with the "
                + "team's escalation policy, or page another service with @pagerduty-<service>"
                : services.size() + " services match '" + name + "' (" + String.join(", ",
                services.stream().map(Service::name).toList()) + "); rename one");
    }

    private Optional<Integration> integrationFor(Handle target) {
        if (!target.kind().opensIncidents()) {
            return Optional.empty();
        }
        Optional<Service> service = service(target.target());
        if (service.isEmpty()) {
            return Optional.empty();
        }
        String serviceId = service.get().id();
        Optional<Integration> existing = monitorIntegration(serviceId);
        if (existing.isPresent()) {
            return existing;
        }
        creating.lock();
        try {
            return monitorIntegration(serviceId).or(() -> Optional.of(config.saveIntegration(new Integration(null,
                    serviceId, INTEGRATION_NAME, Integration.Type.EVENTS_API_V2, Integration.newKey(), null))));
        } finally {
            creating.unlock();
        }
    }

    private Optional<Integration> monitorIntegration(String serviceId) {
        return config.integrations(serviceId).stream()
                .filter(i -> i.type() == Integration.Type.EVENTS_API_V2 && i.name().equals(INTEGRATION_NAME))
                .findFirst();
    }

    /** The one service whose name matches, ignoring case and punctuation. */
    private Optional<Service> service(String name) {
        List<Service> matches = matching(name);
        return matches.size() == 1 ? Optional.of(matches.getFirst()) : Optional.empty();
    }

    private List<Service> matching(String name) {
        String wanted = normalise(name);
        return config.services().stream().filter(s -> normalise(s.name()).equals(wanted)).toList();
    }

    private String serviceProblem(String name) {
        List<Service> matches = matching(name);
        return matches.isEmpty() ? "@pagerduty-" + name + ": no service named '" + name + "'"
                : "@pagerduty-" + name + ": " + matches.size() + " services match '" + name + "' ("
                + String.join(", ", matches.stream().map(Service::name).toList()) + "); rename one";
    }

    static String normalise(String name) {
        StringBuilder sb = new StringBuilder(name.length());
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (Character.isLetterOrDigit(c)) {
                sb.append(Character.toLowerCase(c));
            }
        }
        return sb.toString();
    }
}
