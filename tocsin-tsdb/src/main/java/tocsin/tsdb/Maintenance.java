package tocsin.tsdb;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.security.SecureRandom;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The store's maintenance thread ({@code tocsin-tsdb-maintenance}): the single writer of blocks, checkpoints and
 * head truncation. Appends never wait for it.
 *
 * <h2>One run</h2>
 * Woken when the head spans more than 1.5 block ranges (the WAL writer checks after each group), when a reader of
 * an older view leaves, every minute, or on request, it runs these stages in order; each stage's failure is logged
 * and the next run (after a back-off of 10 s doubling to 5 min) tries again, from memory and the WAL, which still
 * hold everything:
 * <ol>
 *   <li><b>Cut</b>, while the head spans more than 1.5 ranges: take the oldest range {@code [start, end)},
 *       <em>freeze</em> it (on the WAL writer thread, between groups: start a new segment {@code N}, log a floor
 *       record for {@code end}, raise the head's floor, so that from this point of the log on, samples before
 *       {@code end} are refused), write the head's samples before {@code end} to {@code blocks/<id>.tmp}, sync,
 *       rename to {@code blocks/<id>}, sync {@code blocks/}, open it and publish a view holding it with the head
 *       floor raised to {@code end}.</li>
 *   <li><b>Checkpoint</b>: once a cut is durable, {@link Checkpoint} replaces the segments before {@code N} (also
 *       asked for on open when replay met mostly samples already in blocks: a crash came between a block and its
 *       checkpoint).</li>
 *   <li><b>Head truncation</b>: when no open reader relies on the head below the new floor
 *       ({@link BlockSet#safeFloor()}), the head drops those samples; series left empty are removed on the WAL
 *       writer thread, between groups.</li>
 *   <li><b>Retention</b>: blocks wholly older than now − retention leave the view, are renamed
 *       {@code <id>.deleted}, and are deleted once their last reader is gone.</li>
 *   <li><b>Compaction</b>: blocks inside one aligned window of 3 ranges (then 12), wholly below the head floor, are
 *       merged into one block listing them as parents, which then replaces them as retention does. The merged block
 *       also gets its series' rollups ({@link #rollupResolutions}, {@link RollupFile}), written into its temporary
 *       directory with its other files, so they are published, or lost to a crash, with it.</li>
 * </ol>
 *
 * <h2>On crash</h2>
 * Every step leaves the data directory consistent: a block is only visible under its final name once complete and
 * synced; WAL segments go only after a checkpoint covering them is durable; {@link BlockSet#load} and
 * {@link WalReader} remove what an interrupted step left behind (a {@code .tmp} directory, a {@code .deleted} one,
 * the parents of a compacted block, a temporary checkpoint, segments a checkpoint covers). Replay raises the floor
 * to the newest block's end, so the samples in blocks are not taken into the head twice.
 *
 * <p>A querier that is never closed holds back head truncation (memory) for good, but not cuts, checkpoints or
 * retention (disk); blocks it pins stay mapped.
 *
 * <p>Thread-safe: {@link #wake}, {@link #runNow} and {@link #checkpointBefore} from any thread; everything else on
 * the maintenance thread.
 */
final class Maintenance implements AutoCloseable {
    static final long INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);
    private static final long MIN_BACKOFF_NANOS = TimeUnit.SECONDS.toNanos(10);
    private static final long MAX_BACKOFF_NANOS = TimeUnit.MINUTES.toNanos(5);
    private static final int MAX_CUTS_PER_RUN = 10_000;
    /** Compaction windows, in block ranges: 2 h → 6 h → 24 h with the default range. */
    private static final int[] COMPACTION_RANGES = {3, 12};
    /** Sources whose indexes add up to more are left alone: the merged index must stay mappable (2 GiB). */
    private static final long MAX_COMPACTED_INDEX_BYTES = 1L << 30;
    private static final Logger log = LoggerFactory.getLogger(Maintenance.class);

    private final Disk disk;
    private final Head head;
    private final Wal wal;
    private final BlockSet blocks;
    private final InstantSource clock;
    private final long range;
    private final long retentionMillis;
    private final boolean automatic;
    private final boolean rollups;
    private final BlockCutter cutter;
    private final Random random = new Random(new SecureRandom().nextLong());
    private final Thread thread;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition signal = lock.newCondition();
    private boolean wakeRequested;
    /** A checkpoint asked for from outside (segment, floor), taken over by the thread at its next run. */
    private long[] pendingCheckpoint;
    private final List<CompletableFuture<List<String>>> requests = new ArrayList<>();
    /** Whether a run was asked to {@link #flushNow flush} the head. */
    private boolean flushRequested;
    private volatile boolean closing;

    // Owned by the maintenance thread.
    private long checkpointSegment = -1;
    private long checkpointFloor;
    private long truncatedFloor = Long.MIN_VALUE;
    private volatile long headBytesCompacted;
    private boolean collectedAtStart;
    private long retryAfterNanos;
    private long backoffNanos;
    private List<String> errors = new ArrayList<>();

    private volatile long cuts;
    private volatile long checkpoints;
    private volatile long compactions;
    private volatile long blocksDeleted;
    private volatile long seriesRemoved;
    private volatile String lastError;

    /**
     * @param automatic whether to run on wake-ups and every minute; without, only {@link #runNow} runs (tests)
     */
    Maintenance(Disk disk, Head head, Wal wal, BlockSet blocks, TsdbOptions options, long chunkSegmentBytes,
                boolean automatic) {
        this.disk = disk;
        this.head = head;
        this.wal = wal;
        this.blocks = blocks;
        this.clock = options.clock();
        this.range = options.blockRange().toMillis();
        this.retentionMillis = options.retention().toMillis();
        this.automatic = automatic;
        this.rollups = options.rollups();
        this.cutter = new BlockCutter(disk, chunkSegmentBytes, () -> closing);
        this.thread = Thread.ofPlatform().name("tocsin-tsdb-maintenance").daemon(true).unstarted(this::loop);
        thread.start();
    }

    /**
     * Asks for a checkpoint of the segments before {@code segment} at the next run; {@code floor} must be the end
     * of a durable block. Call before the first run (the store does, on open).
     */
    void checkpointBefore(long segment, long floor) {
        lock.lock();
        try {
            pendingCheckpoint = new long[]{segment, floor};
            wakeRequested = automatic;
            signal.signal();
        } finally {
            lock.unlock();
        }
    }

    /** Asks for a run soon; cheap, callable from any thread. Ignored when not automatic. */
    void wake() {
        if (!automatic) {
            return;
        }
        lock.lock();
        try {
            wakeRequested = true;
            signal.signal();
        } finally {
            lock.unlock();
        }
    }

    /** Runs every stage now, ignoring any back-off, and waits; returns the errors of the run (empty: all went well). */
    List<String> runNow() {
        return request(false);
    }

    /**
     * As {@link #runNow}, and the cut stage also writes the head's samples up to its newest one into blocks (one per
     * block range they fall in), raising the head's floor past them: see {@link Tsdb#flush()}.
     */
    List<String> flushNow() {
        return request(true);
    }

    private List<String> request(boolean flush) {
        CompletableFuture<List<String>> done = new CompletableFuture<>();
        lock.lock();
        try {
            if (closing) {
                throw new IllegalStateException("the store is closed");
            }
            requests.add(done);
            flushRequested |= flush;
            signal.signal();
        } finally {
            lock.unlock();
        }
        return done.join();
    }

    long cuts() {
        return cuts;
    }

    long checkpoints() {
        return checkpoints;
    }

    long compactions() {
        return compactions;
    }

    long blocksDeleted() {
        return blocksDeleted;
    }

    long seriesRemoved() {
        return seriesRemoved;
    }

    String lastError() {
        return lastError;
    }

    private void loop() {
        while (true) {
            List<CompletableFuture<List<String>>> taken;
            boolean forced;
            boolean flush;
            lock.lock();
            try {
                long wait = INTERVAL_NANOS;
                while (!closing && requests.isEmpty() && !wakeRequested && (wait > 0 || !automatic)) {
                    wait = signal.awaitNanos(automatic ? wait : INTERVAL_NANOS);
                }
                if (closing) {
                    break;
                }
                taken = new ArrayList<>(requests);
                requests.clear();
                if (pendingCheckpoint != null && checkpointSegment < 0) {
                    checkpointSegment = pendingCheckpoint[0];
                    checkpointFloor = pendingCheckpoint[1];
                }
                pendingCheckpoint = null;
                forced = !taken.isEmpty();
                flush = flushRequested;
                flushRequested = false;
                wakeRequested = false;
            } catch (InterruptedException e) {
                break;
            } finally {
                lock.unlock();
            }
            List<String> result;
            try {
                result = runOnce(forced, flush);
            } catch (RuntimeException e) { // a bug: keep the thread alive for the next run
                log.error("maintenance run failed", e);
                result = List.of(String.valueOf(e));
            }
            for (CompletableFuture<List<String>> f : taken) {
                f.complete(result);
            }
        }
        lock.lock();
        try {
            for (CompletableFuture<List<String>> f : requests) {
                f.completeExceptionally(new IllegalStateException("the store is closed"));
            }
            requests.clear();
        } finally {
            lock.unlock();
        }
    }

    private interface Stage {
        void run() throws IOException;
    }

    private List<String> runOnce(boolean forced, boolean flush) {
        errors = new ArrayList<>();
        if (!forced && System.nanoTime() - retryAfterNanos < 0) {
            return errors;
        }
        stage("delete released blocks", this::deleteReleased);
        stage("cut a block", () -> {
            for (int n = 0; n < MAX_CUTS_PER_RUN && !closing && cutIfDue(); n++) {
                // one block per range the head has outgrown
            }
            long through = flush ? head.maxTime() : Long.MIN_VALUE;
            for (int n = 0; flush && through != Long.MIN_VALUE && n < MAX_CUTS_PER_RUN && !closing
                    && flushCut(through + 1); n++) {
                // one block per range the flushed samples fall in
            }
        });
        stage("checkpoint the WAL", this::checkpointIfPending);
        stage("truncate the head", this::truncateHead);
        stage("compact the head's sealed chunks", this::compactHeadChunks);
        stage("apply retention", this::retention);
        stage("compact blocks", () -> {
            for (int n = 0; n < MAX_CUTS_PER_RUN && !closing && compactIfDue(); n++) {
                // one window at a time
            }
        });
        if (errors.isEmpty()) {
            backoffNanos = 0;
        } else {
            backoffNanos = Math.min(MAX_BACKOFF_NANOS, Math.max(MIN_BACKOFF_NANOS, 2 * backoffNanos));
            retryAfterNanos = System.nanoTime() + backoffNanos;
        }
        return errors;
    }

    private void stage(String name, Stage stage) {
        if (closing) {
            return;
        }
        try {
            stage.run();
        } catch (BlockCutter.Cancelled e) {
            log.info("maintenance: {} stopped, the store is closing", name);
        } catch (IOException | RuntimeException e) {
            Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
            String message = name + " failed: " + cause.getMessage();
            errors.add(message);
            lastError = message;
            log.error("maintenance: {}; the head and the WAL still hold everything, retrying later", message, cause);
        }
    }

    /** Cuts the oldest block range if the head has outgrown 1.5 ranges; false when it has not. */
    private boolean cutIfDue() throws IOException {
        BlockSet.View view = blocks.current();
        long blocksEnd = view.headFloor(); // the newest block's end, or beyond when a cut found nothing to write
        long max = head.maxTime();
        long min = head.minTimeFrom(blocksEnd); // older samples are in blocks, waiting for truncation
        head.exactMinTime(); // keeps the WAL writer's cheap "is a cut due" check from waking us for nothing
        if (min == Long.MAX_VALUE || max == Long.MIN_VALUE) {
            return false;
        }
        long start = Math.max(TimeRanges.alignDown(min, range), blocksEnd);
        if (!TimeRanges.longerThan(start, max, range + range / 2)) {
            return false;
        }
        cut(start, TimeRanges.add(TimeRanges.alignDown(start, range), range), blocksEnd);
        return true;
    }

    /**
     * Cuts the head's samples older than {@code through} into blocks: the oldest block range holding any, up to
     * {@code through} at most, so that a block never spans two ranges and compaction treats it as any cut block.
     * False when no sample older than {@code through} is left above the floor.
     */
    private boolean flushCut(long through) throws IOException {
        long blocksEnd = blocks.current().headFloor();
        long min = head.minTimeFrom(blocksEnd);
        if (min == Long.MAX_VALUE || min >= through) {
            return false;
        }
        long start = Math.max(TimeRanges.alignDown(min, range), blocksEnd);
        cut(start, Math.min(TimeRanges.add(TimeRanges.alignDown(start, range), range), through), blocksEnd);
        return true;
    }

    /**
     * Freezes {@code [start, end)} (a floor record for {@code end} in a new WAL segment, the head's floor raised), writes
     * the head's samples in it to a block, publishes it and asks for the checkpoint that lets the older segments go.
     */
    private void cut(long start, long end, long blocksEnd) throws IOException {
        long started = System.nanoTime();
        long segment = wal.between(w -> {
            long n = w.startSegment();
            w.log(WalFormat.floorRecord(end));
            head.raiseFloor(end);
            return n;
        }).join();
        BlockCutter.Written written = cutter.cut(head, BlockId.create(clock.millis(), random), start, end,
                blocksEnd);
        Block block = written == null ? null : install(written);
        blocks.publish(block == null ? List.of() : List.of(block), List.of(), List.of(), end);
        checkpointSegment = segment;
        checkpointFloor = end;
        cuts++;
        if (block != null) {
            BlockMeta m = block.meta();
            log.info("cut block {} [{}, {}): {} series, {} samples, {} chunks, {} bytes ({} bytes/sample) in {} ms",
                    m.id(), m.minTime(), m.maxTime(), m.series(), m.samples(), m.chunks(), block.bytes(),
                    String.format("%.2f", m.samples() == 0 ? 0.0 : (double) block.bytes() / m.samples()),
                    (System.nanoTime() - started) / 1_000_000);
        }
    }

    /** Renames a written block into place, makes that durable and opens it. */
    private Block install(BlockCutter.Written written) throws IOException {
        disk.move(written.tmpDir(), written.finalDir());
        disk.syncDirectory(BlockSet.DIR);
        try {
            return Block.open(disk, written.finalDir());
        } catch (BlockFormat.CorruptBlockException e) {
            // Just written and synced, yet unreadable: keep it out, so that the range is cut again from memory.
            disk.move(written.finalDir(), written.finalDir() + BlockFormat.CORRUPT_SUFFIX);
            disk.syncDirectory(BlockSet.DIR);
            throw new IOException("the block just written does not read back: " + e.getMessage(), e);
        }
    }

    private void checkpointIfPending() throws IOException {
        if (checkpointSegment < 0) {
            return;
        }
        long started = System.nanoTime();
        Checkpoint.Result r = Checkpoint.write(disk, Tsdb.WAL_DIR, head, checkpointSegment, checkpointFloor);
        checkpointSegment = -1;
        checkpoints++;
        log.info("WAL checkpoint {}: {} series, {} samples kept ({} dropped as in blocks), {} bytes; removed {} files "
                        + "({} bytes) in {} ms", r.number(), r.series(), r.samplesKept(), r.samplesDropped(),
                r.bytesWritten(), r.filesRemoved(), r.bytesRemoved(), (System.nanoTime() - started) / 1_000_000);
    }

    /**
     * Re-encodes the head's newly sealed chunks as decimal chunks where that is smaller (see
     * {@link MemSeries#compactSealed}): the head of a fleet of decimal-valued series shrinks to about a byte a sample.
     */
    private void compactHeadChunks() {
        long[] saved = {0};
        head.forEachSeries(s -> {
            if (!closing) {
                saved[0] += s.compactSealed();
            }
        });
        headBytesCompacted += saved[0];
        if (saved[0] > 0) {
            log.debug("head chunks re-encoded as decimal: {} bytes saved", saved[0]);
        }
    }

    /** Bytes the head's chunks shrank by through {@link #compactHeadChunks}, since the store opened. */
    long headBytesCompacted() {
        return headBytesCompacted;
    }

    private void truncateHead() {
        long safe = blocks.safeFloor();
        if (safe <= truncatedFloor && collectedAtStart) {
            return;
        }
        collectedAtStart = true;
        List<MemSeries> empty = head.truncateBefore(safe);
        truncatedFloor = Math.max(truncatedFloor, safe);
        if (!empty.isEmpty()) {
            int removed = wal.between(w -> head.remove(empty)).join();
            seriesRemoved += removed;
            log.info("head truncated below {}: {} idle series removed, {} left", safe, removed, head.seriesCount());
        }
    }

    private void retention() throws IOException {
        if (retentionMillis <= 0) {
            return;
        }
        long cutoff = TimeRanges.subtract(clock.millis(), retentionMillis);
        List<Block> expired = new ArrayList<>();
        for (Block b : blocks.current().blocks()) {
            if (b.meta().maxTime() <= cutoff) {
                expired.add(b);
            }
        }
        if (!expired.isEmpty()) {
            retire(expired);
            log.info("retention: {} blocks wholly before {} leave the store", expired.size(), cutoff);
        }
    }

    /** Takes blocks out of the view and marks their directories deleted; files go once readers have left. */
    private void retire(List<Block> gone) throws IOException {
        List<String> paths = new ArrayList<>();
        for (Block b : gone) {
            paths.add(b.dir() + BlockFormat.DELETED_SUFFIX);
        }
        blocks.publish(List.of(), gone, paths, Long.MIN_VALUE);
        for (Block b : gone) {
            disk.move(b.dir(), b.dir() + BlockFormat.DELETED_SUFFIX);
        }
        disk.syncDirectory(BlockSet.DIR);
        deleteReleased();
    }

    private void deleteReleased() throws IOException {
        List<String> paths = blocks.releasedRetired();
        for (String path : paths) {
            disk.deleteTree(path);
            blocksDeleted++;
        }
        if (!paths.isEmpty()) {
            disk.syncDirectory(BlockSet.DIR);
        }
    }

    /** Compacts the earliest window that is complete and holds more than one block; false when there is none. */
    private boolean compactIfDue() throws IOException {
        BlockSet.View view = blocks.current();
        long cutoff = retentionMillis <= 0 ? Long.MIN_VALUE : TimeRanges.subtract(clock.millis(), retentionMillis);
        for (int level = 0; level < COMPACTION_RANGES.length; level++) {
            long window = range * COMPACTION_RANGES[level];
            int target = level + 2;
            TreeMap<Long, List<Block>> byWindow = new TreeMap<>();
            for (Block b : view.blocks()) {
                long start = TimeRanges.alignDown(b.meta().minTime(), window);
                if (b.meta().level() < target
                        && start == TimeRanges.alignDown(b.meta().maxTime() - 1, window)) {
                    byWindow.computeIfAbsent(start, k -> new ArrayList<>()).add(b);
                }
            }
            for (var e : byWindow.entrySet()) {
                long end = TimeRanges.add(e.getKey(), window);
                List<Block> sources = e.getValue();
                long indexBytes = sources.stream().mapToLong(Block::indexBytes).sum();
                if (sources.size() < 2 || end > view.headFloor() || end <= cutoff
                        || indexBytes > MAX_COMPACTED_INDEX_BYTES) {
                    continue;
                }
                compact(sources, target);
                return true;
            }
        }
        return false;
    }

    private void compact(List<Block> sources, int level) throws IOException {
        long started = System.nanoTime();
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        for (Block b : sources) {
            min = Math.min(min, b.meta().minTime());
            max = Math.max(max, b.meta().maxTime());
        }
        // The sources stay in the view (and mapped) until the merged block replaces them: only this thread
        // removes blocks from the view.
        BlockCutter.Written written = cutter.compact(sources, BlockId.create(clock.millis(), random), min, max,
                level, rollupResolutions(level));
        Block merged = install(written);
        List<String> paths = new ArrayList<>();
        for (Block b : sources) {
            paths.add(b.dir() + BlockFormat.DELETED_SUFFIX);
        }
        blocks.publish(List.of(merged), sources, paths, Long.MIN_VALUE);
        for (Block b : sources) {
            disk.move(b.dir(), b.dir() + BlockFormat.DELETED_SUFFIX);
        }
        disk.syncDirectory(BlockSet.DIR);
        compactions++;
        log.info("compacted {} blocks into {} [{}, {}) level {}: {} series, {} samples, {} bytes in {} ms",
                sources.size(), merged.id(), min, max, level, merged.meta().series(), merged.meta().samples(),
                merged.bytes(), (System.nanoTime() - started) / 1_000_000);
        deleteReleased();
    }

    /**
     * The rollups a compacted block of {@code level} gets: 5 minutes at every level, and 1 hour too at the largest
     * (computed from the 5-minute buckets, as Thanos does), each only when a block range is a multiple of it, so
     * that buckets do not straddle blocks. None when rollups are turned off.
     */
    long[] rollupResolutions(int level) {
        if (!rollups || level < 2 || range % RollupFile.FIVE_MINUTES != 0) {
            return new long[0];
        }
        if (level == COMPACTION_RANGES.length + 1 && range % RollupFile.ONE_HOUR == 0) {
            return new long[]{RollupFile.FIVE_MINUTES, RollupFile.ONE_HOUR};
        }
        return new long[]{RollupFile.FIVE_MINUTES};
    }

    /** Stops the thread after the stage in progress (a block being written is abandoned and removed). */
    @Override
    public void close() {
        lock.lock();
        try {
            closing = true;
            signal.signal();
        } finally {
            lock.unlock();
        }
        try {
            thread.join(TimeUnit.MINUTES.toMillis(1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            log.warn("the maintenance thread did not stop within a minute of close");
        }
    }
}
