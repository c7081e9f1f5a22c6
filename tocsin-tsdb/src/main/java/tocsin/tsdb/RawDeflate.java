package tocsin.tsdb;

import java.io.ByteArrayOutputStream;
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

    /**
     * {@code data[offset, offset + length)} inflated: a whole DEFLATE stream of at most {@code maxBytes} bytes.
     *
     * @throws DataFormatException when the data is not DEFLATE, ends before its stream does, or inflates past
     *                             {@code maxBytes} (the message says which)
     */
    static byte[] inflate(byte[] data, int offset, int length, long maxBytes) throws DataFormatException {
        Inflater inf = new Inflater(true);
        try {
            inf.setInput(data, offset, length);
            ByteArrayOutputStream out = new ByteArrayOutputStream((int) Math.min(maxBytes, Math.max(64L, length * 4L)));
            byte[] buf = new byte[4096];
            while (!inf.finished()) {
                int k = inf.inflate(buf);
                if (k == 0 && (inf.needsInput() || inf.needsDictionary())) {
                    throw new DataFormatException("truncated: the data ends before its DEFLATE stream does");
                }
                out.write(buf, 0, k);
                if (out.size() > maxBytes) {
                    throw new DataFormatException("inflates to more than " + maxBytes + " bytes");
                }
            }
            return out.toByteArray();
        } finally {
            inf.end();
        }
    }
}
