package tocsin.tsdb;

import org.roaringbitmap.RoaringBitmap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tocsin.core.metric.MetricKind;
import tocsin.core.metric.SeriesKey;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes a WAL checkpoint: {@code wal/checkpoint.N} stands for every segment before {@code N} (and the previous
 * checkpoint), holding only what replay still needs from them, after which they are deleted (Prometheus's
 * checkpoint, {@code docs/format/wal.md}).
 *
 * <h2>What it keeps</h2>
 * <ol>
 *   <li>a floor record: the store's floor, the end of the newest durable block; every sample before it is in a
 *       block, and replay refuses such samples anyway;</li>
 *   <li>series records defining every series the head holds (canonical ids first, then aliases), taken from memory,
 *       so a definition damaged in an old segment is healed here;</li>
 *   <li>the samples records of the sources, in their order, with only the samples at or after the floor of series
 *       the head still holds. Dropped samples are ones replay would refuse or could not place, so the head that
 *       replay rebuilds is the same, and so are its decisions about the samples that follow.</li>
 * </ol>
 *
 * <h2>On crash</h2>
 * The checkpoint is written as {@code checkpoint.N.tmp}, synced, renamed and the directory synced; only then are the
 * sources deleted. A crash before the rename leaves a temporary file that {@link WalReader} deletes; a crash after it
 * leaves sources that {@link WalReader} deletes as covered. Either way nothing is replayed twice or lost.
 *
 * <p>Not thread-safe: run by the maintenance thread only, after the block that covers the floor is durable. It
 * only reads closed segments, which the WAL writer never touches again.
 */
final class Checkpoint {
    static final String TEMPORARY_SUFFIX = ".tmp";
    private static final Logger log = LoggerFactory.getLogger(Checkpoint.class);
    private static final int SERIES_PER_RECORD = 10_000;

    /** What a checkpoint kept and removed. */
    record Result(long number, int series, long samplesKept, long samplesDropped, int filesRemoved,
                  long bytesRemoved, long bytesWritten) {}

    private Checkpoint() {
    }

    /**
     * Writes {@code dir/checkpoint.<upTo>} from the checkpoint and segments before segment {@code upTo}, then
     * deletes them.
     */
    static Result write(Disk disk, String dir, Head head, long upTo, long floor) throws IOException {
        List<String> sources = new ArrayList<>();
        List<String> names = disk.list(dir);
        for (String name : names) {
            long n = WalFormat.checkpointNumber(name);
            if (n >= 0 && n < upTo) {
                sources.add(name); // the previous checkpoint comes first: it stands for older segments
            }
        }
        for (String name : names) {
            long n = WalFormat.segmentNumber(name);
            if (n >= 0 && n < upTo) {
                sources.add(name);
            }
        }
        RoaringBitmap live = new RoaringBitmap();
        int[] series = new int[1];
        Filter filter = new Filter(floor, live);
        long written = BlockFormat.writeDurably(disk, dir, WalFormat.checkpointName(upTo), out -> {
            out.bytes(WalFormat.segmentHeader());
            out.bytes(WalFormat.floorRecord(floor));
            series[0] = writeDefinitions(out, head, live);
            for (String source : sources) {
                filter.copy(disk.readAll(dir + "/" + source), dir + "/" + source, out);
            }
        });
        long bytesRemoved = 0;
        for (String source : sources) {
            bytesRemoved += disk.size(dir + "/" + source);
            disk.delete(dir + "/" + source);
        }
        disk.syncDirectory(dir);
        return new Result(upTo, series[0], filter.kept, filter.dropped, sources.size(), bytesRemoved, written);
    }

    /** Series records for every series of the head: canonical ids first, so that aliases find their key taken. */
    private static int writeDefinitions(BlockFormat.Writer out, Head head, RoaringBitmap live) throws IOException {
        int limit = head.idLimit();
        List<MemSeries> batch = new ArrayList<>();
        int[] ids = new int[SERIES_PER_RECORD];
        int total = 0;
        for (boolean aliases : new boolean[]{false, true}) {
            for (int id = 0; id < limit; id++) {
                MemSeries s = head.byId(id);
                if (s == null || (s.id != id) != aliases) {
                    continue;
                }
                live.add(id);
                ids[batch.size()] = id;
                batch.add(s);
                if (batch.size() == SERIES_PER_RECORD) {
                    out.bytes(WalFormat.deflated(WalFormat.seriesRecord(ids, batch)));
                    total += batch.size();
                    batch.clear();
                }
            }
        }
        if (!batch.isEmpty()) {
            out.bytes(WalFormat.deflated(WalFormat.seriesRecord(ids, batch)));
            total += batch.size();
        }
        return total;
    }

    /** Copies the samples records of a source, keeping the samples replay still needs. */
    private static final class Filter implements WalFormat.RecordVisitor {
        private final long floor;
        private final RoaringBitmap live;
        private int[] ids = new int[256];
        private long[] timestamps = new long[256];
        private double[] values = new double[256];
        private int n;
        long kept;
        long dropped;

        Filter(long floor, RoaringBitmap live) {
            this.floor = floor;
            this.live = live;
        }

        void copy(byte[] b, String path, BlockFormat.Writer out) throws IOException {
            if (b.length < WalFormat.SEGMENT_HEADER_BYTES || WalFormat.getInt(b, 0) != WalFormat.MAGIC) {
                log.error("checkpoint: {} has no valid header; its samples are not carried over", path);
                return;
            }
            int pos = WalFormat.SEGMENT_HEADER_BYTES;
            while (pos + WalFormat.RECORD_HEADER_BYTES <= b.length) {
                long length = Integer.toUnsignedLong(WalFormat.getInt(b, pos + 1));
                if (pos + WalFormat.RECORD_HEADER_BYTES + length > b.length) {
                    log.error("checkpoint: {} has a record running past its end at offset {}; the rest of it is not "
                            + "carried over", path, pos);
                    return;
                }
                int end = (int) (pos + WalFormat.RECORD_HEADER_BYTES + length);
                if (b[pos] == WalFormat.SAMPLES) {
                    n = 0;
                    try {
                        if (WalFormat.getInt(b, pos + 5) != WalFormat.crc(b, pos, (int) length)) {
                            throw new WalFormat.MalformedRecordException("CRC mismatch");
                        }
                        WalFormat.decode(b[pos], b, pos + WalFormat.RECORD_HEADER_BYTES, (int) length, this);
                        if (n > 0) {
                            out.bytes(WalFormat.samplesRecord(ids, timestamps, values, n));
                        }
                    } catch (WalFormat.MalformedRecordException e) {
                        log.error("checkpoint: skipped the corrupt record at offset {} of {} ({}); its points are "
                                + "lost", pos, path, e.getMessage());
                    }
                }
                pos = end;
            }
        }

        @Override
        public void series(int id, SeriesKey key, MetricKind kind, String owner) {
        }

        @Override
        public void sample(int id, long timestamp, double value) {
            if (timestamp < floor || !live.contains(id)) {
                dropped++;
                return;
            }
            if (n == ids.length) {
                ids = java.util.Arrays.copyOf(ids, 2 * n);
                timestamps = java.util.Arrays.copyOf(timestamps, 2 * n);
                values = java.util.Arrays.copyOf(values, 2 * n);
            }
            ids[n] = id;
            timestamps[n] = timestamp;
            values[n++] = value;
            kept++;
        }

        @Override
        public void floor(long floor) {
        }
    }
}
