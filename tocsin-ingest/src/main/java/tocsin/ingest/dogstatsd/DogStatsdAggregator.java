package tocsin.ingest.dogstatsd;

import tocsin.core.metric.MetricBatch;
import tocsin.core.metric.MetricKind;
import tocsin.core.metric.MetricMetadata;
import tocsin.core.metric.SeriesKey;
import tocsin.core.metric.SketchBatch;
import tocsin.ingest.IngestResult;

import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Aggregates DogStatsD samples the way the Datadog Agent does before they are stored.
 *
 * <p>Design note. Time is cut into fixed intervals ({@link AggregatorConfig#interval()}, 10 s by default), aligned to
 * the epoch; a sample joins the interval in which the injected clock reads when it arrives, and each series gets one
 * {@link Context} per interval: gauges keep the last value, counts sum {@code value / rate} (emitted as the Agent
 * submits them: a {@link MetricKind#RATE}, the sum per second of the interval, see {@link FlushOutput}), histograms and timers keep their values for {@code .max .median .avg .count} and
 * percentiles, distributions keep one mergeable {@link tocsin.core.metric.Sketch} (handed over in a
 * {@link SketchBatch}, as the Agent sends sketches rather than summaries), sets count distinct members. Points are
 * stamped with their interval's start, as the Agent stamps them. {@link #flush(Instant)} hands over every interval
 * that has ended by {@code now}; an interval is flushed once: a sample that arrives, by the clock, in an interval
 * already flushed joins the oldest open one instead, so no series ever gets two points for one timestamp. Samples with
 * a {@code |T} timestamp (gauges and counts only) bypass the intervals: they are held, summed (counts) or
 * replaced (gauges) per series and timestamp, and handed over at the next flush.
 *
 * <p>Memory is bounded: at most {@link AggregatorConfig#maxContextsPerInterval()} series per interval, at most
 * {@link AggregatorConfig#maxSamplesPerContext()} stored values or members per series, at most
 * {@link AggregatorConfig#maxTimestampedPoints()} held {@code |T} points. What does not fit is dropped and counted in
 * {@link #droppedSamples()}; a series re-sent with another type within an interval is dropped and counted in
 * {@link #typeConflicts()}.
 *
 * <p>Thread-safe. Intended use: the UDP reader thread calls {@link #sample} and {@link #setMember}, a scheduler calls
 * {@link #flush(Instant)}. One lock guards the open intervals; a flush only detaches the closed intervals under it and
 * computes their points (sorting for percentiles included) after releasing it, so the reader is never held up by
 * more than a map removal.
 */
public final class DogStatsdAggregator {
    private final InstantSource clock;
    private final AggregatorConfig config;
    private final long intervalMillis;
    private final ReentrantLock lock = new ReentrantLock();
    private final SplittableRandom random = new SplittableRandom(0x7f4a7c15L);

    // guarded by lock
    private final TreeMap<Long, Map<SeriesKey, Context>> intervals = new TreeMap<>();
    private long currentStart = Long.MIN_VALUE;
    private Map<SeriesKey, Context> current;
    private long flushedBefore = Long.MIN_VALUE;
    private Map<TimestampedKey, double[]> timestamped = new LinkedHashMap<>();
    private long droppedSamples;
    private long typeConflicts;

    public DogStatsdAggregator(InstantSource clock, AggregatorConfig config) {
        this.clock = clock;
        this.config = config;
        this.intervalMillis = config.interval().toMillis();
    }

    public AggregatorConfig config() {
        return config;
    }

    /** Adds one value, with the arguments {@link DogStatsdSink#sample} receives. */
    public void sample(SeriesKey key, DogStatsdType type, double value, double sampleRate, long timestampMillis) {
        if (type == DogStatsdType.SET) {
            throw new IllegalArgumentException("set members go through setMember");
        }
        lock.lock();
        try {
            if (timestampMillis != DogStatsdParser.NO_TIMESTAMP
                    && (type == DogStatsdType.GAUGE || type == DogStatsdType.COUNT)) {
                addTimestamped(key, type, value, sampleRate, timestampMillis);
                return;
            }
            Context c = context(key, type);
            if (c != null) {
                c.add(value, sampleRate, config, random);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Adds one set member, as {@link DogStatsdSink#setMember} receives it. */
    public void setMember(SeriesKey key, String member) {
        lock.lock();
        try {
            Context c = context(key, DogStatsdType.SET);
            if (c != null && !c.addMember(member, config)) {
                droppedSamples++;
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * What a flush hands over: the points, one sketch per distribution series and interval, and each metric's type.
     *
     * @param metrics  gauges, counts (as rates), histogram aggregates, set sizes and the held {@code |T} points
     * @param sketches distribution points
     * @param declared each flushed metric's type ({@code gauge}, {@code rate} with the flush interval, or
     *                 {@code distribution}), by name, for the metadata store
     */
    public record Flush(MetricBatch metrics, SketchBatch sketches, Map<String, MetricMetadata> declared) {
        public boolean isEmpty() {
            return metrics.isEmpty() && sketches.isEmpty();
        }

        /** This flush as one intake request: nothing in it was refused. */
        public IngestResult asIngest() {
            return new IngestResult(metrics, List.of(), 0, sketches, declared);
        }
    }

    /**
     * The points of every interval that has ended by {@code now}, plus the held {@code |T} points. Intervals still
     * open stay. Returns empty batches when nothing closed.
     */
    public Flush flush(Instant now) {
        long cutoff = Math.floorDiv(now.toEpochMilli(), intervalMillis) * intervalMillis;
        return flushBefore(cutoff);
    }

    /**
     * The points of every interval, open ones included, and the held {@code |T} points: for shutdown. Samples added
     * afterwards go to the interval after the last one flushed.
     */
    public Flush flushAll() {
        return flushBefore(Long.MAX_VALUE);
    }

    /** Samples dropped for a full interval, a full per-series store or a full {@code |T} hold, since creation. */
    public long droppedSamples() {
        lock.lock();
        try {
            return droppedSamples;
        } finally {
            lock.unlock();
        }
    }

    /** Samples dropped because their series already had another type in the interval, since creation. */
    public long typeConflicts() {
        lock.lock();
        try {
            return typeConflicts;
        } finally {
            lock.unlock();
        }
    }

    /** Series held in open intervals right now. */
    public int openContexts() {
        lock.lock();
        try {
            int n = 0;
            for (Map<SeriesKey, Context> m : intervals.values()) {
                n += m.size();
            }
            return n;
        } finally {
            lock.unlock();
        }
    }

    private Flush flushBefore(long cutoff) {
        List<Map.Entry<Long, Map<SeriesKey, Context>>> closed = new ArrayList<>();
        Map<TimestampedKey, double[]> held;
        lock.lock();
        try {
            var head = intervals.headMap(cutoff, false);
            closed.addAll(head.entrySet());
            head.clear();
            if (currentStart < cutoff) {
                current = null;
                currentStart = Long.MIN_VALUE;
            }
            if (cutoff != Long.MAX_VALUE) {
                flushedBefore = Math.max(flushedBefore, cutoff);
            }
            if (!closed.isEmpty()) {
                // after flushAll too, later samples must not reopen an interval already handed over
                flushedBefore = Math.max(flushedBefore, closed.getLast().getKey() + intervalMillis);
            }
            held = timestamped;
            timestamped = new LinkedHashMap<>();
        } finally {
            lock.unlock();
        }
        int expected = held.size();
        for (var e : closed) {
            expected += e.getValue().size();
        }
        FlushOutput out = new FlushOutput(config.interval(), expected);
        for (var e : closed) {
            long ts = e.getKey();
            for (var c : e.getValue().entrySet()) {
                c.getValue().emit(c.getKey(), ts, config, out);
            }
        }
        for (var e : held.entrySet()) {
            TimestampedKey k = e.getKey();
            double v = e.getValue()[0];
            if (!Double.isFinite(v)) {
                continue;
            }
            // as the Agent's no-aggregation path: a timestamped count is a rate over one flush interval too
            if (k.type == DogStatsdType.COUNT) {
                out.count(k.key, k.timestamp, v);
            } else {
                out.gauge(k.key, k.timestamp, v);
            }
        }
        return new Flush(out.batch, out.sketches, out.declared);
    }

    /** The context for the key in the interval the clock reads now; null (and counted) when it cannot be had. */
    private Context context(SeriesKey key, DogStatsdType type) {
        long now = clock.millis();
        long start = Math.max(Math.floorDiv(now, intervalMillis) * intervalMillis, flushedBefore);
        if (start != currentStart || current == null) {
            current = intervals.computeIfAbsent(start, s -> new HashMap<>());
            currentStart = start;
        }
        Context c = current.get(key);
        if (c == null) {
            if (current.size() >= config.maxContextsPerInterval()) {
                droppedSamples++;
                return null;
            }
            c = Context.of(type);
            current.put(key, c);
        } else if (c.type != type) {
            typeConflicts++;
            return null;
        }
        return c;
    }

    private void addTimestamped(SeriesKey key, DogStatsdType type, double value, double rate, long ts) {
        TimestampedKey k = new TimestampedKey(key, type, ts);
        double[] acc = timestamped.get(k);
        if (acc == null) {
            if (timestamped.size() >= config.maxTimestampedPoints()) {
                droppedSamples++;
                return;
            }
            acc = new double[1];
            timestamped.put(k, acc);
        }
        if (type == DogStatsdType.COUNT) {
            acc[0] += value * (1 / rate);
        } else {
            acc[0] = value;
        }
    }

    private record TimestampedKey(SeriesKey key, DogStatsdType type, long timestamp) {
    }
}
