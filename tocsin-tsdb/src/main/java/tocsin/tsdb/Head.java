package tocsin.tsdb;

import org.roaringbitmap.RoaringBitmap;
import tocsin.core.metric.MetricKind;
import tocsin.core.metric.SeriesKey;

import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The in-memory part of the store: every series with its recent samples in compressed chunks, found by key, by id
 * and through the {@link PostingsIndex}.
 *
 * <h2>Design</h2>
 * <ul>
 *   <li><b>Series</b> get dense int ids in creation order; ids are what the WAL and the index hold. A
 *       {@link ConcurrentHashMap} maps key → series for appenders, a paged table maps id → series for queries.</li>
 *   <li><b>Creation</b> happens under one of {@value #STRIPES} locks picked by the key's hash, so two appenders
 *       racing on the same new key create it once and different keys do not wait for each other. The series limit
 *       is a CAS on a counter: a new series past it is refused ({@code null}); existing series keep accepting.
 *       Creation order is: index (which hands back the shared-string key) → id table → key map; a query that sees
 *       an id before its table entry skips it, which is right, as it has no samples yet.</li>
 *   <li><b>Appends</b> to an existing series take only that series' lock ({@link MemSeries}): no global lock on the
 *       hot path. The index is not touched.</li>
 *   <li><b>Memory</b>: the ~1 KiB-per-series budget is spent on the chunk bytes; the rest is a series object, an
 *       open chunk, a 4-sample reorder window, a map entry, a table slot and a few bitmap entries
 *       ({@code HeadMemoryTest} measures it).</li>
 * </ul>
 *
 * <h2>Concurrency</h2>
 * Thread-safe: any number of threads may create, append and read at once. {@link Tsdb} appends from its WAL writer
 * thread only, in log order, so that replay rebuilds exactly this state; that is a choice of the store, not a
 * requirement of the head.
 *
 * <h2>On crash</h2>
 * The head is lost; {@link Tsdb#open} rebuilds it from the WAL through {@link #restore} and {@link #append}, which
 * apply the same rules in the same order as the live path.
 */
final class Head {
    static final int STRIPES = 64;
    private static final int PAGE_BITS = 12;
    private static final int PAGE_SIZE = 1 << PAGE_BITS;

    private final ConcurrentHashMap<SeriesKey, MemSeries> byKey = new ConcurrentHashMap<>();
    private volatile AtomicReferenceArray<MemSeries>[] pages = newPages(16);
    private final ReentrantLock pagesLock = new ReentrantLock();
    private final PostingsIndex index = new PostingsIndex();
    private final ReentrantLock[] creationLocks = new ReentrantLock[STRIPES];
    private final AtomicInteger seriesCount = new AtomicInteger();
    private final AtomicInteger nextId = new AtomicInteger();
    private final int maxSeries;
    private final long toleranceMillis;

    /**
     * @param maxSeries       the most series to create, 0 for no limit
     * @param toleranceMillis how much older than a series' newest sample a sample may be (see {@link MemSeries})
     */
    Head(int maxSeries, long toleranceMillis) {
        this.maxSeries = maxSeries;
        this.toleranceMillis = toleranceMillis;
        for (int i = 0; i < STRIPES; i++) {
            creationLocks[i] = new ReentrantLock();
        }
    }

    int maxSeries() {
        return maxSeries;
    }

    long toleranceMillis() {
        return toleranceMillis;
    }

    int seriesCount() {
        return seriesCount.get();
    }

    PostingsIndex index() {
        return index;
    }

    MemSeries get(SeriesKey key) {
        return byKey.get(key);
    }

    MemSeries byId(int id) {
        AtomicReferenceArray<MemSeries>[] p = pages;
        int page = id >>> PAGE_BITS;
        return id < 0 || page >= p.length || p[page] == null ? null : p[page].get(id & (PAGE_SIZE - 1));
    }

    /** The series for {@code key}, created with {@code kind} if new; null when it is new and the limit is reached. */
    MemSeries getOrCreate(SeriesKey key, MetricKind kind) {
        MemSeries s = byKey.get(key);
        return s != null ? s : create(key, kind);
    }

    private MemSeries create(SeriesKey key, MetricKind kind) {
        ReentrantLock lock = creationLocks[(key.hashCode() & 0x7fff_ffff) % STRIPES];
        lock.lock();
        try {
            MemSeries s = byKey.get(key);
            if (s != null) {
                return s;
            }
            if (!reserveSlot()) {
                return null;
            }
            return register(nextId.getAndIncrement(), key, kind);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Recreates a series the WAL defined, under its logged id and regardless of the limit (it was admitted when
     * written). A key defined twice keeps its first series, and the second id becomes an alias of it.
     */
    MemSeries restore(int id, SeriesKey key, MetricKind kind) {
        nextId.accumulateAndGet(id + 1, Math::max);
        MemSeries existing = byKey.get(key);
        if (existing != null) {
            setInTable(id, existing);
            return existing;
        }
        seriesCount.incrementAndGet();
        return register(id, key, kind);
    }

    /** Keeps ids that appear only in samples (their definition was lost) from being handed out again. */
    void reserveId(int id) {
        nextId.accumulateAndGet(id + 1, Math::max);
    }

    MemSeries.Outcome append(MemSeries series, long t, double value) {
        return series.append(t, value, toleranceMillis);
    }

    /** The series of {@code metric} matching every matcher; ids whose series is still being created are skipped. */
    RoaringBitmap select(String metric, List<TagMatcher> matchers) {
        return index.select(metric, matchers);
    }

    private boolean reserveSlot() {
        while (true) {
            int n = seriesCount.get();
            if (maxSeries > 0 && n >= maxSeries) {
                return false;
            }
            if (seriesCount.compareAndSet(n, n + 1)) {
                return true;
            }
        }
    }

    private MemSeries register(int id, SeriesKey key, MetricKind kind) {
        SeriesKey shared = index.add(id, key);
        MemSeries s = new MemSeries(id, shared, kind);
        setInTable(id, s);
        byKey.put(shared, s);
        return s;
    }

    private void setInTable(int id, MemSeries s) {
        int page = id >>> PAGE_BITS;
        AtomicReferenceArray<MemSeries>[] p = pages;
        if (page >= p.length || p[page] == null) {
            pagesLock.lock();
            try {
                p = pages;
                if (page >= p.length) {
                    AtomicReferenceArray<MemSeries>[] grown = newPages(Math.max(page + 1, p.length * 2));
                    System.arraycopy(p, 0, grown, 0, p.length);
                    p = grown;
                }
                if (p[page] == null) {
                    p = p == pages ? p.clone() : p;
                    p[page] = new AtomicReferenceArray<>(PAGE_SIZE);
                }
                pages = p; // publishes the new page before any id on it is handed to a reader
            } finally {
                pagesLock.unlock();
            }
        }
        p[page].set(id & (PAGE_SIZE - 1), s);
    }

    @SuppressWarnings("unchecked")
    private static AtomicReferenceArray<MemSeries>[] newPages(int n) {
        return (AtomicReferenceArray<MemSeries>[]) new AtomicReferenceArray<?>[n];
    }
}
