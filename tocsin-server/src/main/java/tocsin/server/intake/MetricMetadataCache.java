package tocsin.server.intake;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tocsin.core.metric.MetricMetadata;
import tocsin.core.metric.MetricMetadataStore;

import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Metric metadata as the server uses it: in front of the {@link MetricMetadataStore}, a cache for the query engine
 * (which asks for a metric's interval on every query of it) and the intakes' declarations recorded off the request
 * path.
 *
 * <p>Design note. {@link #find} answers from memory for {@link #ttl} (absent metrics too, so that metrics nobody
 * described cost no database read per query), then reads again, so that a change made on another node shows within
 * that time; a change made here shows at once. {@link #declare} is called with every stored request's declarations:
 * a declaration whose fields the cached metadata already has is a no-op (a fill never changes a set field, and fields
 * are never unset), so that steady traffic costs a map lookup per metric and request. Any other is queued, merged
 * per metric, and filled into the store by one daemon thread; a declaration the store refuses (it is down) is
 * dropped and made again by the next request that carries it. At most {@link #MAX_PENDING} metrics wait; past that
 * declarations are dropped and counted. At most {@link #MAX_CACHED} metrics are cached; past that the cache starts
 * over.
 *
 * <p>Thread-safe.
 */
public final class MetricMetadataCache implements MetricMetadataStore, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MetricMetadataCache.class);
    static final int MAX_CACHED = 100_000;
    static final int MAX_PENDING = 10_000;

    private record Cached(MetricMetadata metadata, long loadedNanos) {
    }

    private final MetricMetadataStore store;
    private final long ttlNanos;
    private final int maxPending;
    private final ConcurrentHashMap<String, Cached> cache = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, MetricMetadata> pending = new ConcurrentHashMap<>();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final Thread writer;
    /** Set by the writer before it takes declarations off the queue, cleared once they are written. */
    private volatile boolean writing;
    private volatile boolean closed;

    /**
     * @param ttl how long a read stays cached: how late a change made on another node may show here
     */
    public MetricMetadataCache(MetricMetadataStore store, Duration ttl) {
        this(store, ttl, MAX_PENDING);
    }

    MetricMetadataCache(MetricMetadataStore store, Duration ttl, int maxPending) {
        this.store = store;
        this.ttlNanos = ttl.toNanos();
        this.maxPending = maxPending;
        this.writer = Thread.ofPlatform().daemon().name("tocsin-metric-metadata").start(this::writeLoop);
    }

    @Override
    public Optional<MetricMetadata> find(String metric) {
        Cached c = cache.get(metric);
        if (c != null && System.nanoTime() - c.loadedNanos < ttlNanos) {
            return Optional.ofNullable(c.metadata);
        }
        Optional<MetricMetadata> found = store.find(metric);
        remember(metric, found.orElse(null));
        return found;
    }

    @Override
    public MetricMetadata update(String metric, MetricMetadata changes) {
        return remember(metric, store.update(metric, changes));
    }

    @Override
    public MetricMetadata fill(String metric, MetricMetadata defaults) {
        return remember(metric, store.fill(metric, defaults));
    }

    /**
     * Records what a stored request declared about its metrics (see {@link tocsin.ingest.IngestResult#declared()}),
     * soon and off the caller's thread. Never blocks, never throws.
     */
    public void declare(Map<String, MetricMetadata> declared) {
        boolean queued = false;
        for (Map.Entry<String, MetricMetadata> e : declared.entrySet()) {
            Cached c = cache.get(e.getKey());
            if (c != null && c.metadata != null && e.getValue().with(c.metadata).equals(c.metadata)) {
                continue; // every declared field is already set: filling changes nothing
            }
            if (pending.size() >= maxPending && !pending.containsKey(e.getKey())) {
                dropped.incrementAndGet();
                continue;
            }
            // the first declaration of a field wins within the queue too, as it does in the store
            pending.merge(e.getKey(), e.getValue(), (older, newer) -> newer.with(older));
            queued = true;
        }
        if (queued) {
            LockSupport.unpark(writer);
        }
    }

    /** Declarations dropped because {@link #MAX_PENDING} metrics were waiting, since start. */
    long droppedDeclarations() {
        return dropped.get();
    }

    /** Declarations the store refused, since start (each is made again by the next request carrying it). */
    long failedDeclarations() {
        return failed.get();
    }

    /** Whether no declaration is waiting or being written (for tests). */
    boolean idle() {
        return pending.isEmpty() && !writing; // writing is set before pending empties, so this never lies
    }

    /** Counts what was lost on {@code registry}: {@code tocsin_metric_metadata_declarations_lost_total{reason}}. */
    public void register(io.prometheus.metrics.model.registry.PrometheusRegistry registry) {
        io.prometheus.metrics.core.metrics.CounterWithCallback.builder()
                .name("tocsin_metric_metadata_declarations_lost_total")
                .help("Metric types and intervals declared by intakes that were not stored, by reason (queue_full:"
                        + " too many metrics waiting; store_failed: declared again by the next request carrying it)")
                .labelNames("reason")
                .callback(cb -> {
                    cb.call(dropped.get(), "queue_full");
                    cb.call(failed.get(), "store_failed");
                })
                .register(registry);
    }

    private MetricMetadata remember(String metric, MetricMetadata m) {
        if (cache.size() >= MAX_CACHED) {
            cache.clear();
        }
        cache.put(metric, new Cached(m, System.nanoTime()));
        return m;
    }

    private void writeLoop() {
        while (!closed) {
            if (pending.isEmpty()) {
                LockSupport.parkNanos(this, 1_000_000_000L);
                continue;
            }
            writePending();
        }
        writePending();
    }

    private void writePending() {
        writing = true;
        try {
            writeEach();
        } finally {
            writing = false;
        }
    }

    private void writeEach() {
        for (Iterator<Map.Entry<String, MetricMetadata>> it = pending.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, MetricMetadata> e = it.next();
            it.remove();
            try {
                fill(e.getKey(), e.getValue());
            } catch (RuntimeException ex) {
                if (failed.getAndIncrement() % 1000 == 0) {
                    LOG.warn("Metric metadata declared by intakes could not be stored ({}); it is declared again by "
                            + "the next request that carries it", ex.getMessage());
                }
            }
        }
    }

    /** Writes what is waiting, then stops the writer. */
    @Override
    public void close() {
        closed = true;
        LockSupport.unpark(writer);
        try {
            writer.join(Duration.ofSeconds(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
