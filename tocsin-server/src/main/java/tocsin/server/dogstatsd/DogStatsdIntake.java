package tocsin.server.dogstatsd;

import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tocsin.core.metric.MetricBatch;
import tocsin.core.metric.Rejection;
import tocsin.core.metric.SeriesKey;
import tocsin.ingest.Event;
import tocsin.ingest.IngestLimits;
import tocsin.ingest.IngestResult;
import tocsin.ingest.ServiceCheck;
import tocsin.ingest.dogstatsd.AggregatorConfig;
import tocsin.ingest.dogstatsd.DogStatsdAggregator;
import tocsin.ingest.dogstatsd.DogStatsdParser;
import tocsin.ingest.dogstatsd.DogStatsdSink;
import tocsin.ingest.dogstatsd.DogStatsdType;
import tocsin.server.intake.MetricIntake;
import tocsin.server.intake.ServiceCheckSeries;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * DogStatsD over UDP and over a Unix datagram socket, end to end: the {@link UdpListener}s receive, the parser thread parses each datagram into the
 * aggregator, and a scheduler flushes closed aggregation intervals into the metric store, as the Datadog Agent does.
 *
 * <p>Lines that cannot be parsed are counted ({@code tocsin_dogstatsd_lines_total{outcome="rejected"}}) and the first
 * few logged at debug; UDP has no one to answer. On close the open intervals are flushed, so a graceful stop loses
 * nothing that arrived. Thread-safe.
 */
public final class DogStatsdIntake implements AutoCloseable, DogStatsdSink {
    private static final Logger LOG = LoggerFactory.getLogger(DogStatsdIntake.class);

    private final DogStatsdParser parser;
    private final DogStatsdAggregator aggregator;
    private final MetricIntake intake;
    private final InstantSource clock;
    private final UdpListener listener;
    private final UdpListener socketListener;
    private final ScheduledExecutorService flusher;
    private final CounterDataPoint accepted;
    private final CounterDataPoint rejected;
    private final CounterDataPoint checks;
    private final CounterDataPoint events;
    private final java.util.Queue<ServiceCheck> pendingChecks = new java.util.concurrent.ConcurrentLinkedQueue<>();
    private final java.util.concurrent.atomic.AtomicInteger pendingCount = new java.util.concurrent.atomic.AtomicInteger();
    /** Service checks waiting for the next flush; beyond this they are refused and counted as rejected lines. */
    static final int MAX_PENDING_CHECKS = 100_000;

    private DogStatsdIntake(InetSocketAddress address, java.nio.file.Path socket, int queue, Duration flushInterval,
                            MetricIntake intake, InstantSource clock, PrometheusRegistry registry, UdpMetrics udp) {
        this.intake = intake;
        this.clock = clock;
        this.parser = new DogStatsdParser(clock, IngestLimits.datadog());
        this.aggregator = new DogStatsdAggregator(clock, AggregatorConfig.defaults().withInterval(flushInterval));
        Counter lines = Counter.builder().name("tocsin_dogstatsd_lines_total")
                .help("DogStatsD lines parsed, by outcome").labelNames("outcome").register(registry);
        this.accepted = lines.labelValues("accepted");
        this.rejected = lines.labelValues("rejected");
        Counter other = Counter.builder().name("tocsin_dogstatsd_messages_total")
                .help("DogStatsD service checks and events received").labelNames("type").register(registry);
        this.checks = other.labelValues("service_check");
        this.events = other.labelValues("event");
        this.listener = address == null ? null
                : UdpListener.start(address, "dogstatsd", queue, buf -> parser.parse(buf, this), udp);
        UdpListener unix = null;
        if (socket != null) {
            try {
                unix = UdpListener.start(UnixDatagram.bind(socket), "dogstatsd_socket", queue,
                        buf -> parser.parse(buf, this), udp);
            } catch (RuntimeException e) {
                if (listener != null) {
                    listener.close();
                }
                throw e;
            }
        }
        this.socketListener = unix;
        this.flusher = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("tocsin-dogstatsd-flush").daemon().factory());
        long period = Math.max(200, flushInterval.toMillis() / 4);
        flusher.scheduleWithFixedDelay(this::flush, period, period, TimeUnit.MILLISECONDS);
    }

    /**
     * Binds the DogStatsD UDP port and/or Unix datagram socket and starts aggregating.
     *
     * @param address UDP address, or null for none
     * @param socket  Unix datagram socket path, or null for none
     */
    public static DogStatsdIntake start(InetSocketAddress address, java.nio.file.Path socket, int queue,
                                        Duration flushInterval, MetricIntake intake, InstantSource clock,
                                        PrometheusRegistry registry, UdpMetrics udp) {
        return new DogStatsdIntake(address, socket, queue, flushInterval, intake, clock, registry, udp);
    }

    /** The bound UDP port, or -1 without UDP. */
    public int port() {
        return listener == null ? -1 : ((InetSocketAddress) listener.address()).getPort();
    }

    private DogStatsdAggregator.Flush withPendingChecks(DogStatsdAggregator.Flush flush) {
        MetricBatch batch = flush.metrics();
        ServiceCheck check;
        while ((check = pendingChecks.poll()) != null) {
            pendingCount.decrementAndGet();
            ServiceCheckSeries.add(batch, check);
        }
        return flush;
    }

    private void flush() {
        try {
            store(withPendingChecks(aggregator.flush(clock.instant())));
        } catch (RuntimeException e) {
            LOG.warn("DogStatsD flush failed; will retry next interval", e);
        }
    }

    private void store(DogStatsdAggregator.Flush flush) {
        if (!flush.metrics().isEmpty()) {
            intake.store("dogstatsd", new IngestResult(flush.metrics(), List.of()));
        }
        if (!flush.sketches().isEmpty()) {
            intake.storeSketches("dogstatsd", flush.sketches(), List.of(), 0);
        }
    }

    @Override
    public void sample(SeriesKey key, DogStatsdType type, double value, double sampleRate, long timestampMillis) {
        accepted.inc();
        aggregator.sample(key, type, value, sampleRate, timestampMillis);
    }

    @Override
    public void setMember(SeriesKey key, String member) {
        accepted.inc();
        aggregator.setMember(key, member);
    }

    @Override
    public void serviceCheck(ServiceCheck check) {
        checks.inc();
        // Stored with the next flush, not here: the parser thread must not wait for an fsync.
        if (pendingCount.incrementAndGet() <= MAX_PENDING_CHECKS) {
            pendingChecks.add(check);
        } else {
            pendingCount.decrementAndGet();
            rejected.inc();
        }
    }

    @Override
    public void event(Event event) {
        events.inc();
    }

    @Override
    public void rejected(Rejection rejection) {
        rejected.inc();
        LOG.debug("DogStatsD line refused: {}", rejection);
    }

    /** Stops listening and stores everything aggregated so far. */
    @Override
    public void close() {
        if (listener != null) {
            listener.close();
        }
        if (socketListener != null) {
            socketListener.close();
        }
        flusher.shutdown();
        try {
            flusher.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            store(withPendingChecks(aggregator.flushAll()));
        } catch (RuntimeException e) {
            LOG.warn("DogStatsD final flush failed", e);
        }
    }
}
