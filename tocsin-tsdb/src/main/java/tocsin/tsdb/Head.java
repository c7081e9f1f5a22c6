package tocsin.tsdb;

import org.roaringbitmap.RoaringBitmap;
import tocsin.core.metric.MetricKind;
import tocsin.core.metric.SeriesKey;
import tocsin.core.metric.SeriesQuota;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
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
 *       is a CAS on a counter, the per-metric limit one on the metric's counter, the limit of the batch's
 *       {@link SeriesQuota} one on its {@link Creator}'s: a new series past any is refused ({@code null}); existing
 *       series keep accepting, whoever sends them. A series counts against the creator it was made for until it is
 *       removed as idle; the WAL logs the creator with the series, so that the counts survive a restart.
 *       Creation order is: index (which hands back the shared-string key) → id table → key map; a query that sees
 *       an id before its table entry skips it, which is right, as it has no samples yet.</li>
 *   <li><b>Appends</b> to an existing series take only that series' lock ({@link MemSeries}): no global lock on the
 *       hot path. The index is not touched.</li>
 *   <li><b>Memory</b>: the ~1 KiB-per-series budget is spent on the chunk bytes; the rest is a series object, an
 *       open chunk, a 4-sample reorder window, a map entry, a table slot and a few bitmap entries
 *       ({@code HeadMemoryTest} measures it). Blocks bound it: the head holds at most ~1.5 block ranges of
 *       samples.</li>
 *   <li><b>The floor</b>: once a block range is being written to disk, the head refuses samples older than its
 *       end ({@link MemSeries.Outcome#TOO_OLD}), so that nothing lands in a range after it was cut. The floor only
 *       rises, and the WAL logs it where it rose.</li>
 *   <li><b>Truncation and idle series</b>: after a block is published, {@link #truncateBefore} drops the head's
 *       copy of its samples; series left without samples are then removed ({@link #remove}) from the key map, the
 *       id table and the postings. Their ids are <em>not</em> handed out again while the process runs (a queued
 *       append may still name them, see {@link Tsdb}); a restart may reuse ids that no replayed record names, which
 *       is harmless since blocks do not store head ids. Ids are an {@code int}: creating 2³¹ series in one process
 *       lifetime exhausts them, and new series are then refused as at the series limit.</li>
 * </ul>
 *
 * <h2>Concurrency</h2>
 * Thread-safe: any number of threads may create, append and read at once. {@link Tsdb} appends, raises the floor and
 * removes idle series from its WAL writer thread only, in log order, so that replay rebuilds exactly this state; the
 * maintenance thread reads chunks for blocks and truncates, under each series' lock.
 *
 * <h2>On crash</h2>
 * The head is lost; {@link Tsdb#open} rebuilds it from the blocks' end, the WAL checkpoint and the WAL through
 * {@link #raiseFloor}, {@link #restore} and {@link #append}, which apply the same rules in the same order as the live
 * path.
 */
final class Head {
    static final int STRIPES = 64;
    private static final long CLOCK_BASE_NANOS = System.nanoTime();

    /**
     * A sender series are counted against ({@link SeriesQuota#owner()}): one object per owner, shared by its series,
     * so that a series holds it in one reference. Never removed (owners are the API keys that ever sent).
     */
    static final class Creator {
        final String owner;
        final AtomicInteger series = new AtomicInteger();

        Creator(String owner) {
            this.owner = owner;
        }

        /** Counts one more series unless that would pass {@code max} (0: no limit). */
        boolean reserve(int max) {
            return Head.reserve(series, max);
        }
    }

    /** Seconds on a monotonic clock that starts near 0 when the class loads: series creation times, in an int. */
    static int clockSeconds() {
        return (int) ((System.nanoTime() - CLOCK_BASE_NANOS) / 1_000_000_000L);
    }
    /**
     * How long a series whose definition is not in the WAL yet is kept though empty: an appender creates a series
     * and then queues its points, and removing it in between would make the points re-resolve (and, at a series
     * limit, be refused). An append that fails before reaching the WAL leaves such a series behind; it goes after
     * this long.
     */
    static final int UNLOGGED_GRACE_SECONDS = 60;
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
    private final int maxSeriesPerMetric;
    /** Series per metric name, kept only when {@link #maxSeriesPerMetric} is set; an entry is never removed. */
    private final ConcurrentHashMap<String, AtomicInteger> perMetric = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Creator> creators = new ConcurrentHashMap<>();
    private final long toleranceMillis;
    private final long chunkRange;
    /** Samples older than this are refused; raised by the WAL writer thread (or replay) only. */
    private volatile long floor = Long.MIN_VALUE;
    /** A lower bound of the oldest sample held (exact after {@link #truncateBefore}); MAX_VALUE when empty. */
    private final AtomicLong minTime = new AtomicLong(Long.MAX_VALUE);
    /** The newest sample ever appended; MIN_VALUE before the first. */
    private final AtomicLong maxTime = new AtomicLong(Long.MIN_VALUE);

    /**
     * @param maxSeries       the most series to create, 0 for no limit
     * @param toleranceMillis how much older than a series' newest sample a sample may be (see {@link MemSeries})
     */
    Head(int maxSeries, long toleranceMillis) {
        this(maxSeries, 0, toleranceMillis, XorChunk.MAX_SPAN_MILLIS);
    }

    /**
     * @param maxSeriesPerMetric the most series one metric name may have, 0 for no limit
     * @param chunkRange         no chunk spans two multiples of it: the block range
     */
    Head(int maxSeries, int maxSeriesPerMetric, long toleranceMillis, long chunkRange) {
        this.maxSeries = maxSeries;
        this.maxSeriesPerMetric = maxSeriesPerMetric;
        this.toleranceMillis = toleranceMillis;
        this.chunkRange = chunkRange;
        for (int i = 0; i < STRIPES; i++) {
            creationLocks[i] = new ReentrantLock();
        }
    }

    long chunkRange() {
        return chunkRange;
    }

    long floor() {
        return floor;
    }

    /** Refuses samples older than {@code t} from now on; a lower value changes nothing. */
    void raiseFloor(long t) {
        if (t > floor) {
            floor = t;
        }
    }

    /** A lower bound of the oldest sample held; MAX_VALUE when the head is empty. */
    long minTime() {
        return minTime.get();
    }

    /** The oldest sample at or after {@code floor}, found by walking every series; MAX_VALUE when there is none. */
    long minTimeFrom(long floor) {
        long[] oldest = {Long.MAX_VALUE};
        forEachSeries(s -> oldest[0] = Math.min(oldest[0], s.minTimeFrom(floor)));
        return oldest[0];
    }

    /** The oldest sample held, found by walking every series; also tightens {@link #minTime()}. */
    long exactMinTime() {
        long[] oldest = {Long.MAX_VALUE};
        forEachSeries(s -> oldest[0] = Math.min(oldest[0], s.minTime()));
        long seen = minTime.get();
        if (oldest[0] > seen) {
            minTime.compareAndSet(seen, oldest[0]); // lost to an append that lowered it: that one is right
        }
        return Math.min(oldest[0], minTime.get());
    }

    long maxTime() {
        return maxTime.get();
    }

    int maxSeries() {
        return maxSeries;
    }

    int maxSeriesPerMetric() {
        return maxSeriesPerMetric;
    }

    /** True when {@code metric} has as many series as {@link #maxSeriesPerMetric} allows. */
    boolean metricAtLimit(String metric) {
        if (maxSeriesPerMetric <= 0) {
            return false;
        }
        AtomicInteger n = perMetric.get(metric);
        return n != null && n.get() >= maxSeriesPerMetric;
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
        return getOrCreate(key, kind, null);
    }

    /**
     * The series for {@code key}, created with {@code kind} for {@code quota}'s owner if new (null: no one); null
     * when it is new and a limit is reached, the quota's included.
     */
    MemSeries getOrCreate(SeriesKey key, MetricKind kind, SeriesQuota quota) {
        MemSeries s = byKey.get(key);
        return s != null ? s : create(key, kind, quota);
    }

    /** True when {@code quota}'s owner has created as many live series as it allows. */
    boolean creatorAtLimit(SeriesQuota quota) {
        if (quota == null || quota.maxSeries() <= 0) {
            return false;
        }
        Creator c = creators.get(quota.owner());
        return c != null && c.series.get() >= quota.maxSeries();
    }

    /** Live series per owner that created any, for owners that ever did. */
    java.util.Map<String, Integer> seriesByCreator() {
        java.util.Map<String, Integer> out = new java.util.HashMap<>();
        creators.forEach((owner, c) -> out.put(owner, c.series.get()));
        return out;
    }

    private Creator creator(String owner) {
        return owner == null ? null : creators.computeIfAbsent(owner, Creator::new);
    }

    private MemSeries create(SeriesKey key, MetricKind kind, SeriesQuota quota) {
        ReentrantLock lock = creationLocks[(key.hashCode() & 0x7fff_ffff) % STRIPES];
        lock.lock();
        try {
            MemSeries s = byKey.get(key);
            if (s != null) {
                return s;
            }
            if (nextId.get() == Integer.MAX_VALUE || !reserveSlot()) {
                return null;
            }
            if (!reserveMetricSlot(key.name())) {
                seriesCount.decrementAndGet();
                return null;
            }
            Creator creator = quota == null ? null : creator(quota.owner());
            if (creator != null && !creator.reserve(quota.maxSeries())) {
                seriesCount.decrementAndGet();
                if (maxSeriesPerMetric > 0) {
                    perMetric.get(key.name()).decrementAndGet();
                }
                return null;
            }
            return register(nextId.getAndIncrement(), key, kind, creator);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Recreates a series the WAL defined, under its logged id and creator (null: none) and regardless of the limits
     * (it was admitted when written). A key defined twice keeps its first series, and the second id becomes an alias
     * of it.
     */
    MemSeries restore(int id, SeriesKey key, MetricKind kind, String owner) {
        nextId.accumulateAndGet(id + 1, Math::max);
        MemSeries existing = byKey.get(key);
        if (existing != null) {
            setInTable(id, existing);
            return existing;
        }
        seriesCount.incrementAndGet();
        if (maxSeriesPerMetric > 0) {
            perMetric.computeIfAbsent(key.name(), k -> new AtomicInteger()).incrementAndGet();
        }
        Creator creator = creator(owner);
        if (creator != null) {
            creator.series.incrementAndGet();
        }
        return register(id, key, kind, creator);
    }

    /** Keeps ids that appear only in samples (their definition was lost) from being handed out again. */
    void reserveId(int id) {
        nextId.accumulateAndGet(id + 1, Math::max);
    }

    MemSeries.Outcome append(MemSeries series, long t, double value) {
        if (t < floor) {
            return MemSeries.Outcome.TOO_OLD;
        }
        MemSeries.Outcome outcome = series.append(t, value, toleranceMillis, chunkRange);
        if (outcome == MemSeries.Outcome.APPENDED) {
            if (t > maxTime.get()) {
                maxTime.accumulateAndGet(t, Math::max);
            }
            if (t < minTime.get()) {
                minTime.accumulateAndGet(t, Math::min);
            }
        }
        return outcome;
    }

    /** One more than the highest id handed out or restored: every id is below it. */
    int idLimit() {
        return nextId.get();
    }

    /** Calls {@code action} for every series (not for alias ids), in id order. */
    void forEachSeries(Consumer<MemSeries> action) {
        int limit = nextId.get();
        for (int id = 0; id < limit; id++) {
            MemSeries s = byId(id);
            if (s != null && s.id == id) {
                action.accept(s);
            }
        }
    }

    /**
     * Drops every series' samples older than {@code floor} (they are in a published block) and recomputes the
     * head's oldest time. Returns the series left empty, the candidates for {@link #remove}.
     */
    List<MemSeries> truncateBefore(long floor) {
        List<MemSeries> empty = new ArrayList<>();
        long[] oldest = {Long.MAX_VALUE};
        forEachSeries(s -> {
            if (s.truncateBefore(floor)) {
                empty.add(s);
            } else {
                oldest[0] = Math.min(oldest[0], s.minTime());
            }
        });
        // Appends racing with the scan are newer than the floor; a sample they add below the scan's minimum lowers
        // minTime again through append, so a CAS against what was read keeps the bound a lower bound.
        long seen = minTime.get();
        if (oldest[0] > seen) {
            minTime.compareAndSet(seen, oldest[0]);
        }
        return empty;
    }

    /**
     * Removes series that are still empty from the key map, the id table (aliases included) and the postings; marks
     * them {@link MemSeries#removed}. Call on the thread that appends (the WAL writer), so that no sample can land
     * in a series between the check and the removal.
     */
    int remove(List<MemSeries> candidates) {
        int removed = 0;
        int now = clockSeconds();
        for (MemSeries s : candidates) {
            if (s.removed || !s.isEmpty()) {
                continue;
            }
            if (!s.logged && now - s.createdSecond < UNLOGGED_GRACE_SECONDS) {
                continue; // just created by an append still on its way to the WAL: it is about to get its samples
            }
            ReentrantLock lock = creationLocks[(s.key.hashCode() & 0x7fff_ffff) % STRIPES];
            lock.lock();
            try {
                if (!byKey.remove(s.key, s)) {
                    continue;
                }
                s.removed = true;
                setInTable(s.id, null);
                index.remove(s.id, s.key);
                seriesCount.decrementAndGet();
                if (maxSeriesPerMetric > 0) {
                    perMetric.get(s.key.name()).decrementAndGet();
                }
                if (s.creator != null) {
                    s.creator.series.decrementAndGet();
                }
                removed++;
            } finally {
                lock.unlock();
            }
        }
        if (removed > 0) {
            int limit = nextId.get();
            for (int id = 0; id < limit; id++) { // alias ids of removed series
                MemSeries s = byId(id);
                if (s != null && s.removed) {
                    setInTable(id, null);
                }
            }
        }
        return removed;
    }

    /** Chunks held by all series; for statistics (walks every series). */
    long chunkCount() {
        long[] n = {0};
        forEachSeries(s -> n[0] += s.chunksHeld());
        return n[0];
    }

    /** The series of {@code metric} matching every matcher; ids whose series is still being created are skipped. */
    RoaringBitmap select(String metric, List<TagMatcher> matchers) {
        return index.select(metric, matchers);
    }

    private boolean reserveSlot() {
        return reserve(seriesCount, maxSeries);
    }

    private boolean reserveMetricSlot(String metric) {
        return maxSeriesPerMetric <= 0
                || reserve(perMetric.computeIfAbsent(metric, k -> new AtomicInteger()), maxSeriesPerMetric);
    }

    /** Adds one to {@code count} unless that would pass {@code max} (0: no limit); whether it did. */
    static boolean reserve(AtomicInteger count, int max) {
        while (true) {
            int v = count.get();
            if (max > 0 && v >= max) {
                return false;
            }
            if (count.compareAndSet(v, v + 1)) {
                return true;
            }
        }
    }

    private MemSeries register(int id, SeriesKey key, MetricKind kind, Creator creator) {
        SeriesKey shared = index.add(id, key);
        MemSeries s = new MemSeries(id, shared, kind, this, creator);
        setInTable(id, s);
        byKey.put(shared, s);
        return s;
    }

    private void setInTable(int id, MemSeries s) {
        int page = id >>> PAGE_BITS;
        AtomicReferenceArray<MemSeries>[] p = pages;
        if (s == null && (page >= p.length || p[page] == null)) {
            return;
        }
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
