package tocsin.tsdb;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * Raw DEFLATE (RFC 1951, no zlib header) for the store's compressed formats: decimal chunks
 * ({@code docs/format/block-chunks.md}) and deflated WAL records ({@code docs/format/wal.md}).
 */
final class RawDeflate {
    private RawDeflate() {
    }

    /** {@code raw[offset, offset + length)}, deflated. */
    static byte[] deflate(byte[] raw, int offset, int length) {
        Deflater d = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
        try {
            d.setInput(raw, offset, length);
            d.finish();
            ByteArrayOutputStream out = new ByteArrayOutputStream(length / 2 + 16);
            byte[] buf = new byte[Math.max(64, Math.min(length + 16, 1 << 16))];
            while (!d.finished()) {
                out.write(buf, 0, d.deflate(buf));
            }
            return out.toByteArray();
        } finally {
            d.end();
        }
    }

    /** What {@link #inflateShared} inflated: {@code bytes[0, length)}, valid until the thread's next call. */
    static final class Inflated {
        private final Inflater inflater = new Inflater(true);
        byte[] bytes;
        int length;

        Inflated(int capacity) {
            bytes = new byte[capacity];
        }
    }

    /** One per platform thread (a query's pool threads decode chunk after chunk); none kept for virtual threads. */
    private static final ThreadLocal<Inflated> SHARED = new ThreadLocal<>();

    /**
     * As {@link #inflate}, into a buffer this thread reuses, with an {@link Inflater} it reuses: what a query that
     * reads thousands of decimal chunks calls, where a fresh inflater (its native state and window allocated and
     * freed) and a fresh output array per chunk cost about as much as the decoding. On a virtual thread, which lives
     * for one request, both are made for the call.
     */
    static Inflated inflateShared(byte[] data, int offset, int length, long maxBytes) throws DataFormatException {
        if (Thread.currentThread().isVirtual()) {
            return inflateOnce(data, offset, length, maxBytes);
        }
        Inflated out = SHARED.get();
        if (out == null) {
            out = new Inflated(4096);
            SHARED.set(out);
        }
        out.inflater.reset();
        inflateInto(out, data, offset, length, maxBytes);
        return out;
    }

    /**
     * {@code data[offset, offset + length)} inflated: a whole DEFLATE stream of at most {@code maxBytes} bytes.
     *
     * @throws DataFormatException when the data is not DEFLATE, ends before its stream does, or inflates past
     *                             {@code maxBytes} (the message says which)
     */
    static byte[] inflate(byte[] data, int offset, int length, long maxBytes) throws DataFormatException {
        Inflated out = inflateOnce(data, offset, length, maxBytes);
        return Arrays.copyOf(out.bytes, out.length);
    }

    /** Inflates with an inflater made for the call and ended after it. */
    private static Inflated inflateOnce(byte[] data, int offset, int length, long maxBytes)
            throws DataFormatException {
        Inflated out = new Inflated((int) Math.min(maxBytes, Math.max(64L, length * 4L)));
        try {
            inflateInto(out, data, offset, length, maxBytes);
            return out;
        } finally {
            out.inflater.end();
        }
    }

    /** Inflates into {@code out.bytes}, growing it, with {@code out}'s inflater (fresh or reset). */
    private static void inflateInto(Inflated out, byte[] data, int offset, int length, long maxBytes)
            throws DataFormatException {
        Inflater inf = out.inflater;
        inf.setInput(data, offset, length);
        int n = 0;
        while (!inf.finished()) {
            if (n == out.bytes.length) { // at most maxBytes + 1: one byte past the limit is enough to see it
                out.bytes = Arrays.copyOf(out.bytes, (int) Math.min(maxBytes + 1, Math.max(64L, 2L * n)));
            }
            int k = inf.inflate(out.bytes, n, out.bytes.length - n);
            if (k == 0 && (inf.needsInput() || inf.needsDictionary())) {
                throw new DataFormatException("truncated: the data ends before its DEFLATE stream does");
            }
            n += k;
            if (n > maxBytes) {
                throw new DataFormatException("inflates to more than " + maxBytes + " bytes");
            }
        }
        out.length = n;
    }
}
