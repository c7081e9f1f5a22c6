package tocsin.tsdb;

import org.roaringbitmap.RoaringBitmap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tocsin.core.metric.SeriesKey;
import tocsin.core.metric.Sketch;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One immutable, memory-mapped file of distribution sketches covering {@code [minTime, maxTime)}: a header, one
 * sketch record per series in key order, an index record and a footer ({@code docs/format/sketches.md}). The index
 * is read into an in-memory {@link PostingsIndex} when the block opens; a query decodes only the records of the
 * series it selects, checking each record's CRC then.
 *
 * <p>Thread-safe: immutable after opening; reads use absolute gets on the shared mapping.
 */
final class SketchBlock {
    /** "TSKB". */
    static final int MAGIC = 0x54534B42;
    static final byte VERSION = 1;
    static final int HEADER_BYTES = 24;
    static final int FOOTER_BYTES = 12;
    static final String SUFFIX = ".tsk";
    private static final Logger log = LoggerFactory.getLogger(SketchBlock.class);

    final String name;
    final long minTime;
    final long maxTime;
    private final Disk.MappedFile file;
    private final ByteBuffer bytes;
    private final List<SketchFormat.IndexEntry> entries;
    private final PostingsIndex index = new PostingsIndex();
    private final AtomicLong corruptRecords = new AtomicLong();
    /** The store's reference plus one per reader; the mapping is let go at zero. */
    private final AtomicInteger references = new AtomicInteger(1);

    private SketchBlock(String name, long minTime, long maxTime, Disk.MappedFile file,
                        List<SketchFormat.IndexEntry> entries) {
        this.name = name;
        this.minTime = minTime;
        this.maxTime = maxTime;
        this.file = file;
        this.bytes = file.buffer();
        this.entries = entries;
        for (int i = 0; i < entries.size(); i++) {
            index.add(i, entries.get(i).key());
        }
    }

    /** The file name of the block covering {@code [minTime, maxTime)}. */
    static String fileName(long minTime, long maxTime) {
        return minTime + "-" + maxTime + SUFFIX;
    }

    /**
     * Opens a block file and reads its index.
     *
     * @throws CorruptBlockException when the file is not a whole, intact sketch block
     * @throws TsdbOpenException     when it was written by a newer version
     */
    static SketchBlock open(Disk disk, String dir, String name) throws IOException, CorruptBlockException {
        Disk.MappedFile file = disk.map(dir + "/" + name);
        try {
            ByteBuffer b = file.buffer();
            long size = b.limit();
            if (size < HEADER_BYTES + FOOTER_BYTES || b.getInt(0) != MAGIC || b.getInt(b.limit() - 4) != MAGIC) {
                throw new CorruptBlockException(name + ": not a sketch block (bad size or magic number)");
            }
            if (b.get(4) > VERSION) {
                throw new TsdbOpenException("sketch block " + name + " has format version " + b.get(4)
                        + "; this build reads up to " + VERSION, null);
            }
            long minTime = b.getLong(8);
            long maxTime = b.getLong(16);
            long indexAt = b.getLong(b.limit() - FOOTER_BYTES);
            if (indexAt < HEADER_BYTES || indexAt > size - FOOTER_BYTES - WalFormat.RECORD_HEADER_BYTES) {
                throw new CorruptBlockException(name + ": index offset " + indexAt + " out of range");
            }
            byte[] index = record(b, (int) indexAt, name);
            if (index == null || index[0] != SketchFormat.INDEX
                    || indexAt + index.length != size - FOOTER_BYTES) {
                throw new CorruptBlockException(name + ": the index record is damaged");
            }
            List<SketchFormat.IndexEntry> entries;
            try {
                entries = SketchFormat.decodeIndex(index, WalFormat.RECORD_HEADER_BYTES,
                        index.length - WalFormat.RECORD_HEADER_BYTES);
            } catch (WalFormat.MalformedRecordException e) {
                throw new CorruptBlockException(name + ": " + e.getMessage());
            }
            for (SketchFormat.IndexEntry e : entries) {
                if (e.offset() < HEADER_BYTES || e.offset() + e.length() > indexAt) {
                    throw new CorruptBlockException(name + ": the record of " + e.key() + " lies outside the data");
                }
            }
            return new SketchBlock(name, minTime, maxTime, file, entries);
        } catch (CorruptBlockException | RuntimeException e) {
            file.close();
            throw e;
        }
    }

    /** The framed record at {@code at}, or null when its frame does not fit or its CRC fails. */
    private static byte[] record(ByteBuffer b, int at, String name) {
        if (at + WalFormat.RECORD_HEADER_BYTES > b.limit()) {
            return null;
        }
        int length = b.getInt(at + 1);
        if (length < 0 || (long) at + WalFormat.RECORD_HEADER_BYTES + length > b.limit()) {
            return null;
        }
        byte[] r = new byte[WalFormat.RECORD_HEADER_BYTES + length];
        b.get(at, r, 0, r.length);
        if (WalFormat.crc(r, 0, length) != WalFormat.getInt(r, 5)) {
            log.error("sketch block {}: record at offset {} fails its CRC", name, at);
            return null;
        }
        return r;
    }

    /** Series in the block. */
    int seriesCount() {
        return entries.size();
    }

    long bytes() {
        return bytes.limit();
    }

    long corruptRecords() {
        return corruptRecords.get();
    }

    SortedSet<String> metricNames() {
        return index.metricNames();
    }

    /** The buckets in {@code [from, to]} of the selected series; a damaged record is logged, counted and skipped. */
    List<SketchSeries> select(String metric, List<TagMatcher> matchers, long from, long to) {
        List<SketchSeries> out = new ArrayList<>();
        if (to < minTime || from >= maxTime) {
            return out;
        }
        RoaringBitmap ids = index.select(metric, matchers);
        for (int id : ids) {
            SketchSeries s = read(id);
            if (s != null) {
                SketchSeries inRange = slice(s, from, to);
                if (!inRange.isEmpty()) {
                    out.add(inRange);
                }
            }
        }
        return out;
    }

    /** Every series of the block, in key order, for compaction; a damaged record is skipped (and counted). */
    List<SeriesKey> keys() {
        List<SeriesKey> keys = new ArrayList<>(entries.size());
        entries.forEach(e -> keys.add(e.key()));
        return keys;
    }

    /** The series with index position {@code id}, or null when its record is damaged. */
    SketchSeries read(int id) {
        SketchFormat.IndexEntry e = entries.get(id);
        byte[] r = record(bytes, (int) e.offset(), name);
        SketchSeries[] found = new SketchSeries[1];
        if (r != null && r.length == e.length()) {
            try {
                WalFormat.decode(r[0], r, WalFormat.RECORD_HEADER_BYTES, r.length - WalFormat.RECORD_HEADER_BYTES,
                        new SketchFormat.SketchVisitor() {
                            @Override
                            public void sketches(SketchSeries series) {
                                found[0] = series.key().equals(e.key()) ? series : null;
                            }

                            @Override
                            public void foreign() {
                            }

                            @Override
                            public void floor(long floor) {
                            }
                        });
            } catch (WalFormat.MalformedRecordException malformed) {
                log.error("sketch block {}: the record of {} does not parse: {}", name, e.key(),
                        malformed.getMessage());
            }
        }
        if (found[0] == null) {
            corruptRecords.incrementAndGet();
        }
        return found[0];
    }

    static SketchSeries slice(SketchSeries s, long from, long to) {
        int a = 0;
        while (a < s.size() && s.timestamp(a) < from) {
            a++;
        }
        int z = s.size();
        while (z > a && s.timestamp(z - 1) > to) {
            z--;
        }
        return a == 0 && z == s.size() ? s : s.slice(a, z);
    }

    /** Takes a reader's reference; false when the block has been let go already (read a newer view). */
    boolean retain() {
        int n;
        do {
            n = references.get();
            if (n == 0) {
                return false;
            }
        } while (!references.compareAndSet(n, n + 1));
        return true;
    }

    /** Drops a reference (the store's when it removes the block); the last one lets go of the mapping. */
    void release() {
        if (references.decrementAndGet() == 0) {
            file.close();
        }
    }

    /** A block file that cannot be read: set aside, never guessed at. */
    static final class CorruptBlockException extends Exception {
        CorruptBlockException(String message) {
            super(message);
        }
    }

    /** Hands a block's series to {@link #write}, in ascending key order. */
    @FunctionalInterface
    interface SeriesSource {
        void forEach(SeriesSink sink) throws IOException;
    }

    @FunctionalInterface
    interface SeriesSink {
        void add(SketchSeries series) throws IOException;
    }

    /**
     * Writes the block covering {@code [minTime, maxTime)} durably ({@link BlockFormat#writeDurably}: a crash leaves
     * the whole file or a {@code .tmp} that the next open deletes) and returns its file name.
     */
    static String write(Disk disk, String dir, long minTime, long maxTime, SeriesSource series) throws IOException {
        String name = fileName(minTime, maxTime);
        BlockFormat.writeDurably(disk, dir, name, out -> {
            out.u32(MAGIC);
            out.u8(VERSION);
            out.u8(0);
            out.u8(0);
            out.u8(0);
            out.i64(minTime);
            out.i64(maxTime);
            List<SketchFormat.IndexEntry> entries = new ArrayList<>();
            series.forEach(s -> {
                if (!entries.isEmpty() && s.key().compareTo(entries.getLast().key()) <= 0) {
                    throw new IllegalArgumentException("series out of key order: " + s.key());
                }
                byte[] r = SketchFormat.sketchRecord(s);
                entries.add(new SketchFormat.IndexEntry(s.key(), out.position(), r.length));
                out.bytes(r);
            });
            long indexAt = out.position();
            out.bytes(SketchFormat.indexRecord(entries));
            out.i64(indexAt);
            out.u32(MAGIC);
        });
        return name;
    }
}
