package tocsin.tsdb;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32C;

/**
 * An immutable on-disk block, open for reading: its meta, its index and its chunk segments, all memory-mapped
 * ({@code docs/format/block-*.md}).
 *
 * <h2>States and reference counts</h2>
 * <pre>
 *   open (count ≥ 1) ──last release──► released: mappings handed back, files deletable
 * </pre>
 * The store's current view holds one reference; each querier that pins the view takes one more. A block leaves the
 * view (retention, or compaction into a larger block) by the view dropping its reference; it is released when the
 * last querier using it closes, never before, so no read ever meets a released block. Only then may its files be
 * deleted. References are only taken while the block is in the view (under the view's lock), so a count never rises
 * from zero.
 *
 * <p>Java 21 cannot unmap a {@code MappedByteBuffer} on demand without {@code sun.misc.Unsafe} (terminally
 * deprecated, and it warns from JDK 24): released mappings go when the collector finds them unreachable, and the
 * disk space of a deleted block is freed then. With a Java 22 baseline the mappings can come from an {@code Arena}
 * closed on release: the counting is already in place.
 *
 * <h2>Corruption</h2>
 * The meta and the whole index are checked (CRC32C) when the block opens; a failure there keeps the block out of
 * the store (see {@link Tsdb}). Each chunk is checked when read: a chunk that fails is skipped, logged as an error
 * with the block and offset, and counted ({@link #corruptChunks}), so that one bad sector costs a chunk of one
 * series, not every query touching the block.
 *
 * <p>Thread-safe.
 */
final class Block {
    private static final Logger log = LoggerFactory.getLogger(Block.class);

    private final BlockMeta meta;
    private final String dir;
    private final Disk.MappedFile indexFile;
    private final BlockIndex index;
    private final Disk.MappedFile[] segments;
    private final long bytes;
    private final Disk.MappedFile rollupFile;
    private final RollupFile rollups;
    private final AtomicInteger refs = new AtomicInteger(1);
    private final AtomicLong corruptChunks = new AtomicLong();

    private Block(BlockMeta meta, String dir, Disk.MappedFile indexFile, BlockIndex index,
                  Disk.MappedFile[] segments, long bytes, Disk.MappedFile rollupFile, RollupFile rollups) {
        this.meta = meta;
        this.rollupFile = rollupFile;
        this.rollups = rollups;
        this.dir = dir;
        this.indexFile = indexFile;
        this.index = index;
        this.segments = segments;
        this.bytes = bytes;
    }

    /**
     * Opens the block in {@code dir} with one reference (the caller's), checking its meta, index and chunk segment
     * headers.
     *
     * @throws BlockFormat.CorruptBlockException when a file is missing or fails a check
     * @throws TsdbOpenException                 when a file has a newer format version
     */
    static Block open(Disk disk, String dir) throws IOException, BlockFormat.CorruptBlockException {
        List<String> names = disk.list(dir);
        for (String required : List.of(BlockFormat.META, BlockFormat.INDEX, BlockFormat.CHUNKS)) {
            if (!names.contains(required)) {
                throw new BlockFormat.CorruptBlockException(dir + " has no " + required);
            }
        }
        BlockMeta meta = BlockMeta.decode(disk.readAll(dir + "/" + BlockFormat.META), dir + "/" + BlockFormat.META);
        if (!meta.id().toString().equals(dir.substring(dir.lastIndexOf('/') + 1))) {
            throw new BlockFormat.CorruptBlockException(dir + "/meta names block " + meta.id());
        }
        List<Disk.MappedFile> opened = new ArrayList<>();
        try {
            long bytes = disk.size(dir + "/" + BlockFormat.META);
            Disk.MappedFile indexFile = disk.map(dir + "/" + BlockFormat.INDEX);
            opened.add(indexFile);
            bytes += indexFile.buffer().limit();
            BlockIndex index = BlockIndex.open(indexFile.buffer(), dir + "/" + BlockFormat.INDEX);
            List<String> segmentNames = disk.list(dir + "/" + BlockFormat.CHUNKS);
            Disk.MappedFile[] segments = new Disk.MappedFile[segmentNames.size()];
            for (int i = 0; i < segments.length; i++) {
                String name = BlockFormat.chunkSegmentName(i + 1);
                if (!segmentNames.get(i).equals(name)) {
                    throw new BlockFormat.CorruptBlockException(dir + "/chunks holds " + segmentNames.get(i)
                            + " where " + name + " was expected");
                }
                String path = dir + "/" + BlockFormat.CHUNKS + "/" + name;
                segments[i] = disk.map(path);
                opened.add(segments[i]);
                ByteBuffer b = segments[i].buffer();
                if (b.limit() < BlockFormat.HEADER_BYTES || b.getInt(0) != BlockFormat.CHUNKS_MAGIC) {
                    throw new BlockFormat.CorruptBlockException(path + " does not start with the chunk segment "
                            + "magic number");
                }
                BlockMeta.checkVersion(b.get(4), path);
                bytes += b.limit();
            }
            if (index.seriesCount() != meta.series()) {
                throw new BlockFormat.CorruptBlockException(dir + ": the index holds " + index.seriesCount()
                        + " series, the meta says " + meta.series());
            }
            Disk.MappedFile rollupFile = null;
            RollupFile rollups = null;
            if (names.contains(RollupFile.NAME)) {
                rollupFile = disk.map(dir + "/" + RollupFile.NAME);
                opened.add(rollupFile);
                try {
                    rollups = RollupFile.open(rollupFile.buffer(), dir + "/" + RollupFile.NAME, meta.series());
                    bytes += rollupFile.buffer().limit();
                } catch (BlockFormat.CorruptBlockException e) {
                    // Derived data: the raw samples still answer every query, only slower.
                    log.error("{}; queries read the block's raw samples instead", e.getMessage());
                    rollupFile.close();
                    opened.remove(rollupFile);
                    rollupFile = null;
                }
            }
            return new Block(meta, dir, indexFile, index, segments, bytes, rollupFile, rollups);
        } catch (IOException | BlockFormat.CorruptBlockException | RuntimeException e) {
            opened.forEach(Disk.MappedFile::close);
            throw e;
        }
    }

    BlockMeta meta() {
        return meta;
    }

    BlockId id() {
        return meta.id();
    }

    /** The directory, relative to the store's, e.g. {@code blocks/01J...}. */
    String dir() {
        return dir;
    }

    BlockIndex index() {
        return index;
    }

    long indexBytes() {
        return indexFile.buffer().limit();
    }

    /** Bytes of its files on disk. */
    long bytes() {
        return bytes;
    }

    /** The block's rollups, or null when it has none ({@link RollupFile}). */
    RollupFile rollups() {
        return rollups;
    }

    long corruptChunks() {
        return corruptChunks.get();
    }

    /** Takes a reference; only while the block is in the view (under its lock), so the count is at least one. */
    void acquire() {
        int before = refs.getAndIncrement();
        if (before <= 0) {
            throw new IllegalStateException("block " + meta.id() + " was acquired after its release");
        }
    }

    /** Drops a reference; the last one hands the mappings back. */
    void release() {
        int left = refs.decrementAndGet();
        if (left == 0) {
            indexFile.close();
            for (Disk.MappedFile s : segments) {
                s.close();
            }
            if (rollupFile != null) {
                rollupFile.close();
            }
        } else if (left < 0) {
            throw new IllegalStateException("block " + meta.id() + " was released once too often");
        }
    }

    boolean released() {
        return refs.get() <= 0;
    }

    int references() {
        return refs.get();
    }

    /** The chunk a reference points at, or null (logged and counted) when it fails its checks. */
    Chunk chunk(long ref, long minTime, long maxTime) {
        int segment = BlockFormat.refSegment(ref);
        int offset = BlockFormat.refOffset(ref);
        try {
            if (segment < 1 || segment > segments.length) {
                throw new BlockFormat.CorruptBlockException("no chunk segment " + segment);
            }
            ByteBuffer b = segments[segment - 1].buffer();
            BlockFormat.Reader r = new BlockFormat.Reader(b, "the chunk", offset); // where: named in the log below
            int length = r.bounded(b.limit(), "chunk length");
            int crcFrom = r.pos;
            int encoding = r.u8();
            int count = r.bounded(Integer.MAX_VALUE, "sample count");
            int dataAt = r.pos;
            if (dataAt + (long) length + 4 > b.limit()) {
                throw new BlockFormat.CorruptBlockException("a chunk of " + length + " bytes runs past the end");
            }
            byte[] data = new byte[length];
            b.get(dataAt, data);
            CRC32C crc = new CRC32C();
            crc.update(b.duplicate().position(crcFrom).limit(dataAt));
            crc.update(data);
            if ((int) crc.getValue() != b.getInt(dataAt + length)) {
                throw new BlockFormat.CorruptBlockException("CRC mismatch");
            }
            if (encoding != BlockFormat.XOR_ENCODING && encoding != BlockFormat.DECIMAL_ENCODING) {
                throw new BlockFormat.CorruptBlockException("unknown chunk encoding " + encoding);
            }
            return new Chunk(minTime, maxTime, count, data, (byte) encoding);
        } catch (BlockFormat.CorruptBlockException | RuntimeException e) {
            corruptChunks.incrementAndGet();
            // made only here: a query reads thousands of chunks, and formatting each one's name cost more than its CRC
            String where = dir + "/chunks/" + BlockFormat.chunkSegmentName(segment) + " at offset " + offset;
            log.error("block chunk {} is unreadable ({}); its samples are left out of the result", where,
                    e.getMessage());
            return null;
        }
    }

    @Override
    public String toString() {
        return "block " + meta.id() + " [" + meta.minTime() + ", " + meta.maxTime() + ") level " + meta.level();
    }
}
