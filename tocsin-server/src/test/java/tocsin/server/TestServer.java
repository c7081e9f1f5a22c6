package tocsin.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import tocsin.server.config.TocsinConfig;
import tocsin.server.http.RouteTable;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Comparator;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * A real Tocsin server for integration tests: started through {@link Server#start} exactly as {@code main} does,
 * on a free port, with a temporary data dir and known bootstrap credentials. Close it to stop the server and delete
 * the data dir.
 */
public final class TestServer implements AutoCloseable {
    public static final String ADMIN_KEY = "test-admin-key-0123456789abcdef";
    public static final String ADMIN_PASSWORD = "correct horse battery staple";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Server server;
    private final Path dataDir;
    private final boolean ownsDataDir;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private TestServer(Server server, Path dataDir, boolean ownsDataDir) {
        this.server = server;
        this.dataDir = dataDir;
        this.ownsDataDir = ownsDataDir;
    }

    public static TestServer start() {
        return start(c -> c, r -> {
        });
    }

    public static TestServer start(UnaryOperator<ServerConfig> customize, Consumer<RouteTable> extraRoutes) {
        Path dir;
        try {
            dir = Files.createTempDirectory("tocsin-it-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return startOn(dir, true, customize, extraRoutes);
    }

    /** Starts on an existing data dir, which the caller owns. */
    public static TestServer startOn(Path dataDir, UnaryOperator<ServerConfig> customize) {
        return startOn(dataDir, false, customize, r -> {
        });
    }

    private static TestServer startOn(Path dir, boolean owns, UnaryOperator<ServerConfig> customize,
                                      Consumer<RouteTable> extraRoutes) {
        ServerConfig config = customize.apply(defaultConfig(dir));
        try {
            return new TestServer(Server.start(config, extraRoutes), dir, owns);
        } catch (RuntimeException e) {
            if (owns) {
                deleteRecursively(dir);
            }
            throw e;
        }
    }

    /** A customisation that listens for DogStatsD on a free loopback port and flushes every {@code flush}. */
    public static UnaryOperator<ServerConfig> statsd(java.time.Duration flush) {
        return c -> new ServerConfig(c.dataDir(), c.httpAddr(), new InetSocketAddress("127.0.0.1", 0), c.syslogAddr(),
                c.publicUrl(), c.databaseUrl(), c.bootstrapApiKey(), c.bootstrapAdminPassword(),
                c.config().withMetrics(c.config().metrics().withStatsdFlush(flush)), c.clock());
    }

    /** A customisation that sets the {@code notify:} section of the configuration. */
    public static UnaryOperator<ServerConfig> notify(tocsin.server.config.NotifyConfig notify) {
        return c -> new ServerConfig(c.dataDir(), c.httpAddr(), c.statsdAddr(), c.syslogAddr(), c.publicUrl(),
                c.databaseUrl(), c.bootstrapApiKey(), c.bootstrapAdminPassword(), c.config().withNotifications(notify),
                c.clock());
    }

    public static ServerConfig defaultConfig(Path dir) {
        return new ServerConfig(dir, new InetSocketAddress("127.0.0.1", 0), null, null, null, null, ADMIN_KEY,
                ADMIN_PASSWORD.toCharArray(), TocsinConfig.defaults(), InstantSource.system());
    }

    public Server server() {
        return server;
    }

    public Path dataDir() {
        return dataDir;
    }

    public int port() {
        return server.httpPort();
    }

    public URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port() + path);
    }

    /** A request builder for {@code path}, not yet authenticated. */
    public HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30));
    }

    public Reply send(HttpRequest request) {
        try {
            HttpResponse<byte[]> r = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
            return new Reply(r);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public Reply get(String path, String... headers) {
        HttpRequest.Builder b = request(path).GET();
        if (headers.length > 0) {
            b.headers(headers);
        }
        return send(b.build());
    }

    public Reply postJson(String path, String json, String... headers) {
        HttpRequest.Builder b = request(path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json));
        if (headers.length > 0) {
            b.headers(headers);
        }
        return send(b.build());
    }

    public Reply adminGet(String path) {
        return get(path, "Authorization", "Bearer " + ADMIN_KEY);
    }

    public Reply adminPost(String path, String json) {
        return postJson(path, json, "Authorization", "Bearer " + ADMIN_KEY);
    }

    /** Creates a key through the API and returns its secret. */
    public String createKey(String... scopes) {
        StringBuilder list = new StringBuilder();
        for (String s : scopes) {
            list.append(list.isEmpty() ? "" : ",").append('"').append(s).append('"');
        }
        Reply r = adminPost("/api/tocsin/keys", "{\"name\":\"test\",\"scopes\":[" + list + "]}");
        if (r.status() != 201) {
            throw new IllegalStateException("key creation failed: " + r);
        }
        return r.json().path("key").path("secret").asText();
    }

    /**
     * The non-null values of every series a Datadog query returns over the last ten minutes, through
     * {@code /api/v1/query}.
     */
    public java.util.List<Double> queryValues(String query) {
        long now = System.currentTimeMillis() / 1000;
        JsonNode json = get("/api/v1/query?from=" + (now - 600) + "&to=" + (now + 60) + "&query="
                + java.net.URLEncoder.encode(query, StandardCharsets.UTF_8), "DD-API-KEY", ADMIN_KEY).json();
        java.util.List<Double> out = new java.util.ArrayList<>();
        json.path("series").forEach(s -> s.path("pointlist").forEach(p -> {
            if (!p.get(1).isNull()) {
                out.add(p.get(1).asDouble());
            }
        }));
        return out;
    }

    @Override
    public void close() {
        server.close();
        if (ownsDataDir) {
            deleteRecursively(dataDir);
        }
    }

    public static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // best effort
                }
            });
        } catch (IOException ignored) {
            // best effort
        }
    }

    /** A response, with its body as text and (lazily) JSON. */
    public record Reply(int status, java.net.http.HttpHeaders headers, byte[] bytes) {
        Reply(HttpResponse<byte[]> r) {
            this(r.statusCode(), r.headers(), r.body());
        }

        public String body() {
            return new String(bytes, StandardCharsets.UTF_8);
        }

        public JsonNode json() {
            try {
                return JSON.readTree(bytes);
            } catch (IOException e) {
                throw new IllegalStateException("not JSON: " + body(), e);
            }
        }

        public String header(String name) {
            return headers.firstValue(name).orElse(null);
        }

        @Override
        public String toString() {
            return status + " " + body();
        }
    }
}
