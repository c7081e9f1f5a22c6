package tocsin.tsdb;

import org.roaringbitmap.RoaringBitmap;
import tocsin.core.metric.SeriesKey;
import tocsin.core.metric.Sketch;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The in-memory part of the sketch store: per series, one sketch per time bucket that has not yet been written to a
 * sketch block, with an inverted index over the series ({@link PostingsIndex}). A bucket holds its sketch's bytes
 * ({@link Sketch#encode()}): 42 bytes for a few values and ~0.6 KiB for a thousand, against ~1 KiB and ~4 KiB as
 * objects, which matters for 1.5 block ranges of 10-second buckets. A merge replaces a bucket's bytes with new ones
 * (decode, merge, encode), so a reader never sees a bucket change and a snapshot is a copy of references.
 *
 * <p>Thread-safe behind one read-write lock: writers are appends (already in the log), replay and maintenance;
 * readers are queries.
 */
final class SketchHead {
    private static final class Entry {
        final int id;
        final SeriesKey key;
        final TreeMap<Long, byte[]> buckets = new TreeMap<>();

        Entry(int id, SeriesKey key) {
            this.id = id;
            this.key = key;
        }
    }

    /** What a cut takes: the buckets before it (for the block) and from it on (for the checkpoint), by key. */
    record Snapshot(List<SketchSeries> before, List<SketchSeries> after) {
    }

    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private final Map<SeriesKey, Entry> series = new HashMap<>();
    private final Map<Integer, Entry> byId = new HashMap<>();
    private final PostingsIndex index = new PostingsIndex();
    private int nextId;
    private volatile long floor = Long.MIN_VALUE;

    int seriesCount() {
        lock.readLock().lock();
        try {
            return series.size();
        } finally {
            lock.readLock().unlock();
        }
    }

    boolean contains(SeriesKey key) {
        lock.readLock().lock();
        try {
            return series.containsKey(key);
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Buckets before the floor are in (or being written to) blocks; appends to them are refused. */
    long floor() {
        return floor;
    }

    void raiseFloor(long newFloor) {
        lock.writeLock().lock();
        try {
            floor = Math.max(floor, newFloor);
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** Merges each series' buckets into the head; the caller has checked them against the floor. */
    void apply(List<SketchSeries> groups) {
        lock.writeLock().lock();
        try {
            for (SketchSeries s : groups) {
                Entry e = series.get(s.key());
                if (e == null) {
                    int id = nextId++;
                    e = new Entry(id, index.add(id, s.key()));
                    series.put(e.key, e);
                    byId.put(id, e);
                }
                for (int i = 0; i < s.size(); i++) {
                    byte[] old = e.buckets.get(s.timestamp(i));
                    e.buckets.put(s.timestamp(i),
                            old == null ? s.encoded(i) : Sketch.decode(old).merge(s.sketch(i)).encode());
                }
            }
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** The oldest and newest bucket start, or null when the head is empty. */
    long[] span() {
        lock.readLock().lock();
        try {
            long min = Long.MAX_VALUE;
            long max = Long.MIN_VALUE;
            for (Entry e : series.values()) {
                if (!e.buckets.isEmpty()) {
                    min = Math.min(min, e.buckets.firstKey());
                    max = Math.max(max, e.buckets.lastKey());
                }
            }
            return min > max ? null : new long[]{min, max};
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Every bucket, split at {@code cut}, sorted by key; series without buckets on a side are left out of it. */
    Snapshot snapshot(long cut) {
        List<SketchSeries> before = new ArrayList<>();
        List<SketchSeries> after = new ArrayList<>();
        lock.readLock().lock();
        try {
            for (Entry e : series.values()) {
                add(before, e.key, e.buckets.headMap(cut, false));
                add(after, e.key, e.buckets.tailMap(cut, true));
            }
        } finally {
            lock.readLock().unlock();
        }
        before.sort(Comparator.comparing(SketchSeries::key));
        after.sort(Comparator.comparing(SketchSeries::key));
        return new Snapshot(before, after);
    }

    /** Drops the buckets before {@code cut} (now in a block) and the series left without any. */
    void dropBefore(long cut) {
        lock.writeLock().lock();
        try {
            var it = series.values().iterator();
            while (it.hasNext()) {
                Entry e = it.next();
                e.buckets.headMap(cut, false).clear();
                if (e.buckets.isEmpty()) {
                    it.remove();
                    byId.remove(e.id);
                    index.remove(e.id, e.key);
                }
            }
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** The buckets in {@code [from, to]} of the series of {@code metric} that satisfy the matchers. */
    List<SketchSeries> select(String metric, List<TagMatcher> matchers, long from, long to) {
        List<SketchSeries> out = new ArrayList<>();
        if (from > to) {
            return out;
        }
        lock.readLock().lock();
        try {
            RoaringBitmap ids = index.select(metric, matchers);
            for (int id : ids) {
                Entry e = byId.get(id);
                if (e != null) {
                    add(out, e.key, e.buckets.subMap(from, true, to, true));
                }
            }
        } finally {
            lock.readLock().unlock();
        }
        return out;
    }

    SortedSet<String> metricNames() {
        return index.metricNames();
    }

    private static void add(List<SketchSeries> out, SeriesKey key, NavigableMap<Long, byte[]> buckets) {
        if (buckets.isEmpty()) {
            return;
        }
        long[] times = new long[buckets.size()];
        byte[][] sketches = new byte[buckets.size()][];
        int i = 0;
        for (var b : buckets.entrySet()) {
            times[i] = b.getKey();
            sketches[i++] = b.getValue();
        }
        out.add(SketchSeries.ofEncoded(key, times, sketches));
    }
}
