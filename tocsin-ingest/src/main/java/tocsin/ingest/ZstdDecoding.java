package tocsin.ingest;

import com.github.luben.zstd.RecyclingBufferPool;
import com.github.luben.zstd.ZstdIOException;
import com.github.luben.zstd.ZstdInputStreamNoFinalizer;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.ref.Cleaner;
import java.util.Objects;
import java.util.zip.DataFormatException;

/**
 * Undoes {@code Content-Encoding: zstd}, which the Datadog Agent uses by default for its metric payloads, with
 * zstd-jni (the reference C library). A body reader plugs {@link #stream(InputStream)} in next to its gzip and
 * deflate decoders and bounds what it reads from the result, as it does for those.
 *
 * <p>How the stream behaves, and why:
 * <ul>
 *   <li><b>Corrupt or truncated input</b> fails with an {@link IOException} whose cause is a
 *       {@link DataFormatException}, the JDK's type for corrupt compressed data, so a body reader can answer 400 and
 *       not 500. Failures of the underlying stream (a read limit, a reset connection) pass through unchanged.</li>
 *   <li><b>Window size</b>: frames that need a window over 8 MiB (zstd's {@code --long} and {@code --ultra}
 *       modes) are refused as corrupt, so that a few bytes of header cannot make the server reserve
 *       the library's default 128 MiB per request. Levels 1 to 19 (the Datadog Agent uses 1) stay within it.</li>
 *   <li><b>Native memory</b> is released as soon as the frame ends or fails, at {@link InputStream#close()}, and
 *       otherwise when the stream becomes unreachable: a reader that stops at its size limit and drops the stream
 *       without closing it leaks nothing. Releasing it never closes the underlying stream; only {@code close()}
 *       does.</li>
 *   <li>Concatenated frames are read one after the other, as the format allows.</li>
 * </ul>
 *
 * <p>The returned stream is not thread-safe; this class is (stateless).
 */
public final class ZstdDecoding {
    /** Largest window a frame may ask for: 2^23 bytes (8 MiB), what {@code zstd -19} uses. */
    public static final int MAX_WINDOW_LOG = 23;
    private static final Cleaner CLEANER = Cleaner.create();

    private ZstdDecoding() {
    }

    /**
     * A stream of the bytes {@code in} decompresses to.
     *
     * @throws IOException when the decompressor cannot be set up
     */
    public static InputStream stream(InputStream in) throws IOException {
        return new ZstdBody(Objects.requireNonNull(in, "in"));
    }

    private static final class ZstdBody extends InputStream {
        private final InputStream raw;
        private final ZstdInputStreamNoFinalizer zstd;
        private final Cleaner.Cleanable release;
        private boolean ended;
        private IOException failure;

        ZstdBody(InputStream raw) throws IOException {
            this.raw = raw;
            ZstdInputStreamNoFinalizer z = new ZstdInputStreamNoFinalizer(new Unclosable(raw),
                    RecyclingBufferPool.INSTANCE);
            try {
                z.setLongMax(MAX_WINDOW_LOG);
            } catch (IOException | RuntimeException e) {
                z.close();
                throw e;
            }
            this.zstd = z;
            this.release = CLEANER.register(this, new Release(z));
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            Objects.checkFromIndexSize(off, len, b.length);
            if (failure != null) {
                throw new IOException("the zstd stream already failed", failure);
            }
            if (ended) {
                return -1;
            }
            if (len == 0) {
                return 0;
            }
            try {
                int n = zstd.read(b, off, len);
                if (n < 0) {
                    ended = true;
                    release.clean();
                }
                return n;
            } catch (ZstdIOException e) {
                failure = new IOException("corrupt zstd body: " + e.getMessage(),
                        new DataFormatException(e.getMessage()));
                release.clean();
                throw failure;
            } catch (IOException | RuntimeException e) {
                failure = e instanceof IOException io ? io : new IOException(e);
                release.clean();
                throw e;
            }
        }

        @Override
        public void close() throws IOException {
            release.clean();
            raw.close();
        }
    }

    /** Frees the decompressor's native state; holds no reference to the stream it belongs to. */
    private record Release(ZstdInputStreamNoFinalizer zstd) implements Runnable {
        @Override
        public void run() {
            try {
                zstd.close();
            } catch (IOException ignored) {
                // the underlying stream is shielded from this close, so only freeing native memory can be left
            }
        }
    }

    /** Lets the decompressor be closed (to free its native state) without closing the request body under it. */
    private static final class Unclosable extends FilterInputStream {
        Unclosable(InputStream in) {
            super(in);
        }

        @Override
        public void close() {
            // the owner of the request body closes it
        }
    }
}
