package tocsin.server.dogstatsd;

import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tocsin.core.event.Event;
import tocsin.core.event.EventStore;
import tocsin.core.metric.MetricBatch;
import tocsin.core.metric.Rejection;
import tocsin.core.metric.SeriesKey;
import tocsin.ingest.IngestLimits;
import tocsin.ingest.IngestResult;
import tocsin.ingest.ServiceCheck;
import tocsin.ingest.dogstatsd.AggregatorConfig;
import tocsin.ingest.dogstatsd.DogStatsdAggregator;
import tocsin.ingest.dogstatsd.DogStatsdParser;
import tocsin.ingest.dogstatsd.DogStatsdSink;
import tocsin.ingest.dogstatsd.DogStatsdType;
import tocsin.server.http.ApiProblem;
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
 * few logged at debug; UDP has no one to answer. What the aggregator itself drops (a full interval, a full series, a
 * type conflict) is counted in {@code tocsin_dogstatsd_samples_dropped_total{reason}}. On close the open intervals
 * are flushed, so a graceful stop loses nothing that arrived.
 *
 * <p>When the store cannot take a flush (it answers unavailable), the flushed aggregates are kept, in order, and
 * offered again before the next interval's, so that an outage shorter than the backlog loses nothing. (The embedded
 * store's failure is final until a restart, which replays its log: for it the backlog only counts what is lost; a
 * store behind the network, the scale-out seam, recovers.) At most {@value #MAX_RETAINED_POINTS} points are kept: beyond that the oldest go, counted in
 * {@code tocsin_dogstatsd_samples_dropped_total{reason="store_unavailable"}}; what is still kept at close is logged
 * and counted the same way.
 *
 * <p>Service checks ({@code _sc}) and events ({@code _e}) wait, bounded, for the next flush, so that the parser
 * thread never waits for a store: checks become points of {@code service_check.status}, events go to the
 * {@link EventStore} (Datadog's events API reads them); an event the store refuses stays first in line for the next
 * flush. Thread-safe.
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
    /** Events waiting for the next flush; beyond this they are refused and counted as rejected lines. */
    static final int MAX_PENDING_EVENTS = 10_000;
    /** Where {@code _e} events go, or null to count and drop them. */
    private final EventStore eventStore;
    private final java.util.concurrent.LinkedBlockingDeque<Event> pendingEvents =
            new java.util.concurrent.LinkedBlockingDeque<>(MAX_PENDING_EVENTS);
    /** Whether the last attempt to store an event failed; logged once per outage. */
    private boolean eventStoreFailing;
    /** Points (and sketches) of flushes the store refused, kept to offer again; the oldest go beyond it. */
    static final int MAX_RETAINED_POINTS = 1_000_000;
    private final int maxRetainedPoints;
    /** Flushes the store has not taken yet, oldest first; touched by the flusher thread only (and close after it). */
    private final java.util.ArrayDeque<DogStatsdAggregator.Flush> unstored = new java.util.ArrayDeque<>();
    private volatile int unstoredPoints; // volatile for keptPoints(); written by the flusher only
    private final java.util.concurrent.atomic.AtomicLong lostToStore = new java.util.concurrent.atomic.AtomicLong();
    /** Whether the last attempt to store failed; the outage is logged once, and its end once. */
    private boolean storeFailing;

    private DogStatsdIntake(InetSocketAddress address, java.nio.file.Path socket, int queue, Duration flushInterval,
                            MetricIntake intake, EventStore eventStore, InstantSource clock,
                            PrometheusRegistry registry, UdpMetrics udp, int maxRetainedPoints) {
        this.maxRetainedPoints = maxRetainedPoints;
        this.eventStore = eventStore;
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
        io.prometheus.metrics.core.metrics.CounterWithCallback.builder().name("tocsin_dogstatsd_samples_dropped")
                .help("DogStatsD samples or aggregated points dropped, by reason (interval_full: the per-interval "
                        + "series or per-series value cap, or the |T hold; type_conflict: a series sent with two "
                        + "types in one interval; store_unavailable: aggregates the metric store did not take, past "
                        + "the backlog or at close)")
                .labelNames("reason")
                .callback(cb -> {
                    cb.call(aggregator.droppedSamples(), "interval_full");
                    cb.call(aggregator.typeConflicts(), "type_conflict");
                    cb.call(lostToStore.get(), "store_unavailable");
                })
                .register(registry);
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
                                        Duration flushInterval, MetricIntake intake, EventStore eventStore,
                                        InstantSource clock, PrometheusRegistry registry, UdpMetrics udp) {
        return new DogStatsdIntake(address, socket, queue, flushInterval, intake, eventStore, clock, registry, udp,
                MAX_RETAINED_POINTS);
    }

    /** As {@link #start}, keeping at most {@code maxRetainedPoints} points the store did not take; for tests. */
    static DogStatsdIntake start(InetSocketAddress address, Duration flushInterval, MetricIntake intake,
                                 PrometheusRegistry registry, int maxRetainedPoints) {
        return new DogStatsdIntake(address, null, 1024, flushInterval, intake, null, InstantSource.system(),
                registry, UdpMetrics.register(registry), maxRetainedPoints);
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
            keep(withPendingChecks(aggregator.flush(clock.instant())));
            storeKept();
        } catch (RuntimeException e) {
            LOG.error("DogStatsD flush failed", e); // a bug: the store's own failures are handled in storeKept
        }
        storeEvents();
    }

    /** Stores the events received since the last flush, oldest first; one that fails stays first for the next. */
    private void storeEvents() {
        for (Event e; (e = pendingEvents.peekFirst()) != null; ) {
            try {
                eventStore.add(e);
            } catch (RuntimeException failed) {
                if (!eventStoreFailing) {
                    LOG.error("DogStatsD: events could not be stored ({}); {} are kept and tried again at the next "
                            + "flush", failed.getMessage(), pendingEvents.size());
                }
                eventStoreFailing = true;
                return;
            }
            pendingEvents.pollFirst();
            if (eventStoreFailing) {
                LOG.info("DogStatsD: events are stored again");
                eventStoreFailing = false;
            }
        }
    }

    /** Queues a flush behind those the store has not taken yet, dropping the oldest beyond the bound. */
    private void keep(DogStatsdAggregator.Flush flush) {
        if (flush.isEmpty()) {
            return;
        }
        unstored.addLast(flush);
        unstoredPoints += points(flush);
        while (unstoredPoints > maxRetainedPoints && unstored.size() > 1) {
            DogStatsdAggregator.Flush oldest = unstored.removeFirst();
            unstoredPoints -= points(oldest);
            lostToStore.addAndGet(points(oldest));
            LOG.error("DogStatsD: {} aggregated points dropped: the store has not taken them and the backlog is full "
                    + "({} points)", points(oldest), maxRetainedPoints);
        }
    }

    /** Points of flushes the store has not taken yet; for tests. */
    int keptPoints() {
        return unstoredPoints;
    }

    private static int points(DogStatsdAggregator.Flush flush) {
        return flush.metrics().size() + flush.sketches().size();
    }

    /**
     * Offers the kept flushes to the store, oldest first, until it refuses one (which stays first). A flush goes as
     * one intake request, points before sketches (see {@link MetricIntake#store}): offered again after its sketches
     * failed, its points are stored again as the no-op a repeated point is. Points the store refuses one by one
     * (limits, order) are final and counted by the intake; only its being unavailable keeps them.
     */
    private void storeKept() {
        while (!unstored.isEmpty()) {
            DogStatsdAggregator.Flush next = unstored.peekFirst();
            try {
                intake.store("dogstatsd", next.asIngest());
            } catch (ApiProblem e) {
                if (e.kind() != ApiProblem.Kind.UNAVAILABLE) { // not an outage: offering it again would not help
                    unstored.removeFirst();
                    unstoredPoints -= points(next);
                    lostToStore.addAndGet(points(next));
                    LOG.error("DogStatsD: the metric store refused {} aggregated points outright", points(next), e);
                    continue;
                }
                if (!storeFailing) {
                    LOG.error("DogStatsD: the metric store refused a flush ({}); the aggregates are kept and offered "
                            + "again at the next flush", e.getMessage());
                }
                storeFailing = true;
                return;
            }
            unstored.removeFirst();
            unstoredPoints -= points(next);
            if (storeFailing) {
                LOG.info("DogStatsD: the metric store takes flushes again");
                storeFailing = false;
            }
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
        // Stored with the next flush, as service checks are: the parser thread must not wait for the database.
        if (eventStore == null || !pendingEvents.offerLast(event)) {
            rejected.inc();
        }
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
            keep(withPendingChecks(aggregator.flushAll()));
            storeKept();
        } catch (RuntimeException e) {
            LOG.error("DogStatsD final flush failed", e);
        }
        storeEvents();
        if (!pendingEvents.isEmpty()) {
            LOG.error("DogStatsD: {} events were never stored and are lost at close", pendingEvents.size());
        }
        if (unstoredPoints > 0) {
            lostToStore.addAndGet(unstoredPoints);
            LOG.error("DogStatsD: {} aggregated points were never taken by the metric store and are lost at close",
                    unstoredPoints);
        }
    }
}
