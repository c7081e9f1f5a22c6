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

    /** The next {@code n} (1..64) bits as an unsigned number. */
    private long readBits(int n) {
        long v = peek() >>> (64 - n);
        position += n;
        return v;
    }

    /** The 64 bits from {@link #position} on, the first in the sign bit; bits past the end of the stream read as 0. */
    private long peek() {
        int at = position >>> 3;
        int shift = position & 7;
        byte[] b = bytes;
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
