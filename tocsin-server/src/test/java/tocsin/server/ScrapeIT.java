package tocsin.server;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tocsin.server.config.ScrapeConfig;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.zip.GZIPOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Tocsin pulls Prometheus exposition-format targets declared in its config, with Prometheus's target labels and up. */
class ScrapeIT {

    static List<Double> values(TestServer tocsin, String query) {
        return tocsin.queryValues(query);
    }

    @Test
    void targetsAreScrapedWithLabelsKeepDropRulesAndUp(@TempDir Path dir) throws Exception {
        HttpServer target = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        target.createContext("/metrics", ex -> {
            byte[] text = """
                    # TYPE app_jobs_total counter
                    app_jobs_total{queue="mail"} 42
                    # TYPE app_queue_depth gauge
                    app_queue_depth{queue="mail"} 3
                    app_queue_depth{queue="spam"} 9
                    # TYPE app_temperature gauge
                    app_temperature 21.5
                    go_goroutines 12
                    """.getBytes(StandardCharsets.UTF_8);
            ByteArrayOutputStream gz = new ByteArrayOutputStream();
            try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
                out.write(text);
            }
            ex.getResponseHeaders().add("Content-Type", "text/plain; version=0.0.4");
            ex.getResponseHeaders().add("Content-Encoding", "gzip");
            ex.sendResponseHeaders(200, gz.size());
            ex.getResponseBody().write(gz.toByteArray());
            ex.close();
        });
        target.start();
        String live = "127.0.0.1:" + target.getAddress().getPort();
        String dead = "127.0.0.1:" + RemoteWriteIT.freePort();
        ScrapeConfig job = new ScrapeConfig("app", List.of(live, dead), Duration.ofSeconds(1), Duration.ofMillis(800),
                "http", "/metrics", Map.of("env", "it"), List.of(), List.of(Pattern.compile("go_.*")),
                List.of(new ScrapeConfig.Rule(List.of("__name__", "queue"), ";", Pattern.compile("app_queue_depth;spam"),
                        false)));
        try (TestServer tocsin = TestServer.start(c -> new ServerConfig(c.dataDir(), c.httpAddr(), null, null, null,
                null, c.bootstrapApiKey(), c.bootstrapAdminPassword(), c.config().withScrape(List.of(job)), c.clock()),
                r -> {
                })) {
            await().atMost(20, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
                assertThat(values(tocsin, "max:app_temperature{job:app,instance:" + live + ",env:it}")).contains(21.5);
                assertThat(values(tocsin, "max:up{instance:" + live + "}")).contains(1.0);
                assertThat(values(tocsin, "max:up{instance:" + dead + "}")).contains(0.0);
            });
            assertThat(values(tocsin, "max:go_goroutines{*}")).isEmpty();
            assertThat(values(tocsin, "max:app_queue_depth{queue:mail}")).contains(3.0);
            assertThat(values(tocsin, "max:app_queue_depth{queue:spam}")).isEmpty(); // dropped by its label
            assertThat(tocsin.adminGet("/metrics").body()).contains("tocsin_scrapes_total{job=\"app\",outcome=\"down\"}");
        } finally {
            target.stop(0);
        }
    }

    @Test
    void aRealNodeExporterIsScraped(@TempDir Path dir) throws Exception {
        Path nodeExporter = Peers.require("prometheus-node-exporter", "prometheus-node-exporter");
        int port = RemoteWriteIT.freePort();
        Process node = new ProcessBuilder(nodeExporter.toString(), "--web.listen-address=127.0.0.1:" + port,
                "--collector.disable-defaults", "--collector.loadavg", "--collector.meminfo")
                .redirectErrorStream(true).redirectOutput(dir.resolve("node.log").toFile()).start();
        ScrapeConfig job = new ScrapeConfig("node", List.of("127.0.0.1:" + port), Duration.ofSeconds(1),
                Duration.ofMillis(900), "http", "/metrics", Map.of(), List.of(Pattern.compile("node_.*")), List.of());
        try (TestServer tocsin = TestServer.start(c -> new ServerConfig(c.dataDir(), c.httpAddr(), null, null, null,
                null, c.bootstrapApiKey(), c.bootstrapAdminPassword(), c.config().withScrape(List.of(job)), c.clock()),
                r -> {
                })) {
            await().atMost(20, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
                assertThat(values(tocsin, "max:node_memory_MemTotal_bytes{job:node}")).isNotEmpty()
                        .allSatisfy(v -> assertThat(v).isGreaterThan(1e6));
                assertThat(values(tocsin, "max:node_load1{job:node}")).isNotEmpty();
            });
        } finally {
            node.destroy();
            node.waitFor(10, TimeUnit.SECONDS);
            node.destroyForcibly();
        }
    }
}
