package tocsin.server;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tocsin.core.access.Scope;
import tocsin.server.config.NotifyConfig;
import tocsin.server.config.TocsinConfig;
import tocsin.server.http.Access;
import tocsin.server.http.Dialect;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.GZIPOutputStream;

import static org.assertj.core.api.Assertions.assertThat;

/** The HTTP layer as clients see it: health, metrics, encodings, limits, keep-alive, chunking, error dialects. */
class HttpIT {
    static TestServer tocsin;

    @BeforeAll
    static void start() {
        tocsin = TestServer.start(c -> new ServerConfig(c.dataDir(), c.httpAddr(), null, null, null, null,
                c.bootstrapApiKey(), c.bootstrapAdminPassword(),
                new TocsinConfig(new TocsinConfig.Http(1 << 20), TocsinConfig.Metrics.defaults(), java.util.List.of(),
                        NotifyConfig.none()),
                c.clock()),
                routes -> routes.family(Dialect.DATADOG).get("/api/v1/test-explode", Access.scope(Scope.READ), ex -> {
                    throw new IllegalStateException("secret detail: password=hunter2 at db.example.internal");
                }));
    }

    @AfterAll
    static void stop() {
        tocsin.close();
    }

    @Test
    void healthAnswersWithoutCredentials() {
        TestServer.Reply r = tocsin.get("/health");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().get("status").asText()).isEqualTo("ok");
    }

    @Test
    void metricsNeedCredentialsAndExposeRequestCounters() {
        assertThat(tocsin.get("/metrics").status()).isEqualTo(401);
        tocsin.get("/health");
        TestServer.Reply r = tocsin.adminGet("/metrics");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("Content-Type")).startsWith("text/plain; version=0.0.4");
        assertThat(r.body()).contains("tocsin_http_requests_total{code=\"200\",family=\"tocsin\",method=\"GET\",route=\"/health\"}")
                .contains("jvm_memory_used_bytes");
    }

    @Test
    void unknownRoutesAnswer404InTheDialectOfTheirPath() {
        TestServer.Reply dd = tocsin.get("/api/v1/nope");
        assertThat(dd.status()).isEqualTo(404);
        assertThat(dd.json().get("errors").get(0).asText()).contains("/api/v1/nope");

        TestServer.Reply pd = tocsin.get("/incidents/PXXXXXX/nope");
        assertThat(pd.status()).isEqualTo(404);
        assertThat(pd.json().at("/error/code").asInt()).isEqualTo(2100);
        assertThat(pd.json().at("/error/message").asText()).isNotBlank();

        TestServer.Reply own = tocsin.get("/api/tocsin/nope");
        assertThat(own.status()).isEqualTo(404);
        assertThat(own.header("Content-Type")).isEqualTo("application/problem+json");
        assertThat(own.json().get("status").asInt()).isEqualTo(404);
        assertThat(own.json().get("title").asText()).isEqualTo("Not Found");

        TestServer.Reply prom = tocsin.get("/prometheus/api/v1/nope");
        assertThat(prom.json().get("status").asText()).isEqualTo("error");
        assertThat(prom.json().get("errorType").asText()).isEqualTo("not_found");

        TestServer.Reply events = tocsin.postJson("/v2/enqueue/nope", "{}");
        assertThat(events.json().get("status").asText()).isEqualTo("invalid event");
    }

    @Test
    void internalErrorsNeverLeakDetails() {
        TestServer.Reply r = tocsin.get("/api/v1/test-explode", "DD-API-KEY", TestServer.ADMIN_KEY);
        assertThat(r.status()).isEqualTo(500);
        assertThat(r.json().get("errors").get(0).asText()).startsWith("Internal error (reference ");
        assertThat(r.body()).doesNotContain("hunter2", "secret detail", "IllegalStateException", "at tocsin.");
    }

    @Test
    void gzipAndDeflateBodiesAreDecoded() throws IOException {
        byte[] json = "{\"name\":\"gz\",\"scopes\":[\"read\"]}".getBytes(StandardCharsets.UTF_8);
        for (String encoding : new String[]{"gzip", "deflate", "x-gzip"}) {
            HttpRequest req = tocsin.request("/api/tocsin/keys")
                    .header("Authorization", "Bearer " + TestServer.ADMIN_KEY)
                    .header("Content-Type", "application/json").header("Content-Encoding", encoding)
                    .POST(HttpRequest.BodyPublishers.ofByteArray(encode(encoding, json))).build();
            TestServer.Reply r = tocsin.send(req);
            assertThat(r.status()).as(encoding + ": " + r.body()).isEqualTo(201);
            assertThat(r.json().at("/key/name").asText()).isEqualTo("gz");
        }
    }

    @Test
    void aGzipBombIsA413NotAnOutOfMemoryError() throws IOException {
        // 64 MiB of zeros compress to ~64 KiB; the limit here is 1 MiB after decompression.
        ByteArrayOutputStream bomb = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(bomb)) {
            byte[] zeros = new byte[1 << 20];
            for (int i = 0; i < 64; i++) {
                gz.write(zeros);
            }
        }
        assertThat(bomb.size()).isLessThan(1 << 20);
        HttpRequest req = tocsin.request("/api/tocsin/keys")
                .header("Authorization", "Bearer " + TestServer.ADMIN_KEY)
                .header("Content-Type", "application/json").header("Content-Encoding", "gzip")
                .POST(HttpRequest.BodyPublishers.ofByteArray(bomb.toByteArray())).build();
        TestServer.Reply r = tocsin.send(req);
        assertThat(r.status()).isEqualTo(413);
        assertThat(r.json().get("detail").asText()).contains("after decompression");
        assertThat(tocsin.get("/health").status()).isEqualTo(200);
    }

    @Test
    void aPlainBodyOverTheLimitIsA413() {
        byte[] big = new byte[(1 << 20) + 10];
        java.util.Arrays.fill(big, (byte) ' ');
        HttpRequest req = tocsin.request("/api/tocsin/users")
                .header("Authorization", "Bearer " + TestServer.ADMIN_KEY)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(big)).build();
        assertThat(tocsin.send(req).status()).isEqualTo(413);
    }

    @Test
    void corruptOrUnknownEncodingsAreClientErrors() {
        HttpRequest corrupt = tocsin.request("/api/tocsin/keys")
                .header("Authorization", "Bearer " + TestServer.ADMIN_KEY)
                .header("Content-Encoding", "gzip")
                .POST(HttpRequest.BodyPublishers.ofString("this is not gzip")).build();
        TestServer.Reply r = tocsin.send(corrupt);
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().get("errors").get(0).asText()).startsWith("body: could not decode the gzip body");

        HttpRequest unknown = tocsin.request("/api/tocsin/keys")
                .header("Authorization", "Bearer " + TestServer.ADMIN_KEY)
                .header("Content-Encoding", "br")
                .POST(HttpRequest.BodyPublishers.ofString("x")).build();
        TestServer.Reply u = tocsin.send(unknown);
        assertThat(u.status()).isEqualTo(415);
        assertThat(u.header("Content-Type")).isEqualTo("application/problem+json");
        assertThat(u.json().get("detail").asText()).contains("Unsupported Content-Encoding 'br'").contains("gzip");
    }

    @Test
    void malformedJsonNamesWhereItBroke() {
        TestServer.Reply r = tocsin.adminPost("/api/tocsin/keys", "{\n  \"name\": \"x\",\n  \"scopes\": [\"read\",]\n}");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().get("detail").asText()).contains("line 3");
        assertThat(r.json().get("errors").get(0).asText()).startsWith("body: malformed JSON at line 3, column");
    }

    @Test
    void keepAliveServesSeveralRequestsOnOneConnectionAndChunkedBodiesWork() throws IOException {
        try (Socket socket = new Socket("127.0.0.1", tocsin.port())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1));
            for (int i = 0; i < 3; i++) {
                out.write(("GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
                assertThat(readResponse(in)).contains("{\"status\":\"ok\"}");
            }
            String body = "{\"name\":\"chunked\",\"scopes\":[\"read\"]}";
            String half1 = body.substring(0, 10);
            String half2 = body.substring(10);
            String request = "POST /api/tocsin/keys HTTP/1.1\r\nHost: localhost\r\n"
                    + "Authorization: Bearer " + TestServer.ADMIN_KEY + "\r\n"
                    + "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + Integer.toHexString(half1.length()) + "\r\n" + half1 + "\r\n"
                    + Integer.toHexString(half2.length()) + "\r\n" + half2 + "\r\n0\r\n\r\n";
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            String response = readResponse(in);
            assertThat(response).startsWith("HTTP/1.1 201").contains("\"name\":\"chunked\"");
        }
    }

    /** Reads one HTTP/1.1 response with a Content-Length or chunked body. */
    private static String readResponse(BufferedReader in) throws IOException {
        StringBuilder sb = new StringBuilder();
        String line;
        int length = -1;
        boolean chunked = false;
        while ((line = in.readLine()) != null && !line.isEmpty()) {
            sb.append(line).append('\n');
            String lower = line.toLowerCase(java.util.Locale.ROOT);
            if (lower.startsWith("content-length:")) {
                length = Integer.parseInt(line.substring(15).trim());
            }
            if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                chunked = true;
            }
        }
        if (chunked) {
            int size;
            while ((size = Integer.parseInt(in.readLine().trim(), 16)) > 0) {
                char[] buf = new char[size];
                int read = 0;
                while (read < size) {
                    read += in.read(buf, read, size - read);
                }
                sb.append(buf);
                in.readLine();
            }
            in.readLine();
        } else if (length > 0) {
            char[] buf = new char[length];
            int read = 0;
            while (read < length) {
                read += in.read(buf, read, length - read);
            }
            sb.append(buf);
        }
        return sb.toString();
    }

    private static byte[] encode(String encoding, byte[] data) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (OutputStream out = encoding.contains("gzip") ? new GZIPOutputStream(bytes) : new DeflaterOutputStream(bytes)) {
            out.write(data);
        }
        return bytes.toByteArray();
    }
}
