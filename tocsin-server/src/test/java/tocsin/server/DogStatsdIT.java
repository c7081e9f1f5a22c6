package tocsin.server;

import com.datadog.api.client.ApiClient;
import com.datadog.api.client.v1.api.MetricsApi;
import com.datadog.api.client.v1.model.MetricsQueryMetadata;
import com.datadog.api.client.v1.model.MetricsQueryResponse;
import com.timgroup.statsd.NonBlockingStatsDClientBuilder;
import com.timgroup.statsd.StatsDClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * DogStatsD over UDP with Datadog's own Java client: gauges, counts with sample rates and histograms are aggregated
 * the way the Datadog Agent does it and read back with exact values; garbage datagrams are counted, not fatal.
 */
class DogStatsdIT {
    static TestServer tocsin;
    static ApiClient api;

    static java.nio.file.Path socket;

    @BeforeAll
    static void start() throws java.io.IOException {
        socket = java.nio.file.Files.createTempDirectory("tocsin-dsd-").resolve("dsd.socket");
        tocsin = TestServer.start(c -> new ServerConfig(c.dataDir(), c.httpAddr(), new InetSocketAddress("127.0.0.1", 0),
                c.syslogAddr(), c.publicUrl(), c.databaseUrl(), c.bootstrapApiKey(), c.bootstrapAdminPassword(),
                c.config().withMetrics(c.config().metrics().withStatsdFlush(Duration.ofSeconds(1))
                        .withStatsdSocket(socket)), c.clock()), r -> {
        });
        api = DatadogClients.forServer(tocsin);
    }

    @AfterAll
    static void stop() throws java.io.IOException {
        tocsin.close();
        java.nio.file.Files.deleteIfExists(socket);
        java.nio.file.Files.deleteIfExists(socket.getParent());
    }

    @Test
    void theUnixDatagramSocketTakesTheSameTraffic() throws Exception {
        try (StatsDClient statsd = new NonBlockingStatsDClientBuilder().prefix("it").address("unix://" + socket)
                .constantTags("env:it").enableTelemetry(false).originDetectionEnabled(false)
                .enableAggregation(false).blocking(true).build()) {
            statsd.gauge("via_socket", 3.25, "path:uds");
        }
        await().atMost(15, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(500)).untilAsserted(() ->
                assertThat(values("avg:it.via_socket{path:uds}")).as(DogStatsdIT::diagnostics).containsExactly(3.25));
    }

    private static StatsDClient client() {
        return new NonBlockingStatsDClientBuilder().prefix("it").hostname("127.0.0.1")
                .port(tocsin.server().statsdPort()).constantTags("env:it").enableTelemetry(false)
                .originDetectionEnabled(false).enableAggregation(false)
                // blocking mode makes close() send what is queued; the default may drop it at close
                .blocking(true).build();
    }

    private static List<Double> values(String query) throws Exception {
        long now = System.currentTimeMillis() / 1000;
        MetricsQueryResponse r = new MetricsApi(api).queryMetrics(now - 600, now + 60, query);
        return r.getSeries().stream().map(MetricsQueryMetadata::getPointlist).flatMap(List::stream)
                .filter(p -> p.get(1) != null).map(p -> p.get(1)).toList();
    }

    private static String diagnostics() {
        return tocsin.adminGet("/metrics").body().lines()
                .filter(l -> l.startsWith("tocsin_udp") || l.startsWith("tocsin_dogstatsd") || l.startsWith("tocsin_ingest"))
                .reduce("", (a, b) -> a + "\n" + b);
    }

    @Test
    void gaugesCountsAndHistogramsArriveAggregated() throws Exception {
        try (StatsDClient statsd = client()) {
            statsd.gauge("pool.size", 42.5, "pool:a");
            for (int i = 0; i < 10; i++) {
                statsd.count("requests", 3, "route:home");
            }
            for (int v = 1; v <= 100; v++) {
                statsd.histogram("latency", v, "route:home");
            }
        }
        // The client samples on its side when given a rate, so the server-side scaling is checked with raw lines:
        // each "3 at rate 0.5" stands for 6 events.
        try (DatagramSocket raw = new DatagramSocket()) {
            byte[] line = "it.requests:3|c|@0.5|#env:it,route:sampled".getBytes(StandardCharsets.UTF_8);
            for (int i = 0; i < 10; i++) {
                raw.send(new DatagramPacket(line, line.length,
                        new InetSocketAddress("127.0.0.1", tocsin.server().statsdPort())));
            }
        }
        await().atMost(15, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            assertThat(values("avg:it.pool.size{pool:a}")).as(DogStatsdIT::diagnostics).containsExactly(42.5);
            assertThat(values("sum:it.requests{route:home}.as_count()").stream().mapToDouble(d -> d).sum())
                    .isEqualTo(30.0);
            assertThat(values("sum:it.requests{route:sampled}.as_count()").stream().mapToDouble(d -> d).sum())
                    .isEqualTo(60.0);
            assertThat(values("max:it.latency.max{route:home}")).containsExactly(100.0);
            assertThat(values("sum:it.latency.count{route:home}.as_count()").stream().mapToDouble(d -> d).sum())
                    .isEqualTo(100.0);
            assertThat(values("avg:it.latency.avg{route:home}")).containsExactly(50.5);
        });
    }

    @Test
    void timersSetsPackedValuesTimestampsAndServiceChecksAreStoredAsTheAgentWouldSendThem() throws Exception {
        long past = System.currentTimeMillis() / 1000 - 30;
        StringBuilder timer = new StringBuilder("it.checkout.time");
        for (int v = 1; v <= 100; v++) { // protocol 1.1: a hundred values packed in one line, so in one interval
            timer.append(':').append(v);
        }
        timer.append("|ms|#env:it,route:pay");
        try (DatagramSocket raw = new DatagramSocket()) {
            InetSocketAddress to = new InetSocketAddress("127.0.0.1", tocsin.server().statsdPort());
            for (String datagram : List.of(timer.toString(),
                    "it.visitors:u1|s|#env:it\nit.visitors:u2|s|#env:it\nit.visitors:u1|s|#env:it\n"
                            + "it.visitors:u3|s|#env:it\nit.visitors:u2|s|#env:it",
                    "it.backfill:7|g|T" + past + "|#env:it")) {
                byte[] b = datagram.getBytes(StandardCharsets.UTF_8);
                raw.send(new DatagramPacket(b, b.length, to));
            }
        }
        try (StatsDClient statsd = client()) {
            statsd.recordServiceCheckRun(com.timgroup.statsd.ServiceCheck.builder().withName("it.db.can_connect")
                    .withHostname("db-1").withStatus(com.timgroup.statsd.ServiceCheck.Status.CRITICAL)
                    .withMessage("connection refused").build());
        }
        await().atMost(15, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            assertThat(values("max:it.checkout.time.median{route:pay}")).as(DogStatsdIT::diagnostics)
                    .containsExactly(50.0);
            assertThat(values("max:it.checkout.time.95percentile{route:pay}")).containsExactly(95.0);
            assertThat(values("max:it.checkout.time.max{route:pay}")).containsExactly(100.0);
            assertThat(values("avg:it.checkout.time.avg{route:pay}")).containsExactly(50.5);
            assertThat(values("sum:it.checkout.time.count{route:pay}.as_count()")).containsExactly(100.0);
            assertThat(values("max:it.visitors{env:it}")).containsExactly(3.0); // unique members
            assertThat(values("avg:it.backfill{env:it}")).containsExactly(7.0);
            assertThat(values("max:service_check.status{check:*can_connect,host:db-1}")).containsExactly(2.0);
        });
        long now = System.currentTimeMillis() / 1000;
        MetricsQueryResponse backfill = new MetricsApi(api).queryMetrics(past - 5, past + 5, "avg:it.backfill{env:it}");
        assertThat(backfill.getSeries()).singleElement().satisfies(s -> assertThat(s.getPointlist())
                .anySatisfy(p -> assertThat(p.get(1)).isEqualTo(7.0))); // stored at its |T time, 30 s ago
        assertThat(now - past).isGreaterThanOrEqualTo(30);
    }

    @Test
    void garbageDatagramsAreCountedAndTheListenerKeepsWorking() throws Exception {
        try (DatagramSocket raw = new DatagramSocket()) {
            InetSocketAddress to = new InetSocketAddress("127.0.0.1", tocsin.server().statsdPort());
            for (byte[] junk : List.of(new byte[]{0, 1, 2, (byte) 0xff}, "no_pipe_here".getBytes(StandardCharsets.UTF_8),
                    "x:abc|g".getBytes(StandardCharsets.UTF_8), "x:1|zz".getBytes(StandardCharsets.UTF_8),
                    "it.after_junk:7|g|#env:it".getBytes(StandardCharsets.UTF_8))) {
                raw.send(new DatagramPacket(junk, junk.length, to));
            }
        }
        await().atMost(15, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(500)).untilAsserted(() ->
                assertThat(values("avg:it.after_junk{env:it}")).containsExactly(7.0));
        String metrics = tocsin.adminGet("/metrics").body();
        assertThat(metrics).contains("tocsin_dogstatsd_lines_total{outcome=\"rejected\"}");
        assertThat(tocsin.get("/health").status()).isEqualTo(200);
    }
}
