package tocsin.tsdb;

import java.util.zip.DataFormatException;

/**
 * The on-disk chunk encoding for values that are decimals in disguise: most metrics are (percentages with two
 * decimals, byte counts, latencies in whole milliseconds), and for them the XOR scheme spends 7–9 bytes per sample
 * on the noise of binary fractions. Here every value of the chunk is written as {@code m / 10^e} with one exponent
 * {@code e ∈ [0, 15]} for the chunk and an integer mantissa {@code |m| ≤ 2^53}, so that consecutive values differ by
 * small integers, and the stream is then DEFLATE-compressed. Two-decimal random walks come to about one byte per
 * sample, regular timestamps to almost nothing. See {@code docs/format/block-chunks.md}, encoding 2.
 *
 * <h2>Stream (before DEFLATE)</h2>
 * <pre>
 *   varint t0, varint (t1 - t0), then zigzag varint (t[i] - 2·t[i-1] + t[i-2]) for i ≥ 2
 *   u8 mode: low 4 bits e; bit 7 set when mantissas are stored as delta of deltas, else as deltas; bit 6 set
 *            when the residuals (the deltas, or the deltas of deltas) are bit-packed, else zigzag varints
 *   varint m0; with delta of deltas also varint (m1 - m0)
 *   residuals, one per remaining sample: zigzag varints, or bit-packed: varint base (the smallest residual),
 *            u8 width, then each (residual - base) in width bits, most significant first, zero-padded to a byte
 * </pre>
 * The writer picks whichever of the four forms is shortest before compression. Bit-packing with a base (frame of
 * reference) takes a noisy gauge to its entropy (±1.00 in steps of 0.01 is 8 bits) and a counter whose increments
 * vary within a band to the band's width; varints win when rare spikes would widen every packed value.
 * Differences are taken in wrapping 64-bit arithmetic, so any sequence decodes exactly.
 *
 * <p>Lossless: a chunk is written this way only when every value decodes to the same bits ({@code m / 10^e} is one
 * correctly rounded division, done the same way by writer and reader); otherwise, and for NaN, infinities and -0.0,
 * the writer falls back to the XOR encoding. Stateless and thread-safe.
 */
final class DecimalChunk {
    static final int MAX_EXPONENT = 15;
    private static final double[] POW10 = new double[MAX_EXPONENT + 1];
    private static final double MAX_MANTISSA = 0x1p53;

    static {
        double p = 1;
        for (int i = 0; i <= MAX_EXPONENT; i++) {
            POW10[i] = p;
            p *= 10;
        }
    }

    private DecimalChunk() {
    }

    /** The encoded chunk data for samples [from, to), or null when some value is not a decimal of ≤ 15 places. */
    static byte[] encode(long[] times, double[] values, int from, int to) {
        int e = 0;
        for (int i = from; i < to; i++) {
            int vi = exponentOf(values[i]);
            if (vi < 0) {
                return null;
            }
            e = Math.max(e, vi);
        }
        int n = to - from;
        long[] m = new long[n];
        for (int i = 0; i < n; i++) {
            double v = values[from + i];
            double scaled = Math.rint(v * POW10[e]);
            if (Math.abs(scaled) > MAX_MANTISSA || Double.doubleToRawLongBits(scaled / POW10[e])
                    != Double.doubleToRawLongBits(v)) {
                return null; // exact at its own exponent but not at the chunk's: leave it to XOR
            }
            m[i] = (long) scaled;
        }
        Buffer out = new Buffer(n * 3 + 16);
        out.varint(times[from]);
        if (n > 1) {
            out.varint(times[from + 1] - times[from]);
            for (int i = from + 2; i < to; i++) {
                out.varint(times[i] - 2 * times[i - 1] + times[i - 2]);
            }
        }
        long[] deltas = new long[Math.max(0, n - 1)];
        for (int i = 1; i < n; i++) {
            deltas[i - 1] = m[i] - m[i - 1];
        }
        long[] dods = new long[Math.max(0, n - 2)];
        for (int i = 2; i < n; i++) {
            dods[i - 2] = deltas[i - 1] - deltas[i - 2];
        }
        Residuals best = Residuals.cheapest(deltas, false);
        if (n > 2) {
            Residuals alt = Residuals.cheapest(dods, true);
            if (alt.bytes + varintLength(deltas[0]) < best.bytes) {
                best = alt;
            }
        }
        out.u8(e | (best.dod ? 0x80 : 0) | (best.packed ? 0x40 : 0));
        out.varint(m[0]);
        if (best.dod) {
            out.varint(deltas[0]);
        }
        long[] residuals = best.dod ? dods : deltas;
        if (best.packed) {
            out.varint(best.base);
            out.u8(best.width);
            out.packed(residuals, best.base, best.width);
        } else {
            for (long r : residuals) {
                out.varint(r);
            }
        }
        return RawDeflate.deflate(out.bytes, 0, out.size);
    }

    /** Decodes {@code count} samples into {@code times} and {@code values} (each at least {@code count} long). */
    static void decode(byte[] data, int count, long[] times, double[] values) {
        decode(data, count, times, values, 0);
    }

    /** Decodes the chunk's samples into {@code times}/{@code values} from index {@code at} on. */
    static void decode(byte[] data, int count, long[] times, double[] values, int at) {
        RawDeflate.Inflated raw = inflate(data, count);
        Reader r = new Reader(raw.bytes, raw.length);
        if (count == 0) {
            return;
        }
        int last = at + count;
        times[at] = r.varint();
        if (count > 1) {
            long delta = r.varint();
            times[at + 1] = times[at] + delta;
            for (int i = at + 2; i < last; i++) {
                delta += r.varint();
                times[i] = times[i - 1] + delta;
            }
        }
        int mode = r.u8();
        int e = mode & 0x0F;
        if (e > MAX_EXPONENT) {
            throw new IllegalStateException("decimal chunk exponent " + e + " is out of range");
        }
        boolean dod = (mode & 0x80) != 0;
        boolean packed = (mode & 0x40) != 0;
        long m = r.varint();
        double scale = POW10[e];
        values[at] = m / scale;
        if (count == 1) {
            r.end(count);
            return;
        }
        long delta = dod ? r.varint() : 0;
        int first = at + (dod ? 2 : 1); // the first sample whose residual is in the stream
        if (dod) {
            m += delta;
            values[at + 1] = m / scale;
        }
        long base = 0;
        int width = 0;
        if (packed) {
            base = r.varint();
            width = r.u8();
            if (width > 64) {
                throw new IllegalStateException("decimal chunk bit width " + width + " is over 64");
            }
        }
        for (int i = first; i < last; i++) {
            long residual = packed ? base + r.bits(width) : r.varint();
            delta = dod ? delta + residual : residual;
            m += delta;
            values[i] = m / scale;
        }
        r.end(count);
    }

    /** The fewest decimal places that represent {@code v} exactly, or -1 when none up to 15 do. */
    static int exponentOf(double v) {
        if (!Double.isFinite(v) || Double.doubleToRawLongBits(v) == Long.MIN_VALUE) { // NaN, ±Inf, -0.0
            return -1;
        }
        long bits = Double.doubleToRawLongBits(v);
        for (int e = 0; e <= MAX_EXPONENT; e++) {
            double scaled = Math.rint(v * POW10[e]);
            if (Math.abs(scaled) > MAX_MANTISSA) {
                return -1;
            }
            if (Double.doubleToRawLongBits(scaled / POW10[e]) == bits) {
                return e;
            }
        }
        return -1;
    }

    /** The cheaper way to write one residual stream: as zigzag varints, or bit-packed above its minimum. */
    private record Residuals(boolean dod, boolean packed, long base, int width, long bytes) {
        static Residuals cheapest(long[] r, boolean dod) {
            long varints = 0;
            long min = Long.MAX_VALUE;
            long max = Long.MIN_VALUE;
            for (long v : r) {
                varints += varintLength(v);
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
            if (r.length == 0) {
                return new Residuals(dod, false, 0, 0, 0);
            }
            long span = max - min; // wraps when the spread exceeds 2^63: then never packed
            if (span >= 0) {
                int width = 64 - Long.numberOfLeadingZeros(span);
                long packedBytes = varintLength(min) + 1 + ((long) r.length * width + 7) / 8;
                if (packedBytes < varints) {
                    return new Residuals(dod, true, min, width, packedBytes);
                }
            }
            return new Residuals(dod, false, 0, 0, varints);
        }
    }

    private static int varintLength(long v) {
        long z = (v << 1) ^ (v >> 63);
        return z == 0 ? 1 : (64 - Long.numberOfLeadingZeros(z) + 6) / 7;
    }

    private static RawDeflate.Inflated inflate(byte[] data, int count) {
        try {
            // At most 10 bytes per timestamp and per mantissa, plus the mode byte.
            return RawDeflate.inflateShared(data, 0, data.length, 20L * count + 1);
        } catch (DataFormatException e) {
            throw new IllegalStateException("decimal chunk data is not DEFLATE of its samples: " + e.getMessage(), e);
        }
    }

    /** Zigzag LEB128 writer. */
    private static final class Buffer {
        byte[] bytes;
        int size;

        Buffer(int capacity) {
            bytes = new byte[capacity];
        }

        void u8(int v) {
            ensure(1);
            bytes[size++] = (byte) v;
        }

        void varint(long v) {
            ensure(10);
            long z = (v << 1) ^ (v >> 63);
            while ((z & ~0x7FL) != 0) {
                bytes[size++] = (byte) ((z & 0x7F) | 0x80);
                z >>>= 7;
            }
            bytes[size++] = (byte) z;
        }

        /** Writes {@code r[i] - base} in {@code width} bits each, most significant first, padded to a byte. */
        void packed(long[] r, long base, int width) {
            ensure((int) (((long) r.length * width + 7) / 8));
            long acc = 0;
            int bits = 0;
            for (long v : r) {
                long x = v - base;
                for (int left = width; left > 0; ) {
                    int take = Math.min(left, 56 - bits);
                    acc = (acc << take) | ((x >>> (left - take)) & ((1L << take) - 1));
                    bits += take;
                    left -= take;
                    while (bits >= 8) {
                        bytes[size++] = (byte) (acc >>> (bits - 8));
                        bits -= 8;
                    }
                }
            }
            if (bits > 0) {
                bytes[size++] = (byte) (acc << (8 - bits));
            }
        }

        private void ensure(int n) {
            if (size + n > bytes.length) {
                bytes = java.util.Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + n));
            }
        }
    }

    /** Zigzag LEB128 reader that fails on truncation instead of reading past the end. */
    private static final class Reader {
        final byte[] b;
        final int limit;
        int pos;

        Reader(byte[] b, int limit) {
            this.b = b;
            this.limit = limit;
        }

        int u8() {
            if (pos >= limit) {
                throw new IllegalStateException("decimal chunk ends early");
            }
            return b[pos++] & 0xFF;
        }

        private long bitAcc;
        private int bitCount;

        /** The next {@code width} bits of a packed run, as an unsigned value. */
        long bits(int width) {
            long x = 0;
            for (int left = width; left > 0; ) {
                if (bitCount == 0) {
                    bitAcc = u8();
                    bitCount = 8;
                }
                int take = Math.min(left, bitCount);
                x = (x << take) | ((bitAcc >>> (bitCount - take)) & ((1L << take) - 1));
                bitCount -= take;
                left -= take;
            }
            return x;
        }

        /** Checks that the stream ends with the last sample. */
        void end(int count) {
            if (pos != limit) {
                throw new IllegalStateException("decimal chunk has " + (limit - pos) + " bytes after its "
                        + count + " samples");
            }
        }

        long varint() {
            long z = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                int x = u8();
                z |= (long) (x & 0x7F) << shift;
                if ((x & 0x80) == 0) {
                    return (z >>> 1) ^ -(z & 1);
                }
            }
            throw new IllegalStateException("decimal chunk varint is longer than 10 bytes");
        }
    }
}
