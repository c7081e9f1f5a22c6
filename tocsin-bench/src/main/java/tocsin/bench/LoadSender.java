package tocsin.bench;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;

/**
 * The bench's load generator: HTTP/1.1 POSTs over one kept-alive connection, written and read by hand, as {@code wrk}
 * and Prometheus's own sender do it, instead of through Java's {@code HttpClient}.
 *
 * <p>Why: the measured servers share the two cores with the bench. Java's client is a large asynchronous machine
 * (a selector thread, an executor, futures per exchange) that its JIT was still compiling, at up to 0.9 CPU s a round,
 * after 60,000 warm-up requests; that CPU was taken from whichever server was measured first. This sender is a few
 * small methods that are compiled within the warm-up, and costs every server the same few tens of CPU milliseconds a
 * round.
 *
 * <p>What it does: a request is a head rendered once per target ({@link Target}) plus {@code Content-Length} and the
 * body. A response's status line and headers are read, and its body skipped by {@code Content-Length} or chunked
 * encoding; a 1xx interim answer is skipped. When the server closed the kept-alive connection before answering
 * ({@code Connection: close} on the previous answer, or an end of stream before any byte of the answer), the request
 * is sent once more on a new connection. Not thread-safe: one connection per sending thread.
 */
final class LoadSender implements AutoCloseable {
    /** A server's address with the request head for one path and set of headers, rendered once. */
    record Target(InetSocketAddress address, byte[] head) {
        static Target of(URI uri, Map<String, String> headers) {
            String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
            StringBuilder head = new StringBuilder("POST ").append(path);
            if (uri.getRawQuery() != null) {
                head.append('?').append(uri.getRawQuery());
            }
            head.append(" HTTP/1.1\r\nHost: ").append(uri.getHost()).append(':').append(uri.getPort()).append("\r\n");
            headers.forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
            return new Target(new InetSocketAddress(uri.getHost(), uri.getPort()),
                    head.toString().getBytes(StandardCharsets.US_ASCII));
        }
    }

    private static final int TIMEOUT_MILLIS = 60_000;
    private final Target target;
    private Socket socket;
    private OutputStream out;
    private InputStream in;
    private boolean mustReconnect = true;
    private final byte[] line = new byte[8192];
    private final byte[] skip = new byte[64 << 10];

    LoadSender(Target target) {
        this.target = target;
    }

    /** POSTs {@code body} to the target and returns the answer's status; the answer's body is read and dropped. */
    int post(byte[] body) throws IOException {
        boolean fresh = mustReconnect;
        if (mustReconnect) {
            connect();
        }
        try {
            try {
                return exchange(body);
            } catch (StaleConnection e) {
                if (fresh) {
                    throw new IOException("the server closed a new connection without answering");
                }
                connect();
                return exchange(body);
            }
        } catch (IOException e) {
            close(); // the connection is in an unknown state: the next request starts a new one
            throw e;
        }
    }

    private void connect() throws IOException {
        close();
        socket = new Socket();
        socket.setTcpNoDelay(true);
        socket.setSoTimeout(TIMEOUT_MILLIS);
        socket.connect(target.address(), TIMEOUT_MILLIS);
        out = socket.getOutputStream();
        in = new BufferedInputStream(socket.getInputStream(), 16 << 10);
        mustReconnect = false;
    }

    private int exchange(byte[] body) throws IOException {
        byte[] length = ("Content-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] request = new byte[target.head().length + length.length + body.length];
        System.arraycopy(target.head(), 0, request, 0, target.head().length);
        System.arraycopy(length, 0, request, target.head().length, length.length);
        System.arraycopy(body, 0, request, target.head().length + length.length, body.length);
        try {
            out.write(request);
            out.flush();
        } catch (IOException e) {
            throw new StaleConnection(); // reset by a server that had closed its end
        }
        int status;
        do {
            int n = readLine(true);
            String statusLine = new String(line, 0, n, StandardCharsets.US_ASCII);
            if (!statusLine.startsWith("HTTP/1.") || statusLine.length() < 12) {
                throw new IOException("not an HTTP/1.x status line: " + statusLine);
            }
            status = Integer.parseInt(statusLine.substring(9, 12));
            readBody(status);
        } while (status >= 100 && status < 200);
        return status;
    }

    /** Reads the headers after the status line and skips the body they announce. */
    private void readBody(int status) throws IOException {
        long contentLength = -1;
        boolean chunked = false;
        for (int n; (n = readLine(false)) > 0; ) {
            String header = new String(line, 0, n, StandardCharsets.US_ASCII);
            int colon = header.indexOf(':');
            if (colon <= 0) {
                continue;
            }
            String name = header.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = header.substring(colon + 1).trim();
            switch (name) {
                case "content-length" -> contentLength = Long.parseLong(value);
                case "transfer-encoding" -> chunked = value.toLowerCase(Locale.ROOT).contains("chunked");
                case "connection" -> mustReconnect |= value.equalsIgnoreCase("close");
                default -> { }
            }
        }
        if (status < 200 || status == 204 || status == 304) {
            return;
        }
        if (chunked) {
            for (long size; (size = Long.parseLong(chunkSize(readLine(false)), 16)) > 0; ) {
                skip(size);
                readLine(false); // the CRLF after the chunk
            }
            while (readLine(false) > 0) { // trailers up to the empty line
            }
        } else if (contentLength >= 0) {
            skip(contentLength);
        } else {
            in.transferTo(OutputStream.nullOutputStream()); // the body runs to the end of the connection
            mustReconnect = true;
        }
    }

    private String chunkSize(int n) {
        String s = new String(line, 0, n, StandardCharsets.US_ASCII);
        int semicolon = s.indexOf(';');
        return (semicolon >= 0 ? s.substring(0, semicolon) : s).trim();
    }

    /** Reads one line without its CRLF into {@link #line}; returns its length. */
    private int readLine(boolean first) throws IOException {
        int n = 0;
        for (int b; ; ) {
            b = in.read();
            if (b < 0) {
                if (first && n == 0) {
                    throw new StaleConnection(); // closed before answering: a kept-alive connection the server dropped
                }
                throw new EOFException("the server closed the connection mid-answer");
            }
            if (b == '\n') {
                return n > 0 && line[n - 1] == '\r' ? n - 1 : n;
            }
            if (n == line.length) {
                throw new IOException("a header line longer than " + line.length + " bytes");
            }
            line[n++] = (byte) b;
        }
    }

    private void skip(long bytes) throws IOException {
        while (bytes > 0) {
            int r = in.read(skip, 0, (int) Math.min(skip.length, bytes));
            if (r < 0) {
                throw new EOFException("the server closed the connection mid-body");
            }
            bytes -= r;
        }
    }

    @Override
    public void close() throws IOException {
        if (socket != null) {
            socket.close();
            socket = null;
        }
        mustReconnect = true;
    }

    /** The server had closed the kept-alive connection before this request; safe to send again. */
    private static final class StaleConnection extends IOException {
        StaleConnection() {
            super("the server closed the kept-alive connection");
        }
    }
}
