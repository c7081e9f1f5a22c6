package tocsin.tsdb;

import tocsin.core.metric.MetricKind;
import tocsin.core.metric.SeriesKey;
import tocsin.core.metric.Sketch;

import java.util.ArrayList;
import java.util.List;

/**
 * The bytes of distribution sketches, as {@code docs/format/sketches.md} describes them: the sketch record (type 4),
 * which the sketch log, its checkpoints and the sketch blocks share, and the index record (type 5) of a sketch block.
 * Both use the WAL's record frame ({@link WalFormat}: type, length, CRC32C). Stateless; thread-safe.
 */
final class SketchFormat {
    /** The index of a sketch block: its series and where their records are. */
    static final byte INDEX = 5;
    /** A sketch record is closed at about this many payload bytes and the next one begun. */
    static final int RECORD_TARGET_BYTES = 1 << 20;

    private SketchFormat() {
    }

    /** Receives decoded sketch records; the sketch log holds no series or samples records. */
    interface SketchVisitor extends WalFormat.RecordVisitor {
        void sketches(SketchSeries series);

        @Override
        default void series(int id, SeriesKey key, MetricKind kind, String owner) {
            foreign();
        }

        @Override
        default void sample(int id, long timestamp, double value) {
            foreign();
        }

        /** A series or samples record met where only sketches belong. */
        void foreign();
    }

    /** Framed sketch records holding {@code series} in order, each about {@link #RECORD_TARGET_BYTES} at most. */
    static List<byte[]> sketchRecords(List<SketchSeries> series) {
        List<byte[]> out = new ArrayList<>();
        int inRecord = 0;
        List<byte[]> encoded = new ArrayList<>();
        for (int i = 0; i < series.size(); i++) {
            encoded.add(encodeSeries(series.get(i)));
            inRecord += encoded.getLast().length;
            if (inRecord >= RECORD_TARGET_BYTES || i == series.size() - 1) {
                WalFormat.Encoder e = new WalFormat.Encoder(inRecord + 8);
                e.uvarint(encoded.size());
                for (byte[] b : encoded) {
                    e.raw(b);
                }
                out.add(e.frame(WalFormat.SKETCHES));
                encoded.clear();
                inRecord = 0;
            }
        }
        return out;
    }

    /** One framed sketch record of one series. */
    static byte[] sketchRecord(SketchSeries series) {
        return sketchRecords(List.of(series)).getFirst();
    }

    /** A series' part of a sketch record: key, bucket count, then per bucket its time and sketch bytes. */
    private static byte[] encodeSeries(SketchSeries s) {
        WalFormat.Encoder e = new WalFormat.Encoder(64 + 64 * s.size());
        key(e, s.key());
        e.uvarint(s.size());
        long previous = 0;
        for (int i = 0; i < s.size(); i++) {
            e.varint(s.timestamp(i) - previous); // the first absolute, then deltas; wrapping, as in samples
            previous = s.timestamp(i);
            e.bytes(s.encoded(i));
        }
        return e.payload();
    }

    private static void key(WalFormat.Encoder e, SeriesKey key) {
        e.string(key.name());
        e.uvarint(key.tagCount());
        for (int t = 0; t < key.tagCount(); t++) {
            e.string(key.tag(t));
        }
    }

    private static SeriesKey key(WalFormat.Decoder d) throws WalFormat.MalformedRecordException {
        String name = d.string();
        if (name.isEmpty()) {
            throw new WalFormat.MalformedRecordException("a sketch series has an empty name");
        }
        String[] tags = new String[d.count()];
        for (int t = 0; t < tags.length; t++) {
            tags[t] = d.string();
        }
        return SeriesKey.of(name, tags);
    }

    /** Decodes a sketch payload completely, then hands it to the visitor series by series. */
    static void decodeSketches(WalFormat.Decoder d, SketchVisitor visitor) throws WalFormat.MalformedRecordException {
        int count = d.count();
        List<SketchSeries> decoded = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            SeriesKey key = key(d);
            int buckets = d.count();
            long[] times = new long[buckets];
            Sketch[] sketches = new Sketch[buckets];
            byte[][] bytes = new byte[buckets][];
            long previous = 0;
            for (int b = 0; b < buckets; b++) {
                times[b] = previous + d.varint();
                previous = times[b];
                if (b > 0 && times[b] <= times[b - 1]) {
                    throw new WalFormat.MalformedRecordException("sketch buckets of " + key + " are not ascending");
                }
                int length = d.bytesLength();
                int at = d.skip(length);
                try {
                    sketches[b] = Sketch.decode(d.buffer(), at, length); // checked here
                    bytes[b] = java.util.Arrays.copyOfRange(d.buffer(), at, at + length);
                } catch (IllegalArgumentException e) {
                    throw new WalFormat.MalformedRecordException("sketch of " + key + " at " + times[b] + ": "
                            + e.getMessage());
                }
            }
            decoded.add(new SketchSeries(key, times, sketches, bytes));
        }
        if (!d.atEnd()) {
            throw new WalFormat.MalformedRecordException("bytes left over after the sketch payload");
        }
        for (SketchSeries s : decoded) {
            visitor.sketches(s);
        }
    }

    /** One entry of a block's index: a series and the offset and length of its framed record in the file. */
    record IndexEntry(SeriesKey key, long offset, int length) {
    }

    /** The framed index record of a sketch block. */
    static byte[] indexRecord(List<IndexEntry> entries) {
        WalFormat.Encoder e = new WalFormat.Encoder(64 * entries.size() + 8);
        e.uvarint(entries.size());
        for (IndexEntry entry : entries) {
            key(e, entry.key());
            e.uvarint(entry.offset());
            e.uvarint(entry.length());
        }
        return e.frame(INDEX);
    }

    /** Decodes an index payload whose CRC has been checked. */
    static List<IndexEntry> decodeIndex(byte[] buf, int offset, int length) throws WalFormat.MalformedRecordException {
        WalFormat.Decoder d = new WalFormat.Decoder(buf, offset, offset + length);
        int count = d.count();
        List<IndexEntry> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            SeriesKey key = key(d);
            long at = d.uvarint();
            long len = d.uvarint();
            if (len > Integer.MAX_VALUE) {
                throw new WalFormat.MalformedRecordException("record length " + len + " out of range");
            }
            if (i > 0 && key.compareTo(out.getLast().key()) <= 0) {
                throw new WalFormat.MalformedRecordException("index keys are not ascending at " + key);
            }
            out.add(new IndexEntry(key, at, (int) len));
        }
        if (!d.atEnd()) {
            throw new WalFormat.MalformedRecordException("bytes left over after the index");
        }
        return out;
    }
}
