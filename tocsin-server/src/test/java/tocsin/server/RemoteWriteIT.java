package tocsin.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.CodedOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xerial.snappy.Snappy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Prometheus remote write 1.0: hand-encoded requests, bad input in Prometheus's dialect, and a real Prometheus
 * (Debian's) scraping a real node_exporter and remote-writing to Tocsin, compared value for value with what
 * Prometheus itself stores.
 */
class RemoteWriteIT {
    static TestServer tocsin;
    static final ObjectMapper JSON = new ObjectMapper();

    @BeforeAll
    static void start() {
        tocsin = TestServer.start();
    }

    @AfterAll
    static void stop() {
        tocsin.close();
    }

    static byte[] writeRequest(List<String[]> labelSets, double value, long ts) throws IOException {
        ByteArrayOutputStream req = new ByteArrayOutputStream();
        CodedOutputStream out = CodedOutputStream.newInstance(req);
        for (String[] labels : labelSets) {
            ByteArrayOutputStream series = new ByteArrayOutputStream();
            CodedOutputStream s = CodedOutputStream.newInstance(series);
            for (int i = 0; i < labels.length; i += 2) {
                ByteArrayOutputStream label = new ByteArrayOutputStream();
                CodedOutputStream l = CodedOutputStream.newInstance(label);
                l.writeString(1, labels[i]);
                l.writeString(2, labels[i + 1]);
                l.flush();
                s.writeByteArray(1, label.toByteArray());
            }
            ByteArrayOutputStream sample = new ByteArrayOutputStream();
            CodedOutputStream smp = CodedOutputStream.newInstance(sample);
            smp.writeDouble(1, value);
            smp.writeInt64(2, ts);
            smp.flush();
            s.writeByteArray(2, sample.toByteArray());
            s.flush();
            out.writeByteArray(1, series.toByteArray());
        }
        out.flush();
        return Snappy.compress(req.toByteArray());
    }

    static TestServer.Reply write(byte[] body) {
        return writeTo(tocsin, body);
    }

    static TestServer.Reply writeTo(TestServer tocsin, byte[] body) {
        return writeTo(tocsin, body, TestServer.ADMIN_KEY);
    }

    /** A remote-write request as Prometheus sends it, authenticated with {@code key}. */
    static TestServer.Reply writeTo(TestServer tocsin, byte[] body, String key) {
        return tocsin.send(tocsin.request("/api/v1/write").header("Authorization", "Bearer " + key)
                .header("Content-Type", "application/x-protobuf").header("Content-Encoding", "snappy")
                .header("X-Prometheus-Remote-Write-Version", "0.1.0")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build());
    }

    static List<Double> tocsinValues(String query) {
        return tocsin.queryValues(query);
    }

    @Test
    void handEncodedRequestsAreStoredAndQueryable() throws IOException {
        long ts = System.currentTimeMillis() - 20_000;
        TestServer.Reply r = write(writeRequest(List.of(
                new String[]{"__name__", "rw_load1", "instance", "a:9100", "job", "node"},
                new String[]{"__name__", "rw_load1", "instance", "b:9100", "job", "node"}), 1.25, ts));
        assertThat(r.status()).as(r.body()).isEqualTo(204);
        assertThat(tocsinValues("sum:rw_load1{job:node}")).containsExactly(2.5);
        assertThat(tocsinValues("avg:rw_load1{instance:a:9100}")).containsExactly(1.25);
    }

    @Test
    void badRequestsAreAnsweredInPrometheusDialect() throws IOException {
        TestServer.Reply garbage = write("not snappy at all".getBytes(StandardCharsets.UTF_8));
        assertThat(garbage.status()).isEqualTo(400);
        assertThat(garbage.json().get("status").asText()).isEqualTo("error");
        assertThat(garbage.json().get("errorType").asText()).isEqualTo("bad_data");

        TestServer.Reply stale = write(writeRequest(List.<String[]>of(new String[]{"__name__", "rw_old"}), 1,
                System.currentTimeMillis() - 4 * 3600_000L)); // beyond the 3 h remote write accepts
        assertThat(stale.status()).isEqualTo(400);
        assertThat(stale.json().get("error").asText()).contains("refused");

        TestServer.Reply noName = write(writeRequest(List.<String[]>of(new String[]{"job", "x"}), 1,
                System.currentTimeMillis()));
        assertThat(noName.status()).isEqualTo(400);
        assertThat(noName.json().get("error").asText()).contains("__name__");

        assertThat(tocsin.send(tocsin.request("/api/v1/write").POST(HttpRequest.BodyPublishers.ofByteArray(new byte[0]))
                .build()).status()).isEqualTo(401);
    }

    @Test
    void aRealPrometheusScrapingNodeExporterRemoteWritesToTocsin(@TempDir Path dir) throws Exception {
        Path prometheus = Peers.require("prometheus", "prometheus");
        Path nodeExporter = Peers.require("prometheus-node-exporter", "prometheus-node-exporter");
        int nodePort = freePort();
        int promPort = freePort();
        Process node = new ProcessBuilder(nodeExporter.toString(), "--web.listen-address=127.0.0.1:" + nodePort,
                "--collector.disable-defaults", "--collector.meminfo", "--collector.loadavg")
                .redirectErrorStream(true).redirectOutput(dir.resolve("node.log").toFile()).start();
        Path config = Files.writeString(dir.resolve("prometheus.yml"), """
                global:
                  scrape_interval: 1s
                scrape_configs:
                  - job_name: node
                    static_configs:
                      - targets: ['127.0.0.1:%d']
                remote_write:
                  - url: http://127.0.0.1:%d/api/v1/write
                    authorization:
                      credentials: %s
                    queue_config:
                      batch_send_deadline: 1s
                    metadata_config:
                      send_interval: 1s
                """.formatted(nodePort, tocsin.port(), TestServer.ADMIN_KEY));
        Process prom = new ProcessBuilder(prometheus.toString(), "--config.file=" + config,
                "--storage.tsdb.path=" + dir.resolve("data"), "--web.listen-address=127.0.0.1:" + promPort)
                .redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile()).start();
        try {
            HttpClient http = HttpClient.newHttpClient();
            // MemTotal does not change: Tocsin must hold exactly what Prometheus scraped.
            double[] inPrometheus = new double[1];
            await().atMost(60, TimeUnit.SECONDS).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + promPort
                        + "/api/v1/query?query=node_memory_MemTotal_bytes")).build(), HttpResponse.BodyHandlers.ofString());
                JsonNode result = JSON.readTree(r.body()).at("/data/result");
                assertThat(result.size()).as(r.body()).isEqualTo(1);
                inPrometheus[0] = result.get(0).at("/value/1").asDouble();
            });
            await().atMost(60, TimeUnit.SECONDS).pollInterval(Duration.ofSeconds(1)).untilAsserted(() ->
                    assertThat(tocsinValues("max:node_memory_MemTotal_bytes{job:node}"))
                            .as("Prometheus log: " + Files.readString(dir.resolve("prometheus.log")).lines()
                                    .filter(l -> l.contains("remote")).reduce("", (a, b) -> a + "\n" + b))
                            .isNotEmpty().allSatisfy(v -> assertThat(v).isEqualTo(inPrometheus[0])));
            assertThat(tocsinValues("avg:node_load1{instance:127.0.0.1:" + nodePort + "}")).isNotEmpty();
            // the families' TYPE and HELP, which Prometheus sends on their own, become the metrics' metadata, the
            // unit read from the name as Prometheus's conventions put it there
            await().atMost(30, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
                JsonNode m = tocsin.get("/api/v1/metrics/node_memory_MemTotal_bytes", "DD-API-KEY",
                        TestServer.ADMIN_KEY).json();
                assertThat(m.path("type").asText()).as(m.toString()).isEqualTo("gauge");
                assertThat(m.path("unit").asText()).isEqualTo("byte");
                assertThat(m.path("description").asText()).contains("MemTotal");
            });
        } finally {
            prom.destroy();
            node.destroy();
            prom.waitFor(10, TimeUnit.SECONDS);
            node.waitFor(10, TimeUnit.SECONDS);
            prom.destroyForcibly();
            node.destroyForcibly();
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
