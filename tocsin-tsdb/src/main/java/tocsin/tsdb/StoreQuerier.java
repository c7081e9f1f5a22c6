package tocsin.tsdb;

import org.roaringbitmap.RoaringBitmap;
import tocsin.core.metric.MetricKind;
import tocsin.core.metric.SampleBuffer;
import tocsin.core.metric.SeriesKey;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.ObjIntConsumer;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * A {@link Querier} over one pinned {@link BlockSet.View}: its blocks that overlap the range, and the head from the
 * view's floor on. A series found in several places appears once, its samples merged in time order; blocks do not
 * overlap and the head starts where they end, so merging is normally a concatenation, and where parts do overlap
 * (never by construction, but a block from elsewhere could) equal timestamps keep the newest part's value. A series'
 * kind is its newest part's: the head's, else the newest block's.
 *
 * <p>Thread-safe. Until {@link #close()} the view's blocks stay mapped and the head keeps the samples the view
 * reads from it; reading after close throws {@link IllegalStateException}.
 */
final class StoreQuerier implements Querier {
    private final BlockSet blockSet;
    private final BlockSet.View view;
    private final List<Block> inRange = new ArrayList<>();
    private final Head head;
    private final HeadQuerier headPart;
    private final long min;
    private final long max;
    private final ReentrantReadWriteLock closeLock = new ReentrantReadWriteLock();
    private final LongAdder rawChunks = new LongAdder();
    private final LongAdder rawBytes = new LongAdder();
    private final LongAdder rollupChunks = new LongAdder();
    private final LongAdder rollupBytes = new LongAdder();
    private boolean closed;
    /** Where a large {@link #select} decodes its series side by side; null decodes them on the caller's thread. */
    private final ForkJoinPool decodePool;

    /** Selections of at least this many series are decoded in {@link #decodePool}. */
    static final int PARALLEL_MIN_SERIES = 1024;

    /** Takes over the pin of {@code view}, released by {@link #close()}. */
    StoreQuerier(BlockSet blockSet, BlockSet.View view, Head head, long min, long max) {
        this(blockSet, view, head, min, max, null);
    }

    /** As above, decoding large selections in {@code decodePool} (null: on the caller's thread). */
    StoreQuerier(BlockSet blockSet, BlockSet.View view, Head head, long min, long max, ForkJoinPool decodePool) {
        this.decodePool = decodePool;
        this.blockSet = blockSet;
        this.view = view;
        this.head = head;
        this.min = min;
        this.max = max;
        for (Block b : view.blocks()) {
            if (b.meta().overlaps(min, max)) {
                inRange.add(b);
            }
        }
        long headMin = Math.max(min, view.headFloor());
        this.headPart = headMin <= max ? new HeadQuerier(head, headMin, max) : null;
    }

    @Override
    public long minMillis() {
        return min;
    }

    @Override
    public long maxMillis() {
        return max;
    }

    /** Where one series' samples are: series ordinals per block of {@link #inRange} (-1: absent), and the head. */
    private static final class Sources {
        final int[] ordinals;
        MemSeries series;

        Sources(int blocks) {
            ordinals = new int[blocks];
            Arrays.fill(ordinals, -1);
        }

        /** Whether the series is in a block in range or in the head. */
        boolean known() {
            return series != null || Arrays.stream(ordinals).anyMatch(o -> o >= 0);
        }
    }

    /** Where one series is, by key. Called under the read lock. */
    private Sources locate(SeriesKey key) {
        Sources sources = new Sources(inRange.size());
        for (int i = 0; i < inRange.size(); i++) {
            BlockIndex index = inRange.get(i).index();
            sources.ordinals[i] = blockRead(() -> index.find(key));
        }
        sources.series = head.get(key);
        return sources;
    }

    @Override
    public List<SeriesKey> series(String metricName, List<TagMatcher> matchers) {
        return List.of(sources(metricName, matchers).keys());
    }

    /**
     * {@inheritDoc}
     *
     * <p>A small selection is decoded lazily, as the stream is consumed. One of {@value #PARALLEL_MIN_SERIES} series
     * or more is decoded up front on the store's decode pool, series side by side on every core (a query over a
     * fleet is mostly decoding), and then streamed in key order.
     */
    @Override
    public Stream<SeriesData> select(String metricName, List<TagMatcher> matchers) {
        Found found = sources(metricName, matchers);
        SeriesKey[] keys = found.keys();
        Sources[] sources = found.sources();
        if (decodePool == null || keys.length < PARALLEL_MIN_SERIES) {
            return IntStream.range(0, keys.length).mapToObj(i -> read(() -> decode(keys[i], sources[i])))
                    .filter(d -> !d.isEmpty());
        }
        SeriesData[] decoded = new SeriesData[keys.length];
        try {
            decodePool.submit(() -> IntStream.range(0, keys.length).parallel()
                    .forEach(i -> decoded[i] = read(() -> decode(keys[i], sources[i])))).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while decoding " + keys.length + " series", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(e.getCause());
        }
        return Arrays.stream(decoded).filter(d -> !d.isEmpty());
    }

    @Override
    public SeriesSelection selectLazily(String metricName, List<TagMatcher> matchers) {
        Found found = sources(metricName, matchers);
        SeriesKey[] keys = found.keys();
        Sources[] sources = found.sources();
        return new SeriesSelection() {
            @Override
            public int size() {
                return keys.length;
            }

            @Override
            public SeriesKey key(int i) {
                return keys[i];
            }

            @Override
            public MetricKind decodeInto(int i, SampleBuffer buf) {
                return read(() -> StoreQuerier.this.decodeInto(keys[i], sources[i], buf));
            }
        };
    }

    @Override
    public Optional<SeriesData> read(SeriesKey key) {
        Objects.requireNonNull(key, "key");
        return read(() -> {
            Sources sources = locate(key);
            boolean known = sources.known();
            MetricKind kind = null;
            for (Block b : view.blocks()) { // a series only in blocks out of range is still known, without samples
                if (!known && !inRange.contains(b)) {
                    int ordinal = blockRead(() -> b.index().find(key));
                    if (ordinal >= 0) {
                        known = true;
                        kind = blockRead(() -> b.index().series(ordinal)).kind();
                    }
                }
            }
            if (!known) {
                return Optional.<SeriesData>empty();
            }
            SeriesData data = decode(key, sources);
            return Optional.of(kind == null ? data : new SeriesData(key, kind, new long[0], new double[0]));
        });
    }

    @Override
    public Stream<RollupData> selectRollups(String metricName, List<TagMatcher> matchers, long resolutionMillis,
                                            RollupBounds bounds) {
        checkResolution(resolutionMillis);
        Objects.requireNonNull(bounds, "bounds");
        Found found = sources(metricName, matchers);
        return IntStream.range(0, found.keys().length)
                .mapToObj(i -> read(() -> rollup(found.keys()[i], found.sources()[i], resolutionMillis, bounds)))
                .filter(d -> !d.isEmpty());
    }

    @Override
    public Optional<RollupData> readRollup(SeriesKey key, long resolutionMillis) {
        Objects.requireNonNull(key, "key");
        checkResolution(resolutionMillis);
        return read(() -> {
            Sources sources = locate(key);
            return sources.known() ? Optional.of(rollup(key, sources, resolutionMillis, RollupBounds.START_INCLUSIVE))
                    : Optional.<RollupData>empty();
        });
    }

    @Override
    public ReadStats stats() {
        return new ReadStats(rawChunks.sum(), rawBytes.sum(), rollupChunks.sum(), rollupBytes.sum());
    }

    private static void checkResolution(long resolutionMillis) {
        if (resolutionMillis <= 0) {
            throw new IllegalArgumentException("resolution must be positive, was " + resolutionMillis);
        }
    }

    /**
     * A series' buckets: part by part in time order (blocks, then the head), each block's whole buckets inside the
     * range from its stored rollups when it has a usable resolution, the rest from raw samples. Parts that overlap
     * (never by construction) are merged as raw samples instead. Called under the read lock.
     *
     * <p>Within a block, the stored buckets starting in {@code [from, to)} give the samples in {@code [from, to)}
     * ({@link RollupBounds#START_INCLUSIVE}), or (version 2, {@link RollupBounds#END_INCLUSIVE}) their open parts and
     * the edges in range from {@code from} to {@code to} (the edge at {@code to} is stored with the bucket starting
     * there, in this block unless {@code to} is the block's end, which is then out of range anyway); raw samples fill
     * the rest of the block's part of the range on either side.
     */
    private RollupData rollup(SeriesKey key, Sources sources, long resolution, RollupBounds bounds) {
        long previousEnd = Long.MIN_VALUE;
        for (int i = 0; i < inRange.size(); i++) {
            if (sources.ordinals[i] >= 0) {
                if (inRange.get(i).meta().minTime() < previousEnd) {
                    SeriesData merged = decode(key, sources);
                    return Querier.aggregate(merged, resolution, bounds);
                }
                previousEnd = inRange.get(i).meta().maxTime();
            }
        }
        boolean endInclusive = bounds == RollupBounds.END_INCLUSIVE;
        RollupBuckets out = new RollupBuckets(resolution, bounds);
        MetricKind kind = forEachBlockPart(sources, (b, ordinal, s) -> {
            long lo = Math.max(min, b.meta().minTime());
            long hi = Math.min(max, b.meta().maxTime() - 1);
            RollupFile stored = b.rollups();
            long usable = stored == null ? 0 : stored.usableFor(resolution, bounds);
            long from = Math.ceilDiv(endInclusive ? lo - 1 : lo, resolution) * resolution;
            long to = Math.floorDiv(hi + 1, resolution) * resolution; // exclusive
            if (usable == 0 || from >= to) {
                feedRaw(b, s, lo, hi, out);
                return;
            }
            long edgeFrom = endInclusive ? Math.max(from, lo) : from;
            long edgeTo = endInclusive ? Math.min(to, hi) : to - 1;
            long rawAfter = endInclusive ? to + 1 : to;
            feedRaw(b, s, lo, from - 1, out);
            blockRead(() -> {
                stored.read(ordinal, usable, from, to, edgeFrom, edgeTo, out, bytes -> {
                    rollupChunks.increment();
                    rollupBytes.add(bytes);
                });
                return null;
            });
            feedRaw(b, s, rawAfter, hi, out);
        });
        if (sources.series != null) {
            kind = sources.series.kind;
            if (headPart != null) {
                SeriesData d = headPart.decode(sources.series);
                for (int i = 0; i < d.size(); i++) {
                    out.add(d.timestamp(i), d.value(i));
                }
            }
        }
        return out.toData(key, kind == null ? MetricKind.GAUGE : kind);
    }

    private interface BlockPart {
        void accept(Block block, int ordinal, BlockIndex.Series series);
    }

    /** Calls {@code part} for each block in range holding the series, oldest first; returns the newest's kind. */
    private MetricKind forEachBlockPart(Sources sources, BlockPart part) {
        MetricKind kind = null;
        for (int i = 0; i < inRange.size(); i++) {
            if (sources.ordinals[i] < 0) {
                continue;
            }
            Block b = inRange.get(i);
            int ordinal = sources.ordinals[i];
            BlockIndex.Series s = blockRead(() -> b.index().series(ordinal));
            kind = s.kind();
            part.accept(b, ordinal, s);
        }
        return kind;
    }

    /** Adds the block's samples of series {@code s} in {@code [lo, hi]} to {@code out}. */
    private void feedRaw(Block b, BlockIndex.Series s, long lo, long hi, RollupBuckets out) {
        for (int c = 0; c < s.refs().length && lo <= hi; c++) {
            if (s.minTimes()[c] > hi || s.maxTimes()[c] < lo) {
                continue;
            }
            Chunk chunk = b.chunk(s.refs()[c], s.minTimes()[c], s.maxTimes()[c]);
            if (chunk == null) {
                continue;
            }
            rawChunks.increment();
            rawBytes.add(chunk.bytes().length);
            for (ChunkIterator it = chunk.iterator(); it.next(); ) {
                long t = it.timestamp();
                if (t > hi) {
                    break;
                }
                if (t >= lo) {
                    out.add(t, it.value());
                }
            }
        }
    }

    @Override
    public SortedSet<String> metricNames() {
        return read(() -> {
            TreeSet<String> names = new TreeSet<>(head.index().metricNames());
            for (Block b : view.blocks()) {
                names.addAll(b.index().metricNames());
            }
            return Collections.unmodifiableSortedSet(names);
        });
    }

    @Override
    public SortedSet<String> tagKeys(String metricName) {
        return read(() -> {
            TreeSet<String> keys = new TreeSet<>(head.index().tagKeys(metricName));
            for (Block b : view.blocks()) {
                keys.addAll(b.index().tagKeys(metricName));
            }
            return Collections.unmodifiableSortedSet(keys);
        });
    }

    @Override
    public SortedSet<String> tagValues(String metricName, String key) {
        return read(() -> {
            TreeSet<String> values = new TreeSet<>(head.index().tagValues(metricName, key));
            for (Block b : view.blocks()) {
                values.addAll(b.index().tagValues(metricName, key));
            }
            return Collections.unmodifiableSortedSet(values);
        });
    }

    @Override
    public void close() {
        closeLock.writeLock().lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
        } finally {
            closeLock.writeLock().unlock();
        }
        blockSet.unpin(view);
    }

    /** Series found by a selection, in key order, each with where its samples are. */
    private record Found(SeriesKey[] keys, Sources[] sources) {
        static final Found NONE = new Found(new SeriesKey[0], new Sources[0]);

        /**
         * These series and the first {@code n} of {@code run} (keys in increasing order, as every part gives them:
         * a block's ordinals follow its keys, the head sorts its selection), merged in one linear pass; a key in both
         * gets the run's location attached by {@code attach(sources, indexInRun)}.
         */
        Found merge(SeriesKey[] run, int n, int blocks, ObjIntConsumer<Sources> attach) {
            SeriesKey[] mergedKeys = new SeriesKey[keys.length + n];
            Sources[] mergedSources = new Sources[mergedKeys.length];
            int i = 0;
            int j = 0;
            int m = 0;
            while (i < keys.length || j < n) {
                int c = i == keys.length ? 1 : j == n ? -1 : keys[i].compareTo(run[j]);
                if (c < 0) {
                    mergedKeys[m] = keys[i];
                    mergedSources[m++] = sources[i++];
                    continue;
                }
                Sources where = c == 0 ? sources[i++] : new Sources(blocks);
                attach.accept(where, j);
                mergedKeys[m] = run[j++];
                mergedSources[m++] = where;
            }
            return m == mergedKeys.length ? new Found(mergedKeys, mergedSources)
                    : new Found(Arrays.copyOf(mergedKeys, m), Arrays.copyOf(mergedSources, m));
        }
    }

    /**
     * The matching series with samples (by chunk bounds) in range, by key, with where to find them: each part's
     * selection comes in key order, so they merge linearly (no tree, no sort of the whole).
     */
    private Found sources(String metricName, List<TagMatcher> matchers) {
        Objects.requireNonNull(metricName, "metricName");
        List<TagMatcher> copy = List.copyOf(matchers);
        return read(() -> {
            int blocks = inRange.size();
            Found found = Found.NONE;
            for (int i = 0; i < blocks; i++) {
                int block = i;
                BlockIndex index = inRange.get(i).index();
                RoaringBitmap ordinals = index.select(metricName, copy);
                SeriesKey[] keys = new SeriesKey[ordinals.getCardinality()];
                int[] overlapping = new int[keys.length];
                int n = 0;
                for (int ordinal : ordinals) { // ascending ordinals: ascending keys
                    BlockIndex.Series s = blockRead(() -> index.series(ordinal));
                    if (anyChunkOverlaps(s)) {
                        keys[n] = s.key();
                        overlapping[n++] = ordinal;
                    }
                }
                found = found.merge(keys, n, blocks, (where, j) -> where.ordinals[block] = overlapping[j]);
            }
            if (headPart != null) {
                List<MemSeries> selected = headPart.selected(metricName, copy);
                SeriesKey[] keys = new SeriesKey[selected.size()];
                for (int j = 0; j < keys.length; j++) {
                    keys[j] = selected.get(j).key;
                }
                found = found.merge(keys, keys.length, blocks, (where, j) -> where.series = selected.get(j));
            }
            return found;
        });
    }

    private boolean anyChunkOverlaps(BlockIndex.Series s) {
        for (int c = 0; c < s.refs().length; c++) {
            if (s.minTimes()[c] <= max && s.maxTimes()[c] >= min) {
                return true;
            }
        }
        return false;
    }

    /** Decodes a series' samples in range from every part and merges them. Called under the read lock. */
    private SeriesData decode(SeriesKey key, Sources sources) {
        List<long[]> times = new ArrayList<>();
        List<double[]> values = new ArrayList<>();
        MetricKind kind = forEachBlockPart(sources, (b, ordinal, s) -> decodeBlockSeries(b, s, times, values));
        if (sources.series != null) {
            kind = sources.series.kind;
            if (headPart != null) {
                SeriesData d = headPart.decode(sources.series); // fresh arrays, handed on
                times.add(d.sharedTimestamps());
                values.add(d.sharedValues());
            }
        }
        return merge(key, kind, times, values);
    }

    /**
     * {@link #decode} into a reused buffer: the parts are appended one after the other, which is the whole merge when
     * each starts after the previous one ends (always, by construction); otherwise the buffer is refilled from
     * {@link #decode}'s merge. Called under the read lock.
     */
    private MetricKind decodeInto(SeriesKey key, Sources sources, SampleBuffer buf) {
        buf.clear();
        boolean[] ordered = {true};
        MetricKind kind = forEachBlockPart(sources, (b, ordinal, s) -> {
            int start = buf.size();
            appendBlockSeries(b, s, buf);
            ordered[0] &= startsAfter(buf, start);
        });
        if (sources.series != null) {
            kind = sources.series.kind;
            if (headPart != null) {
                int start = buf.size();
                headPart.decodeInto(sources.series, buf);
                ordered[0] &= startsAfter(buf, start);
            }
        }
        if (!ordered[0]) {
            SeriesData merged = decode(key, sources);
            buf.replaceWith(merged.sharedTimestamps(), merged.sharedValues(), merged.size());
        }
        return kind == null ? MetricKind.GAUGE : kind;
    }

    /** Whether the samples appended from {@code start} on come after those before it. */
    private static boolean startsAfter(SampleBuffer buf, int start) {
        return start == 0 || start == buf.size() || buf.timestamps()[start] > buf.timestamps()[start - 1];
    }

    private void appendBlockSeries(Block b, BlockIndex.Series s, SampleBuffer buf) {
        for (int c = 0; c < s.refs().length; c++) {
            if (s.minTimes()[c] <= max && s.maxTimes()[c] >= min) {
                Chunk chunk = b.chunk(s.refs()[c], s.minTimes()[c], s.maxTimes()[c]);
                if (chunk != null) {
                    rawChunks.increment();
                    rawBytes.add(chunk.bytes().length);
                    buf.reserve(chunk.count());
                    buf.setSize(chunk.decodeInto(min, max, buf.timestamps(), buf.values(), buf.size()));
                }
            }
        }
    }

    private void decodeBlockSeries(Block b, BlockIndex.Series s, List<long[]> times, List<double[]> values) {
        SampleBuffer buf = new SampleBuffer(1);
        appendBlockSeries(b, s, buf);
        times.add(Arrays.copyOf(buf.timestamps(), buf.size()));
        values.add(Arrays.copyOf(buf.values(), buf.size()));
    }

    /**
     * Concatenates parts that follow each other in time; merges them when they overlap, the later part winning at an
     * equal timestamp (parts come oldest first: blocks in order, then the head). Each part must be strictly
     * ascending, as chunks are, and is owned by the caller's result afterwards (a lone part is used as is). The
     * overlap case (a block cut from the head while a reader still holds the head's copy, or blocks that overlap
     * before compaction) is a linear merge of two runs at a time, never a per-point sort.
     */
    static SeriesData merge(SeriesKey key, MetricKind kind, List<long[]> times, List<double[]> values) {
        MetricKind k = kind == null ? MetricKind.GAUGE : kind;
        int total = 0;
        int parts = 0;
        int lone = -1;
        boolean ordered = true;
        long last = Long.MIN_VALUE;
        for (int p = 0; p < times.size(); p++) {
            long[] ts = times.get(p);
            if (ts.length == 0) {
                continue;
            }
            if (parts > 0 && ts[0] <= last) {
                ordered = false;
            }
            parts++;
            lone = p;
            last = ts[ts.length - 1];
            total += ts.length;
        }
        if (parts == 0) {
            return new SeriesData(key, k, new long[0], new double[0]);
        }
        if (parts == 1) {
            return new SeriesData(key, k, times.get(lone), values.get(lone));
        }
        if (ordered) {
            long[] outT = new long[total];
            double[] outV = new double[total];
            int n = 0;
            for (int p = 0; p < times.size(); p++) {
                System.arraycopy(times.get(p), 0, outT, n, times.get(p).length);
                System.arraycopy(values.get(p), 0, outV, n, values.get(p).length);
                n += times.get(p).length;
            }
            return new SeriesData(key, k, outT, outV);
        }
        long[] accT = new long[0];
        double[] accV = new double[0];
        for (int p = 0; p < times.size(); p++) {
            long[] ts = times.get(p);
            double[] vs = values.get(p);
            if (ts.length == 0) {
                continue;
            }
            if (accT.length == 0) {
                accT = ts;
                accV = vs;
                continue;
            }
            int a = accT.length;
            int b = ts.length;
            long[] mt = new long[a + b];
            double[] mv = new double[a + b];
            int i = 0;
            int j = 0;
            int n = 0;
            while (i < a && j < b) {
                long ta = accT[i];
                long tb = ts[j];
                if (ta < tb) {
                    mt[n] = ta;
                    mv[n++] = accV[i++];
                } else {
                    mt[n] = tb;
                    mv[n++] = vs[j++];
                    if (ta == tb) {
                        i++; // the later part wins
                    }
                }
            }
            System.arraycopy(accT, i, mt, n, a - i);
            System.arraycopy(accV, i, mv, n, a - i);
            n += a - i;
            System.arraycopy(ts, j, mt, n, b - j);
            System.arraycopy(vs, j, mv, n, b - j);
            n += b - j;
            accT = n == mt.length ? mt : Arrays.copyOf(mt, n);
            accV = n == mv.length ? mv : Arrays.copyOf(mv, n);
        }
        return new SeriesData(key, k, accT, accV);
    }

    private interface Read<T> {
        T get();
    }

    /** Runs a read unless the querier is closed; closing waits for reads in progress. */
    private <T> T read(Read<T> body) {
        closeLock.readLock().lock();
        try {
            if (closed) {
                throw new IllegalStateException("the querier is closed; its blocks may be gone");
            }
            return body.get();
        } finally {
            closeLock.readLock().unlock();
        }
    }

    private interface BlockRead<T> {
        T get() throws BlockFormat.CorruptBlockException;
    }

    /** The index passed its CRC at open, so a failure here is the file changing under the store. */
    private static <T> T blockRead(BlockRead<T> read) {
        try {
            return read.get();
        } catch (BlockFormat.CorruptBlockException e) {
            throw new IllegalStateException("a block index changed on disk after it was checked: " + e.getMessage(),
                    e);
        }
    }
}
