package tocsin.notify.http;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A loopback HTTP server standing in for a provider (Twilio, Slack, Teams, a webhook receiver): records every
 * request exactly as received and answers with scripted responses, in order (the last one repeats). Thread-safe.
 */
public final class HttpSink implements AutoCloseable {

    /** A request as the sink received it. */
    public record Request(String method, String path, String rawQuery, Headers headers, String body) {
        public String header(String name) {
            return headers.getFirst(name);
        }

        /** The body as {@code application/x-www-form-urlencoded} fields, in order, repeated names kept. */
        public Map<String, List<String>> form() {
            Map<String, List<String>> out = new LinkedHashMap<>();
            if (body.isEmpty()) {
                return out;
            }
            for (String pair : body.split("&")) {
                int eq = pair.indexOf('=');
                String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                out.computeIfAbsent(k, x -> new ArrayList<>()).add(v);
            }
            return out;
        }

        public String formValue(String name) {
            List<String> v = form().get(name);
            return v == null ? null : v.get(0);
        }
    }

    /**
     * A scripted answer; {@code delay} holds the whole response back, {@code drip} sends the headers and the first
     * byte at once and the rest of the body only after that long (a receiver that trickles).
     */
    public record Response(int status, Map<String, String> headers, String body, Duration delay, Duration drip) {
        public static Response of(int status, String contentType, String body) {
            return new Response(status, Map.of("Content-Type", contentType), body, Duration.ZERO, Duration.ZERO);
        }

        public static Response json(int status, String body) {
            return of(status, "application/json; charset=utf-8", body);
        }

        public static Response text(int status, String body) {
            return of(status, "text/plain; charset=utf-8", body);
        }

        public Response withHeader(String name, String value) {
            Map<String, String> h = new LinkedHashMap<>(headers);
            h.put(name, value);
            return new Response(status, h, body, delay, drip);
        }

        public Response delayedBy(Duration d) {
            return new Response(status, headers, body, d, drip);
        }

        public Response drippedOver(Duration d) {
            return new Response(status, headers, body, delay, d);
        }
    }

    private final HttpServer server;
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final Deque<Response> script = new ArrayDeque<>();
    private final ReentrantLock lock = new ReentrantLock();

    public HttpSink() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            requests.add(new Request(exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(),
                    exchange.getRequestURI().getRawQuery(), exchange.getRequestHeaders(), body));
            Response r = next();
            try {
                if (!r.delay().isZero()) {
                    Thread.sleep(r.delay());
                }
                r.headers().forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
                byte[] bytes = r.body().getBytes(StandardCharsets.UTF_8);
                if (!r.drip().isZero() && bytes.length > 1) {
                    exchange.sendResponseHeaders(r.status(), 0);
                    exchange.getResponseBody().write(bytes, 0, 1);
                    exchange.getResponseBody().flush();
                    Thread.sleep(r.drip());
                    exchange.getResponseBody().write(bytes, 1, bytes.length - 1);
                } else {
                    exchange.sendResponseHeaders(r.status(), bytes.length == 0 ? -1 : bytes.length);
                    if (bytes.length > 0) {
                        exchange.getResponseBody().write(bytes);
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (IOException e) {
                // the client gave up (timeout tests): nothing to answer
            } finally {
                exchange.close();
            }
        });
        server.start();
    }

    private Response next() {
        lock.lock();
        try {
            if (script.isEmpty()) {
                return Response.text(500, "no response scripted");
            }
            return script.size() > 1 ? script.poll() : script.peek();
        } finally {
            lock.unlock();
        }
    }

    /** Answers the next requests with these responses, in order; the last one repeats. */
    public HttpSink answer(Response... responses) {
        lock.lock();
        try {
            script.clear();
            script.addAll(List.of(responses));
        } finally {
            lock.unlock();
        }
        return this;
    }

    public URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
    }

    public URI base() {
        return uri("");
    }

    public List<Request> requests() {
        return List.copyOf(requests);
    }

    /** The single request received; fails if there were none or several. */
    public Request only() {
        if (requests.size() != 1) {
            throw new AssertionError("expected one request, got " + requests.size() + ": " + requests);
        }
        return requests.get(0);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
