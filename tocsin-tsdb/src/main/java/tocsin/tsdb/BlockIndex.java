package tocsin.tsdb;

import org.roaringbitmap.RoaringBitmap;
import org.roaringbitmap.buffer.ImmutableRoaringBitmap;
import tocsin.core.metric.MetricKind;
import tocsin.core.metric.SeriesKey;

import java.nio.ByteBuffer;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Reads a block's {@code index} file ({@code docs/format/block-index.md}) straight from its mapping: nothing but the
 * table of contents is copied to the heap. Symbols, series and postings are found by binary search over the fixed
 * width tables; postings are Roaring bitmaps of series ordinals, read in place. A series' ordinal is its rank in key
 * order, so ordinals sorted are keys sorted.
 *
 * <p>Every section is checked against the body's CRC32C when the block opens; afterwards reads trust the bytes but
 * still bound-check them. Immutable and thread-safe (each read works on its own buffer position).
 */
final class BlockIndex implements TermIndex {

    /** One series of the block: its key, kind and chunk metadata (time bounds and references), oldest first. */
    record Series(SeriesKey key, MetricKind kind, long[] minTimes, long[] maxTimes, long[] refs) {}

    private static final int ENTRY_BYTES = 12;

    private final ByteBuffer b;
    private final String path;
    private final int symbolCount;
    private final int symbolTable;
    private final int seriesCount;
    private final int seriesTable;
    private final int metricCount;
    private final int metricTable;
    private final int tagCount;
    private final int tagTable;

    private BlockIndex(ByteBuffer b, String path, int[] toc) {
        this.b = b;
        this.path = path;
        symbolCount = toc[0];
        symbolTable = toc[1];
        seriesCount = toc[2];
        seriesTable = toc[3];
        metricCount = toc[4];
        metricTable = toc[5];
        tagCount = toc[6];
        tagTable = toc[7];
    }

    /** Checks the header, the table of contents and the body's CRC; {@code path} names the file in errors. */
    static BlockIndex open(ByteBuffer b, String path) throws BlockFormat.CorruptBlockException {
        int size = b.limit();
        int tocAt = size - BlockWriter.IndexToc.BYTES;
        if (tocAt < BlockFormat.HEADER_BYTES || b.getInt(0) != BlockFormat.INDEX_MAGIC) {
            throw new BlockFormat.CorruptBlockException(path + " does not start with the block index magic number"
                    + " or is too short (" + size + " bytes)");
        }
        BlockMeta.checkVersion(b.get(4), path);
        if (b.getInt(size - 4) != BlockFormat.crc(b, tocAt, size - 4)) {
            throw new BlockFormat.CorruptBlockException(path + ": the table of contents fails its CRC");
        }
        if (b.getInt(size - 8) != BlockFormat.crc(b, 0, tocAt)) {
            throw new BlockFormat.CorruptBlockException(path + ": the index body fails its CRC");
        }
        int[] toc = new int[8];
        for (int i = 0; i < 4; i++) {
            long count = Integer.toUnsignedLong(b.getInt(tocAt + 12 * i));
            long offset = b.getLong(tocAt + 12 * i + 4);
            int width = i == 0 || i == 1 ? 4 : ENTRY_BYTES;
            if (offset < BlockFormat.HEADER_BYTES || offset + count * width > tocAt) {
                throw new BlockFormat.CorruptBlockException(path + ": table " + i + " (" + count + " entries at "
                        + offset + ") lies outside the file");
            }
            toc[2 * i] = (int) count;
            toc[2 * i + 1] = (int) offset;
        }
        return new BlockIndex(b, path, toc);
    }

    int seriesCount() {
        return seriesCount;
    }

    private BlockFormat.Reader reader(int pos) {
        return new BlockFormat.Reader(b, path, pos);
    }

    String symbol(int n) throws BlockFormat.CorruptBlockException {
        if (n < 0 || n >= symbolCount) {
            throw new BlockFormat.CorruptBlockException(path + ": symbol " + n + " of " + symbolCount);
        }
        return reader(b.getInt(symbolTable + 4 * n)).string();
    }

    /** The number of {@code s} in the symbol table, or {@code -(insertion point) - 1}. */
    private int findSymbol(String s) {
        int lo = 0;
        int hi = symbolCount - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            int c = unchecked(() -> symbol(mid)).compareTo(s);
            if (c < 0) {
                lo = mid + 1;
            } else if (c > 0) {
                hi = mid - 1;
            } else {
                return mid;
            }
        }
        return -(lo + 1);
    }

    /** The first entry of a postings table whose symbol is at least {@code symbol}. */
    private static int lowerBound(ByteBuffer b, int table, int count, int symbol) {
        int lo = 0;
        int hi = count;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (b.getInt(table + ENTRY_BYTES * mid) < symbol) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    private int entrySymbol(int table, int i) {
        return b.getInt(table + ENTRY_BYTES * i);
    }

    private ImmutableRoaringBitmap view(int table, int i) {
        int offset = b.getInt(table + ENTRY_BYTES * i + 4);
        int length = b.getInt(table + ENTRY_BYTES * i + 8);
        return new ImmutableRoaringBitmap(b.slice(offset, length));
    }

    /** The postings of a term in a table as a view over the mapping, or null when absent. */
    private ImmutableRoaringBitmap postings(int table, int count, String term) {
        int symbol = findSymbol(term);
        if (symbol < 0) {
            return null;
        }
        int i = lowerBound(b, table, count, symbol);
        return i < count && entrySymbol(table, i) == symbol ? view(table, i) : null;
    }

    @Override
    public RoaringBitmap metric(String metric) {
        ImmutableRoaringBitmap p = postings(metricTable, metricCount, metric);
        return p == null ? new RoaringBitmap() : p.toRoaringBitmap();
    }

    @Override
    public RoaringBitmap tag(String tag) {
        ImmutableRoaringBitmap p = postings(tagTable, tagCount, tag);
        return p == null ? new RoaringBitmap() : p.toRoaringBitmap();
    }

    @Override
    public List<String> tagsWithKey(String key) {
        List<String> out = new ArrayList<>();
        if (postings(tagTable, tagCount, key) != null) {
            out.add(key); // the bare tag
        }
        // Tags "key:..." are the symbols in ["key:", "key;"), ';' being the character after ':'.
        int from = insertionPoint(findSymbol(key + ":"));
        int to = insertionPoint(findSymbol(key + ";"));
        for (int i = lowerBound(b, tagTable, tagCount, from); i < tagCount && entrySymbol(tagTable, i) < to; i++) {
            int symbol = entrySymbol(tagTable, i);
            out.add(unchecked(() -> symbol(symbol)));
        }
        return out;
    }

    private static int insertionPoint(int found) {
        return found >= 0 ? found : -found - 1;
    }

    @Override
    public Iterable<String> tags() {
        return termList(tagTable, tagCount);
    }

    private List<String> termList(int table, int count) {
        return new AbstractList<>() {
            @Override
            public String get(int i) {
                return unchecked(() -> symbol(entrySymbol(table, i)));
            }

            @Override
            public int size() {
                return count;
            }
        };
    }

    SortedSet<String> metricNames() {
        return new TreeSet<>(termList(metricTable, metricCount));
    }

    /** The tag keys on the series of {@code metric}; a bare tag is its own key. */
    SortedSet<String> tagKeys(String metric) {
        TreeSet<String> keys = new TreeSet<>();
        ImmutableRoaringBitmap m = postings(metricTable, metricCount, metric);
        if (m == null) {
            return keys;
        }
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < tagCount; i++) {
            int symbol = entrySymbol(tagTable, i);
            String key = SeriesKey.tagKey(unchecked(() -> symbol(symbol)));
            if (!seen.contains(key) && ImmutableRoaringBitmap.intersects(view(tagTable, i), m)) {
                seen.add(key);
                keys.add(key);
            }
        }
        return keys;
    }

    /** The values of {@code key} on the series of {@code metric}; a bare tag has the empty value. */
    SortedSet<String> tagValues(String metric, String key) {
        TreeSet<String> values = new TreeSet<>();
        ImmutableRoaringBitmap m = postings(metricTable, metricCount, metric);
        if (m == null) {
            return values;
        }
        for (String tag : tagsWithKey(key)) {
            if (ImmutableRoaringBitmap.intersects(postings(tagTable, tagCount, tag), m)) {
                values.add(SeriesKey.tagValueOf(tag));
            }
        }
        return values;
    }

    /** The key of series {@code ordinal}. */
    SeriesKey key(int ordinal) throws BlockFormat.CorruptBlockException {
        BlockFormat.Reader r = seriesReader(ordinal);
        r.u8();
        return readKey(r);
    }

    /** Series {@code ordinal}, chunk metadata included. */
    Series series(int ordinal) throws BlockFormat.CorruptBlockException {
        BlockFormat.Reader r = seriesReader(ordinal);
        MetricKind kind = WalFormat.kindOrNull(r.u8());
        if (kind == null) {
            throw new BlockFormat.CorruptBlockException(path + ": series " + ordinal + " has an unknown kind");
        }
        SeriesKey key = readKey(r);
        int n = r.bounded(b.limit(), "chunk count");
        long[] mins = new long[n];
        long[] maxs = new long[n];
        long[] refs = new long[n];
        long previousMax = 0;
        long previousRef = 0;
        for (int i = 0; i < n; i++) {
            mins[i] = i == 0 ? r.varint() : previousMax + r.varint();
            maxs[i] = mins[i] + r.uvarint();
            refs[i] = i == 0 ? r.uvarint() : previousRef + r.uvarint();
            previousMax = maxs[i];
            previousRef = refs[i];
        }
        return new Series(key, kind, mins, maxs, refs);
    }

    private BlockFormat.Reader seriesReader(int ordinal) throws BlockFormat.CorruptBlockException {
        if (ordinal < 0 || ordinal >= seriesCount) {
            throw new BlockFormat.CorruptBlockException(path + ": series " + ordinal + " of " + seriesCount);
        }
        return reader(b.getInt(seriesTable + 4 * ordinal));
    }

    private SeriesKey readKey(BlockFormat.Reader r) throws BlockFormat.CorruptBlockException {
        String name = symbol(r.bounded(symbolCount, "symbol"));
        String[] tags = new String[r.bounded(symbolCount, "tag count")];
        for (int i = 0; i < tags.length; i++) {
            tags[i] = symbol(r.bounded(symbolCount, "symbol"));
        }
        return SeriesKey.of(name, tags);
    }

    /** The ordinal of the series with {@code key}, or -1: a binary search, keys being sorted. */
    int find(SeriesKey key) throws BlockFormat.CorruptBlockException {
        int lo = 0;
        int hi = seriesCount - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            int c = key(mid).compareTo(key);
            if (c < 0) {
                lo = mid + 1;
            } else if (c > 0) {
                hi = mid - 1;
            } else {
                return mid;
            }
        }
        return -1;
    }

    /** Every series ordinal, for compaction. */
    List<Integer> ordinals() {
        List<Integer> all = new ArrayList<>(seriesCount);
        for (int i = 0; i < seriesCount; i++) {
            all.add(i);
        }
        return Collections.unmodifiableList(all);
    }

    /** Every symbol in order, for compaction. */
    List<String> symbols() throws BlockFormat.CorruptBlockException {
        List<String> all = new ArrayList<>(symbolCount);
        for (int i = 0; i < symbolCount; i++) {
            all.add(symbol(i));
        }
        return all;
    }

    private interface Read<T> {
        T get() throws BlockFormat.CorruptBlockException;
    }

    /**
     * Reads that a caller of {@link TermIndex} cannot declare: the body passed its CRC at open, so a failure here
     * means the file changed under the store (or a bug); it surfaces as an {@link IllegalStateException}.
     */
    private static <T> T unchecked(Read<T> read) {
        try {
            return read.get();
        } catch (BlockFormat.CorruptBlockException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }
}
