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
 * chunk encodings with the bucket starts as timestamps.
 *
 * <h2>Design note: one stored bucket, both closednesses</h2>
 * Version 1 stored {@code [start, end)} buckets, which Datadog's intervals compose from but PromQL's left-open windows
 * {@code (t - range, t]} do not: the sample exactly on a boundary is in the wrong one. Version 2 keeps that sample
 * apart: per bucket, the aggregates of the samples strictly inside {@code (start, end)} (the "open part", which may be
 * empty) and the sample exactly at {@code start}, if any (the "edge"). A reader then builds either kind without
 * subtracting anything (min and max cannot be un-folded, sums would lose precision): {@code [s, e)} is the edge at
 * {@code s} then the open part, {@code (s, e]} the open part then the edge of the next bucket
 * ({@link #read} takes the two ranges apart). The cost is two streams per chunk (the edge's presence and value), nearly free in the decimal
 * encoding when scrapes are regular. Version 1 files stay readable, for {@link RollupBounds#START_INCLUSIVE} only. Maintenance writes it into a compacted block's temporary
 * directory with the block's other files ({@link Writer}), so it is as durable and as atomic as the block; a block
 * without the file (cut from the head, or written by an older version) is read from its raw samples.
 *
 * <p>The reader checks the whole file (CRC32C) when the block opens. Thread-safe once open.
 */
final class RollupFile {
    /** "TBRU". */
    static final int MAGIC = 0x5442_5255;
    static final byte VERSION = 2;
    static final String NAME = "rollups";
    /** The resolutions maintenance writes: 5 minutes into every compacted block, 1 hour into the largest. */
    static final long FIVE_MINUTES = 300_000L;
    static final long ONE_HOUR = 3_600_000L;
    /** Buckets per chunk: 40 hours at 5 minutes, so that a day's block holds one chunk per aggregate. */
    static final int BUCKETS_PER_CHUNK = 480;
    /** Version 1: count, then the {@link RollupBuckets#AGGREGATES} doubles in their order. */
    static final int V1_STREAMS = 1 + RollupBuckets.AGGREGATES;
    /** Version 2: the {@link #V1_STREAMS} of the open part, then the edge's count (0 or 1) and value. */
    static final int STREAMS = V1_STREAMS + 2;
    /** seriesCount u32, tableOffset u64, body crc u32, toc crc u32. */
    static final int TOC_BYTES = 4 + 8 + 4 + 4;

    private final String path;
    private final ByteBuffer file;
    private final int version;
    private final long[] resolutions;
    private final int seriesCount;
    private final int tableOffset;

    private RollupFile(String path, ByteBuffer file, int version, long[] resolutions, int seriesCount,
                       int tableOffset) {
        this.path = path;
        this.file = file;
        this.version = version;
        this.resolutions = resolutions;
        this.seriesCount = seriesCount;
        this.tableOffset = tableOffset;
    }

    /** Checks and opens a mapped rollups file of a block of {@code series} series. */
    static RollupFile open(ByteBuffer b, String path, long series) throws BlockFormat.CorruptBlockException {
        if (b.limit() < BlockFormat.HEADER_BYTES + 1 + TOC_BYTES || b.getInt(0) != MAGIC) {
            throw new BlockFormat.CorruptBlockException(path + " does not start with the rollups magic number");
        }
        if (b.get(4) > VERSION || b.get(4) < 1) {
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
        return new RollupFile(path, b, b.get(4), resolutions, count, (int) table);
    }

    int version() {
        return version;
    }

    long[] resolutions() {
        return resolutions.clone();
    }

    /**
     * The coarsest stored resolution that divides {@code resolution} and can give buckets of these bounds, or 0 when
     * none does (version 1 stores only {@link RollupBounds#START_INCLUSIVE} buckets).
     */
    long usableFor(long resolution, RollupBounds bounds) {
        if (version == 1 && bounds != RollupBounds.START_INCLUSIVE) {
            return 0;
        }
        long best = 0;
        for (long r : resolutions) {
            if (resolution % r == 0) {
                best = r;
            }
        }
        return best;
    }

    /**
     * Feeds series {@code ordinal}'s stored buckets of {@code resolution} (one of {@link #resolutions()}) into
     * {@code into}, in time order, telling {@code chunkRead} the bytes of each chunk read: of the buckets starting in
     * {@code [from, to)}, the samples strictly inside them, and of those starting in {@code [edgeFrom, edgeTo]} the
     * sample exactly at their start (see the class comment). A version 1 file has no such split and feeds its whole
     * buckets starting in {@code [from, to)}; it must be asked for {@code [from, to - 1]} edges only.
     */
    void read(int ordinal, long resolution, long from, long to, long edgeFrom, long edgeTo, RollupBuckets into,
              LongConsumer chunkRead) throws BlockFormat.CorruptBlockException {
        if (ordinal < 0 || ordinal >= seriesCount) {
            throw new BlockFormat.CorruptBlockException(path + ": no series " + ordinal);
        }
        int offset = file.getInt(tableOffset + 4 * ordinal);
        if (offset == 0) {
            return;
        }
        int streamCount = version == 1 ? V1_STREAMS : STREAMS;
        long first = Math.min(from, edgeFrom);
        long last = Math.max(to - 1, edgeTo);
        BlockFormat.Reader r = new BlockFormat.Reader(file, path, offset);
        for (long res : resolutions) {
            int chunks = r.bounded(file.limit(), "chunk count");
            for (int c = 0; c < chunks; c++) {
                long min = r.varint();
                long max = min + r.uvarint();
                int count = r.bounded(BUCKETS_PER_CHUNK, "bucket count");
                boolean wanted = res == resolution && max >= first && min <= last;
                ChunkIterator[] streams = new ChunkIterator[streamCount];
                int started = r.pos;
                for (int s = 0; s < streamCount; s++) {
                    int encoding = r.u8();
                    int length = r.bounded(file.limit() - r.pos, "stream length");
                    if (wanted) {
                        if (encoding != BlockFormat.XOR_ENCODING && encoding != BlockFormat.DECIMAL_ENCODING) {
                            throw new BlockFormat.CorruptBlockException(path + ": unknown encoding " + encoding);
                        }
                        byte[] data = new byte[length];
                        file.get(r.pos, data);
                        streams[s] = new Chunk(min, max, count, data, (byte) encoding).iterator();
                    }
                    r.pos += length;
                }
                if (wanted) {
                    chunkRead.accept(r.pos - started);
                    feed(streams, from, to, edgeFrom, edgeTo, into);
                }
            }
            if (res == resolution) {
                break;
            }
        }
    }

    /** Feeds one chunk's buckets; see the class comment for how the edge and the open part make either bounds. */
    private static void feed(ChunkIterator[] streams, long from, long to, long edgeFrom, long edgeTo,
                             RollupBuckets into) {
        double[] v = new double[RollupBuckets.AGGREGATES];
        while (streams[0].next()) {
            long start = streams[0].timestamp();
            long count = (long) streams[0].value();
            for (int a = 0; a < v.length; a++) {
                streams[a + 1].next();
                v[a] = streams[a + 1].value();
            }
            if (streams.length == V1_STREAMS) {
                if (start >= from && start < to) {
                    into.add(start, count, v[RollupBuckets.SUM], v[RollupBuckets.MIN], v[RollupBuckets.MAX],
                            v[RollupBuckets.COUNTER], v[RollupBuckets.FIRST], v[RollupBuckets.LAST]);
                }
                continue;
            }
            streams[V1_STREAMS].next();
            streams[V1_STREAMS + 1].next();
            boolean edge = streams[V1_STREAMS].value() != 0;
            if (edge && start >= edgeFrom && start <= edgeTo) {
                into.add(start, streams[V1_STREAMS + 1].value());
            }
            if (start >= from && start < to) {
                // count 0 (a bucket with only its edge) adds nothing; start + 1 lies inside the open part
                into.add(start + 1, count, v[RollupBuckets.SUM], v[RollupBuckets.MIN], v[RollupBuckets.MAX],
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
        private final int version;
        private int[] offsets = new int[1024];
        private int series;

        /** @param resolutions ascending, each a multiple of the one before */
        Writer(Disk disk, String dir, long[] resolutions) throws IOException {
            this(disk, dir, resolutions, VERSION);
        }

        /** As above, in format {@code version} (1 only for tests of reading what older versions wrote). */
        Writer(Disk disk, String dir, long[] resolutions, int version) throws IOException {
            if (version < 1 || version > VERSION) {
                throw new IllegalArgumentException("no rollups format version " + version);
            }
            this.resolutions = resolutions.clone();
            this.version = version;
            this.out = new BlockFormat.Writer(disk, dir + "/" + NAME);
            byte[] header = BlockFormat.header(MAGIC);
            header[4] = (byte) version;
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
            for (long resolution : resolutions) {
                RollupBuckets open = new RollupBuckets(resolution);
                RollupBuckets edges = new RollupBuckets(resolution);
                for (int i = 0; i < n; i++) {
                    boolean edge = version > 1 && Math.floorMod(times[i], resolution) == 0;
                    (edge ? edges : open).add(times[i], values[i]);
                }
                write(version == 1 ? v1Streams(open) : v2Streams(open, edges));
            }
        }

        /** The bucket starts, then one array per stream. */
        private record Streams(long[] starts, double[][] values) {
        }

        private static Streams v1Streams(RollupBuckets b) {
            long[] starts = new long[b.size()];
            double[][] values = new double[V1_STREAMS][b.size()];
            for (int i = 0; i < starts.length; i++) {
                starts[i] = b.start(i);
                values[0][i] = b.count(i);
                for (int a = 0; a < RollupBuckets.AGGREGATES; a++) {
                    values[a + 1][i] = b.value(a, i);
                }
            }
            return new Streams(starts, values);
        }

        /**
         * The open parts and the edges on the union of their bucket starts. Where a bucket has no open part its
         * aggregates repeat the edge's value (sum and counter 0), and where it has no edge the edge's value is 0: both
         * cost almost nothing in the decimal encoding, and readers skip them by the counts.
         */
        private static Streams v2Streams(RollupBuckets open, RollupBuckets edges) {
            int n = 0;
            long[] starts = new long[open.size() + edges.size()];
            double[][] values = new double[STREAMS][starts.length];
            int o = 0;
            int e = 0;
            while (o < open.size() || e < edges.size()) {
                long start = o == open.size() ? edges.start(e)
                        : e == edges.size() ? open.start(o) : Math.min(open.start(o), edges.start(e));
                boolean hasEdge = e < edges.size() && edges.start(e) == start;
                double edge = hasEdge ? edges.value(RollupBuckets.FIRST, e++) : 0;
                starts[n] = start;
                if (o < open.size() && open.start(o) == start) {
                    values[0][n] = open.count(o);
                    for (int a = 0; a < RollupBuckets.AGGREGATES; a++) {
                        values[a + 1][n] = open.value(a, o);
                    }
                    o++;
                } else {
                    for (int a : new int[]{RollupBuckets.MIN, RollupBuckets.MAX, RollupBuckets.FIRST,
                            RollupBuckets.LAST}) {
                        values[a + 1][n] = edge;
                    }
                }
                values[V1_STREAMS][n] = hasEdge ? 1 : 0;
                values[V1_STREAMS + 1][n] = edge;
                n++;
            }
            for (int s = 0; s < STREAMS; s++) {
                values[s] = Arrays.copyOf(values[s], n);
            }
            return new Streams(Arrays.copyOf(starts, n), values);
        }

        private void write(Streams b) throws IOException {
            long[] starts = b.starts();
            List<int[]> ranges = new ArrayList<>();
            for (int from = 0; from < starts.length; from += BUCKETS_PER_CHUNK) {
                ranges.add(new int[]{from, Math.min(starts.length, from + BUCKETS_PER_CHUNK)});
            }
            out.uvarint(ranges.size());
            for (int[] range : ranges) {
                int from = range[0];
                int to = range[1];
                out.varint(starts[from]);
                out.uvarint(starts[to - 1] - starts[from]);
                out.uvarint(to - from);
                for (double[] values : b.values()) {
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
