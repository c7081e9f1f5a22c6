package tocsin.server.intake;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tocsin.core.access.Principal;
import tocsin.core.metric.MetricMetadata;
import tocsin.core.metric.Rejection;
import tocsin.core.metric.SeriesQuota;
import tocsin.core.metric.SketchBatch;
import tocsin.ingest.IngestException;
import tocsin.ingest.IngestResult;
import tocsin.ingest.MalformedPayloadException;
import tocsin.ingest.PayloadTooLargeException;
import tocsin.server.http.ApiProblem;
import tocsin.tsdb.AppendResult;
import tocsin.tsdb.MetricStore;
import tocsin.tsdb.TsdbWriteException;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The common tail of every metric intake: append what the decoder accepted to the store (returning only once it is
 * durable), merge the decoder's and the store's rejections, and count both on {@code /metrics}. The routes turn the
 * {@link Outcome} into their vendor's response. Thread-safe.
 */
public final class MetricIntake {
    private static final Logger LOG = LoggerFactory.getLogger(MetricIntake.class);
    /** How many rejections a response lists; the rest are counted. */
    static final int LISTED = 100;
    private static final MetricMetadata DISTRIBUTION = MetricMetadata.declared("distribution", null);

    private final MetricStore store;
    private final long maxSeriesPerKey;
    private final Counter points;
    private final Counter rejectionsByCause;
    private volatile AcceptedPoints acceptedPoints = (batch, rejected) -> {
    };
    private volatile Consumer<Map<String, MetricMetadata>> declared = d -> {
    };

    public MetricIntake(MetricStore store, PrometheusRegistry registry) {
        this(store, registry, 0);
    }

    /**
     * @param maxSeriesPerKey the series limit of an API key without one of its own ({@code metrics.max_series_per_key};
     *                        0: none)
     */
    public MetricIntake(MetricStore store, PrometheusRegistry registry, long maxSeriesPerKey) {
        this.store = store;
        this.maxSeriesPerKey = maxSeriesPerKey;
        this.points = Counter.builder().name("tocsin_ingest_points_total")
                .help("Metric points received, by protocol and outcome (accepted, rejected)")
                .labelNames("protocol", "outcome").register(registry);
        this.rejectionsByCause = Counter.builder().name("tocsin_ingest_rejections_total")
                .help("Metric points or items refused, by protocol and cause (invalid, stale, conflict, limit)")
                .labelNames("protocol", "cause").register(registry);
    }

    /**
     * What happened to one request's points.
     *
     * @param accepted       points now durable in the store
     * @param rejected       points or items refused, in all
     * @param rejections     the first {@value #LISTED} of them, with reasons
     * @param onlyLimits     true when everything refused was refused by a cardinality limit
     */
    public record Outcome(int accepted, int rejected, List<Rejection> rejections, boolean onlyLimits) {
        /**
         * Refuses a payload of which nothing could be used: 429 when only the cardinality limit stood in the way,
         * else 400, naming every refusal. Does nothing when something was stored or nothing was refused.
         */
        public void requireSomethingAccepted() {
            if (accepted == 0 && rejected > 0) {
                throw new ApiProblem(onlyLimits ? ApiProblem.Kind.TOO_MANY_REQUESTS : ApiProblem.Kind.BAD_REQUEST,
                        "No points accepted", messages());
            }
        }

        public List<String> messages() {
            List<String> m = new ArrayList<>(rejections.size() + 1);
            rejections.forEach(r -> m.add(r.toString()));
            if (rejected > rejections.size()) {
                m.add("... and " + (rejected - rejections.size()) + " more rejected items");
            }
            return m;
        }
    }

    /** Hears about the points of each batch once they are durable (the monitor evaluator). */
    @FunctionalInterface
    public interface AcceptedPoints {
        /**
         * @param rejected which points (by index in the batch) the store refused
         */
        void accepted(tocsin.core.metric.MetricBatch batch, java.util.function.IntPredicate rejected);
    }

    /** Sets who hears about durable points; set once during startup. Its failures never fail the ingest. */
    public void onAccepted(AcceptedPoints listener) {
        this.acceptedPoints = java.util.Objects.requireNonNull(listener, "listener");
    }

    /**
     * Sets who hears what stored requests declared about their metrics (the metadata cache); set once during
     * startup. Called when the request stored something, or carried nothing but what it declares (Prometheus sends
     * its metadata on its own); its failures never fail the ingest.
     */
    public void onDeclared(Consumer<Map<String, MetricMetadata>> listener) {
        this.declared = java.util.Objects.requireNonNull(listener, "listener");
    }

    /** A decoder call that may find the payload unreadable as a whole. */
    @FunctionalInterface
    public interface Decoding<T> {
        T run() throws IngestException;
    }

    /**
     * Runs a decoder, answering an unreadable payload with 400 and an oversized one with 413, in the route's
     * dialect, as every intake does.
     */
    public static <T> T decode(Decoding<T> decoding) {
        try {
            return decoding.run();
        } catch (MalformedPayloadException e) {
            throw ApiProblem.badRequest("Malformed payload", List.of(e.getMessage()));
        } catch (PayloadTooLargeException e) {
            throw new ApiProblem(ApiProblem.Kind.PAYLOAD_TOO_LARGE, e.getMessage());
        } catch (IngestException e) {
            throw new IllegalStateException("unknown kind of IngestException", e);
        }
    }

    /**
     * Stores a decoded request that no one answers for (DogStatsD, scrapes): only the store's own series limits
     * bound it.
     *
     * @throws ApiProblem 503 when the store cannot make the batch durable (the client should retry)
     */
    public Outcome store(String protocol, IngestResult decoded) {
        return store(protocol, decoded, null);
    }

    /**
     * Stores a decoded request; the new series it creates count against {@code sender}'s series limit (its own
     * {@code max_series}, else {@code metrics.max_series_per_key}).
     *
     * @throws ApiProblem 503 when the store cannot make the batch durable (the client should retry)
     */
    public Outcome store(String protocol, IngestResult decoded, Principal sender) {
        decoded.batch().quota(quota(sender));
        AppendResult appended = decoded.batch().isEmpty() ? new AppendResult(0, List.of())
                : append(protocol, decoded.batch().size(), () -> store.append(decoded.batch()));
        if (appended.accepted() > 0) {
            notifyAccepted(decoded.batch(), appended.rejections());
        }
        if (!decoded.sketches().isEmpty()) { // after the points: a 503 here leaves them stored, and a retry is a no-op
            AppendResult sketches = append(protocol, decoded.sketches().size(),
                    () -> store.appendSketches(decoded.sketches()));
            List<Rejection> all = new ArrayList<>(appended.rejections());
            for (Rejection r : sketches.rejections()) { // the store names them points[i] of the sketch batch
                all.add(new Rejection(r.item().replace("points[", "distribution points["), r.reason(), r.cause()));
            }
            appended = new AppendResult(appended.accepted() + sketches.accepted(), all);
        }
        // a request that carried only metadata (Prometheus sends it on its own) declares it too
        if (appended.accepted() > 0 || decoded.acceptedPoints() == 0 && decoded.rejectedItems() == 0) {
            declare(protocol, decoded.declared());
        }
        return outcome(protocol, decoded.rejections(), decoded.rejectedItems(), appended);
    }

    private void declare(String protocol, Map<String, MetricMetadata> metadata) {
        if (metadata.isEmpty()) {
            return;
        }
        try {
            declared.accept(metadata);
        } catch (RuntimeException e) {
            LOG.error("A listener failed on the metadata {} declared", protocol, e);
        }
    }

    /** Whom a request's new series count against, and the limit: null for no one. */
    SeriesQuota quota(Principal sender) {
        if (sender == null) {
            return null;
        }
        long max = sender.maxSeries() != null ? sender.maxSeries() : maxSeriesPerKey;
        String owner = sender.kind() == Principal.Kind.API_KEY ? sender.id() : "user:" + sender.id();
        return new SeriesQuota(owner, sender.name(), (int) Math.min(Integer.MAX_VALUE, max));
    }

    /**
     * Stores decoded distribution points (sketches), as {@link #store} stores points.
     *
     * @throws ApiProblem 503 when the store cannot make the batch durable (the client should retry)
     */
    public Outcome storeSketches(String protocol, SketchBatch sketches, List<Rejection> rejections,
                                 int rejectedItems) {
        AppendResult appended = sketches.isEmpty() ? new AppendResult(0, List.of())
                : append(protocol, sketches.size(), () -> store.appendSketches(sketches));
        if (appended.accepted() > 0) { // what they are is the request's whole declaration
            Map<String, MetricMetadata> distributions = new java.util.HashMap<>();
            sketches.entries().forEach(e -> distributions.putIfAbsent(e.key().name(), DISTRIBUTION));
            declare(protocol, distributions);
        }
        return outcome(protocol, rejections, rejectedItems, appended);
    }

    private static AppendResult append(String protocol, int size, java.util.function.Supplier<AppendResult> append) {
        try {
            return append.get();
        } catch (TsdbWriteException e) {
            LOG.error("Metric store failed to append {} points from {}", size, protocol, e);
            throw new ApiProblem(ApiProblem.Kind.UNAVAILABLE,
                    "The metric store could not persist this payload; retry later");
        }
    }

    private Outcome outcome(String protocol, List<Rejection> decodedRejections, int decodedRejected,
                            AppendResult appended) {
        List<Rejection> listed = new ArrayList<>(Math.min(LISTED, decodedRejections.size()
                + appended.rejections().size()));
        int[] byCause = new int[Rejection.Cause.values().length];
        boolean onlyLimits = true;
        for (List<Rejection> rs : List.of(decodedRejections, appended.rejections())) {
            for (Rejection r : rs) {
                byCause[r.cause().ordinal()]++;
                onlyLimits &= r.cause() == Rejection.Cause.LIMIT;
                if (listed.size() < LISTED) {
                    listed.add(r);
                }
            }
        }
        // Decoders list only their first rejections; the unlisted rest were refused for what they are.
        int unlisted = decodedRejected - decodedRejections.size();
        byCause[Rejection.Cause.INVALID.ordinal()] += unlisted;
        onlyLimits &= unlisted == 0;
        int rejected = decodedRejected + appended.rejections().size();
        points.labelValues(protocol, "accepted").inc(appended.accepted());
        points.labelValues(protocol, "rejected").inc(rejected);
        for (Rejection.Cause cause : Rejection.Cause.values()) {
            if (byCause[cause.ordinal()] > 0) {
                rejectionsByCause.labelValues(protocol, cause.label()).inc(byCause[cause.ordinal()]);
            }
        }
        return new Outcome(appended.accepted(), rejected, listed, onlyLimits && rejected > 0);
    }

    private void notifyAccepted(tocsin.core.metric.MetricBatch batch, List<Rejection> refused) {
        java.util.BitSet rejected = new java.util.BitSet();
        for (Rejection r : refused) {
            // The store names a refused point by its index: points[i] (see AppendResult).
            String item = r.item();
            if (item.startsWith("points[") && item.endsWith("]")) {
                try {
                    rejected.set(Integer.parseInt(item, 7, item.length() - 1, 10));
                } catch (NumberFormatException e) {
                    LOG.debug("Unexpected rejection item {}", item);
                }
            }
        }
        try {
            acceptedPoints.accepted(batch, rejected::get);
        } catch (RuntimeException e) {
            LOG.error("A listener failed on {} accepted points", batch.size(), e);
        }
    }
}
