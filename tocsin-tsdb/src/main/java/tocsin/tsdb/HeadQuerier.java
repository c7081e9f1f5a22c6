package tocsin.tsdb;

import org.roaringbitmap.RoaringBitmap;
import tocsin.core.metric.SampleBuffer;
import tocsin.core.metric.SeriesKey;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedSet;
import java.util.stream.Stream;

/**
 * A {@link Querier} over the head alone; {@link StoreQuerier} uses one for the head's part of a view. Thread-safe;
 * holds nothing, so closing it is free.
 */
final class HeadQuerier implements Querier {
    private final Head head;
    private final long min;
    private final long max;

    HeadQuerier(Head head, long min, long max) {
        this.head = head;
        this.min = min;
        this.max = max;
    }

    @Override
    public long minMillis() {
        return min;
    }

    @Override
    public long maxMillis() {
        return max;
    }

    @Override
    public List<SeriesKey> series(String metricName, List<TagMatcher> matchers) {
        return selected(metricName, matchers).stream().map(s -> s.key).toList();
    }

    @Override
    public Stream<SeriesData> select(String metricName, List<TagMatcher> matchers) {
        return selected(metricName, matchers).stream().map(this::decode).filter(d -> !d.isEmpty());
    }

    @Override
    public Optional<SeriesData> read(SeriesKey key) {
        MemSeries s = head.get(Objects.requireNonNull(key, "key"));
        return s == null ? Optional.empty() : Optional.of(decode(s));
    }

    @Override
    public SortedSet<String> metricNames() {
        return head.index().metricNames();
    }

    @Override
    public SortedSet<String> tagKeys(String metricName) {
        return head.index().tagKeys(metricName);
    }

    @Override
    public SortedSet<String> tagValues(String metricName, String key) {
        return head.index().tagValues(metricName, key);
    }

    @Override
    public void close() {
        // Nothing is pinned by a head-only querier.
    }

    /** The matching series with samples in range, sorted by key. */
    List<MemSeries> selected(String metricName, List<TagMatcher> matchers) {
        Objects.requireNonNull(metricName, "metricName");
        RoaringBitmap ids = head.select(metricName, List.copyOf(matchers));
        List<MemSeries> found = new ArrayList<>(ids.getCardinality());
        ids.forEach((int id) -> {
            MemSeries s = head.byId(id);
            if (s != null && s.overlaps(min, max)) {
                found.add(s);
            }
        });
        found.sort(Comparator.comparing(s -> s.key));
        return found;
    }

    /** The samples of {@code s} in [min, max], decoded outside the series lock, in arrays of their own. */
    SeriesData decode(MemSeries s) {
        SampleBuffer buf = new SampleBuffer(1);
        decodeInto(s, buf);
        int n = buf.size();
        long[] ts = buf.timestamps();
        double[] vs = buf.values();
        // reserve() sizes the arrays to exactly what the snapshot holds, so they are usually handed on as they are
        return new SeriesData(s.key, s.kind, n == ts.length ? ts : Arrays.copyOf(ts, n),
                n == vs.length ? vs : Arrays.copyOf(vs, n));
    }

    /** Appends the samples of {@code s} in [min, max] to {@code buf}, decoded outside the series lock. */
    void decodeInto(MemSeries s, SampleBuffer buf) {
        MemSeries.Snapshot snap = s.snapshot(min, max);
        int capacity = snap.windowCount();
        for (Chunk c : snap.chunks()) {
            capacity += c.count();
        }
        buf.reserve(capacity);
        long[] ts = buf.timestamps();
        double[] vs = buf.values();
        int n = buf.size();
        for (Chunk c : snap.chunks()) {
            n = c.decodeInto(min, max, ts, vs, n);
        }
        long[] window = snap.window();
        for (int i = 0; i < snap.windowCount(); i++) {
            long t = window[2 * i];
            if (t >= min && t <= max) {
                ts[n] = t;
                vs[n++] = Double.longBitsToDouble(window[2 * i + 1]);
            }
        }
        buf.setSize(n);
    }
}
