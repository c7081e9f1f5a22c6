package tocsin.server.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.PushbackInputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.zip.DataFormatException;
import java.util.zip.GZIPInputStream;
import java.util.zip.Inflater;
import java.util.zip.InflaterInputStream;
import java.util.zip.ZipException;

/**
 * Reads a request body into memory, undoing its {@code Content-Encoding}, and never holding more than a limit.
 *
 * <p>The limit applies to the <em>decoded</em> bytes, so a few kilobytes of gzip that expand to gigabytes (a "gzip
 * bomb") stop at the limit with a 413 instead of filling the heap. The raw (still encoded) stream is bounded by the
 * same limit plus a small slack: encoded data is never meaningfully larger than what it decodes to.
 *
 * <p>Supported encodings: {@code identity}, {@code gzip}/{@code x-gzip}, {@code deflate} (zlib-wrapped as RFC 9110
 * says, and raw DEFLATE as some clients send it). Further encodings (zstd) plug in through {@link #decoders}.
 * Stateless and thread-safe.
 */
public final class BodyReader {

    /** Turns an encoded stream into a decoded one. */
    @FunctionalInterface
    public interface Decoder {
        InputStream decode(InputStream in) throws IOException;
    }

    /** Most bytes allocated up front for a body on the word of its {@code Content-Length}. */
    static final int MAX_PRESIZE = 1 << 20;

    /** How much of a rejected body is read and discarded before giving up on the connection. */
    static final long DRAIN_LIMIT = 16L << 20;

    private final java.util.Map<String, Decoder> decoders;

    public BodyReader(java.util.Map<String, Decoder> extraDecoders) {
        java.util.Map<String, Decoder> m = new java.util.HashMap<>();
        m.put("gzip", in -> new GZIPInputStream(in, 8192));
        m.put("x-gzip", in -> new GZIPInputStream(in, 8192));
        m.put("deflate", BodyReader::deflate);
        m.putAll(extraDecoders);
        this.decoders = java.util.Map.copyOf(m);
    }

    public BodyReader() {
        this(java.util.Map.of());
    }

    /** Codings that some route's protocol decodes itself; accepted on the wire, rejected by routes that don't. */
    public static final java.util.Set<String> PROTOCOL_CODINGS = java.util.Set.of("snappy");

    /** The content codings this reader can undo (besides identity). */
    public java.util.Set<String> codings() {
        return decoders.keySet();
    }

    /** Everything Helidon should let through to the routes: decodable codings and protocol codings. */
    public java.util.Set<String> acceptedCodings() {
        java.util.Set<String> all = new java.util.HashSet<>(decoders.keySet());
        all.addAll(PROTOCOL_CODINGS);
        return all;
    }

    /**
     * Reads and decodes everything.
     *
     * @param raw             the body as it arrives on the wire
     * @param contentEncoding the header value, or null
     * @param limit           maximum decoded size in bytes
     * @throws ApiProblem 413 over the limit, 415 for an unknown encoding, 400 for a corrupt encoded stream
     */
    public byte[] read(InputStream raw, String contentEncoding, long limit) {
        return read(raw, contentEncoding, limit, java.util.Set.of());
    }

    /**
     * Reads and decodes everything except the codings that are part of the route's own protocol (Prometheus remote
     * write declares {@code Content-Encoding: snappy} for its block-compressed protobuf, which its decoder undoes).
     *
     * @param protocolCodings codings to leave in place
     */
    public byte[] read(InputStream raw, String contentEncoding, long limit, java.util.Set<String> protocolCodings) {
        return read(raw, contentEncoding, limit, protocolCodings, -1);
    }

    /**
     * As {@link #read(InputStream, String, long, java.util.Set)}, with the body's declared {@code Content-Length}
     * (-1 if none): when nothing is left to decode, a body as long as it says is read straight into one array of
     * that size (an intake request's body is read once, not grown and copied). The length is only a hint: a body
     * that is shorter or longer is read all the same, and the limit still applies.
     */
    public byte[] read(InputStream raw, String contentEncoding, long limit, java.util.Set<String> protocolCodings,
                       long contentLength) {
        return read(raw, contentEncoding, limit, protocolCodings, contentLength, Long.MAX_VALUE);
    }

    /**
     * As {@link #read(InputStream, String, long, java.util.Set, long)}, with a limit on the body as sent as well
     * ({@code wireLimit}, before any decoding), as Datadog's intake has beside its decoded one.
     *
     * @throws ApiProblem 413 naming whichever limit the body went past
     */
    public byte[] read(InputStream raw, String contentEncoding, long limit, java.util.Set<String> protocolCodings,
                       long contentLength, long wireLimit) {
        List<Decoder> chain = chain(contentEncoding, protocolCodings);
        // Encoded data may exceed its decoded size by headers and, for incompressible input, DEFLATE's stored
        // blocks (5 bytes per 64 KiB); the slack covers both.
        long derived = chain.isEmpty() ? limit : limit + limit / 1024 + 1024;
        boolean wire = wireLimit < derived;
        try {
            if (wire && contentLength > wireLimit) {
                throw new LimitExceeded(true); // said up front: no need to read it
            }
            InputStream in = new BoundedInputStream(raw, wire ? wireLimit : derived, wire);
            // Content-Encoding lists codings in the order they were applied: undo them last to first.
            for (int i = chain.size() - 1; i >= 0; i--) {
                in = chain.get(i).decode(in);
            }
            return readBounded(in, limit, chain.isEmpty() ? contentLength : -1);
        } catch (LimitExceeded e) {
            if (e.wire) {
                throw ApiProblem.tooLargeAsSent(wireLimit, !drain(raw));
            }
            throw ApiProblem.tooLarge(limit, !drain(raw));
        } catch (ZipException | java.io.EOFException e) {
            throw ApiProblem.invalidField("body", "could not decode the " + contentEncoding + " body: "
                    + (e.getMessage() == null ? "truncated stream" : e.getMessage()));
        } catch (IOException e) {
            if (e.getCause() instanceof DataFormatException) {
                throw ApiProblem.invalidField("body", "could not decode the " + contentEncoding + " body: "
                        + e.getCause().getMessage());
            }
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Reads and discards the rest of a rejected body, up to {@link #DRAIN_LIMIT} bytes, so that the client (which
     * is usually still sending) reads the 413 instead of a connection reset, and the connection can be reused.
     *
     * @return true when the body ended within the drain limit
     */
    private static boolean drain(InputStream raw) {
        byte[] buf = new byte[16384];
        long drained = 0;
        try {
            int n;
            while ((n = raw.read(buf)) >= 0) {
                drained += n;
                if (drained > DRAIN_LIMIT) {
                    return false;
                }
            }
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private List<Decoder> chain(String contentEncoding, java.util.Set<String> protocolCodings) {
        List<Decoder> chain = new ArrayList<>();
        if (contentEncoding == null || contentEncoding.isBlank()) {
            return chain;
        }
        for (String token : contentEncoding.split(",")) {
            String coding = token.trim().toLowerCase(Locale.ROOT);
            if (coding.isEmpty() || coding.equals("identity") || protocolCodings.contains(coding)) {
                continue;
            }
            Decoder d = decoders.get(coding);
            if (d == null) {
                throw new ApiProblem(ApiProblem.Kind.UNSUPPORTED_MEDIA_TYPE,
                        "Unsupported Content-Encoding '" + coding + "'; supported: identity, "
                                + String.join(", ", new java.util.TreeSet<>(decoders.keySet())));
            }
            chain.add(d);
        }
        return chain;
    }

    /**
     * Everything {@code in} holds, at most {@code limit} bytes, read into an array of {@code sizeHint} bytes first
     * (when 0 &lt; hint &le; limit) that grows by half only if the stream goes on; returned without a copy when the
     * hint was exact.
     */
    static byte[] readBounded(InputStream in, long limit, long sizeHint) throws IOException {
        int cap = (int) Math.min(Integer.MAX_VALUE - 16, limit + 1); // one past the limit: what proves it exceeded
        // a declared length is trusted up to MAX_PRESIZE: beyond, the array grows with what actually arrives
        byte[] out = new byte[sizeHint > 0 && sizeHint <= limit ? (int) Math.min(sizeHint, MAX_PRESIZE)
                : Math.min(8192, cap)];
        int total = 0;
        while (true) {
            if (total == out.length) {
                int next = in.read(); // full: the end of the stream, or one byte more
                if (next < 0) {
                    return out;
                }
                if (total + 1L > limit) {
                    throw new LimitExceeded();
                }
                out = java.util.Arrays.copyOf(out, (int) Math.min(cap, (long) total + Math.max(8192, total >>> 1)));
                out[total++] = (byte) next;
                continue;
            }
            int n = in.read(out, total, out.length - total);
            if (n < 0) {
                return java.util.Arrays.copyOf(out, total);
            }
            total += n;
            if (total > limit) {
                throw new LimitExceeded();
            }
        }
    }

    /** zlib-wrapped deflate per RFC 9110, falling back to raw DEFLATE when the zlib header is absent. */
    private static InputStream deflate(InputStream in) throws IOException {
        PushbackInputStream p = new PushbackInputStream(in, 2);
        int b0 = p.read();
        int b1 = b0 < 0 ? -1 : p.read();
        if (b1 >= 0) {
            p.unread(b1);
        }
        if (b0 >= 0) {
            p.unread(b0);
        }
        boolean zlib = b0 >= 0 && b1 >= 0 && (b0 & 0x0F) == 8 && ((b0 << 8) | b1) % 31 == 0;
        return new InflaterInputStream(p, new Inflater(!zlib), 8192);
    }

    private static final class LimitExceeded extends IOException {
        private static final long serialVersionUID = 1L;
        /** The body as sent went past the wire limit (else the decoded body, or the raw bound derived from it). */
        final boolean wire;

        LimitExceeded() {
            this(false);
        }

        LimitExceeded(boolean wire) {
            super("limit exceeded", null);
            this.wire = wire;
        }
    }

    /** Counts raw bytes and fails past the limit (so an endless chunked body also stops). */
    private static final class BoundedInputStream extends java.io.FilterInputStream {
        private final long limit;
        private final boolean wire;
        private long count;

        BoundedInputStream(InputStream in, long limit, boolean wire) {
            super(in);
            this.limit = limit;
            this.wire = wire;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0 && ++count > limit) {
                throw new LimitExceeded(wire);
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, (int) Math.min(len, limit - count + 1));
            if (n > 0 && (count += n) > limit) {
                throw new LimitExceeded(wire);
            }
            return n;
        }
    }
}
