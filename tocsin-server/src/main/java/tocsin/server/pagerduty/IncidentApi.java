package tocsin.server.pagerduty;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import tocsin.oncall.escalation.EscalationEngine;
import tocsin.oncall.escalation.EscalationObserver;
import tocsin.oncall.escalation.EscalationTicker;
import tocsin.oncall.escalation.HandoffNotifier;
import tocsin.oncall.escalation.Outbox;
import tocsin.oncall.escalation.ScheduleLookup;
import tocsin.oncall.escalation.UserLookup;
import tocsin.oncall.incident.Incidents;
import tocsin.oncall.paging.EscalationTimer;
import tocsin.oncall.paging.IncidentStore;
import tocsin.oncall.paging.PagingConfigStore;
import tocsin.server.http.RouteTable;

import java.time.Duration;
import java.time.InstantSource;
import java.util.Locale;

/**
 * The paging side of on-call, wired for the server: the escalation engine, on-call handoff notifications and their
 * ticker, the incident front door,
 * the metrics they export, and every PagerDuty-compatible paging route (events in, policies, services and
 * integrations, maintenance windows, incidents, log entries, on-calls, Alertmanager). Users come from a
 * {@link UserLookup}, schedules from a {@link ScheduleLookup}, so the directory can be plugged in unchanged.
 *
 * <p>Metrics: {@code tocsin_escalation_nobody_paged_total} (a level resolved to no one: an incident nobody hears
 * about), {@code tocsin_escalation_notifications_total} (outbox rows written), and
 * {@code tocsin_escalation_timers_fired_total{kind}}.
 *
 * <p>Thread-safe. {@link #close()} stops the ticker; due timers stay in the database.
 */
public final class IncidentApi implements AutoCloseable {
    private final PagingConfigStore config;
    private final IncidentStore store;
    private final UserLookup users;
    private final ScheduleLookup schedules;
    private final Incidents incidents;
    private final EscalationEngine engine;
    private final InstantSource clock;
    private final EscalationTicker ticker;

    private IncidentApi(PagingConfigStore config, IncidentStore store, UserLookup users, ScheduleLookup schedules,
                        PrometheusRegistry registry, InstantSource clock, Duration tick) {
        this.config = config;
        this.store = store;
        this.users = users;
        this.schedules = schedules;
        this.clock = clock;
        this.engine = new EscalationEngine(store, schedules, users, Outbox.RECORDING, observer(registry), clock);
        this.incidents = new Incidents(config, store, engine, users);
        this.ticker = EscalationTicker.start(engine, new HandoffNotifier(config, store, schedules, clock), tick);
    }

    /** Starts the engine's ticker; register the routes with {@link #register}. */
    public static IncidentApi start(PagingConfigStore config, IncidentStore store, UserLookup users,
                                    ScheduleLookup schedules, PrometheusRegistry registry, InstantSource clock,
                                    Duration tick) {
        return new IncidentApi(config, store, users, schedules, registry, clock, tick);
    }

    public void register(RouteTable routes, String publicUrl) {
        PdRefs refs = new PdRefs(publicUrl);
        new EventRoutes(config, store, incidents, clock).register(routes);
        new AlertmanagerRoutes(config, incidents).register(routes);
        EscalationPolicyRoutes policies = new EscalationPolicyRoutes(config, users, schedules, refs);
        policies.register(routes);
        new ServiceRoutes(config, store, refs).register(routes);
        new MaintenanceWindowRoutes(config, users, refs, clock).register(routes);
        IncidentRoutes incidentRoutes = new IncidentRoutes(config, store, incidents, users, refs, clock);
        incidentRoutes.register(routes);
        new LogEntryRoutes(store, incidentRoutes).register(routes);
        new OnCallRoutes(config, schedules, policies, users, refs, clock).register(routes);
    }

    public EscalationEngine engine() {
        return engine;
    }

    public Incidents incidents() {
        return incidents;
    }

    @Override
    public void close() {
        ticker.close();
    }

    private static EscalationObserver observer(PrometheusRegistry registry) {
        Counter nobody = Counter.builder().name("tocsin_escalation_nobody_paged_total")
                .help("Escalation steps that resolved to nobody: incidents nobody was notified of")
                .register(registry);
        Counter notifications = Counter.builder().name("tocsin_escalation_notifications_total")
                .help("Notification requests written to the outbox by escalation steps").register(registry);
        Counter timers = Counter.builder().name("tocsin_escalation_timers_fired_total")
                .help("Escalation timers fired, by kind").labelNames("kind").register(registry);
        for (EscalationTimer.Kind kind : EscalationTimer.Kind.values()) {
            timers.labelValues(kind.name().toLowerCase(Locale.ROOT)); // exported at 0 from the start
        }
        nobody.inc(0);
        return new EscalationObserver() {
            @Override
            public void nobodyPaged(String incidentId, int level) {
                nobody.inc();
            }

            @Override
            public void paged(int people) {
                notifications.inc(people);
            }

            @Override
            public void timerFired(EscalationTimer.Kind kind) {
                timers.labelValues(kind.name().toLowerCase(Locale.ROOT)).inc();
            }
        };
    }
}
