package tocsin.server;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The intake promise, on the real jar: once Tocsin answers 2xx, the points survive {@code kill -9} of the process;
 * with every append synced before its answer (the default) and with {@code metrics.wal_sync_interval} set (written
 * before the answer, synced later: 10 s here, so the kill comes before any sync).
 */
class KillNineIT {
    private static final String KEY = "kill-nine-key-0123456789";

    @BeforeAll
    static void jar() {
        assumeTrue(Files.exists(Path.of("target", "tocsin.jar")), "the server jar is built in the package phase");
        LaunchIT.findJar();
    }

    static Process start(Path dir, Path data, int[] port, String... more) throws Exception {
        LaunchIT.Running r = LaunchIT.startServer(dir, data, KEY, more);
        port[0] = r.port();
        return r.process();
    }

    /** The non-null values of the first series {@code query} answers over [from, to] (Unix seconds). */
    private static java.util.List<Double> pointValues(HttpClient http, int port, long from, long to, String query)
            throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                + "/api/v1/query?from=" + from + "&to=" + to + "&query=" + URLEncoder.encode(query,
                StandardCharsets.UTF_8))).header("DD-API-KEY", KEY).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        java.util.List<Double> values = new java.util.ArrayList<>();
        var pointlist = new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.body()).at("/series/0/pointlist");
        for (var point : pointlist) {
            if (!point.get(1).isNull()) {
                values.add(point.get(1).asDouble());
            }
        }
        return values;
    }

    @ParameterizedTest(name = "wal_sync_interval {0}")
    @ValueSource(strings = {"0s", "10s"})
    void acknowledgedPointsSurviveKillMinus9(String walSyncInterval, @TempDir Path dir) throws Exception {
        Path data = dir.resolve("data");
        Path config = dir.resolve("tocsin.yaml");
        Files.writeString(config, "metrics: {wal_sync_interval: " + walSyncInterval + "}\n");
        String[] more = {"--config", config.toString()};
        int[] port = new int[1];
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        long ts = System.currentTimeMillis() / 1000 - 30;
        Process first = start(dir, data, port, more);
        try {
            for (int i = 0; i < 50; i++) {
                String body = "{\"series\":[{\"metric\":\"it.kill9\",\"type\":1,\"points\":[{\"timestamp\":" + ts
                        + ",\"value\":1}],\"tags\":[\"batch:" + i + "\"]}]}";
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port[0]
                                + "/api/v2/series")).header("DD-API-KEY", KEY).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
                String dist = "{\"series\":[{\"metric\":\"it.kill9.dist\",\"points\":[[" + ts + ",[" + i + ","
                        + (i + 1) + "]]],\"tags\":[\"batch:" + i + "\"]}]}";
                r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port[0]
                                + "/api/v1/distribution_points")).header("DD-API-KEY", KEY)
                        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(dist))
                        .build(), HttpResponse.BodyHandlers.ofString());
                assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
                // Prometheus remote write and OTLP/JSON go through the same store: their 2xx is as durable
                r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port[0] + "/api/v1/write"))
                        .header("Authorization", "Bearer " + KEY).header("Content-Type", "application/x-protobuf")
                        .header("Content-Encoding", "snappy").POST(HttpRequest.BodyPublishers.ofByteArray(
                                RemoteWriteIT.writeRequest(java.util.List.<String[]>of(new String[]{"__name__",
                                        "rw_kill9", "batch", Integer.toString(i)}), 1, ts * 1000))).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(r.statusCode()).as(r.body()).isEqualTo(204);
                String otlp = "{\"resourceMetrics\":[{\"scopeMetrics\":[{\"metrics\":[{\"name\":\"otlp.kill9\","
                        + "\"gauge\":{\"dataPoints\":[{\"timeUnixNano\":\"" + ts * 1_000_000_000L + "\",\"asDouble\":1,"
                        + "\"attributes\":[{\"key\":\"batch\",\"value\":{\"stringValue\":\"" + i + "\"}}]}]}}]}]}]}";
                r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port[0] + "/v1/metrics"))
                        .header("DD-API-KEY", KEY).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(otlp)).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            }
        } finally {
            first.destroyForcibly(); // SIGKILL: no shutdown hook, no flush
            assertThat(first.waitFor(10, TimeUnit.SECONDS)).isTrue();
        }
        Process second = start(dir, data, port, more);
        try {
            assertThat(pointValues(http, port[0], ts - 300, ts + 300, "sum:it.kill9{*}.as_count()").stream()
                    .mapToDouble(Double::doubleValue).sum()).isEqualTo(50.0);
            // distributions (sketches) too: 50 points of 2 values each, 0..50
            // from on a 600 s boundary: Datadog's rollup buckets are aligned to Unix time and the grid holds the
            // bucket starts inside [from, now], so an unaligned from could leave ts's bucket out of the answer
            assertThat(pointValues(http, port[0], ts - Math.floorMod(ts, 600), ts + 300,
                    "count:it.kill9.dist{*}.rollup(600)").stream().mapToDouble(Double::doubleValue).sum())
                    .isEqualTo(100.0);
            for (String gauge : new String[]{"rw_kill9", "otlp.kill9"}) { // 50 series, each 1 at ts
                assertThat(pointValues(http, port[0], ts - 300, ts + 300, "sum:" + gauge + "{*}")).as(gauge)
                        .contains(50.0).allSatisfy(v -> assertThat(v).isLessThanOrEqualTo(50.0));
            }
        } finally {
            second.destroy();
            second.waitFor(20, TimeUnit.SECONDS);
            second.destroyForcibly();
        }
    }
}
