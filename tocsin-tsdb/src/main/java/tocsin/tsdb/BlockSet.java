package tocsin.tsdb;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The store's blocks as queriers see them, and who is reading them.
 *
 * <h2>Views</h2>
 * A {@link View} is an immutable pair: the open blocks, sorted by time, and the <em>head floor</em>, below which a
 * querier must not read the head because those samples are in the view's blocks. Publishing a new block replaces the
 * view with one holding the block and a floor raised to its end, in one step: a querier sees each sample once, in
 * a block or in the head, never in neither.
 *
 * <h2>Pins</h2>
 * {@link #pin} takes a reference on every block of the current view and records the view's floor among the open
 * readers'; {@link #unpin} gives them back. The head may drop samples below {@link #safeFloor()} only: the lowest
 * floor any open reader still relies on. A block removed from the view (retention, compaction) stays mapped until
 * its last reader unpins, and its files are deleted only after ({@link #releasedRetired()}).
 *
 * <p>Thread-safe: pins come from any thread; changes come from the maintenance thread. One short lock guards the
 * view and the reader counts; no I/O happens under it.
 */
final class BlockSet {
    private static final Logger log = LoggerFactory.getLogger(BlockSet.class);
    static final String DIR = "blocks";

    /** What one querier reads: blocks sorted by start time, and the floor under which the head is not read. */
    record View(List<Block> blocks, long headFloor) {
        View {
            blocks = List.copyOf(blocks);
        }

        /** The end of the newest block, or MIN_VALUE without blocks. */
        long blocksEnd() {
            long end = Long.MIN_VALUE;
            for (Block b : blocks) {
                end = Math.max(end, b.meta().maxTime());
            }
            return end;
        }
    }

    /** A block out of the view, waiting for its readers; {@code path} is where its directory is now. */
    private record Retired(Block block, String path) {}

    private final ReentrantLock lock = new ReentrantLock();
    private volatile View view;
    /** The floors of open readers' views, with how many readers each. */
    private final TreeMap<Long, Integer> readers = new TreeMap<>();
    private final List<Retired> retired = new ArrayList<>();
    private final Runnable readerLeft;

    /** @param readerLeft called (outside the lock) when a reader of an older floor leaves: truncation may proceed */
    BlockSet(List<Block> blocks, Runnable readerLeft) {
        this.view = new View(sorted(blocks), blocksEnd(blocks));
        this.readerLeft = readerLeft;
    }

    private static List<Block> sorted(List<Block> blocks) {
        List<Block> out = new ArrayList<>(blocks);
        out.sort(Comparator.comparingLong((Block b) -> b.meta().minTime()).thenComparing(Block::id));
        return out;
    }

    private static long blocksEnd(List<Block> blocks) {
        return new View(blocks, Long.MIN_VALUE).blocksEnd();
    }

    View current() {
        return view;
    }

    /** The current view, each block referenced until {@link #unpin}. */
    View pin() {
        lock.lock();
        try {
            View v = view;
            for (Block b : v.blocks()) {
                b.acquire();
            }
            readers.merge(v.headFloor(), 1, Integer::sum);
            return v;
        } finally {
            lock.unlock();
        }
    }

    void unpin(View v) {
        boolean older;
        lock.lock();
        try {
            readers.compute(v.headFloor(), (floor, n) -> n == null || n <= 1 ? null : n - 1);
            older = v.headFloor() < view.headFloor();
        } finally {
            lock.unlock();
        }
        for (Block b : v.blocks()) {
            b.release();
        }
        if (older) {
            readerLeft.run();
        }
    }

    /** The lowest head floor that an open reader (or the current view) relies on. */
    long safeFloor() {
        lock.lock();
        try {
            long floor = view.headFloor();
            return readers.isEmpty() ? floor : Math.min(floor, readers.firstKey());
        } finally {
            lock.unlock();
        }
    }

    /** Readers open right now; for tests and statistics. */
    int readers() {
        lock.lock();
        try {
            return readers.values().stream().mapToInt(Integer::intValue).sum();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Replaces the view: {@code added} (each holding the reference the view takes over) come in, {@code removed}
     * go out and are retired under {@code removedPaths}, the floor becomes {@code headFloor} (never lower).
     */
    void publish(List<Block> added, List<Block> removed, List<String> removedPaths, long headFloor) {
        List<Block> out = new ArrayList<>();
        lock.lock();
        try {
            Set<Block> gone = new HashSet<>(removed);
            List<Block> blocks = new ArrayList<>(added);
            for (Block b : view.blocks()) {
                if (gone.contains(b)) {
                    out.add(b);
                } else {
                    blocks.add(b);
                }
            }
            view = new View(sorted(blocks), Math.max(view.headFloor(), headFloor));
            for (int i = 0; i < removed.size(); i++) {
                retired.add(new Retired(removed.get(i), removedPaths.get(i)));
            }
        } finally {
            lock.unlock();
        }
        for (Block b : out) {
            b.release(); // the view's reference; readers' references keep it mapped
        }
    }

    /** Retired blocks whose last reader has gone, with the path of their directory; they leave the list. */
    List<String> releasedRetired() {
        List<String> paths = new ArrayList<>();
        lock.lock();
        try {
            retired.removeIf(r -> {
                if (r.block().released()) {
                    paths.add(r.path());
                    return true;
                }
                return false;
            });
        } finally {
            lock.unlock();
        }
        return paths;
    }

    /** Drops the view's references; blocks still pinned by open queriers stay mapped until those close. */
    void close() {
        View v;
        lock.lock();
        try {
            v = view;
            view = new View(List.of(), v.headFloor());
        } finally {
            lock.unlock();
        }
        for (Block b : v.blocks()) {
            b.release();
        }
    }

    /**
     * Opens every block under {@code blocks/}, after removing what a crash left: temporary directories of blocks
     * being written, blocks marked deleted, and blocks that a compacted block lists as its parents. A block that
     * fails its checks is renamed {@code <id>.corrupt}, reported in {@code problems}, and left out.
     */
    static List<Block> load(Disk disk, List<String> problems) throws IOException {
        List<Block> blocks = new ArrayList<>();
        boolean changed = false;
        for (String name : disk.list(DIR)) {
            String path = DIR + "/" + name;
            if (name.endsWith(BlockFormat.TEMPORARY_SUFFIX) || name.endsWith(BlockFormat.DELETED_SUFFIX)) {
                log.info("removing {}: {}", path, name.endsWith(BlockFormat.TEMPORARY_SUFFIX)
                        ? "a block a crash interrupted while it was being written; its samples are still in the WAL"
                        : "a block that was being deleted");
                disk.deleteTree(path);
                changed = true;
                continue;
            }
            if (BlockId.parse(name) == null) {
                continue; // set aside earlier, or not ours
            }
            try {
                blocks.add(Block.open(disk, path));
            } catch (BlockFormat.CorruptBlockException e) {
                String aside = path + BlockFormat.CORRUPT_SUFFIX;
                String problem = "block " + path + " is corrupt (" + e.getMessage() + "); it was moved to " + aside
                        + " and its samples are left out";
                problems.add(problem);
                log.error(problem);
                disk.move(path, aside);
                changed = true;
            }
        }
        Set<BlockId> parents = new HashSet<>();
        for (Block b : blocks) {
            parents.addAll(b.meta().parents());
        }
        for (Block b : new ArrayList<>(blocks)) {
            if (parents.contains(b.id())) {
                log.info("removing {}: it was compacted into a larger block before a crash", b.dir());
                blocks.remove(b);
                b.release();
                disk.deleteTree(b.dir());
                changed = true;
            }
        }
        if (changed) {
            disk.syncDirectory(DIR);
        }
        return blocks;
    }
}
