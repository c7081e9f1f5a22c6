package tocsin.tsdb;

import tocsin.core.metric.MetricKind;
import tocsin.core.metric.SeriesKey;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.TreeSet;
import java.util.function.BooleanSupplier;

/**
 * Writes the head's samples older than a block end into a new block directory, and merges blocks into one
 * (compaction). Both produce {@code blocks/<id>.tmp}, fully synced; the caller renames it into place.
 *
 * <p>Not thread-safe: the maintenance thread's tool. The head may be appended to meanwhile: each series is read
 * under its lock, and samples appended during the write are newer than the head's floor, hence than the block.
 */
final class BlockCutter {
    /** Why a write stopped early: the store is closing. */
    static final class Cancelled extends IOException {
        Cancelled() {
            super("the store is closing");
        }
    }

    /** A written block directory, not yet renamed into place. */
    record Written(String tmpDir, String finalDir, BlockMeta meta) {}

    private final Disk disk;
    private final long chunkSegmentBytes;
    private final BooleanSupplier cancelled;

    BlockCutter(Disk disk, long chunkSegmentBytes, BooleanSupplier cancelled) {
        this.disk = disk;
        this.chunkSegmentBytes = chunkSegmentBytes;
        this.cancelled = cancelled;
    }

    /**
     * Writes every head sample in [notBefore, end) as a level-1 block whose range starts at {@code start} or, if
     * older samples turn up (appended while the cut was being planned), at their block-range boundary. Samples
     * before {@code notBefore} are in blocks already and wait for the head's truncation. Null when the head holds no
     * sample in range.
     */
    Written cut(Head head, BlockId id, long start, long end, long notBefore) throws IOException {
        List<MemSeries> series = new ArrayList<>();
        head.forEachSeries(s -> {
            if (s.overlaps(notBefore, end - 1)) {
                series.add(s);
            }
        });
        if (series.isEmpty()) {
            return null;
        }
        series.sort(Comparator.comparing(s -> s.key));
        TreeSet<String> symbols = new TreeSet<>();
        for (MemSeries s : series) {
            addSymbols(symbols, s.key);
        }
        String tmp = BlockSet.DIR + "/" + id + BlockFormat.TEMPORARY_SUFFIX;
        return write(tmp, id, symbols, new long[0], w -> {
            long min = Long.MAX_VALUE;
            for (int i = 0; i < series.size(); i++) {
                if ((i & 1023) == 0 && cancelled.getAsBoolean()) {
                    throw new Cancelled();
                }
                MemSeries s = series.get(i);
                List<Chunk> chunks = s.chunksBetween(notBefore, end, head.chunkRange());
                if (!chunks.isEmpty()) {
                    min = Math.min(min, chunks.getFirst().minTime());
                    w.add(s.key, s.kind, chunks);
                }
            }
            long blockStart = min == Long.MAX_VALUE ? start
                    : Math.max(notBefore, Math.min(start, TimeRanges.alignDown(min, head.chunkRange())));
            return w.finish(id, Math.min(blockStart, end - 1), end, 1, List.of());
        });
    }

    /**
     * Merges {@code sources} (time-ordered, not overlapping) into one block of {@code level} over [min, max), with
     * rollups at {@code rollupResolutions} (none: no rollups file).
     */
    Written compact(List<Block> sources, BlockId id, long min, long max, int level, long[] rollupResolutions)
            throws IOException {
        TreeSet<String> symbols = new TreeSet<>();
        for (Block b : sources) {
            symbols.addAll(unchecked(b.index()::symbols));
        }
        String tmp = BlockSet.DIR + "/" + id + BlockFormat.TEMPORARY_SUFFIX;
        List<BlockId> parents = sources.stream().map(Block::id).toList();
        return write(tmp, id, symbols, rollupResolutions, w -> {
            int[] next = new int[sources.size()];
            SeriesKey[] heads = new SeriesKey[sources.size()];
            for (int i = 0; i < sources.size(); i++) {
                heads[i] = keyAt(sources.get(i), 0);
            }
            for (int done = 0; ; done++) {
                if ((done & 1023) == 0 && cancelled.getAsBoolean()) {
                    throw new Cancelled();
                }
                SeriesKey smallest = null;
                for (SeriesKey k : heads) {
                    if (k != null && (smallest == null || k.compareTo(smallest) < 0)) {
                        smallest = k;
                    }
                }
                if (smallest == null) {
                    break;
                }
                List<Chunk> chunks = new ArrayList<>();
                MetricKind kind = null;
                for (int i = 0; i < sources.size(); i++) { // in time order, so chunks come out in time order
                    if (smallest.equals(heads[i])) {
                        Block b = sources.get(i);
                        int ordinal = next[i];
                        BlockIndex.Series s = unchecked(() -> b.index().series(ordinal));
                        kind = s.kind(); // the newest block's kind wins, as the head's does over blocks
                        for (int c = 0; c < s.refs().length; c++) {
                            Chunk chunk = b.chunk(s.refs()[c], s.minTimes()[c], s.maxTimes()[c]);
                            if (chunk != null) {
                                chunks.add(chunk);
                            }
                        }
                        next[i]++;
                        heads[i] = keyAt(b, next[i]);
                    }
                }
                w.add(smallest, kind, chunks);
            }
            return w.finish(id, min, max, level, parents);
        });
    }

    private static SeriesKey keyAt(Block b, int ordinal) {
        return ordinal < b.index().seriesCount() ? unchecked(() -> b.index().key(ordinal)) : null;
    }

    private interface Body {
        BlockMeta run(BlockWriter w) throws IOException;
    }

    private Written write(String tmp, BlockId id, TreeSet<String> symbols, long[] rollupResolutions, Body body)
            throws IOException {
        disk.createDirectories(tmp);
        try {
            BlockMeta meta;
            try (BlockWriter w = new BlockWriter(disk, tmp, chunkSegmentBytes, symbols,
                    rollupResolutions)) {
                meta = body.run(w);
            }
            return new Written(tmp, BlockSet.DIR + "/" + id, meta);
        } catch (IOException | RuntimeException e) {
            try {
                disk.deleteTree(tmp);
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    private static void addSymbols(TreeSet<String> symbols, SeriesKey key) {
        symbols.add(key.name());
        for (int i = 0; i < key.tagCount(); i++) {
            symbols.add(key.tag(i));
        }
    }

    private interface Read<T> {
        T get() throws BlockFormat.CorruptBlockException;
    }

    /** Source blocks passed their checks at open; a failure here is an I/O-level surprise, reported as such. */
    private static <T> T unchecked(Read<T> read) {
        try {
            return read.get();
        } catch (BlockFormat.CorruptBlockException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }
}
