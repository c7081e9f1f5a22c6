package tocsin.tsdb;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * An open Gorilla chunk that samples are appended to: delta-of-delta timestamps and XOR-compressed float64 values
 * in one bit stream (Pelkonen et al., "Gorilla", VLDB 2015, section 4.1; the same scheme as Prometheus's XOR chunk,
 * with timestamp buckets tuned for milliseconds).
 *
 * <h2>Bit stream</h2>
 * Bits are written most significant first. The first sample is stored raw (64-bit timestamp, 64-bit value); the
 * second stores its timestamp delta and every later one the delta of deltas, in a variable-width bucket:
 * <pre>
 *   '0'                 dod = 0
 *   '10'   +  7 bits    dod in [-63, 64]             (scrape jitter of a few ms)
 *   '110'  + 14 bits    dod in [-8191, 8192]
 *   '1110' + 20 bits    dod in [-524287, 524288]     (a delta of up to ~8.7 min for the second sample)
 *   '1111' + 64 bits    anything else, two's complement
 * </pre>
 * Deltas are computed in wrapping 64-bit arithmetic, so any non-decreasing sequence, gaps of any size included,
 * decodes bit-exactly. Each value is XORed with the previous one: '0' when equal; '10' + the meaningful bits when
 * they fit inside the previous window of leading and trailing zeros; otherwise '11' + 5 bits of leading zeros
 * (capped at 31) + 6 bits of meaningful-bit count (64 written as 0) + the meaningful bits. Values are compared as
 * raw bits, so every NaN payload, -0.0 and denormal survives.
 *
 * <p>{@link #decode} is the format's one reader (every {@link ChunkIterator} and every query goes through it).
 *
 * <p>The count of samples is kept beside the bytes (by {@link Chunk} and, on disk, by the chunk's header), not in
 * the stream.
 *
 * <h2>Concurrency</h2>
 * Not thread-safe; its {@link MemSeries} guards it. Appending ORs bits into the eight bytes from the one at the write
 * position (rewriting the bits before it unchanged), and growing the buffer copies it, so a {@link #chunkSnapshot()
 * snapshot} taken under the series lock may be decoded after the lock is released: the bits it covers never change
 * again.
 *
 * <h2>Subclass</h2>
 * {@link MemSeries} extends this class: a series in the head is its own open chunk, so an append reaches the chunk's
 * state in the object it already holds instead of one more (a cache miss less per sample on a large head, and some
 * 60 bytes less per series). The methods are named for the chunk ({@code chunkCount}, {@code encode},
 * {@code sealChunk}) so that they read as what they are on a series too.
 *
 * <h2>Writing</h2>
 * Bits go in 64 at a time: a write of up to 57 bits is one big-endian {@code long} read, OR and write at the byte of
 * the write position, so the buffer always keeps {@value #SLACK} bytes beyond it. Headers are joined with their
 * payloads into one write where they fit.
 */
sealed class XorChunk permits MemSeries {
    /** Samples per chunk at which a new chunk is started (Gorilla's and Prometheus's figure). */
    static final int MAX_SAMPLES = 120;
    /** The widest time span of one chunk. */
    static final long MAX_SPAN_MILLIS = 2 * 60 * 60 * 1000L;

    /** Bytes kept beyond the write position's byte, so that one {@code long} write always fits. */
    private static final int SLACK = 8;
    /** The smallest buffer allocated once a chunk gets its first bits. */
    private static final int MIN_BYTES = 24;
    private static final byte[] NO_BYTES = new byte[0];
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    private byte[] bytes;
    private int bitLength;
    private int count;
    private long firstTime;
    private long lastTime;
    private long lastDelta;
    private long lastValueBits;
    private byte leading;
    private byte trailing;

    /** @param expectedBytes a capacity hint, e.g. the size of the series' previous chunk; 0 allocates on demand */
    XorChunk(int expectedBytes) {
        startChunk(expectedBytes);
    }

    /**
     * Empties the chunk for a new one. The bytes are a new buffer, so {@link #chunkSnapshot() snapshots} of the old
     * chunk stay intact.
     *
     * @param expectedBytes a capacity hint; 0 allocates when the first bits come
     */
    final void startChunk(int expectedBytes) {
        bytes = expectedBytes <= 0 ? NO_BYTES : new byte[Math.max(MIN_BYTES, expectedBytes) + SLACK];
        bitLength = 0;
        count = 0;
        firstTime = 0;
        lastTime = 0;
        lastDelta = 0;
        lastValueBits = 0;
        leading = 64; // no window yet: the first non-zero XOR always spells its window out
        trailing = 0;
    }

    /** Samples in the chunk; 0 for an empty one. */
    final int chunkCount() {
        return count;
    }

    final long chunkFirstTime() {
        return firstTime;
    }

    final long chunkLastTime() {
        return lastTime;
    }

    final long chunkLastBits() {
        return lastValueBits;
    }

    /** Bytes of the stream so far. */
    final int chunkByteLength() {
        return (bitLength + 7) >>> 3;
    }

    /** Whether a sample at {@code t} belongs in a new chunk instead. */
    final boolean chunkFullFor(long t) {
        return count >= MAX_SAMPLES || (count > 0 && t - firstTime >= MAX_SPAN_MILLIS);
    }

    /** Appends a sample. The caller keeps timestamps non-decreasing; equal ones are stored as they come. */
    final void encode(long t, double value) {
        encodeBits(t, Double.doubleToRawLongBits(value));
    }

    /** Appends a sample given as the raw bits of its value (every NaN payload kept). */
    final void encodeBits(long t, long bits) {
        switch (count) {
            case 0 -> {
                firstTime = t;
                writeBits(t, 64);
                writeBits(bits, 64);
            }
            case 1 -> {
                lastDelta = t - lastTime;
                writeTimeBucket(lastDelta);
                writeValue(bits);
            }
            default -> {
                long delta = t - lastTime;
                writeTimeBucket(delta - lastDelta);
                lastDelta = delta;
                writeValue(bits);
            }
        }
        lastTime = t;
        lastValueBits = bits;
        count++;
    }

    /** An immutable view of the samples so far that shares this chunk's bytes. */
    final Chunk chunkSnapshot() {
        return new Chunk(firstTime, lastTime, count, bytes);
    }

    /** The finished chunk, trimmed to its exact size (this one is left as it is). */
    final Chunk sealChunk() {
        return new Chunk(firstTime, lastTime, count, Arrays.copyOf(bytes, chunkByteLength()));
    }

    private void writeTimeBucket(long dod) {
        if (dod == 0) {
            writeBits(0, 1);
        } else if (fits(dod, 7)) {
            writeBits(0b10L << 7 | dod & 0x7f, 9);
        } else if (fits(dod, 14)) {
            writeBits(0b110L << 14 | dod & 0x3fff, 17);
        } else if (fits(dod, 20)) {
            writeBits(0b1110L << 20 | dod & 0xfffff, 24);
        } else {
            writeBits(0b1111, 4);
            writeBits(dod, 64);
        }
    }

    /** Whether {@code v} lies in [-(2^(n-1) - 1), 2^(n-1)], the range an n-bit bucket decodes (see the reader). */
    private static boolean fits(long v, int n) {
        return -((1L << (n - 1)) - 1) <= v && v <= 1L << (n - 1);
    }

    private void writeValue(long bits) {
        long xor = bits ^ lastValueBits;
        if (xor == 0) {
            writeBits(0, 1);
            return;
        }
        int lead = Math.min(Long.numberOfLeadingZeros(xor), 31);
        int trail = Long.numberOfTrailingZeros(xor);
        if (lead >= leading && trail >= trailing) {
            // Reuse the previous window: no need to spell out its position again.
            int width = 64 - leading - trailing;
            long meaningful = xor >>> trailing;
            if (width <= 62) { // header and payload in one long
                writeBits(0b10L << width | meaningful, width + 2);
            } else {
                writeBits(0b10, 2);
                writeBits(meaningful, width);
            }
            return;
        }
        int significant = 64 - lead - trail;
        // '11', 5 bits of leading zeros, 6 bits of width (64 overflows to 0; the reader maps it back)
        writeBits(0b11L << 11 | (long) lead << 6 | significant & 0x3f, 13);
        writeBits(xor >>> trail, significant);
        leading = (byte) lead;
        trailing = (byte) trail;
    }

    /** Writes the low {@code n} bits of {@code v} (1 to 64; the bits above them may be set), most significant first. */
    private void writeBits(long v, int n) {
        if (n > 57) { // more than one long write can take at any bit offset
            writeBits(v >>> 32, n - 32);
            n = 32;
        }
        int at = bitLength >>> 3;
        if (at + SLACK > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(at + SLACK, Math.max(MIN_BYTES, bytes.length + (bytes.length >>> 1))));
        }
        long word = (v & (1L << n) - 1) << (64 - (bitLength & 7) - n);
        LONGS.set(bytes, at, (long) LONGS.get(bytes, at) | word);
        bitLength += n;
    }

    /**
     * Decodes a whole stream of {@code count} samples as this class writes it, keeping those in {@code [min, max]} in
     * {@code ts}/{@code vs} from index {@code n} on (the arrays have room), and returns the new {@code n}. The only
     * reader of the format: queries decode millions of samples through it, so the cursor lives in local variables,
     * and control bits are taken from a 64-bit window of the stream rather than bit by bit.
     */
    static int decode(byte[] b, int count, long min, long max, long[] ts, double[] vs, int n) {
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

    /** The 64 bits of {@code b} from bit {@code position} on; bits past the end read as 0. */
    private static long peek(byte[] b, int position) {
        int at = position >>> 3;
        int shift = position & 7;
        long word;
        if (at + 8 <= b.length) {
            word = (long) LONGS.get(b, at);
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
