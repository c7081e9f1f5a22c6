package tocsin.tsdb;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tocsin.core.metric.Rejection;
import tocsin.core.metric.SeriesKey;
import tocsin.core.metric.Sketch;
import tocsin.core.metric.SketchBatch;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Distribution sketches: the part of the {@link Tsdb} that keeps one {@link Sketch} per series per
 * {@value #BUCKET_MILLIS} ms bucket (Datadog's distribution flush interval), durable, merged on arrival.
 *
 * <h2>Layout ({@code docs/format/sketches.md})</h2>
 * <pre>
 * sketches/wal/      the sketch log: WAL segments and checkpoints (docs/format/wal.md) holding sketch records
 * sketches/blocks/   immutable sketch blocks, MIN-MAX.tsk, each covering [MIN, MAX)
 * </pre>
 * Series identity is the {@link SeriesKey}, as for samples, but the sketch series have their own index (in the
 * {@link SketchHead} and in each block): a distribution metric is not a samples series, and its records carry their
 * keys, so the sketch log needs no series records and no ids.
 *
 * <h2>Append</h2>
 * Under one lock: each point is checked (not too far in the future, its bucket not before the head's floor, the
 * series limit), the survivors are grouped per series and bucket, written as sketch records, the segment synced,
 * and only then merged into the head. Appends of sketches are comparatively rare (one per series per flush), so
 * they are synced one append at a time rather than group-committed like samples.
 *
 * <h2>Cut, compaction, retention</h2>
 * As for samples: once the head spans 1.5 block ranges, the oldest aligned range is cut. Under the append lock the
 * floor rises to the cut's end, a new log segment {@code N} starts and the head is snapshotted (its sketches are
 * immutable, so this copies references). Then, without the lock: the buckets before the cut are written to a block
 * ({@code .tmp}, sync, rename, directory sync) and published to queries; {@code checkpoint.N} is written with the
 * floor and the buckets from the cut on, which is exactly what the segments before {@code N} add up to from there;
 * the segments before {@code N} are deleted; the head drops what the block holds. A crash at any step leaves either
 * the old files (the cut is redone) or the block and the segments, whose buckets before the block's end are
 * skipped at replay (the floor starts at the newest block's end). Blocks whose ranges fall in one aligned 3× or 12×
 * window are merged once the window is complete; a block entirely older than the retention is deleted.
 *
 * <p>Thread-safe. Maintenance runs on one named platform thread every {@value #MAINTENANCE_SECONDS} s (or only on
 * {@link #maintain()} in tests).
 */
final class SketchStore implements AutoCloseable {
    static final String DIR = "sketches";
    static final String WAL = DIR + "/wal";
    static final String BLOCKS = DIR + "/blocks";
    static final String CORRUPTED = DIR + "/corrupted";
    /** The bucket of a sketch: Datadog's distribution flush interval. */
    static final long BUCKET_MILLIS = 10_000;
    static final long MAINTENANCE_SECONDS = 30;
    private static final Logger log = LoggerFactory.getLogger(SketchStore.class);

    /** The blocks queries read, ordered by time, and where the head starts. */
    record View(List<SketchBlock> blocks, long blocksEnd) {
        boolean has(long minTime, long maxTime) {
            for (SketchBlock b : blocks) {
                if (b.minTime <= minTime && b.maxTime >= maxTime) {
                    return true;
                }
            }
            return false;
        }
    }

    /** What opening found. */
    record Recovery(WalReader.Report log, List<String> blockProblems, long buckets, long inBlocks,
                    long foreignRecords) {
    }

    private final Disk disk;
    private final SketchHead head;
    private final InstantSource clock;
    private final long maxFutureSkewMillis;
    private final long range;
    private final long retentionMillis;
    private final int maxSeries;
    private final long segmentBytes;
    private final Recovery recovery;
    /** Fair: appends are logged in arrival order, so that none waits behind later ones indefinitely. */
    private final ReentrantLock writeLock = new ReentrantLock(true);
    private final ReentrantLock maintenanceLock = new ReentrantLock();
    private final ScheduledExecutorService maintenance;
    private volatile View view;
    private volatile String lastError;
    private volatile long cuts;
    private volatile long compactions;
    private volatile long blocksDeleted;

    // guarded by writeLock
    private Disk.AppendableFile segment;
    private long segmentNumber;
    private boolean failed;
    private boolean closed;

    private SketchStore(Disk disk, TsdbOptions options, SketchHead head, View view, Recovery recovery,
                        boolean automaticMaintenance) throws IOException {
        this.disk = disk;
        this.head = head;
        this.view = view;
        this.recovery = recovery;
        this.clock = options.clock();
        this.maxFutureSkewMillis = options.maxFutureSkew().toMillis();
        this.range = options.blockRange().toMillis();
        this.retentionMillis = options.retention().toMillis();
        this.maxSeries = options.maxSeries();
        this.segmentBytes = options.walSegmentBytes();
        this.segmentNumber = recovery.log().nextSegment();
        this.segment = newSegment(segmentNumber);
        disk.syncDirectory(WAL);
        if (automaticMaintenance) {
            maintenance = Executors.newSingleThreadScheduledExecutor(
                    Thread.ofPlatform().name("tocsin-tsdb-sketches").daemon().factory());
            maintenance.scheduleWithFixedDelay(this::maintainAndLog, 0, MAINTENANCE_SECONDS, TimeUnit.SECONDS);
        } else {
            maintenance = null;
        }
    }

    /** Opens the sketch part of a store: its blocks, then its log replayed into a fresh head. */
    static SketchStore open(Disk disk, TsdbOptions options, boolean automaticMaintenance) throws IOException {
        disk.createDirectories(WAL);
        disk.createDirectories(BLOCKS);
        disk.syncDirectory(DIR);
        disk.syncDirectory("");
        List<String> problems = new ArrayList<>();
        List<SketchBlock> blocks = loadBlocks(disk, problems);
        try {
            long blocksEnd = blocks.isEmpty() ? Long.MIN_VALUE : blocks.getLast().maxTime;
            SketchHead head = new SketchHead();
            head.raiseFloor(blocksEnd);
            Replay replay = new Replay(head);
            WalReader.Report report = WalReader.replay(disk, WAL, replay);
            if (replay.foreign > 0) {
                log.error("{} series or samples records found in the sketch log were ignored", replay.foreign);
            }
            Recovery recovery = new Recovery(report, List.copyOf(problems), replay.buckets, replay.inBlocks,
                    replay.foreign);
            log.info("opened {} sketch blocks; replayed the sketch log ({} segments, {} records): {} series, {} "
                            + "buckets ({} already in blocks)", blocks.size(), report.segments(), report.records(),
                    head.seriesCount(), replay.buckets, replay.inBlocks);
            return new SketchStore(disk, options, head, new View(List.copyOf(blocks), blocksEnd), recovery,
                    automaticMaintenance);
        } catch (IOException | RuntimeException e) {
            blocks.forEach(SketchBlock::release);
            throw e;
        }
    }

    /**
     * Opens every block, deleting what an interrupted write or compaction left ({@code .tmp} files, blocks a merged
     * block covers) and setting corrupt blocks aside in {@code sketches/corrupted/}.
     */
    private static List<SketchBlock> loadBlocks(Disk disk, List<String> problems) throws IOException {
        List<SketchBlock> blocks = new ArrayList<>();
        boolean changed = false;
        for (String name : disk.list(BLOCKS)) {
            if (name.endsWith(BlockFormat.TEMPORARY_SUFFIX)) {
                log.info("removing {}/{}: a sketch block a crash interrupted", BLOCKS, name);
                disk.delete(BLOCKS + "/" + name);
                changed = true;
                continue;
            }
            try {
                blocks.add(SketchBlock.open(disk, BLOCKS, name));
            } catch (SketchBlock.CorruptBlockException e) {
                String problem = "sketch block " + e.getMessage() + "; moved to " + CORRUPTED + "/" + name;
                log.error(problem);
                problems.add(problem);
                disk.createDirectories(CORRUPTED);
                disk.move(BLOCKS + "/" + name, CORRUPTED + "/" + name);
                disk.syncDirectory(CORRUPTED);
                changed = true;
            }
        }
        blocks.sort(Comparator.comparingLong((SketchBlock b) -> b.minTime).thenComparingLong(b -> -b.maxTime));
        List<SketchBlock> kept = new ArrayList<>();
        for (SketchBlock b : blocks) {
            if (!kept.isEmpty() && kept.getLast().maxTime >= b.maxTime) {
                log.info("removing {}/{}: block {} covers it (a crash came before it was deleted)", BLOCKS, b.name,
                        kept.getLast().name);
                b.release();
                disk.delete(BLOCKS + "/" + b.name);
                changed = true;
            } else {
                kept.add(b);
            }
        }
        if (changed) {
            disk.syncDirectory(BLOCKS);
        }
        return kept;
    }

    /** Rebuilds the head from the log: buckets before the floor are in blocks and skipped. */
    private static final class Replay implements SketchFormat.SketchVisitor {
        private final SketchHead head;
        long buckets;
        long inBlocks;
        long foreign;

        Replay(SketchHead head) {
            this.head = head;
        }

        @Override
        public void sketches(SketchSeries series) {
            SketchSeries kept = SketchBlock.slice(series, head.floor(), Long.MAX_VALUE);
            inBlocks += series.size() - kept.size();
            buckets += kept.size();
            if (!kept.isEmpty()) {
                head.apply(List.of(kept));
            }
        }

        @Override
        public void floor(long floor) {
            head.raiseFloor(floor);
        }

        @Override
        public void foreign() {
            foreign++;
        }
    }

    /**
     * Appends a batch of distribution points and returns once the accepted ones are durable. Refusals (too far in
     * the future, bucket already in a block, series limit) are reported per point, never thrown.
     *
     * @throws TsdbWriteException when the batch could not be made durable
     */
    AppendResult append(SketchBatch batch) {
        if (batch.isEmpty()) {
            return AppendResult.EMPTY;
        }
        List<PendingAppend.Refused> refused = new ArrayList<>(0);
        long now = clock.millis();
        long latest = now + maxFutureSkewMillis < now ? Long.MAX_VALUE : now + maxFutureSkewMillis;
        int accepted = 0;
        writeLock.lock();
        try {
            if (closed) {
                throw new TsdbWriteException("the store is closed", null);
            }
            if (failed) {
                throw new TsdbWriteException("the sketch log failed to write earlier; reopen the store", null);
            }
            long floor = head.floor();
            int seriesCount = head.seriesCount();
            Set<SeriesKey> added = new HashSet<>();
            Map<SeriesKey, TreeMap<Long, Sketch>> groups = new LinkedHashMap<>();
            for (int i = 0; i < batch.size(); i++) {
                SketchBatch.Entry e = batch.get(i);
                long t = e.timestampMillis();
                if (t > latest) {
                    refused.add(new PendingAppend.Refused(i, "timestamp " + t + " of " + e.key() + " is " + (t - now)
                            + " ms ahead of the server clock (" + now + "); at most " + maxFutureSkewMillis
                            + " ms is allowed", Rejection.Cause.STALE));
                    continue;
                }
                long bucket = Math.floorDiv(t, BUCKET_MILLIS) * BUCKET_MILLIS;
                if (bucket < floor) {
                    refused.add(new PendingAppend.Refused(i, "too old: " + e.key() + " at " + t + " is before "
                            + floor + ", the start of the in-memory head; older sketches are in immutable on-disk "
                            + "blocks", Rejection.Cause.STALE));
                    continue;
                }
                TreeMap<Long, Sketch> g = groups.get(e.key());
                if (g == null) {
                    boolean isNew = !head.contains(e.key());
                    if (isNew && maxSeries > 0 && seriesCount + added.size() >= maxSeries) {
                        refused.add(new PendingAppend.Refused(i, "series limit of " + maxSeries + " distribution "
                                + "series reached; " + e.key() + " is a new series and is refused, existing series "
                                + "still accept points", Rejection.Cause.LIMIT));
                        continue;
                    }
                    if (isNew) {
                        added.add(e.key());
                    }
                    g = new TreeMap<>();
                    groups.put(e.key(), g);
                }
                g.merge(bucket, e.sketch(), Sketch::merge);
                accepted++;
            }
            if (!groups.isEmpty()) {
                List<SketchSeries> series = new ArrayList<>(groups.size());
                groups.forEach((key, buckets) -> {
                    Sketch[] sketches = buckets.values().toArray(Sketch[]::new);
                    byte[][] bytes = new byte[sketches.length][];
                    for (int i = 0; i < sketches.length; i++) {
                        bytes[i] = sketches[i].encode(); // once, for the log and the head
                    }
                    series.add(new SketchSeries(key, buckets.keySet().stream().mapToLong(Long::longValue).toArray(),
                            sketches, bytes));
                });
                log(SketchFormat.sketchRecords(series));
                head.apply(series);
            }
        } finally {
            writeLock.unlock();
        }
        return PendingAppend.result(accepted, refused);
    }

    /** Writes and syncs records; a failure fails the log for good (see {@link Wal} on fsync errors). */
    private void log(List<byte[]> records) {
        try {
            boolean newSegment = false;
            for (byte[] r : records) {
                if (segment.size() > WalFormat.SEGMENT_HEADER_BYTES && segment.size() + r.length > segmentBytes) {
                    segment.sync();
                    segment.close();
                    segment = newSegment(++segmentNumber);
                    newSegment = true;
                }
                segment.write(ByteBuffer.wrap(r));
            }
            segment.sync();
            if (newSegment) {
                disk.syncDirectory(WAL);
            }
        } catch (IOException e) {
            failed = true;
            log.error("the sketch log failed; sketch appends are refused until the store is reopened", e);
            throw new TsdbWriteException("the sketch log could not be written: " + e.getMessage(), e);
        }
    }

    private Disk.AppendableFile newSegment(long n) throws IOException {
        Disk.AppendableFile f = disk.create(WAL + "/" + WalFormat.segmentName(n));
        f.write(ByteBuffer.wrap(WalFormat.segmentHeader()));
        return f;
    }

    /** A querier over {@code [minMillis, maxMillis]}. */
    SketchQuerier querier(long minMillis, long maxMillis) {
        return new Reader(minMillis, maxMillis);
    }

    private final class Reader implements SketchQuerier {
        private final long min;
        private final long max;
        private volatile boolean open = true;

        Reader(long min, long max) {
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
        public List<SketchSeries> select(String metricName, List<TagMatcher> matchers) {
            requireOpen();
            View v;
            List<SketchSeries> fromHead;
            while (true) {
                // the head drops a range only after the view holding its block is published: a head read that
                // ends with the view it started with saw every bucket from that view's end on
                v = view;
                fromHead = head.select(metricName, matchers, Math.max(min, v.blocksEnd()), max);
                if (v == view && retainAll(v.blocks())) {
                    break;
                }
            }
            TreeMap<SeriesKey, List<SketchSeries>> byKey = new TreeMap<>();
            try {
                for (SketchBlock b : v.blocks()) {
                    for (SketchSeries s : b.select(metricName, matchers, min, Math.min(max, b.maxTime - 1))) {
                        byKey.computeIfAbsent(s.key(), k -> new ArrayList<>()).add(s);
                    }
                }
            } finally {
                v.blocks().forEach(SketchBlock::release);
            }
            for (SketchSeries s : fromHead) {
                byKey.computeIfAbsent(s.key(), k -> new ArrayList<>()).add(s);
            }
            List<SketchSeries> out = new ArrayList<>(byKey.size());
            byKey.forEach((key, parts) -> out.add(concat(key, parts)));
            return out;
        }

        @Override
        public SortedSet<String> metricNames() {
            requireOpen();
            TreeSet<String> names = new TreeSet<>(head.metricNames());
            for (SketchBlock b : view.blocks()) {
                names.addAll(b.metricNames()); // the in-memory index only: valid after the mapping is let go
            }
            return names;
        }

        private void requireOpen() {
            if (!open) {
                throw new IllegalStateException("the sketch querier is closed");
            }
        }

        @Override
        public void close() {
            open = false;
        }
    }

    /** Takes a reader's reference on every block, or none when one was let go already. */
    private static boolean retainAll(List<SketchBlock> blocks) {
        for (int i = 0; i < blocks.size(); i++) {
            if (!blocks.get(i).retain()) {
                for (int j = 0; j < i; j++) {
                    blocks.get(j).release();
                }
                return false;
            }
        }
        return true;
    }

    /** One series from parts in ascending, disjoint time ranges. */
    private static SketchSeries concat(SeriesKey key, List<SketchSeries> parts) {
        if (parts.size() == 1) {
            return parts.getFirst();
        }
        int n = 0;
        for (SketchSeries p : parts) {
            n += p.size();
        }
        long[] t = new long[n];
        Sketch[] s = new Sketch[n];
        int i = 0;
        for (SketchSeries p : parts) {
            for (int j = 0; j < p.size(); j++) {
                t[i] = p.timestamp(j);
                s[i++] = p.sketch(j);
            }
        }
        return new SketchSeries(key, t, s);
    }

    /** Runs cut, compaction and retention now; returns what failed (also kept as {@link #lastError()}). */
    List<String> maintain() {
        List<String> errors = new ArrayList<>();
        maintenanceLock.lock();
        try {
            for (MaintenanceStep step : new MaintenanceStep[]{this::cutAll, this::compact, this::applyRetention}) {
                try {
                    step.run();
                } catch (IOException | RuntimeException e) {
                    String message = e.getClass().getSimpleName() + ": " + e.getMessage();
                    errors.add(message);
                    lastError = message;
                    log.error("sketch store maintenance failed; it will be retried", e);
                }
            }
        } finally {
            maintenanceLock.unlock();
        }
        return errors;
    }

    private void maintainAndLog() {
        maintain(); // errors are logged there
    }

    @FunctionalInterface
    private interface MaintenanceStep {
        void run() throws IOException;
    }

    private void cutAll() throws IOException {
        while (true) {
            long[] span = head.span();
            if (span == null || !TimeRanges.longerThan(span[0], span[1], range + range / 2)) {
                return;
            }
            long cutStart = Math.floorDiv(span[0], range) * range;
            cut(cutStart, cutStart + range);
        }
    }

    private void cut(long cutStart, long cutEnd) throws IOException {
        long n;
        SketchHead.Snapshot snapshot;
        writeLock.lock();
        try {
            if (failed || closed) {
                throw new IOException("the sketch log is " + (closed ? "closed" : "failed"));
            }
            head.raiseFloor(cutEnd);
            try {
                segment.sync();
                segment.close();
                segment = newSegment(++segmentNumber);
                segment.sync();
                disk.syncDirectory(WAL);
            } catch (IOException e) {
                failed = true;
                throw e;
            }
            n = segmentNumber;
            snapshot = head.snapshot(cutEnd);
        } finally {
            writeLock.unlock();
        }
        View v = view;
        if (!v.has(cutStart, cutEnd) && !snapshot.before().isEmpty()) {
            SketchBlock block = openWritten(SketchBlock.write(disk, BLOCKS, cutStart, cutEnd, sink -> {
                for (SketchSeries s : snapshot.before()) {
                    sink.add(s);
                }
            }));
            List<SketchBlock> blocks = new ArrayList<>(v.blocks());
            blocks.add(block);
            view = new View(List.copyOf(blocks), Math.max(v.blocksEnd(), cutEnd));
        } else if (v.blocksEnd() < cutEnd) {
            view = new View(v.blocks(), cutEnd);
        }
        writeCheckpoint(n, cutEnd, snapshot.after());
        head.dropBefore(cutEnd);
        cuts++;
        log.info("cut sketches [{}, {}) into a block: {} series; checkpoint {}", cutStart, cutEnd,
                snapshot.before().size(), n);
    }

    private SketchBlock openWritten(String name) throws IOException {
        try {
            return SketchBlock.open(disk, BLOCKS, name);
        } catch (SketchBlock.CorruptBlockException e) {
            throw new IOException("the sketch block just written does not read back: " + e.getMessage(), e);
        }
    }

    /** {@code checkpoint.N}: the floor and the head's buckets from it on, replacing the segments before N. */
    private void writeCheckpoint(long n, long floor, List<SketchSeries> after) throws IOException {
        BlockFormat.writeDurably(disk, WAL, WalFormat.checkpointName(n), out -> {
            out.bytes(WalFormat.segmentHeader());
            out.bytes(WalFormat.floorRecord(floor));
            for (byte[] r : SketchFormat.sketchRecords(after)) {
                out.bytes(r);
            }
        });
        for (String file : disk.list(WAL)) {
            long segment = WalFormat.segmentNumber(file);
            long checkpoint = WalFormat.checkpointNumber(file);
            if ((segment >= 0 && segment < n) || (checkpoint >= 0 && checkpoint < n)) {
                disk.delete(WAL + "/" + file);
            }
        }
        disk.syncDirectory(WAL);
    }

    /** Merges the blocks of each complete aligned 3× and 12× window into one. */
    private void compact() throws IOException {
        for (long level : new long[]{3 * range, 12 * range}) {
            boolean merged = true;
            while (merged) {
                merged = false;
                View v = view;
                Map<Long, List<SketchBlock>> windows = new TreeMap<>();
                for (SketchBlock b : v.blocks()) {
                    long w = Math.floorDiv(b.minTime, level) * level;
                    if (b.maxTime <= w + level) {
                        windows.computeIfAbsent(w, k -> new ArrayList<>()).add(b);
                    }
                }
                for (var e : windows.entrySet()) {
                    if (e.getValue().size() >= 2 && e.getKey() + level <= v.blocksEnd()) {
                        merge(v, e.getValue());
                        merged = true;
                        break;
                    }
                }
            }
        }
    }

    private void merge(View v, List<SketchBlock> sources) throws IOException {
        long min = sources.getFirst().minTime;
        long max = sources.getLast().maxTime;
        TreeMap<SeriesKey, List<int[]>> keys = new TreeMap<>();
        for (int b = 0; b < sources.size(); b++) {
            List<SeriesKey> k = sources.get(b).keys();
            for (int id = 0; id < k.size(); id++) {
                keys.computeIfAbsent(k.get(id), x -> new ArrayList<>()).add(new int[]{b, id});
            }
        }
        SketchBlock merged = openWritten(SketchBlock.write(disk, BLOCKS, min, max, sink -> {
            for (var e : keys.entrySet()) {
                List<SketchSeries> parts = new ArrayList<>();
                for (int[] at : e.getValue()) {
                    SketchSeries s = sources.get(at[0]).read(at[1]);
                    if (s != null) {
                        parts.add(s);
                    }
                }
                if (!parts.isEmpty()) {
                    sink.add(concat(e.getKey(), parts));
                }
            }
        }));
        List<SketchBlock> blocks = new ArrayList<>(v.blocks());
        blocks.removeAll(sources);
        blocks.add(merged);
        blocks.sort(Comparator.comparingLong(b -> b.minTime));
        view = new View(List.copyOf(blocks), v.blocksEnd());
        for (SketchBlock b : sources) {
            disk.delete(BLOCKS + "/" + b.name);
            b.release();
        }
        disk.syncDirectory(BLOCKS);
        compactions++;
        log.info("merged {} sketch blocks into {}", sources.size(), merged.name);
    }

    /** Deletes the blocks whose every bucket is older than now − retention. */
    private void applyRetention() throws IOException {
        if (retentionMillis == 0) {
            return;
        }
        long cutoff = clock.millis() - retentionMillis;
        View v = view;
        List<SketchBlock> kept = new ArrayList<>();
        List<SketchBlock> expired = new ArrayList<>();
        for (SketchBlock b : v.blocks()) {
            (b.maxTime <= cutoff ? expired : kept).add(b);
        }
        if (expired.isEmpty()) {
            return;
        }
        view = new View(List.copyOf(kept), v.blocksEnd());
        for (SketchBlock b : expired) {
            disk.delete(BLOCKS + "/" + b.name);
            b.release();
            blocksDeleted++;
        }
        disk.syncDirectory(BLOCKS);
    }

    SketchStats stats() {
        View v = view;
        long blockBytes = 0;
        long corrupt = 0;
        for (SketchBlock b : v.blocks()) {
            blockBytes += b.bytes();
            corrupt += b.corruptRecords();
        }
        long logBytes = 0;
        try {
            for (String name : disk.list(WAL)) {
                if (WalFormat.segmentNumber(name) >= 0 || WalFormat.checkpointNumber(name) >= 0) {
                    logBytes += disk.size(WAL + "/" + name);
                }
            }
        } catch (IOException e) {
            logBytes = -1; // a file went between listing and sizing; the next scrape will tell
        }
        return new SketchStats(head.seriesCount(), v.blocks().size(), blockBytes, logBytes, cuts, compactions,
                blocksDeleted, corrupt, lastError);
    }

    View view() {
        return view;
    }

    SketchHead head() {
        return head;
    }

    Recovery recovery() {
        return recovery;
    }

    long cuts() {
        return cuts;
    }

    long compactions() {
        return compactions;
    }

    long blocksDeleted() {
        return blocksDeleted;
    }

    String lastError() {
        return lastError;
    }

    /** Stops maintenance, closes the log (appends after this fail) and releases the blocks. Idempotent. */
    @Override
    public void close() {
        if (maintenance != null) {
            maintenance.shutdown();
            try {
                maintenance.awaitTermination(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        maintenanceLock.lock();
        writeLock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            try {
                segment.close();
            } catch (IOException e) {
                log.warn("closing the sketch log failed", e);
            }
            view.blocks().forEach(SketchBlock::release);
        } finally {
            writeLock.unlock();
            maintenanceLock.unlock();
        }
    }
}
