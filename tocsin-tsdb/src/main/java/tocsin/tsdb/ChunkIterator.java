package tocsin.tsdb;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Walks the samples of a chunk in order, without allocating per sample:
 * <pre>{@code
 * for (ChunkIterator it = chunk.iterator(); it.next(); ) use(it.timestamp(), it.value());
 * }</pre>
 * An XOR stream is decoded as it goes; a {@link DecimalChunk} is decoded whole up front (it is DEFLATE-compressed)
 * and walked from arrays. Not thread-safe; each reader makes its own.
 */
final class ChunkIterator {
    private static final VarHandle BIG_ENDIAN_LONG = MethodHandles.byteArrayViewVarHandle(long[].class,
            ByteOrder.BIG_ENDIAN);

    private final byte[] bytes;
    private final long[] decodedTimes;
    private final double[] decodedValues;
    private final int count;
    private int position; // in bits
    private int read;
    private long time;
    private long delta;
    private long valueBits;
    private int leading;
    private int trailing;

    ChunkIterator(byte[] bytes, int count) {
        this.bytes = bytes;
        this.count = count;
        this.decodedTimes = null;
        this.decodedValues = null;
    }

    /** Walks samples already decoded. */
    ChunkIterator(long[] times, double[] values, int count) {
        this.bytes = null;
        this.count = count;
        this.decodedTimes = times;
        this.decodedValues = values;
    }

    /** Moves to the next sample; false when there is none. */
    boolean next() {
        if (read == count) {
            return false;
        }
        if (decodedTimes != null) {
            time = decodedTimes[read];
            valueBits = Double.doubleToRawLongBits(decodedValues[read]);
            read++;
            return true;
        }
        switch (read) {
            case 0 -> {
                time = readBits(64);
                valueBits = readBits(64);
            }
            case 1 -> {
                delta = readTimeBucket();
                time += delta;
                readValue();
            }
            default -> {
                delta += readTimeBucket();
                time += delta;
                readValue();
            }
        }
        read++;
        return true;
    }

    long timestamp() {
        return time;
    }

    double value() {
        return Double.longBitsToDouble(valueBits);
    }

    long valueBits() {
        return valueBits;
    }

    // Control bits are read from a 64-bit window of the stream (peek), so a sample costs a couple of unaligned
    // big-endian loads rather than a loop per byte. The layout is XorChunk's; see its writer.

    private long readTimeBucket() {
        long w = peek();
        if (w >= 0) { // '0': the delta of deltas is 0
            position++;
            return 0;
        }
        int ones = Math.min(Long.numberOfLeadingZeros(~w), 4);
        int width;
        switch (ones) {
            case 1 -> width = 7;   // '10'
            case 2 -> width = 14;  // '110'
            case 3 -> width = 20;  // '1110'
            default -> {           // '1111' then 64 bits
                position += 4;
                return readBits(64);
            }
        }
        int prefix = ones + 1;
        long bits = (w << prefix) >>> (64 - width);
        position += prefix + width;
        // The writer used [-(2^(w-1) - 1), 2^(w-1)]: values above 2^(w-1) are negative.
        return bits > 1L << (width - 1) ? bits - (1L << width) : bits;
    }

    private void readValue() {
        long w = peek();
        if (w >= 0) { // '0': the same value
            position++;
            return;
        }
        if (w << 1 < 0) { // '11': new leading zeros (5 bits) and significant bits (6 bits, 0 meaning 64)
            leading = (int) (w << 2 >>> 59);
            int significant = (int) (w << 7 >>> 58);
            if (significant == 0) {
                significant = 64;
            }
            trailing = 64 - leading - significant;
            position += 13;
        } else { // '10': the previous window
            position += 2;
        }
        int significant = 64 - leading - trailing;
        valueBits ^= readBits(significant) << trailing;
    }

    /**
     * Decodes a whole XOR stream of {@code count} samples at once, keeping those in {@code [min, max]} in
     * {@code ts}/{@code vs} from index {@code n} on (the arrays have room), and returns the new {@code n}. The same
     * reading as {@link #next()}, with the cursor in local variables rather than fields: a query decodes millions of
     * samples this way, and the loop runs some twice as fast as the iterator's calls.
     */
    static int decodeXor(byte[] b, int count, long min, long max, long[] ts, double[] vs, int n) {
        if (count == 0) {
            return n;
        }
        long time = peek(b, 0);
        long bits = peek(b, 64);
        int pos = 128;
        long delta = 0;
        int leading = 0;
        int trailing = 0;
        for (int i = 1; ; i++) {
            if (time > max) {
                return n;
            }
            if (time >= min) {
                ts[n] = time;
                vs[n++] = Double.longBitsToDouble(bits);
            }
            if (i == count) {
                return n;
            }
            // One 64-bit window serves the whole sample in the usual case (a regular interval, a value in the
            // previous XOR window): it is peeked again only after a long header or when the payload runs past it.
            long w = peek(b, pos);
            int valid = 64;
            if (w >= 0) { // '0': the delta of deltas is 0
                pos++;
                w <<= 1;
                valid = 63;
            } else {
                int ones = Math.min(Long.numberOfLeadingZeros(~w), 4);
                if (ones == 4) { // '1111' then 64 bits
                    delta += peek(b, pos + 4);
                    pos += 68;
                    w = peek(b, pos);
                } else {
                    int width = ones == 1 ? 7 : ones == 2 ? 14 : 20;
                    long raw = (w << (ones + 1)) >>> (64 - width);
                    int used = ones + 1 + width; // at most 24: the value's header still fits in the window
                    pos += used;
                    w <<= used;
                    valid -= used;
                    delta += raw > 1L << (width - 1) ? raw - (1L << width) : raw;
                }
            }
            time += delta; // the second sample's bucket holds its delta itself, which adds to a delta of 0
            if (w >= 0) { // '0': the same value
                pos++;
                continue;
            }
            if (w << 1 < 0) { // '11': a new window
                leading = (int) (w << 2 >>> 59);
                int significant = (int) (w << 7 >>> 58);
                trailing = 64 - leading - (significant == 0 ? 64 : significant);
                pos += 13;
                w <<= 13;
                valid -= 13;
            } else {
                pos += 2;
                w <<= 2;
                valid -= 2;
            }
            int significant = 64 - leading - trailing;
            long payload = significant <= valid ? w : peek(b, pos);
            bits ^= payload >>> (64 - significant) << trailing;
            pos += significant;
        }
    }

    /** The next {@code n} (1..64) bits as an unsigned number. */
    private long readBits(int n) {
        long v = peek() >>> (64 - n);
        position += n;
        return v;
    }

    /** The 64 bits from {@link #position} on, the first in the sign bit; bits past the end of the stream read as 0. */
    private long peek() {
        return peek(bytes, position);
    }

    /** The 64 bits of {@code b} from bit {@code position} on; bits past the end read as 0. */
    private static long peek(byte[] b, int position) {
        int at = position >>> 3;
        int shift = position & 7;
        long word;
        if (at + 8 <= b.length) {
            word = (long) BIG_ENDIAN_LONG.get(b, at);
        } else {
            word = 0;
            for (int i = 0; i < 8; i++) {
                word = word << 8 | (at + i < b.length ? b[at + i] & 0xFF : 0);
            }
        }
        if (shift != 0) {
            word <<= shift;
            if (at + 8 < b.length) {
                word |= (b[at + 8] & 0xFF) >>> (8 - shift);
            }
        }
        return word;
    }
}
