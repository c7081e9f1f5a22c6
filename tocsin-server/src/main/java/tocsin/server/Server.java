package tocsin.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.helidon.webserver.WebServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tocsin.server.access.KeyRoutes;
import tocsin.server.access.SessionRoutes;
import tocsin.server.access.UserRoutes;
import tocsin.server.auth.Authenticator;
import tocsin.server.auth.Bootstrap;
import tocsin.server.auth.LoginThrottle;
import tocsin.server.datadir.DataDir;
import tocsin.server.datadog.CheckRoutes;
import tocsin.server.datadog.MetricListRoutes;
import tocsin.server.datadog.QueryRoutes;
import tocsin.server.datadog.SeriesRoutes;
import tocsin.server.datadog.ValidateRoutes;
import tocsin.server.dogstatsd.DogStatsdIntake;
import tocsin.server.dogstatsd.UdpMetrics;
import tocsin.server.intake.MetricIntake;
import tocsin.server.otlp.OtlpRoutes;
import tocsin.server.prometheus.PromQueryRoutes;
import tocsin.server.prometheus.RemoteWriteRoutes;
import tocsin.query.promql.PromApi;
import tocsin.server.query.TsdbMetricSource;
import tocsin.server.scrape.Scraper;
import tocsin.query.datadog.DatadogQueryEngine;
import tocsin.tsdb.Tsdb;
import tocsin.tsdb.TsdbOptions;
import tocsin.server.http.BodyReader;
import tocsin.server.http.ErrorMapper;
import tocsin.server.http.DialectDirectHandler;
import tocsin.server.http.HttpContext;
import tocsin.server.http.PassThroughEncoding;
import tocsin.server.http.RouteTable;
import tocsin.server.metrics.SelfMetrics;
import tocsin.state.StateConfig;
import tocsin.state.StateStore;

import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;

/**
 * The running Tocsin server: the one front door that {@code main} and the integration tests share.
 *
 * <p>Startup order: take the data dir lock, open the state store (running migrations), bootstrap first credentials,
 * then open the listeners. Shutdown runs in reverse: stop accepting, let in-flight requests finish (up to a grace
 * period), close the stores, release the lock. A failure during startup closes whatever was opened so far.
 *
 * <p>Thread-safe; {@link #close()} is idempotent.
 */
public final class Server implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Server.class);
    private static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(10);

    private final ServerConfig config;
    private final WebServer web;
    private final StateStore state;
    private final SelfMetrics metrics;
    private final Optional<Bootstrap.Generated> generated;
    private final String publicUrl;
    private final Deque<AutoCloseable> closeables;
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();
    private volatile boolean accepting = true;

    private final DogStatsdIntake statsd;

    private Server(ServerConfig config, WebServer web, StateStore state, SelfMetrics metrics,
                   Optional<Bootstrap.Generated> generated, String publicUrl, Deque<AutoCloseable> closeables,
                   DogStatsdIntake statsd) {
        this.statsd = statsd;
        this.config = config;
        this.web = web;
        this.state = state;
        this.metrics = metrics;
        this.generated = generated;
        this.publicUrl = publicUrl;
        this.closeables = closeables;
    }

    /**
     * Starts a server. Returns once it accepts traffic.
     *
     * @throws tocsin.server.datadir.DataDirException when the data dir is unusable or locked
     * @throws StartupException                       when a listener or the database cannot be opened
     */
    public static Server start(ServerConfig config) {
        return start(config, routes -> {
        });
    }

    /**
     * Starts a server with additional routes registered after the built-in ones (a seam for embedding and for tests
     * that need a route which misbehaves on purpose).
     */
    public static Server start(ServerConfig config, java.util.function.Consumer<RouteTable> extraRoutes) {
        Deque<AutoCloseable> opened = new ArrayDeque<>();
        try {
            DataDir dataDir = DataDir.open(config.dataDir(), "http=" + config.httpAddr());
            opened.push(dataDir);
            StateStore state;
            try {
                state = StateStore.open(new StateConfig(config.databaseUrl(), dataDir.root(), config.clock(), 10));
            } catch (RuntimeException e) {
                throw new StartupException("Cannot open the state database: " + e.getMessage(), e);
            }
            opened.push(state);
            LOG.info("State store: {} (schema version {})", state.describe(), state.schemaVersion());

            Optional<Bootstrap.Generated> generated = Bootstrap.ensure(state.accessStore(), dataDir.root(),
                    config.bootstrapApiKey(), config.bootstrapAdminPassword());

            SelfMetrics metrics = new SelfMetrics();
            tocsin.server.runtime.HeapGovernor.installAndRegister(metrics.registry());
            Duration walSync = config.config().metrics().walSyncInterval();
            Tsdb tsdb;
            try {
                tsdb = Tsdb.open(TsdbOptions.of(dataDir.resolve("tsdb")).withClock(config.clock())
                        .withMaxSeries((int) Math.min(Integer.MAX_VALUE, config.config().metrics().maxSeries()))
                        .withMaxSeriesPerMetric((int) Math.min(Integer.MAX_VALUE,
                                config.config().metrics().maxSeriesPerMetric()))
                        .withRetention(config.config().metrics().retention())
                        .withWalSyncInterval(walSync));
            } catch (RuntimeException e) {
                throw new StartupException("Cannot open the metric store in " + dataDir.resolve("tsdb") + ": "
                        + e.getMessage(), e);
            }
            opened.push(tsdb);
            LOG.info(walSync.isZero() ? "Metric store: each ingest request is synced to disk before it is answered"
                    : "Metric store: each ingest request is written before it is answered and synced within {} "
                    + "(metrics.wal_sync_interval): a killed process loses nothing, a machine crash up to that much",
                    walSync);
            tocsin.server.metrics.TsdbMetrics.register(metrics.registry(), tsdb::stats, tsdb::sketchStats);
            io.prometheus.metrics.core.metrics.GaugeWithCallback.builder()
                    .name("tocsin_tsdb_head_series_by_key")
                    .help("Series in memory that each API key's requests created: what its max_series (or "
                            + "metrics.max_series_per_key) limits")
                    .labelNames("key_id", "key_name")
                    .callback(cb -> {
                        java.util.Map<String, Integer> byKey = tsdb.seriesByCreator();
                        if (byKey.isEmpty()) {
                            return;
                        }
                        java.util.Map<String, String> names = new java.util.HashMap<>();
                        state.accessStore().listKeys().forEach(k -> names.put(k.id(), k.name()));
                        byKey.forEach((id, n) -> cb.call(n, id, names.getOrDefault(id, "")));
                    })
                    .register(metrics.registry());
            MetricIntake intake = new MetricIntake(tsdb, metrics.registry(),
                    config.config().metrics().maxSeriesPerKey());
            // A Prometheus resends the same label bytes for a series every time. ~160 bytes per remembered series
            // (262,144 of them fill ~40 MiB); a four-way cache holds a fleet whole up to ~40 % of its slots (100k
            // series sent again and again in 131,072 slots missed a third of their lookups, in 262,144 at most an
            // eighth, near the tenth that are each series' first point).
            tocsin.ingest.SeriesKeyCache remoteWriteKeys = new tocsin.ingest.SeriesKeyCache(
                    (int) Math.min(1 << 18, 2L * config.config().metrics().maxSeries()), tsdb.seriesHints());
            registerCacheLookups(metrics, "tocsin_remote_write_series_cache_lookups_total",
                    "Remote-write series looked up by their encoded labels, by result (hit: decoding skipped)",
                    remoteWriteKeys);
            // Datadog series (v1, v2 JSON and protobuf) by their name and tag strings as sent: ~300 bytes per entry.
            tocsin.ingest.SeriesKeyCache datadogKeys = new tocsin.ingest.SeriesKeyCache(
                    (int) Math.min(1 << 17, 2L * config.config().metrics().maxSeries()), tsdb.seriesHints());
            registerCacheLookups(metrics, "tocsin_datadog_series_cache_lookups_total",
                    "Datadog series looked up by their name and tags as sent, by result (hit: the key is not built "
                            + "again)", datadogKeys);
            // what intakes declare about metrics (a rate's interval, read by .as_count()), cached for the queries
            tocsin.server.intake.MetricMetadataCache metricMetadata = new tocsin.server.intake.MetricMetadataCache(
                    state.metricMetadataStore(), Duration.ofSeconds(30));
            opened.push(metricMetadata);
            intake.onDeclared(metricMetadata::declare);
            metricMetadata.register(metrics.registry());
            TsdbMetricSource metricSource = new TsdbMetricSource(tsdb, metricMetadata);
            DatadogQueryEngine queries = DatadogQueryEngine.over(metricSource);
            if (!config.config().scrape().isEmpty()) {
                opened.push(new Scraper(config.config().scrape(), intake, config.clock(), metrics.registry()));
            }
            opened.push(tocsin.server.datadog.EventRetention.start(state.eventStore(),
                    config.config().metrics().retention(), config.clock()));
            DogStatsdIntake statsd = null;
            if (config.statsdAddr() != null || config.config().metrics().statsdSocket() != null) {
                try {
                    statsd = DogStatsdIntake.start(config.statsdAddr(), config.config().metrics().statsdSocket(),
                            config.config().metrics().statsdQueue(),
                            config.config().metrics().statsdFlush(), intake, state.eventStore(), config.clock(),
                            metrics.registry(),
                            UdpMetrics.register(metrics.registry()));
                } catch (java.io.UncheckedIOException e) {
                    throw new StartupException("Cannot listen for DogStatsD (--statsd-addr, or metrics.statsd_socket; "
                            + "'off' disables UDP): " + e.getMessage(), e);
                }
                opened.push(statsd);
            }
            // Paging (PagerDuty-compatible on-call): users from the access store, schedules (with their overrides)
            // from the directory; the engine's ticker fires durable escalation timers.
            tocsin.server.pagerduty.IncidentApi paging = tocsin.server.pagerduty.IncidentApi.start(
                    state.pagingConfigStore(), state.incidentStore(),
                    tocsin.oncall.escalation.UserLookup.of(state.accessStore()),
                    tocsin.server.pagerduty.DirectorySchedules.over(state.scheduleStore(), config.clock()),
                    metrics.registry(), config.clock(), Duration.ofSeconds(1));
            opened.push(paging);
            // Notification delivery: the dispatcher starts once the public URL (for links) is known.
            tocsin.server.notify.Notifications notifications = new tocsin.server.notify.Notifications(
                    config.config().notifications(), state.deliveryQueue(), state.handoffQueue(),
                    state.directQueue(), state.recipients(), state.serverSecret("link-signing"), state.eventQueue(),
                    metrics.registry(), config.clock(), tocsin.notify.dispatch.Dispatcher.Options.defaults(),
                    tocsin.notify.subscription.EventDispatcher.Options.defaults());
            opened.push(notifications);
            ObjectMapper json = new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);
            Authenticator authenticator = new Authenticator(state.accessStore(), config.clock());
            ErrorMapper errors = new ErrorMapper(json);
            Server[] self = new Server[1];
            // Monitors open and resolve incidents through @pagerduty-<service> handles, as Datadog's PagerDuty
            // integration does; direct handles (@slack-, @teams-, @webhook-, e-mail) must name what notify: has.
            tocsin.server.pagerduty.MonitorIncidents monitorIncidents = new tocsin.server.pagerduty.MonitorIncidents(
                    state.pagingConfigStore(), paging.incidents(),
                    () -> state.peopleStore().teams(null, 0, 10_000).items().stream()
                            .map(tocsin.oncall.directory.Team::name).toList(),
                    new tocsin.server.notify.DirectHandles(notifications.directTargets()));
            tocsin.monitor.MonitorService monitorService = new tocsin.monitor.MonitorService(state.monitorStore(),
                    monitorIncidents);
            reconcileMonitors(config.config(), monitorService);
            // Direct handles' messages and the incidents of @pagerduty-/@oncall- handles are stored with their
            // transition (the monitor store's outbox); the notifier only wakes their workers so they act at once.
            tocsin.monitor.eval.IncidentDispatcher incidentWorker = new tocsin.monitor.eval.IncidentDispatcher(
                    state.monitorIncidentOutbox(), monitorIncidents, config.clock(), ProcessHandle.current().pid()
                    + "-" + java.util.UUID.randomUUID().toString().substring(0, 8),
                    tocsin.monitor.eval.IncidentDispatcher.Options.defaults()).start();
            opened.push(incidentWorker);
            io.prometheus.metrics.core.metrics.CounterWithCallback.builder()
                    .name("tocsin_monitor_incident_actions_total")
                    .help("Attempts to open or resolve the incident of a monitor's @pagerduty-/@oncall- handle, by "
                            + "outcome (failed attempts are retried)")
                    .labelNames("outcome")
                    .callback(cb -> {
                        cb.call(incidentWorker.applied(), "applied");
                        cb.call(incidentWorker.failures(), "failed");
                    })
                    .register(metrics.registry());
            tocsin.monitor.eval.MonitorEvaluator evaluator = new tocsin.monitor.eval.MonitorEvaluator(
                    state.monitorStore(), config.clock(), n -> {
                        notifications.wakeDirect();
                        incidentWorker.wake();
                    }, metricSource);
            evaluator.start();
            tocsin.server.metrics.MonitorMetrics.register(metrics.registry(), evaluator::stats);
            monitorService.listener(evaluator);
            intake.onAccepted(evaluator::accept);
            tocsin.monitor.downtime.DowntimeService downtimeService = new tocsin.monitor.downtime.DowntimeService(
                    state.downtimeStore(), config.clock());
            downtimeService.listener(evaluator::downtimesChanged);
            opened.push(tocsin.monitor.eval.MonitorTicker.start(evaluator, java.time.Duration.ofSeconds(1)));

            // The public URL may depend on the bound port; routes read it lazily through the context.
            int requestedPort = config.httpAddr().getPort();
            String provisionalUrl = config.publicUrlOr(requestedPort);
            // zstd is the Datadog Agent's default Content-Encoding.
            BodyReader bodyReader = new BodyReader(java.util.Map.of("zstd", tocsin.ingest.ZstdDecoding::stream));
            HttpContext context = new HttpContext(json, bodyReader,
                    config.config().http().maxRequestBytes(), provisionalUrl);

            WebServer web;
            try {
                web = WebServer.builder()
                        .host(config.httpAddr().getHostString())
                        .port(requestedPort)
                        .shutdownHook(false)
                        .shutdownGracePeriod(SHUTDOWN_GRACE)
                        // Without TCP_NODELAY a response written in two parts (headers, then a body past the first
                        // buffer) waits for the client's delayed ACK: 40 ms on Linux, every few query responses.
                        .connectionOptions(o -> o.tcpNoDelay(true))
                        // Bodies are bounded and decoded by BodyReader, after decompression; see HttpContext.
                        .maxPayloadSize(-1)
                        .directHandlers(new DialectDirectHandler(json, bodyReader.acceptedCodings()).asHandlers())
                        .contentEncoding(c -> c.contentEncodingsDiscoverServices(false)
                                .addContentEncoding(new PassThroughEncoding(bodyReader.acceptedCodings())))
                        .routing(r -> {
                            RouteTable routes = new RouteTable(r, context, authenticator, errors, metrics);
                            new SystemRoutes(metrics, () -> self[0] == null || self[0].accepting).register(routes);
                            new tocsin.server.metrics.TsdbAdminRoutes(tsdb).register(routes);
                            new KeyRoutes(state.accessStore(), authenticator, tsdb::seriesByCreator).register(routes);
                            new UserRoutes(state.accessStore()).register(routes);
                            new SessionRoutes(state.accessStore(), provisionalUrl,
                                    new LoginThrottle(5, Duration.ofMinutes(15), config.clock())).register(routes);
                            new ValidateRoutes().register(routes);
                            new SeriesRoutes(intake, config.clock(), datadogKeys).register(routes);
                            new CheckRoutes(intake, config.clock()).register(routes);
                            new tocsin.server.datadog.EventRoutes(state.eventStore(), config.clock()).register(routes);
                            new tocsin.server.datadog.MetricMetadataRoutes(metricMetadata).register(routes);
                            new MetricListRoutes(tsdb, config.clock()).register(routes);
                            new QueryRoutes(queries, config.clock()).register(routes);
                            new tocsin.server.datadog.MonitorRoutes(monitorService, config.clock()).register(routes);
                            new tocsin.server.datadog.DowntimeRoutes(downtimeService, config.clock()).register(routes);
                            new tocsin.server.datadog.DowntimeV1Routes(downtimeService, monitorService, config.clock())
                                    .register(routes);
                            new RemoteWriteRoutes(intake, config.clock(), remoteWriteKeys).register(routes);
                            new OtlpRoutes(intake, config.clock()).register(routes);
                            new PromQueryRoutes(PromApi.over(metricSource, config.clock())).register(routes);
                            // PagerDuty REST: the on-call directory (users, teams, schedules) and its iCal feeds
                            new tocsin.server.pagerduty.DirectoryApi(state.peopleStore(), state.scheduleStore(),
                                    () -> self[0] == null ? provisionalUrl : self[0].publicUrl(), config.clock(),
                                    tocsin.server.pagerduty.PolicyReferences.of(state.pagingConfigStore()))
                                    .register(routes);
                            paging.register(routes, provisionalUrl);
                            // incident events out: PagerDuty v3 webhook subscriptions and per-service chat
                            new tocsin.server.pagerduty.WebhookSubscriptionRoutes(state.endpointStore(),
                                    state.pagingConfigStore(), state.peopleStore(), notifications::ping)
                                    .register(routes);
                            new tocsin.server.pagerduty.ExtensionRoutes(state.endpointStore(),
                                    state.pagingConfigStore(), new tocsin.server.pagerduty.PdRefs(provisionalUrl),
                                    notifications.slackConfigured()).register(routes);
                            java.util.function.Supplier<String> publicUrl =
                                    () -> self[0] == null ? provisionalUrl : self[0].publicUrl();
                            tocsin.server.notify.IncidentActions actions = new tocsin.server.notify.IncidentActions(
                                    state.incidentStore(), state.pagingConfigStore(), paging.incidents());
                            new tocsin.server.notify.LinkRoutes(notifications::signer, actions, publicUrl)
                                    .register(routes);
                            tocsin.server.notify.Callbacks.register(routes, config.config().notifications(), actions,
                                    state.peopleStore(), tocsin.oncall.escalation.UserLookup.of(state.accessStore()),
                                    notifications::linker, publicUrl, metrics.registry(), config.clock());
                            extraRoutes.accept(routes);
                            routes.fallback();
                        })
                        .build()
                        .start();
            } catch (UncheckedIOException | IllegalStateException e) {
                throw new StartupException("Cannot listen on " + config.httpAddr().getHostString() + ":"
                        + requestedPort + " (--http-addr): " + rootMessage(e), e);
            }
            Server server = new Server(config, web, state, metrics, generated, config.publicUrlOr(web.port()),
                    opened, statsd);
            self[0] = server;
            notifications.start(java.net.URI.create(server.publicUrl));
            LOG.info("Tocsin listening on http://{}:{} (public URL {})", config.httpAddr().getHostString(),
                    web.port(), server.publicUrl);
            return server;
        } catch (RuntimeException e) {
            closeAll(opened);
            throw e;
        }
    }

    /**
     * Makes the stored monitors match the file's {@code monitors:} section, before the evaluator compiles them; a
     * file without the section leaves the monitors an earlier file declared as they are.
     *
     * @throws tocsin.server.config.ConfigException naming every problem with its path in the file
     */
    private static void reconcileMonitors(tocsin.server.config.TocsinConfig config,
                                          tocsin.monitor.MonitorService monitors) {
        if (config.monitors().isEmpty()) {
            int managed = monitors.store().managed().size();
            if (managed > 0) {
                LOG.warn("{} monitors were declared by an earlier configuration file, and this one has no monitors: "
                        + "section; they are left as they are (an empty 'monitors: []' deletes them)", managed);
            }
            return;
        }
        try {
            tocsin.monitor.MonitorReconciler.reconcile(monitors, config.monitors().get());
        } catch (tocsin.monitor.InvalidMonitorException e) {
            throw new tocsin.server.config.ConfigException("The configuration's monitors: section", e.errors());
        }
    }

    /** The bound HTTP port (useful when started on port 0). */
    public int httpPort() {
        return web.port();
    }

    /** The bound DogStatsD UDP port, or -1 when DogStatsD is off. */
    public int statsdPort() {
        return statsd == null ? -1 : statsd.port();
    }

    public String publicUrl() {
        return publicUrl;
    }

    public ServerConfig config() {
        return config;
    }

    public StateStore state() {
        return state;
    }

    public SelfMetrics metrics() {
        return metrics;
    }

    /** Credentials generated on this start (a new data dir without bootstrap flags), to show once. */
    public Optional<Bootstrap.Generated> generatedCredentials() {
        return generated.filter(Bootstrap.Generated::any);
    }

    /** Graceful stop: in-flight requests finish, stores flush and close, the data dir is released. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        accepting = false;
        LOG.info("Stopping: finishing in-flight requests");
        try {
            web.stop();
        } catch (RuntimeException e) {
            LOG.warn("HTTP server did not stop cleanly", e);
        }
        closeAll(closeables);
        LOG.info("Stopped");
    }

    private static void closeAll(Deque<AutoCloseable> opened) {
        while (!opened.isEmpty()) {
            AutoCloseable c = opened.pop();
            try {
                c.close();
            } catch (Exception e) {
                LOG.warn("Error while closing {}", c, e);
            }
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }

    private static void registerCacheLookups(SelfMetrics metrics, String name, String help,
                                             tocsin.ingest.SeriesKeyCache cache) {
        io.prometheus.metrics.core.metrics.CounterWithCallback.builder()
                .name(name)
                .help(help)
                .labelNames("result")
                .callback(cb -> {
                    cb.call(cache.hits(), "hit");
                    cb.call(cache.misses(), "miss");
                })
                .register(metrics.registry());
    }
}
