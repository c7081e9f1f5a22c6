package tocsin.tsdb;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tocsin.core.metric.MetricBatch;
import tocsin.core.metric.MetricKind;
import tocsin.core.metric.Rejection;
import tocsin.core.metric.SeriesHints;
import tocsin.core.metric.SeriesKey;
import tocsin.core.metric.SeriesQuota;
import tocsin.core.metric.SketchBatch;

import java.io.IOException;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Tocsin's embedded time-series store: the one way in to this module.
 * <pre>{@code
 * try (Tsdb tsdb = Tsdb.open(TsdbOptions.of(dataDir.resolve("metrics")))) {
 *     AppendResult r = tsdb.append(batch);           // durable when it returns
 *     try (Querier q = tsdb.querier(from, to)) {
 *         q.select("system.cpu.user", List.of(new TagMatcher.HasTag("env:prod"))).forEach(...);
 *     }
 * }
 * }</pre>
 *
 * <h2>The path of a batch</h2>
 * On the calling thread: each point is checked against what does not depend on order (its timestamp against the
 * clock, its series against the series limit, its kind against the series' kind, which the first point decides),
 * its series is found or created, and the survivors are framed as one WAL record. The {@link Wal} writer thread
 * logs it with others in a group commit, syncs, and then applies the group to the {@link Head} in log order, so that
 * order-dependent rules (out of order, duplicates) give the same answers live and at replay. The call returns
 * after that. Points are visible to queries once their append has returned, never before they are durable.
 *
 * <h2>Blocks</h2>
 * The head keeps at most ~1.5 block ranges of samples: the {@link Maintenance} thread writes the oldest range to an
 * immutable on-disk {@link Block}, checkpoints the WAL and drops the head's copy (see there for the sequence and what
 * a crash at each step leaves). Queries read a pinned {@link BlockSet.View}: the blocks in range and the head from
 * the view's floor on ({@link StoreQuerier}).
 *
 * <h2>Idle series</h2>
 * A series left without samples in the head after a truncation is removed from it (its samples live on in blocks).
 * An append may have resolved its key to that series just before: the WAL writer, which performs the removal
 * between groups, finds such points in its next group ({@link MemSeries#removed}) and moves them to the key's
 * series, created again under a new id, before logging. The limit and kind checks are made again for them.
 *
 * <h2>Distributions</h2>
 * Distribution metrics are kept as mergeable sketches, one per series per 10-second bucket, in a store of their own
 * under {@code sketches/} with its own log, blocks, compaction and retention ({@link SketchStore}):
 * {@link #appendSketches} and {@link #sketchQuerier}.
 *
 * <p>Thread-safe: any number of threads may append and query at once.
 *
 * <p>On open: leftovers of an interrupted maintenance step are removed, the blocks are opened, the head's floor is
 * set to the newest block's end, and the WAL checkpoint and segments are replayed into a fresh head (see
 * {@link WalReader} for how torn and corrupt data is handled); a new segment is started.
 */
public final class Tsdb implements MetricStore, AutoCloseable {
    static final String WAL_DIR = "wal";
    private static final Logger log = LoggerFactory.getLogger(Tsdb.class);

    private final Disk disk;
    private final Head head;
    private final InstantSource clock;
    private final long maxFutureSkewMillis;
    private final WalReader.Report recovery;
    private final List<String> blockProblems;
    private final Wal wal;
    private final BlockSet blocks;
    private static final AtomicInteger DECODE_THREADS = new AtomicInteger();
    /**
     * Decodes the series of large selections side by side (see {@link StoreQuerier#select}); its threads start on
     * demand and end when idle.
     */
    private final ForkJoinPool decodePool = new ForkJoinPool(Runtime.getRuntime().availableProcessors(),
            pool -> {
                ForkJoinWorkerThread t = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(pool);
                t.setName("tocsin-tsdb-decode-" + DECODE_THREADS.incrementAndGet());
                t.setDaemon(true);
                return t;
            }, null, false);
    private final Maintenance maintenance;
    private final SketchStore sketches;
    private volatile boolean closed;

    private Tsdb(TsdbOptions options, Disk disk, Head head, WalReader.Report recovery, List<Block> blocks,
                 List<String> blockProblems, boolean automaticMaintenance, long chunkSegmentBytes,
                 SketchStore sketches) throws IOException {
        this.disk = disk;
        this.sketches = sketches;
        this.head = head;
        this.clock = options.clock();
        this.maxFutureSkewMillis = options.maxFutureSkew().toMillis();
        this.recovery = recovery;
        this.blockProblems = List.copyOf(blockProblems);
        long range = options.blockRange().toMillis();
        Runnable[] wake = new Runnable[1];
        this.wal = new Wal(disk, WAL_DIR, recovery.nextSegment(), options.walSegmentBytes(),
                options.walSyncInterval().toNanos(), new Apply(head, range + range / 2, () -> wake[0].run()));
        this.blocks = new BlockSet(blocks, () -> wake[0].run());
        this.maintenance = new Maintenance(disk, head, wal, this.blocks, options, chunkSegmentBytes,
                automaticMaintenance);
        wake[0] = maintenance::wake;
        maintenance.wake(); // a replayed head may be due for a cut, and idle series for removal
    }

    /**
     * Opens the store in {@code options.dir()}, creating it if needed: opens its blocks and replays its write-ahead
     * log.
     *
     * @throws TsdbOpenException when the directory cannot be used (locked, unreadable, from a newer version)
     */
    public static Tsdb open(TsdbOptions options) {
        return open(options, FileDisk.open(options.dir()));
    }

    /** Opens on any {@link Disk}; tests pass one that injects faults. Closes the disk if opening fails. */
    static Tsdb open(TsdbOptions options, Disk disk) {
        return open(options, disk, true, BlockFormat.DEFAULT_CHUNK_SEGMENT_BYTES);
    }

    /**
     * @param automaticMaintenance whether maintenance runs by itself; without, only {@link #maintain()} runs it
     * @param chunkSegmentBytes    the size at which blocks start a new chunk segment file
     */
    static Tsdb open(TsdbOptions options, Disk disk, boolean automaticMaintenance, long chunkSegmentBytes) {
        List<Block> blocks = new ArrayList<>();
        SketchStore sketches = null;
        try {
            long started = System.nanoTime();
            disk.createDirectories(WAL_DIR);
            disk.createDirectories(BlockSet.DIR);
            disk.syncDirectory("");
            List<String> blockProblems = new ArrayList<>();
            blocks.addAll(BlockSet.load(disk, blockProblems));
            long blocksEnd = new BlockSet.View(blocks, Long.MIN_VALUE).blocksEnd();
            long blocksOpened = System.nanoTime();
            Head head = new Head(options.maxSeries(), options.maxSeriesPerMetric(),
                    options.outOfOrderTolerance().toMillis(), options.blockRange().toMillis());
            head.raiseFloor(blocksEnd); // their samples are not taken into the head again
            Replay replay = new Replay(head);
            WalReader.Report report = WalReader.replay(disk, WAL_DIR, replay);
            if (replay.unknownSeries > 0) {
                log.error("{} points in the WAL belong to series whose definition was lost; they were dropped",
                        replay.unknownSeries);
            }
            log.info("opened {} blocks in {} ms; replayed the WAL ({}{} segments, {} records) in {} ms: {} series, {} "
                            + "points ({} already in blocks, {} refused again by the order rules)", blocks.size(),
                    (blocksOpened - started) / 1_000_000,
                    report.checkpoint() >= 0 ? "checkpoint " + report.checkpoint() + " and " : "",
                    report.segments(), report.records(), (System.nanoTime() - blocksOpened) / 1_000_000,
                    head.seriesCount(), replay.points, replay.inBlocks, replay.refused);
            sketches = SketchStore.open(disk, options, automaticMaintenance);
            Tsdb tsdb = new Tsdb(options, disk, head, report, blocks, blockProblems, automaticMaintenance,
                    chunkSegmentBytes, sketches);
            if (replay.inBlocks > replay.points / 10) {
                // A crash came between a block and its checkpoint (a few late samples refused live do not count):
                // checkpoint what was replayed, so that the WAL does not carry the block's samples to the next cut.
                tsdb.maintenance.checkpointBefore(report.nextSegment(), blocksEnd);
            }
            return tsdb;
        } catch (IOException | RuntimeException e) {
            blocks.forEach(Block::release);
            if (sketches != null) {
                sketches.close();
            }
            try {
                disk.close();
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            if (e instanceof TsdbOpenException open) {
                throw open;
            }
            throw new TsdbOpenException("cannot open the TSDB in " + options.dir() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public AppendResult append(MetricBatch batch) {
        if (closed) {
            throw new TsdbWriteException("the store is closed", null);
        }
        int n = batch.size();
        if (n == 0) {
            return AppendResult.EMPTY;
        }
        List<PendingAppend.Refused> refused = new ArrayList<>(0);
        MemSeries[] series = new MemSeries[n];
        int[] ids = new int[n];
        long[] timestamps = new long[n];
        double[] values = new double[n];
        int[] pointIndex = new int[n];
        int m = 0;
        long now = clock.millis();
        long latest = now + maxFutureSkewMillis < now ? Long.MAX_VALUE : now + maxFutureSkewMillis;
        SeriesKey previousKey = null;
        MemSeries previous = null;
        for (int i = 0; i < n; i++) {
            SeriesKey key = batch.key(i);
            MetricKind kind = batch.kind(i);
            long t = batch.timestamp(i);
            if (t > latest) {
                refused.add(new PendingAppend.Refused(i, "timestamp " + t + " of " + key + " is "
                        + (t - now) + " ms ahead of the server clock (" + now + "); at most " + maxFutureSkewMillis
                        + " ms is allowed", Rejection.Cause.STALE));
                continue;
            }
            MemSeries s = batch.hint(i) instanceof MemSeries h && h.owner == head && h.key == key && !h.removed ? h
                    : key.equals(previousKey) ? previous : head.getOrCreate(key, kind, batch.quota());
            previousKey = key;
            previous = s;
            if (s == null) {
                refused.add(new PendingAppend.Refused(i, seriesLimitReason(head, key, batch.quota()),
                        Rejection.Cause.LIMIT));
                continue;
            }
            if (s.kind != kind) {
                refused.add(new PendingAppend.Refused(i, kindConflictReason(key, s.kind, kind),
                        Rejection.Cause.CONFLICT));
                continue;
            }
            series[m] = s;
            ids[m] = s.id;
            timestamps[m] = t;
            values[m] = batch.value(i);
            pointIndex[m] = i;
            m++;
        }
        if (m == 0) {
            return new PendingAppend(null, series, timestamps, values, pointIndex, 0, refused).toResult(0);
        }
        PendingAppend pending = new PendingAppend(WalFormat.samplesRecord(ids, timestamps, values, m), series,
                timestamps, values, pointIndex, m, refused);
        pending.quota = batch.quota();
        wal.submit(pending);
        try {
            return pending.result.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof TsdbWriteException failed) {
                throw new TsdbWriteException(failed.getMessage(), failed); // this thread's stack, the cause kept
            }
            throw e;
        }
    }

    private static String seriesLimitReason(Head head, SeriesKey key, SeriesQuota quota) {
        if (head.creatorAtLimit(quota)) {
            return "series limit of " + quota.maxSeries() + " for API key '" + quota.label() + "' reached; " + key
                    + " is a new series and is refused, existing series still accept points (the key's max_series, "
                    + "or metrics.max_series_per_key, raises the limit; series idle for a block range stop counting)";
        }
        if (head.metricAtLimit(key.name())) {
            return "series limit per metric of " + head.maxSeriesPerMetric() + " reached for " + key.name() + "; "
                    + key + " is a new series and is refused, existing series still accept points (a tag with "
                    + "unbounded values, such as a request id, is the usual cause; metrics.max_series_per_metric "
                    + "raises the limit)";
        }
        return "series limit of " + head.maxSeries() + " reached; " + key
                + " is a new series and is refused, existing series still accept points (metrics.max_series raises "
                + "the limit)";
    }

    private static String kindConflictReason(SeriesKey key, MetricKind stored, MetricKind kind) {
        return "kind conflict: " + key + " is stored as " + stored + " (its first point decided), this point is "
                + kind;
    }

    @Override
    public SeriesKey canonicalKey(SeriesKey key) {
        MemSeries s = head.get(key);
        return s == null ? key : s.key;
    }

    /**
     * This store's {@link SeriesHints}: the hint for a key is its series in the head (found by one lookup), which
     * {@link #append} uses instead of looking the key up when the hint is this head's series of that very key
     * instance (the one {@link SeriesHints#key} gives) and has not been dropped as idle. ({@link MemSeries#removed} is read racily here; the WAL writer checks it again before the
     * samples are logged, as for any series resolved before it was dropped.)
     */
    public SeriesHints seriesHints() {
        return hints;
    }

    private final SeriesHints hints = new SeriesHints() {
        @Override
        public Object hint(SeriesKey key) {
            return head.get(key);
        }

        @Override
        public SeriesKey key(Object hint) {
            return ((MemSeries) hint).key;
        }

        @Override
        public boolean valid(Object hint) {
            return hint instanceof MemSeries s && s.owner == head && !s.removed;
        }
    };

    /**
     * {@inheritDoc}
     *
     * <p>The querier pins the blocks it reads and the head's samples it may read; close it promptly, as an open
     * querier holds back the head's truncation and the deletion of blocks.
     */
    @Override
    public Querier querier(long minMillis, long maxMillis) {
        if (minMillis > maxMillis) {
            throw new IllegalArgumentException("minMillis " + minMillis + " is after maxMillis " + maxMillis);
        }
        if (closed) {
            throw new IllegalStateException("the store is closed");
        }
        return new StoreQuerier(blocks, blocks.pin(), head, minMillis, maxMillis, decodePool);
    }

    /**
     * Appends distribution points and returns only once the accepted ones are durable. Each point's sketch is merged
     * into its series' 10-second bucket ({@value SketchStore#BUCKET_MILLIS} ms, aligned to the epoch); a point is
     * refused when it is too far in the future, when its bucket is already in an on-disk block, or when it would
     * create a distribution series beyond {@link TsdbOptions#maxSeries()} (counted apart from sample series).
     *
     * @throws TsdbWriteException when the batch could not be made durable; nothing in it may be assumed stored
     */
    @Override
    public AppendResult appendSketches(SketchBatch batch) {
        if (closed) {
            throw new TsdbWriteException("the store is closed", null);
        }
        return sketches.append(batch);
    }

    /** {@inheritDoc} */
    @Override
    public SketchQuerier sketchQuerier(long minMillis, long maxMillis) {
        if (minMillis > maxMillis) {
            throw new IllegalArgumentException("minMillis " + minMillis + " is after maxMillis " + maxMillis);
        }
        if (closed) {
            throw new IllegalStateException("the store is closed");
        }
        return sketches.querier(minMillis, maxMillis);
    }

    /** The store's state now, for the server's metrics. Thread-safe; walks the head (see {@link TsdbStats}). */
    /**
     * The series in memory each {@link SeriesQuota} owner created (what its limit counts), for every owner that
     * ever created one since the store opened, the WAL's included; owners are API keys, so the map is small.
     */
    public java.util.Map<String, Integer> seriesByCreator() {
        return head.seriesByCreator();
    }

    public TsdbStats stats() {
        BlockSet.View view = blocks.current();
        long blockBytes = 0;
        long blockSamples = 0;
        long corrupt = 0;
        for (Block b : view.blocks()) {
            blockBytes += b.bytes();
            blockSamples += b.meta().samples();
            corrupt += b.corruptChunks();
        }
        long walBytes = 0;
        try {
            for (String name : disk.list(WAL_DIR)) {
                if (WalFormat.segmentNumber(name) >= 0 || WalFormat.checkpointNumber(name) >= 0) {
                    walBytes += disk.size(WAL_DIR + "/" + name);
                }
            }
        } catch (IOException e) {
            walBytes = -1; // a file went between listing and sizing; the next scrape will tell
        }
        return new TsdbStats(head.seriesCount(), head.chunkCount(), head.minTime(), head.maxTime(),
                view.blocks().size(), blockBytes, blockSamples, walBytes, wal.lastSyncNanos(), maintenance.cuts(),
                maintenance.compactions(), maintenance.checkpoints(), maintenance.blocksDeleted(),
                maintenance.seriesRemoved(), corrupt, blocks.readers(), maintenance.lastError());
    }

    /** The state of the distribution sketches now, for the server's metrics. Thread-safe. */
    public SketchStats sketchStats() {
        return sketches.stats();
    }

    /**
     * Logs what was appended before this call, stops maintenance (a block being written is abandoned, to be written
     * again from the WAL next time) and releases the files. Later appends fail. Queriers still open keep their
     * blocks mapped until they close. Idempotent.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        decodePool.shutdown();
        maintenance.close();
        sketches.close();
        wal.close();
        blocks.close();
        try {
            disk.close();
        } catch (IOException e) {
            log.warn("releasing the data directory failed", e);
        }
    }

    /**
     * Runs maintenance now (cut, checkpoint, truncate, retention, compaction with its rollups) and waits, instead of
     * at the maintenance thread's next wake-up; returns the run's errors, empty when all went well. For tools and
     * tests that need the blocks written at a known point.
     */
    public List<String> maintainNow() {
        return maintain();
    }

    /**
     * Writes every sample the head holds into on-disk blocks now (one block per block range they fall in; the
     * WAL segments they were in are then checkpointed away), runs the rest of maintenance, and waits; returns the
     * errors, empty when all went well. Afterwards the head's floor is past the newest sample it held: a later
     * sample at or before that time is refused as too old, as for any time already in blocks. For an operator
     * before a backup or a move, and for measuring the store's footprint at rest. Distribution sketches keep their
     * own schedule.
     */
    public List<String> flush() {
        List<String> errors = new ArrayList<>(maintenance.flushNow());
        errors.addAll(sketches.maintain());
        return errors;
    }

    /** Runs maintenance now (cut, checkpoint, truncate, retention, compaction) and waits; returns its errors. */
    List<String> maintain() {
        List<String> errors = new ArrayList<>(maintenance.runNow());
        errors.addAll(sketches.maintain());
        return errors;
    }

    SketchStore sketches() {
        return sketches;
    }

    /** Bytes the head's sealed chunks shrank by through maintenance's decimal compaction; for tests. */
    long headBytesCompacted() {
        return maintenance.headBytesCompacted();
    }

    /** What the WAL replay found when this store opened. */
    WalReader.Report recovery() {
        return recovery;
    }

    /** Blocks found corrupt (and set aside) when this store opened. */
    List<String> blockProblems() {
        return blockProblems;
    }

    BlockSet blocks() {
        return blocks;
    }

    Head head() {
        return head;
    }

    Wal wal() {
        return wal;
    }

    /**
     * The writer thread's half of an append: move points of removed series to the key's current series, log series
     * definitions first, then apply in log order.
     */
    private static final class Apply implements Wal.Committer {
        private final Head head;
        private final long cutSpan;
        private final Runnable wake;
        private final List<MemSeries> newSeries = new ArrayList<>();

        Apply(Head head, long cutSpan, Runnable wake) {
            this.head = head;
            this.cutSpan = cutSpan;
            this.wake = wake;
        }

        @Override
        public byte[] prelude(List<PendingAppend> group) {
            newSeries.clear();
            for (PendingAppend p : group) {
                for (int i = 0; i < p.count; i++) {
                    if (p.series[i].removed) {
                        resolveAgain(p);
                        break;
                    }
                }
                for (int i = 0; i < p.count; i++) {
                    MemSeries s = p.series[i];
                    if (!s.logged) {
                        s.logged = true;
                        newSeries.add(s);
                    }
                }
            }
            return newSeries.isEmpty() ? null : WalFormat.seriesRecord(newSeries);
        }

        /** Points whose series left the head since the append resolved it go to the key's series now. */
        private void resolveAgain(PendingAppend p) {
            int m = 0;
            int[] ids = new int[p.count];
            for (int i = 0; i < p.count; i++) {
                MemSeries s = p.series[i];
                if (s.removed) {
                    MemSeries again = head.getOrCreate(s.key, s.kind, p.quota);
                    if (again == null) {
                        p.refused.add(new PendingAppend.Refused(p.pointIndex[i], seriesLimitReason(head, s.key,
                                p.quota), Rejection.Cause.LIMIT));
                        continue;
                    }
                    if (again.kind != s.kind) {
                        p.refused.add(new PendingAppend.Refused(p.pointIndex[i],
                                kindConflictReason(s.key, again.kind, s.kind), Rejection.Cause.CONFLICT));
                        continue;
                    }
                    s = again;
                }
                p.series[m] = s;
                ids[m] = s.id;
                p.timestamps[m] = p.timestamps[i];
                p.values[m] = p.values[i];
                p.pointIndex[m] = p.pointIndex[i];
                m++;
            }
            p.count = m;
            p.record = m == 0 ? null : WalFormat.samplesRecord(ids, p.timestamps, p.values, m);
        }

        @Override
        public void committed(List<PendingAppend> group) {
            for (PendingAppend p : group) {
                int accepted = 0;
                for (int i = 0; i < p.count; i++) {
                    MemSeries s = p.series[i];
                    long t = p.timestamps[i];
                    switch (head.append(s, t, p.values[i])) {
                        case APPENDED, DUPLICATE_IGNORED -> accepted++;
                        case OUT_OF_ORDER -> p.refused.add(new PendingAppend.Refused(p.pointIndex[i],
                                "out of order: " + s.key + " already has a sample at " + s.maxTime() + " and "
                                        + t + " is older by more than the tolerance of " + head.toleranceMillis()
                                        + " ms", Rejection.Cause.STALE));
                        case DUPLICATE_CONFLICT -> p.refused.add(new PendingAppend.Refused(p.pointIndex[i],
                                "duplicate timestamp: " + s.key + " already has a different value at " + t
                                        + ", which is past the reorder window and can no longer be replaced",
                                Rejection.Cause.CONFLICT));
                        case TOO_OLD -> p.refused.add(new PendingAppend.Refused(p.pointIndex[i],
                                "too old: " + s.key + " at " + t + " is before " + head.floor() + ", the start of "
                                        + "the in-memory head; older samples are in immutable on-disk blocks",
                                Rejection.Cause.STALE));
                    }
                }
                p.result.complete(p.toResult(accepted));
            }
            if (TimeRanges.longerThan(Math.max(head.minTime(), head.floor()), head.maxTime(), cutSpan)) {
                wake.run();
            }
        }
    }

    /** Rebuilds the head from WAL records: the same rules as {@link Apply}, minus the reporting. */
    private static final class Replay implements WalFormat.RecordVisitor {
        private final Head head;
        long points;
        long refused;
        long inBlocks;
        long unknownSeries;

        Replay(Head head) {
            this.head = head;
        }

        @Override
        public void series(int id, SeriesKey key, MetricKind kind, String owner) {
            head.restore(id, key, kind, owner).logged = true;
        }

        @Override
        public void sample(int id, long timestamp, double value) {
            MemSeries s = head.byId(id);
            if (s == null) {
                head.reserveId(id);
                if (timestamp < head.floor()) {
                    inBlocks++; // a series the checkpoint left out as idle: its samples are in blocks
                } else {
                    unknownSeries++;
                }
                return;
            }
            points++;
            switch (head.append(s, timestamp, value)) {
                case OUT_OF_ORDER, DUPLICATE_CONFLICT -> refused++;
                case TOO_OLD -> inBlocks++;
                default -> { }
            }
        }

        @Override
        public void floor(long floor) {
            head.raiseFloor(floor);
        }
    }
}
