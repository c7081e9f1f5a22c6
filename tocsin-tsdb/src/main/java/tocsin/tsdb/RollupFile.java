package tocsin.tsdb;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.LongConsumer;

/**
 * A block's {@code rollups} file ({@code docs/format/block-rollups.md}): per series of the block, its samples
 * aggregated into buckets at one or more resolutions ({@link RollupBuckets}), each aggregate a chunk in the block
 * chunk encodings with the bucket starts as timestamps. Maintenance writes it into a compacted block's temporary
 * directory with the block's other files ({@link Writer}), so it is as durable and as atomic as the block; a block
 * without the file (cut from the head, or written by an older version) is read from its raw samples.
 *
 * <p>The reader checks the whole file (CRC32C) when the block opens. Thread-safe once open.
 */
final class RollupFile {
    /** "TBRU". */
    static final int MAGIC = 0x5442_5255;
    static final byte VERSION = 1;
    static final String NAME = "rollups";
    /** The resolutions maintenance writes: 5 minutes into every compacted block, 1 hour into the largest. */
    static final long FIVE_MINUTES = 300_000L;
    static final long ONE_HOUR = 3_600_000L;
    /** Buckets per chunk: 40 hours at 5 minutes, so that a day's block holds one chunk per aggregate. */
    static final int BUCKETS_PER_CHUNK = 480;
    /** count, then the {@link RollupBuckets#AGGREGATES} doubles in their order. */
    static final int STREAMS = 1 + RollupBuckets.AGGREGATES;
    /** seriesCount u32, tableOffset u64, body crc u32, toc crc u32. */
    static final int TOC_BYTES = 4 + 8 + 4 + 4;

    private final String path;
    private final ByteBuffer file;
    private final long[] resolutions;
    private final int seriesCount;
    private final int tableOffset;

    private RollupFile(String path, ByteBuffer file, long[] resolutions, int seriesCount, int tableOffset) {
        this.path = path;
        this.file = file;
        this.resolutions = resolutions;
        this.seriesCount = seriesCount;
        this.tableOffset = tableOffset;
    }

    /** Checks and opens a mapped rollups file of a block of {@code series} series. */
    static RollupFile open(ByteBuffer b, String path, long series) throws BlockFormat.CorruptBlockException {
        if (b.limit() < BlockFormat.HEADER_BYTES + 1 + TOC_BYTES || b.getInt(0) != MAGIC) {
            throw new BlockFormat.CorruptBlockException(path + " does not start with the rollups magic number");
        }
        if (b.get(4) > VERSION) {
            throw new TsdbOpenException(path + " has format version " + b.get(4) + "; this build reads up to "
                    + VERSION + ". Run a newer Tocsin, or move the block directory aside", null);
        }
        int toc = b.limit() - TOC_BYTES;
        if (b.getInt(toc + 16) != BlockFormat.crc(b, toc, toc + 16)) {
            throw new BlockFormat.CorruptBlockException(path + ": the table of contents fails its CRC");
        }
        if (b.getInt(toc + 12) != BlockFormat.crc(b, 0, toc)) {
            throw new BlockFormat.CorruptBlockException(path + " fails its CRC");
        }
        int count = b.getInt(toc);
        long table = b.getLong(toc + 4);
        if (count != series || table < 0 || table + 4L * count != toc) {
            throw new BlockFormat.CorruptBlockException(path + " lists " + count + " series at " + table
                    + " for a block of " + series);
        }
        BlockFormat.Reader r = new BlockFormat.Reader(b, path, BlockFormat.HEADER_BYTES);
        int n = r.u8();
        long[] resolutions = new long[n];
        for (int i = 0; i < n; i++) {
            resolutions[i] = r.i64();
            if (resolutions[i] <= 0 || (i > 0 && resolutions[i] % resolutions[i - 1] != 0)) {
                throw new BlockFormat.CorruptBlockException(path + ": bad resolution list "
                        + Arrays.toString(resolutions));
            }
        }
        return new RollupFile(path, b, resolutions, count, (int) table);
    }

    long[] resolutions() {
        return resolutions.clone();
    }

    /**
     * The coarsest stored resolution that divides {@code resolution}, or 0 when none does.
     */
    long usableFor(long resolution) {
        long best = 0;
        for (long r : resolutions) {
            if (resolution % r == 0) {
                best = r;
            }
        }
        return best;
    }

    /**
     * Feeds the stored buckets of series {@code ordinal} at {@code resolution} (one of {@link #resolutions()}) whose
     * start lies in {@code [from, to)} into {@code into}, in time order, telling {@code chunkRead} the bytes of each
     * chunk (its {@link #STREAMS} streams) read.
     */
    void read(int ordinal, long resolution, long from, long to, RollupBuckets into, LongConsumer chunkRead)
            throws BlockFormat.CorruptBlockException {
        if (ordinal < 0 || ordinal >= seriesCount) {
            throw new BlockFormat.CorruptBlockException(path + ": no series " + ordinal);
        }
        int offset = file.getInt(tableOffset + 4 * ordinal);
        if (offset == 0) {
            return;
        }
        BlockFormat.Reader r = new BlockFormat.Reader(file, path, offset);
        for (long res : resolutions) {
            int chunks = r.bounded(file.limit(), "chunk count");
            for (int c = 0; c < chunks; c++) {
                long min = r.varint();
                long max = min + r.uvarint();
                int count = r.bounded(BUCKETS_PER_CHUNK, "bucket count");
                ChunkIterator[] streams = new ChunkIterator[STREAMS];
                int started = r.pos;
                for (int s = 0; s < STREAMS; s++) {
                    int encoding = r.u8();
                    int length = r.bounded(file.limit() - r.pos, "stream length");
                    if (res == resolution && min < to && max >= from) {
                        if (encoding != BlockFormat.XOR_ENCODING && encoding != BlockFormat.DECIMAL_ENCODING) {
                            throw new BlockFormat.CorruptBlockException(path + ": unknown encoding " + encoding);
                        }
                        byte[] data = new byte[length];
                        file.get(r.pos, data);
                        streams[s] = new Chunk(min, max, count, data, (byte) encoding).iterator();
                    }
                    r.pos += length;
                }
                if (streams[0] != null) {
                    chunkRead.accept(r.pos - started);
                    feed(streams, from, to, into);
                }
            }
            if (res == resolution) {
                break;
            }
        }
    }

    private static void feed(ChunkIterator[] streams, long from, long to, RollupBuckets into) {
        double[] v = new double[RollupBuckets.AGGREGATES];
        while (streams[0].next()) {
            long start = streams[0].timestamp();
            long count = (long) streams[0].value();
            for (int a = 0; a < v.length; a++) {
                streams[a + 1].next();
                v[a] = streams[a + 1].value();
            }
            if (start >= from && start < to) {
                into.add(start, count, v[RollupBuckets.SUM], v[RollupBuckets.MIN], v[RollupBuckets.MAX],
                        v[RollupBuckets.COUNTER], v[RollupBuckets.FIRST], v[RollupBuckets.LAST]);
            }
        }
    }

    /**
     * Writes a rollups file as a block's series are added; the caller owns the file's directory (a block being
     * written) and closes the writer. Memory: one int per series. Not thread-safe.
     */
    static final class Writer implements AutoCloseable {
        private final BlockFormat.Writer out;
        private final long[] resolutions;
        private int[] offsets = new int[1024];
        private int series;

        /** @param resolutions ascending, each a multiple of the one before */
        Writer(Disk disk, String dir, long[] resolutions) throws IOException {
            this.resolutions = resolutions.clone();
            this.out = new BlockFormat.Writer(disk, dir + "/" + NAME);
            byte[] header = BlockFormat.header(MAGIC);
            header[4] = VERSION;
            out.bytes(header);
            out.u8(resolutions.length);
            for (long r : resolutions) {
                out.i64(r);
            }
        }

        /** Adds the rollups of the block's next series (in index order) from its samples {@code [0, n)}. */
        void add(long[] times, double[] values, int n) throws IOException {
            if (series == offsets.length) {
                offsets = Arrays.copyOf(offsets, series * 2);
            }
            if (n == 0) {
                offsets[series++] = 0;
                return;
            }
            offsets[series++] = (int) out.position();
            RollupBuckets previous = null;
            for (long resolution : resolutions) {
                RollupBuckets buckets = new RollupBuckets(resolution);
                if (previous == null) {
                    for (int i = 0; i < n; i++) {
                        buckets.add(times[i], values[i]);
                    }
                } else {
                    for (int i = 0; i < previous.size(); i++) {
                        buckets.add(previous, i);
                    }
                }
                write(buckets);
                previous = buckets;
            }
        }

        private void write(RollupBuckets b) throws IOException {
            List<int[]> ranges = new ArrayList<>();
            for (int from = 0; from < b.size(); from += BUCKETS_PER_CHUNK) {
                ranges.add(new int[]{from, Math.min(b.size(), from + BUCKETS_PER_CHUNK)});
            }
            long[] starts = new long[b.size()];
            for (int i = 0; i < starts.length; i++) {
                starts[i] = b.start(i);
            }
            out.uvarint(ranges.size());
            for (int[] range : ranges) {
                int from = range[0];
                int to = range[1];
                out.varint(starts[from]);
                out.uvarint(starts[to - 1] - starts[from]);
                out.uvarint(to - from);
                for (int s = 0; s < STREAMS; s++) {
                    double[] values = new double[b.size()];
                    for (int i = from; i < to; i++) {
                        values[i] = s == 0 ? b.count(i) : b.value(s - 1, i);
                    }
                    Chunk c = BlockWriter.encode(starts, values, from, to);
                    out.u8(c.encoding());
                    out.uvarint(c.bytes().length);
                    out.bytes(c.bytes());
                }
            }
        }

        /** Writes the series table and the table of contents and syncs the file. */
        void finish(int seriesCount) throws IOException {
            while (series < seriesCount) {
                add(new long[0], new double[0], 0);
            }
            long table = out.position();
            for (int i = 0; i < series; i++) {
                out.u32(offsets[i]);
            }
            int bodyCrc = out.crc();
            ByteBuffer toc = ByteBuffer.allocate(TOC_BYTES);
            toc.putInt(series).putLong(table).putInt(bodyCrc);
            toc.putInt(BlockFormat.crc(toc, 0, toc.position()));
            out.bytes(toc.array());
            out.sync();
        }

        @Override
        public void close() throws IOException {
            out.close();
        }
    }
}
