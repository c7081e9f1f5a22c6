package tocsin.tsdb;

import org.roaringbitmap.RoaringBitmap;
import tocsin.core.metric.MetricKind;
import tocsin.core.metric.SeriesKey;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.CRC32C;

/**
 * Writes one block's files into a directory that the caller then renames into place:
 * <pre>{@code
 * try (BlockWriter w = new BlockWriter(disk, "blocks/<id>.tmp", segmentBytes, symbols)) {
 *     for (each series in key order) w.add(key, kind, chunks);
 *     meta = w.finish(id, minTime, maxTime, level, parents);   // every file and directory synced
 * }
 * }</pre>
 * The symbols (every metric name and tag of the series to come) are needed up front, as series entries refer to
 * them by number; chunk bytes stream into segment files of at most {@code segmentBytes} as series arrive, series
 * entries into the index; postings are gathered in memory (a bitmap per term) and written last. Memory: the
 * symbol map, one int per series and the postings bitmaps, never the samples.
 *
 * <p>Not thread-safe: one writer, on the maintenance thread. On any failure the caller deletes the directory.
 */
final class BlockWriter implements AutoCloseable {
    /** Most samples in one chunk on disk: two hours at 15 s, so a one-hour query decodes at most two per series. */
    static final int SAMPLES_PER_CHUNK = 480;

    private final Disk disk;
    private final String dir;
    private final long segmentBytes;
    private final Map<String, Integer> symbols = new HashMap<>();
    private final BlockFormat.Writer index;
    private final TreeMap<Integer, RoaringBitmap> metricPostings = new TreeMap<>();
    private final TreeMap<Integer, RoaringBitmap> tagPostings = new TreeMap<>();
    private final int symbolCount;
    private final long symbolTableOffset;
    private int[] seriesOffsets = new int[1024];
    private int seriesCount;
    private SeriesKey lastKey;
    private BlockFormat.Writer segment;
    private int segmentNumber;
    private long samples;
    private long chunks;
    private final CRC32C crc = new CRC32C();
    private final RollupFile.Writer rollups;

    /**
     * Creates {@code dir/chunks} and {@code dir/index} and writes the symbol table.
     *
     * @param symbols every name and tag of the series to be added, sorted and unique
     */
    BlockWriter(Disk disk, String dir, long segmentBytes, Collection<String> symbols) throws IOException {
        this(disk, dir, segmentBytes, symbols, new long[0]);
    }

    /**
     * As above, and with {@code rollupResolutions} (ascending, each dividing the next) also
     * {@code dir/rollups} ({@link RollupFile}); none: no rollups file.
     */
    BlockWriter(Disk disk, String dir, long segmentBytes, Collection<String> symbols, long[] rollupResolutions)
            throws IOException {
        this.disk = disk;
        this.dir = dir;
        this.segmentBytes = segmentBytes;
        disk.createDirectories(dir + "/" + BlockFormat.CHUNKS);
        index = new BlockFormat.Writer(disk, dir + "/" + BlockFormat.INDEX);
        index.bytes(BlockFormat.header(BlockFormat.INDEX_MAGIC));
        int[] offsets = new int[symbols.size()];
        int n = 0;
        String previous = null;
        for (String s : symbols) {
            if (previous != null && previous.compareTo(s) >= 0) {
                throw new IllegalArgumentException("symbols are not sorted and unique at " + s);
            }
            previous = s;
            offsets[n] = (int) index.position();
            this.symbols.put(s, n++);
            index.string(s);
        }
        symbolCount = n;
        symbolTableOffset = index.position();
        for (int off : offsets) {
            index.u32(off);
        }
        rollups = rollupResolutions.length == 0 ? null : new RollupFile.Writer(disk, dir, rollupResolutions);
    }

    /**
     * Adds a series; keys must come in increasing order, chunks in time order, each exactly its stream's bytes (a
     * sealed chunk, not a snapshot of an open one). A series without chunks is skipped.
     */
    void add(SeriesKey key, MetricKind kind, List<Chunk> given) throws IOException {
        if (given.isEmpty()) {
            return;
        }
        if (lastKey != null && lastKey.compareTo(key) >= 0) {
            throw new IllegalArgumentException("series must come in key order: " + key + " after " + lastKey);
        }
        lastKey = key;
        Samples decoded = Samples.of(given);
        List<Chunk> seriesChunks = reencode(decoded);
        if (rollups != null) {
            rollups.add(decoded.times(), decoded.values(), decoded.n());
        }
        long[] refs = new long[seriesChunks.size()];
        for (int i = 0; i < refs.length; i++) {
            refs[i] = writeChunk(seriesChunks.get(i));
        }
        int ordinal = seriesCount++;
        if (ordinal == seriesOffsets.length) {
            seriesOffsets = Arrays.copyOf(seriesOffsets, ordinal * 2);
        }
        seriesOffsets[ordinal] = (int) index.position();
        int name = symbol(key.name());
        index.u8(WalFormat.kindCode(kind));
        index.uvarint(name);
        index.uvarint(key.tagCount());
        metricPostings.computeIfAbsent(name, k -> new RoaringBitmap()).add(ordinal);
        for (int i = 0; i < key.tagCount(); i++) {
            int tag = symbol(key.tag(i));
            index.uvarint(tag);
            tagPostings.computeIfAbsent(tag, k -> new RoaringBitmap()).add(ordinal);
        }
        index.uvarint(refs.length);
        long previousMax = 0;
        long previousRef = 0;
        for (int i = 0; i < refs.length; i++) {
            Chunk c = seriesChunks.get(i);
            if (i == 0) {
                index.varint(c.minTime());
                index.uvarint(c.maxTime() - c.minTime());
                index.uvarint(refs[i]);
            } else {
                index.varint(c.minTime() - previousMax);
                index.uvarint(c.maxTime() - c.minTime());
                index.uvarint(refs[i] - previousRef);
            }
            previousMax = c.maxTime();
            previousRef = refs[i];
            samples += c.count();
        }
        chunks += refs.length;
    }

    /**
     * Rewrites a series' chunks for the block: runs of up to {@link #SAMPLES_PER_CHUNK} samples, each as a
     * {@link DecimalChunk} when its values allow, else as XOR. The head cuts chunks at 120 samples to bound the cost
     * of appending; on disk, longer runs compress better and an hour's query still decodes at most two per series.
     */
    static List<Chunk> reencode(List<Chunk> given) {
        return reencode(Samples.of(given));
    }

    private static List<Chunk> reencode(Samples s) {
        List<Chunk> out = new ArrayList<>(s.n / SAMPLES_PER_CHUNK + 1);
        for (int from = 0; from < s.n; from += SAMPLES_PER_CHUNK) {
            int to = Math.min(s.n, from + SAMPLES_PER_CHUNK);
            out.add(encode(s.times, s.bits, s.values, from, to));
        }
        return out;
    }

    /** Samples [from, to) as one chunk: {@link DecimalChunk} when the values allow, else XOR. */
    static Chunk encode(long[] times, double[] values, int from, int to) {
        long[] bits = new long[values.length];
        for (int i = from; i < to; i++) {
            bits[i] = Double.doubleToRawLongBits(values[i]);
        }
        return encode(times, bits, values, from, to);
    }

    private static Chunk encode(long[] times, long[] bits, double[] values, int from, int to) {
        byte[] decimal = DecimalChunk.encode(times, values, from, to);
        if (decimal != null) {
            return new Chunk(times[from], times[to - 1], to - from, decimal, BlockFormat.DECIMAL_ENCODING);
        }
        XorChunk xor = new XorChunk((to - from) * 9);
        for (int i = from; i < to; i++) {
            xor.encodeBits(times[i], bits[i]);
        }
        return xor.sealChunk();
    }

    /** A series' samples decoded from its chunks, with the raw bits of each value. */
    private record Samples(long[] times, long[] bits, double[] values, int n) {
        static Samples of(List<Chunk> given) {
            int total = 0;
            for (Chunk c : given) {
                total += c.count();
            }
            long[] times = new long[total];
            long[] bits = new long[total];
            double[] values = new double[total];
            int n = 0;
            for (Chunk c : given) {
                for (ChunkIterator it = c.iterator(); it.next(); n++) {
                    times[n] = it.timestamp();
                    bits[n] = it.valueBits();
                    values[n] = it.value();
                }
            }
            return new Samples(times, bits, values, n);
        }
    }

    private int symbol(String s) {
        Integer n = symbols.get(s);
        if (n == null) {
            throw new IllegalArgumentException("'" + s + "' is not among the block's symbols");
        }
        return n;
    }

    /** Appends a chunk entry (length, encoding, count, bytes, CRC32C) and returns its reference. */
    private long writeChunk(Chunk c) throws IOException {
        int length = c.bytes().length; // exact: chunks given here are sealed (trimmed) copies
        long entry = 10 + 1 + 5 + length + 4;
        if (segment == null || segment.position() + entry > segmentBytes && segment.position() > BlockFormat.HEADER_BYTES) {
            rollSegment();
        }
        long offset = segment.position();
        byte[] head = new byte[16];
        int h = putUvarint(head, 0, length);
        int crcFrom = h;
        head[h++] = c.encoding();
        h = putUvarint(head, h, c.count());
        crc.reset();
        crc.update(head, crcFrom, h - crcFrom);
        crc.update(c.bytes(), 0, length);
        segment.bytes(head, 0, h);
        segment.bytes(c.bytes(), 0, length);
        segment.u32((int) crc.getValue());
        return BlockFormat.chunkRef(segmentNumber, offset);
    }

    private static int putUvarint(byte[] b, int pos, long v) {
        while ((v & ~0x7FL) != 0) {
            b[pos++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        b[pos++] = (byte) v;
        return pos;
    }

    private void rollSegment() throws IOException {
        if (segment != null) {
            segment.sync();
            segment.close();
        }
        segmentNumber++;
        segment = new BlockFormat.Writer(disk, dir + "/" + BlockFormat.CHUNKS + "/"
                + BlockFormat.chunkSegmentName(segmentNumber));
        segment.bytes(BlockFormat.header(BlockFormat.CHUNKS_MAGIC));
    }

    /** Writes the rest of the index and the meta file and syncs every file and directory of the block. */
    BlockMeta finish(BlockId id, long minTime, long maxTime, int level, List<BlockId> parents) throws IOException {
        if (segment == null) {
            rollSegment(); // an empty block still has one (empty) segment, so that every block looks alike
        }
        segment.sync();
        segment.close();
        long seriesTableOffset = index.position();
        for (int i = 0; i < seriesCount; i++) {
            index.u32(seriesOffsets[i]);
        }
        long metricTableOffset = writePostings(metricPostings);
        long tagTableOffset = writePostings(tagPostings);
        int bodyCrc = index.crc();
        ByteBuffer toc = ByteBuffer.allocate(IndexToc.BYTES);
        toc.putInt(symbolCount).putLong(symbolTableOffset);
        toc.putInt(seriesCount).putLong(seriesTableOffset);
        toc.putInt(metricPostings.size()).putLong(metricTableOffset);
        toc.putInt(tagPostings.size()).putLong(tagTableOffset);
        toc.putInt(bodyCrc);
        toc.putInt(BlockFormat.crc(toc, 0, toc.position()));
        index.bytes(toc.array());
        index.sync();
        index.close();
        if (rollups != null) {
            rollups.finish(seriesCount);
        }

        BlockMeta meta = new BlockMeta(id, minTime, maxTime, level, seriesCount, samples, chunks, parents);
        try (Disk.AppendableFile file = disk.create(dir + "/" + BlockFormat.META)) {
            file.write(ByteBuffer.wrap(meta.encode()));
            file.sync();
        }
        disk.syncDirectory(dir + "/" + BlockFormat.CHUNKS);
        disk.syncDirectory(dir);
        return meta;
    }

    /** Writes each term's bitmap, then the table (symbol, offset, length) sorted by symbol; returns the table's offset. */
    private long writePostings(TreeMap<Integer, RoaringBitmap> postings) throws IOException {
        int[] offsets = new int[postings.size()];
        int[] lengths = new int[postings.size()];
        int i = 0;
        for (RoaringBitmap ids : postings.values()) {
            ids.runOptimize();
            ByteBuffer b = ByteBuffer.allocate(ids.serializedSizeInBytes());
            ids.serialize(b);
            offsets[i] = (int) index.position();
            lengths[i++] = b.capacity();
            index.bytes(b.array());
        }
        long table = index.position();
        i = 0;
        for (int symbol : postings.keySet()) {
            index.u32(symbol);
            index.u32(offsets[i]);
            index.u32(lengths[i++]);
        }
        return table;
    }

    int seriesCount() {
        return seriesCount;
    }

    @Override
    public void close() throws IOException {
        try (RollupFile.Writer r = rollups) {
            index.close();
        } finally {
            if (segment != null) {
                segment.close();
            }
        }
    }

    /** The fixed-size table of contents at the end of the index. */
    static final class IndexToc {
        /** Four (count u32, offset u64) pairs, the body's CRC32C and the TOC's own. */
        static final int BYTES = 4 * 12 + 4 + 4;

        private IndexToc() {
        }
    }
}
