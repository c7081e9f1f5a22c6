package tocsin.server.config;

/**
 * The declarative configuration file ({@code --config}), validated. Immutable.
 *
 * @param http   HTTP limits
 * @param metrics metric store limits and retention
 * @param scrape  Prometheus exposition-format targets to pull from
 * @param notifications notification providers (the {@code notify:} section)
 * @param monitors the {@code monitors:} section, checked as far as the file alone allows; empty when the file has no
 *                 such section, which leaves the monitors an earlier file declared as they are (an empty list
 *                 deletes them)
 */
public record TocsinConfig(Http http, Metrics metrics, java.util.List<ScrapeConfig> scrape, NotifyConfig notifications,
                           java.util.Optional<java.util.List<tocsin.monitor.DeclaredMonitor>> monitors) {

    public TocsinConfig {
        scrape = java.util.List.copyOf(scrape);
        monitors = monitors.map(java.util.List::copyOf);
    }

    /** A configuration without a {@code monitors:} section. */
    public TocsinConfig(Http http, Metrics metrics, java.util.List<ScrapeConfig> scrape, NotifyConfig notifications) {
        this(http, metrics, scrape, notifications, java.util.Optional.empty());
    }

    public TocsinConfig withNotifications(NotifyConfig n) {
        return new TocsinConfig(http, metrics, scrape, n, monitors);
    }

    public TocsinConfig withMonitors(java.util.List<tocsin.monitor.DeclaredMonitor> declared) {
        return new TocsinConfig(http, metrics, scrape, notifications, java.util.Optional.of(declared));
    }

    /**
     * The metric store and intake.
     *
     * @param maxSeries      cardinality limit: new series beyond it are refused (existing ones keep accepting)
     * @param maxSeriesPerMetric the same limit per metric name (0: none), so that one runaway tag cannot spend the
     *                       whole budget; default a tenth of the default {@code maxSeries}
     * @param retention      how long samples are kept
     * @param statsdQueue    DogStatsD datagrams that may wait for the parser before new ones are dropped
     * @param statsdFlush    DogStatsD aggregation interval (the Datadog Agent's is 10 s)
     * @param statsdSocket   a Unix datagram socket to receive DogStatsD on as well, or null
     * @param walSyncInterval zero (the default): every ingest request is synced to disk before it is answered, so a
     *                       machine crash loses nothing acknowledged; positive (up to 10 s): it is written to the
     *                       operating system before the answer (a killed process, {@code kill -9} included, loses
     *                       nothing) and synced at most this long after, as Prometheus does
     * @param maxSeriesPerKey the most series in memory one API key's requests may have created (0: none), unless the
     *                       key has its own {@code max_series}; DogStatsD and scrapes answer to no key
     */
    public record Metrics(long maxSeries, long maxSeriesPerMetric, java.time.Duration retention, int statsdQueue,
                          java.time.Duration statsdFlush, java.nio.file.Path statsdSocket,
                          java.time.Duration walSyncInterval, long maxSeriesPerKey) {
        public static Metrics defaults() {
            return new Metrics(1_000_000, 100_000, java.time.Duration.ofDays(15), 8192,
                    java.time.Duration.ofSeconds(10), null, tocsin.tsdb.TsdbOptions.DEFAULT_WAL_SYNC_INTERVAL, 0);
        }

        public Metrics withMaxSeriesPerKey(long perKey) {
            return new Metrics(maxSeries, maxSeriesPerMetric, retention, statsdQueue, statsdFlush, statsdSocket,
                    walSyncInterval, perKey);
        }

        public Metrics withStatsdFlush(java.time.Duration flush) {
            return new Metrics(maxSeries, maxSeriesPerMetric, retention, statsdQueue, flush, statsdSocket,
                    walSyncInterval, maxSeriesPerKey);
        }

        public Metrics withStatsdSocket(java.nio.file.Path socket) {
            return new Metrics(maxSeries, maxSeriesPerMetric, retention, statsdQueue, statsdFlush, socket,
                    walSyncInterval, maxSeriesPerKey);
        }

        public Metrics withSeriesLimits(long max, long perMetric) {
            return new Metrics(max, perMetric, retention, statsdQueue, statsdFlush, statsdSocket, walSyncInterval,
                    maxSeriesPerKey);
        }
    }

    public TocsinConfig withScrape(java.util.List<ScrapeConfig> jobs) {
        return new TocsinConfig(http, metrics, jobs, notifications, monitors);
    }

    public TocsinConfig withMetrics(Metrics m) {
        return new TocsinConfig(http, m, scrape, notifications, monitors);
    }

    /** Limits on what the HTTP server accepts. */
    public record Http(long maxRequestBytes) {
        public static final long DEFAULT_MAX_REQUEST_BYTES = 64L << 20;
    }

    public static TocsinConfig defaults() {
        return new TocsinConfig(new Http(Http.DEFAULT_MAX_REQUEST_BYTES), Metrics.defaults(), java.util.List.of(),
                NotifyConfig.none());
    }
}
