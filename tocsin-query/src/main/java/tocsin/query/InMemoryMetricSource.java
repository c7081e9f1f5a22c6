package tocsin.query;

import tocsin.core.metric.MetricBatch;
import tocsin.core.metric.MetricKind;
import tocsin.core.metric.SeriesKey;
import tocsin.core.metric.Sketch;
import tocsin.core.metric.SketchBatch;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * A {@link MetricSource} held in memory, for tests and for modules that evaluate queries without a store (the monitor
 * module's tests, the server's query route tests). A point written twice at the same timestamp keeps the last value;
 * a series written with a different kind takes the latest kind, as a store would after a type change. Distribution
 * sketches added at the same series and timestamp merge, as the store merges them per bucket (alignment to buckets is
 * the caller's: this source keeps the timestamps it is given).
 *
 * <p>Thread-safe: one read-write lock guards all series. Not meant for large data.
 */
public final class InMemoryMetricSource implements MetricSource {

    private record Stored(MetricKind kind, NavigableMap<Long, Double> points) {
    }

    private final ReadWriteLock lock = new ReentrantReadWriteLock();
    private final Map<String, Map<SeriesKey, Stored>> byMetric = new HashMap<>();
    private final Map<String, Map<SeriesKey, NavigableMap<Long, Sketch>>> sketches = new HashMap<>();
    private final Map<String, Integer> rateIntervals = new java.util.concurrent.ConcurrentHashMap<>();

    /** Declares the seconds one point of a rate of {@code metric} covers (see {@link MetricSource#rateInterval}). */
    public InMemoryMetricSource declareRateInterval(String metric, int seconds) {
        rateIntervals.put(metric, seconds);
        return this;
    }

    @Override
    public java.util.OptionalInt rateInterval(String metric) {
        Integer s = rateIntervals.get(metric);
        return s == null ? java.util.OptionalInt.empty() : java.util.OptionalInt.of(s);
    }

    /** Adds a distribution point: the sketch of the values observed at {@code timestampMillis}. */
    public InMemoryMetricSource addSketch(SeriesKey key, long timestampMillis, Sketch sketch) {
        lock.writeLock().lock();
        try {
            putSketch(key, timestampMillis, sketch);
        } finally {
            lock.writeLock().unlock();
        }
        return this;
    }

    /** Adds every distribution point of a batch. */
    public InMemoryMetricSource add(SketchBatch batch) {
        lock.writeLock().lock();
        try {
            for (SketchBatch.Entry e : batch.entries()) {
                putSketch(e.key(), e.timestampMillis(), e.sketch());
            }
        } finally {
            lock.writeLock().unlock();
        }
        return this;
    }

    private void putSketch(SeriesKey key, long timestampMillis, Sketch sketch) {
        sketches.computeIfAbsent(key.name(), n -> new HashMap<>()).computeIfAbsent(key, k -> new TreeMap<>())
                .merge(timestampMillis, sketch, Sketch::merge);
    }

    @Override
    public List<SourceSketches> selectSketches(String metric, TagFilter filter, long fromMillis, long toMillis) {
        lock.readLock().lock();
        try {
            List<SourceSketches> out = new ArrayList<>();
            if (fromMillis > toMillis) {
                return out;
            }
            for (var e : sketches.getOrDefault(metric, Map.of()).entrySet()) {
                NavigableMap<Long, Sketch> range = e.getValue().subMap(fromMillis, true, toMillis, true);
                if (filter.matches(e.getKey()) && !range.isEmpty()) {
                    out.add(SourceSketches.of(e.getKey(), range.keySet().stream().mapToLong(Long::longValue)
                            .toArray(), range.values().toArray(Sketch[]::new)));
                }
            }
            return out;
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Adds one point. */
    public InMemoryMetricSource add(SeriesKey key, MetricKind kind, long timestampMillis, double value) {
        lock.writeLock().lock();
        try {
            put(key, kind, timestampMillis, value);
        } finally {
            lock.writeLock().unlock();
        }
        return this;
    }

    /** Adds every point of a batch, as the store would append it. */
    public InMemoryMetricSource add(MetricBatch batch) {
        lock.writeLock().lock();
        try {
            batch.forEach(this::put);
        } finally {
            lock.writeLock().unlock();
        }
        return this;
    }

    private void put(SeriesKey key, MetricKind kind, long timestampMillis, double value) {
        Map<SeriesKey, Stored> series = byMetric.computeIfAbsent(key.name(), n -> new HashMap<>());
        Stored old = series.get(key);
        NavigableMap<Long, Double> points = old == null ? new TreeMap<>() : old.points();
        points.put(timestampMillis, value);
        if (old == null || old.kind() != kind) {
            series.put(key, new Stored(kind, points));
        }
    }

    @Override
    public List<SourceSeries> select(String metric, TagFilter filter, long fromMillis, long toMillis) {
        lock.readLock().lock();
        try {
            List<SourceSeries> out = new ArrayList<>();
            for (var e : byMetric.getOrDefault(metric, Map.of()).entrySet()) {
                if (filter.matches(e.getKey()) && !e.getValue().points().subMap(fromMillis, true, toMillis, true)
                        .isEmpty()) {
                    out.add(new SourceSeries(e.getKey(), e.getValue().kind()));
                }
            }
            return out;
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override
    public List<String> metricNames(long fromMillis, long toMillis) {
        lock.readLock().lock();
        try {
            List<String> out = new ArrayList<>();
            if (fromMillis > toMillis) {
                return out;
            }
            for (var metric : byMetric.entrySet()) {
                for (Stored s : metric.getValue().values()) {
                    if (!s.points().subMap(fromMillis, true, toMillis, true).isEmpty()) {
                        out.add(metric.getKey());
                        break;
                    }
                }
            }
            out.sort(null);
            return out;
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override
    public Points read(SourceSeries series, long fromMillis, long toMillis) {
        lock.readLock().lock();
        try {
            Stored stored = byMetric.getOrDefault(series.key().name(), Map.of()).get(series.key());
            if (stored == null || fromMillis > toMillis) {
                return Points.EMPTY;
            }
            NavigableMap<Long, Double> range = stored.points().subMap(fromMillis, true, toMillis, true);
            long[] ts = new long[range.size()];
            double[] vs = new double[range.size()];
            int i = 0;
            for (var p : range.entrySet()) {
                ts[i] = p.getKey();
                vs[i++] = p.getValue();
            }
            return Points.of(ts, vs);
        } finally {
            lock.readLock().unlock();
        }
    }
}
