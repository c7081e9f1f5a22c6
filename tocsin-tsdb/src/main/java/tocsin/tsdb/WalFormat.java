package tocsin.tsdb;

import tocsin.core.metric.MetricKind;
import tocsin.core.metric.SeriesKey;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;
import java.util.zip.DataFormatException;

/**
 * The bytes of the write-ahead log, as {@code docs/format/wal.md} describes them: the segment header, the record
 * frame (type, length, CRC32C) and the three payloads (series definitions, samples, head floor). Checkpoints use
 * the same bytes. Stateless; thread-safe.
 */
final class WalFormat {
    /** "TWAL": the first four bytes of every segment. */
    static final int MAGIC = 0x5457_414C;
    /**
     * Version 2 added the floor record, version 3 the deflated record (written by checkpoints), version 4 the
     * attributed series record (what series are now written as); an older segment is a newer one without them.
     */
    static final byte VERSION = 4;
    static final int SEGMENT_HEADER_BYTES = 8;
    /** type (1) + payload length (4) + CRC32C (4). */
    static final int RECORD_HEADER_BYTES = 9;

    static final byte SERIES = 1;
    static final byte SAMPLES = 2;
    static final byte FLOOR = 3;
    /** Distribution sketches: only in the sketch log and sketch blocks ({@link SketchFormat}). */
    static final byte SKETCHES = 4;
    /** Another record, deflated: what a checkpoint writes its series definitions as (version 3). */
    static final byte DEFLATED = 5;
    /** Series definitions with the owner each series is counted against (version 4); replaces {@link #SERIES}. */
    static final byte ATTRIBUTED_SERIES = 6;
    /** The most bytes a deflated record may inflate to: what any record may hold. */
    static final int MAX_INFLATED_BYTES = 256 << 20;
    static final int FLOOR_RECORD_BYTES = RECORD_HEADER_BYTES + 8;
    static final String CHECKPOINT_PREFIX = "checkpoint.";

    private WalFormat() {
    }

    static byte[] segmentHeader() {
        byte[] h = new byte[SEGMENT_HEADER_BYTES];
        putInt(h, 0, MAGIC);
        h[4] = VERSION;
        return h;
    }

    /** The file name of segment {@code n}: eight decimal digits, so that names sort in log order. */
    static String segmentName(long n) {
        return String.format("%08d", n);
    }

    /** The file name of the checkpoint that stands for every segment before segment {@code n}. */
    static String checkpointName(long n) {
        return CHECKPOINT_PREFIX + segmentName(n);
    }

    /** The segment number a checkpoint name stands for, or -1 for any other file (a temporary one included). */
    static long checkpointNumber(String name) {
        return name.startsWith(CHECKPOINT_PREFIX) ? segmentNumber(name.substring(CHECKPOINT_PREFIX.length())) : -1;
    }

    /** The segment number a name stands for, or -1 for any other file. */
    static long segmentNumber(String name) {
        if (name.length() < 8 || !name.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return -1;
        }
        return Long.parseLong(name);
    }

    static byte kindCode(MetricKind kind) {
        return switch (kind) {
            case GAUGE -> 0;
            case COUNT -> 1;
            case RATE -> 2;
            case COUNTER -> 3;
        };
    }

    /** The kind a code stands for, or null for an unknown code. */
    static MetricKind kindOrNull(int code) {
        return switch (code) {
            case 0 -> MetricKind.GAUGE;
            case 1 -> MetricKind.COUNT;
            case 2 -> MetricKind.RATE;
            case 3 -> MetricKind.COUNTER;
            default -> null;
        };
    }

    static MetricKind kind(int code) throws MalformedRecordException {
        return switch (code) {
            case 0 -> MetricKind.GAUGE;
            case 1 -> MetricKind.COUNT;
            case 2 -> MetricKind.RATE;
            case 3 -> MetricKind.COUNTER;
            default -> throw new MalformedRecordException("unknown metric kind code " + code);
        };
    }

    /** A framed record of series definitions. */
    static byte[] seriesRecord(List<MemSeries> series) {
        return seriesRecord(null, series);
    }

    /**
     * A framed record defining {@code series.get(i)} under {@code ids[i]} (its own id when {@code ids} is null), with
     * the owner it is counted against.
     */
    static byte[] seriesRecord(int[] ids, List<MemSeries> series) {
        Encoder e = new Encoder(64 * series.size() + 16);
        e.uvarint(series.size());
        for (int i = 0; i < series.size(); i++) {
            MemSeries s = series.get(i);
            e.uvarint(ids == null ? s.id : ids[i]);
            e.put(kindCode(s.kind));
            e.string(s.creator == null ? "" : s.creator.owner);
            e.string(s.key.name());
            e.uvarint(s.key.tagCount());
            for (int t = 0; t < s.key.tagCount(); t++) {
                e.string(s.key.tag(t));
            }
        }
        return e.frame(ATTRIBUTED_SERIES);
    }

    /** A framed record of samples: {@code ids[i]} at {@code timestamps[i]} is {@code values[i]}, for i < n. */
    static byte[] samplesRecord(int[] ids, long[] timestamps, double[] values, int n) {
        long base = n == 0 ? 0 : timestamps[0];
        int size = uvarintLength(n) + 8 + 8 * n; // sized exactly, so that the frame is the array written
        for (int i = 0; i < n; i++) {
            long delta = timestamps[i] - base;
            size += uvarintLength(ids[i]) + uvarintLength((delta << 1) ^ (delta >> 63));
        }
        Encoder e = new Encoder(size);
        e.uvarint(n);
        e.int64(base);
        for (int i = 0; i < n; i++) {
            e.uvarint(ids[i]);
            e.varint(timestamps[i] - base); // wraps for extreme pairs; the reader's add wraps back
            e.int64(Double.doubleToRawLongBits(values[i]));
        }
        return e.frame(SAMPLES);
    }

    /** Bytes {@link Encoder#uvarint} writes for {@code v}. */
    static int uvarintLength(long v) {
        return Math.max(1, (70 - Long.numberOfLeadingZeros(v)) / 7);
    }

    /**
     * A framed record raising the head's floor: from here on, samples older than {@code floor} are refused, as
     * everything before it is (or is being written) in on-disk blocks.
     */
    static byte[] floorRecord(long floor) {
        Encoder e = new Encoder(8);
        e.int64(floor);
        return e.frame(FLOOR);
    }

    /** Receives the content of decoded records. */
    interface RecordVisitor {
        /** @param owner whom the series is counted against, or null for no one */
        void series(int id, SeriesKey key, MetricKind kind, String owner);

        void sample(int id, long timestamp, double value);

        void floor(long floor);
    }

    /** Decodes a payload whose CRC has been checked and hands its content to {@code visitor}. */
    static void decode(byte type, byte[] buf, int offset, int length, RecordVisitor visitor)
            throws MalformedRecordException {
        Decoder d = new Decoder(buf, offset, offset + length);
        switch (type) {
            case SERIES, ATTRIBUTED_SERIES -> {
                int count = d.count();
                for (int i = 0; i < count; i++) {
                    int id = d.id();
                    MetricKind kind = kind(d.u8());
                    String owner = type == ATTRIBUTED_SERIES ? d.string() : "";
                    String name = d.string();
                    if (name.isEmpty()) {
                        throw new MalformedRecordException("series " + id + " has an empty name");
                    }
                    String[] tags = new String[d.count()];
                    for (int t = 0; t < tags.length; t++) {
                        tags[t] = d.string();
                    }
                    visitor.series(id, SeriesKey.of(name, tags), kind, owner.isEmpty() ? null : owner);
                }
            }
            case SAMPLES -> {
                int count = d.count();
                long base = d.int64();
                for (int i = 0; i < count; i++) {
                    int id = d.id();
                    long t = base + d.varint();
                    visitor.sample(id, t, Double.longBitsToDouble(d.int64()));
                }
            }
            case FLOOR -> visitor.floor(d.int64());
            case DEFLATED -> {
                byte inner = (byte) d.u8();
                if (inner == DEFLATED) {
                    throw new MalformedRecordException("a deflated record inside a deflated record");
                }
                long size = d.uvarint();
                if (size > MAX_INFLATED_BYTES) {
                    throw new MalformedRecordException("deflated record of " + size + " bytes, more than "
                            + MAX_INFLATED_BYTES);
                }
                byte[] inflated = inflate(buf, d.pos, d.limit - d.pos, (int) size);
                d.pos = d.limit;
                decode(inner, inflated, 0, inflated.length, visitor);
            }
            case SKETCHES -> {
                if (!(visitor instanceof SketchFormat.SketchVisitor sketches)) {
                    throw new MalformedRecordException("sketch record in a samples log");
                }
                SketchFormat.decodeSketches(d, sketches);
            }
            default -> throw new MalformedRecordException("unknown record type " + type
                    + " (written by a newer version?)");
        }
        if (d.pos != d.limit) {
            throw new MalformedRecordException((d.limit - d.pos) + " bytes left over after the payload");
        }
    }

    /**
     * {@code framed} (a whole record as {@link Encoder#frame} returns it) as a framed {@link #DEFLATED} record:
     * payload = the inner type, the inner payload's length ({@code uvarint}) and the inner payload, deflated (raw
     * DEFLATE, RFC 1951).
     */
    static byte[] deflated(byte[] framed) {
        int length = framed.length - RECORD_HEADER_BYTES;
        byte[] deflated = RawDeflate.deflate(framed, RECORD_HEADER_BYTES, length);
        Encoder e = new Encoder(1 + uvarintLength(length) + deflated.length);
        e.put(framed[0]);
        e.uvarint(length);
        e.raw(deflated);
        return e.frame(DEFLATED);
    }

    private static byte[] inflate(byte[] buf, int offset, int length, int size) throws MalformedRecordException {
        byte[] out;
        try {
            out = RawDeflate.inflate(buf, offset, length, size);
        } catch (DataFormatException e) {
            throw new MalformedRecordException("deflated record does not inflate to the " + size
                    + " bytes it declares: " + e.getMessage());
        }
        if (out.length != size) {
            throw new MalformedRecordException("deflated record inflates to " + out.length + " bytes, not the " + size
                    + " it declares");
        }
        return out;
    }

    /** The CRC32C of a framed record: over its type, length and payload. */
    static int crc(byte[] buf, int recordOffset, int payloadLength) {
        CRC32C crc = new CRC32C();
        crc.update(buf, recordOffset, 5);
        crc.update(buf, recordOffset + RECORD_HEADER_BYTES, payloadLength);
        return (int) crc.getValue();
    }

    static int getInt(byte[] b, int i) {
        return (b[i] & 0xFF) << 24 | (b[i + 1] & 0xFF) << 16 | (b[i + 2] & 0xFF) << 8 | (b[i + 3] & 0xFF);
    }

    static void putInt(byte[] b, int i, int v) {
        b[i] = (byte) (v >>> 24);
        b[i + 1] = (byte) (v >>> 16);
        b[i + 2] = (byte) (v >>> 8);
        b[i + 3] = (byte) v;
    }

    /** A payload that passed its CRC but does not parse: a bug or a newer writer, never a torn write. */
    static final class MalformedRecordException extends Exception {
        MalformedRecordException(String message) {
            super(message);
        }
    }

    /** Builds one framed record: room for the header first, the payload after, header and CRC filled last. */
    static final class Encoder {
        private byte[] buf;
        private int pos = RECORD_HEADER_BYTES;

        /** The payload written so far, unframed. */
        byte[] payload() {
            return Arrays.copyOfRange(buf, RECORD_HEADER_BYTES, pos);
        }

        /** Appends bytes as they are (an encoded part of a payload). */
        void raw(byte[] b) {
            ensure(b.length);
            System.arraycopy(b, 0, buf, pos, b.length);
            pos += b.length;
        }

        void bytes(byte[] b) {
            uvarint(b.length);
            ensure(b.length);
            System.arraycopy(b, 0, buf, pos, b.length);
            pos += b.length;
        }

        Encoder(int capacity) {
            buf = new byte[RECORD_HEADER_BYTES + capacity];
        }

        byte[] frame(byte type) {
            int length = pos - RECORD_HEADER_BYTES;
            buf[0] = type;
            putInt(buf, 1, length);
            putInt(buf, 5, crc(buf, 0, length));
            return pos == buf.length ? buf : Arrays.copyOf(buf, pos);
        }

        void put(byte b) {
            ensure(1);
            buf[pos++] = b;
        }

        void uvarint(long v) {
            ensure(uvarintLength(v));
            while ((v & ~0x7FL) != 0) {
                buf[pos++] = (byte) ((v & 0x7F) | 0x80);
                v >>>= 7;
            }
            buf[pos++] = (byte) v;
        }

        void varint(long v) {
            uvarint((v << 1) ^ (v >> 63)); // zigzag
        }

        void int64(long v) {
            ensure(8);
            for (int shift = 56; shift >= 0; shift -= 8) {
                buf[pos++] = (byte) (v >>> shift);
            }
        }

        void string(String s) {
            byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
            uvarint(bytes.length);
            ensure(bytes.length);
            System.arraycopy(bytes, 0, buf, pos, bytes.length);
            pos += bytes.length;
        }

        private void ensure(int n) {
            if (pos + n > buf.length) {
                buf = Arrays.copyOf(buf, Math.max(pos + n, buf.length * 2));
            }
        }
    }

    static final class Decoder {
        private final byte[] buf;
        private int pos;
        private final int limit;

        Decoder(byte[] buf, int pos, int limit) {
            this.buf = buf;
            this.pos = pos;
            this.limit = limit;
        }

        boolean atEnd() {
            return pos == limit;
        }

        /** A length-prefixed byte string: where it starts in the buffer; {@link #pos} moves past it. */
        int bytesLength() throws MalformedRecordException {
            return count();
        }

        int skip(int n) {
            int at = pos;
            pos += n;
            return at;
        }

        byte[] buffer() {
            return buf;
        }

        int u8() throws MalformedRecordException {
            need(1);
            return buf[pos++] & 0xFF;
        }

        long uvarint() throws MalformedRecordException {
            long v = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                int b = u8();
                v |= (long) (b & 0x7F) << shift;
                if ((b & 0x80) == 0) {
                    return v;
                }
            }
            throw new MalformedRecordException("varint longer than 10 bytes at " + pos);
        }

        long varint() throws MalformedRecordException {
            long u = uvarint();
            return (u >>> 1) ^ -(u & 1);
        }

        int id() throws MalformedRecordException {
            long v = uvarint();
            if (v > Integer.MAX_VALUE) {
                throw new MalformedRecordException("series id " + v + " out of range");
            }
            return (int) v;
        }

        /** A count of items that each take at least one byte, so it cannot exceed what is left. */
        int count() throws MalformedRecordException {
            long v = uvarint();
            if (v > limit - pos) {
                throw new MalformedRecordException("count " + v + " exceeds the " + (limit - pos) + " bytes left");
            }
            return (int) v;
        }

        long int64() throws MalformedRecordException {
            need(8);
            long v = 0;
            for (int i = 0; i < 8; i++) {
                v = v << 8 | (buf[pos++] & 0xFF);
            }
            return v;
        }

        String string() throws MalformedRecordException {
            int n = count();
            String s = new String(buf, pos, n, StandardCharsets.UTF_8);
            pos += n;
            return s;
        }

        private void need(int n) throws MalformedRecordException {
            if (pos + n > limit) {
                throw new MalformedRecordException("payload ends early");
            }
        }
    }
}
