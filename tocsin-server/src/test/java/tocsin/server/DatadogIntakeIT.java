package tocsin.server;

import com.datadog.api.client.ApiClient;
import com.datadog.api.client.ApiException;
import com.datadog.api.client.v1.model.MetricsQueryMetadata;
import com.datadog.api.client.v1.model.MetricsQueryResponse;
import com.datadog.api.client.v2.model.MetricContentEncoding;
import com.datadog.api.client.v2.model.MetricIntakeType;
import com.datadog.api.client.v2.model.MetricPayload;
import com.datadog.api.client.v2.model.MetricPoint;
import com.datadog.api.client.v2.model.MetricSeries;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tocsin.ingest.TestProtos;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Metrics sent with Datadog's own Java API client (v1 and v2 submit, gzip) are stored durably and read back through
 * {@code /api/v1/query} with the same client, with exact values; bad input gets Datadog-shaped errors.
 */
class DatadogIntakeIT {
    static TestServer tocsin;
    static ApiClient client;

    @BeforeAll
    static void start() {
        tocsin = TestServer.start();
        client = DatadogClients.forServer(tocsin);
    }

    @AfterAll
    static void stop() {
        tocsin.close();
    }

    static long now() {
        return System.currentTimeMillis() / 1000;
    }

    static MetricsQueryMetadata queryOne(String query, long ts) throws ApiException {
        MetricsQueryResponse r = new com.datadog.api.client.v1.api.MetricsApi(client).queryMetrics(ts - 300, ts + 300, query);
        assertThat(r.getStatus()).isEqualTo("ok");
        assertThat(r.getSeries()).as("series for " + query).hasSize(1);
        return r.getSeries().get(0);
    }

    static List<Double> nonNullValues(MetricsQueryMetadata s) {
        return s.getPointlist().stream().filter(p -> p.get(1) != null).map(p -> p.get(1)).toList();
    }

    @Test
    void v1SubmitAsTheClientSendsItIsQueryableWithExactValues() throws Exception {
        long ts = now() - 30;
        var series = new com.datadog.api.client.v1.model.Series().metric("it.v1.temperature")
                .points(List.of(List.of((double) ts, 21.5))).tags(List.of("env:it", "room:lab")).host("sensor-1");
        var accepted = new com.datadog.api.client.v1.api.MetricsApi(client)
                .submitMetrics(new com.datadog.api.client.v1.model.MetricsPayload().series(List.of(series)));
        assertThat(accepted.getStatus()).isEqualTo("ok");

        MetricsQueryMetadata s = queryOne("avg:it.v1.temperature{env:it}", ts);
        assertThat(nonNullValues(s)).containsExactly(21.5);
        assertThat(s.getMetric()).isEqualTo("it.v1.temperature");
        MetricsQueryMetadata byHost = queryOne("avg:it.v1.temperature{*} by {host}", ts);
        assertThat(byHost.getTagSet()).containsExactly("host:sensor-1");
    }

    @Test
    void v2SubmitJsonAndGzipAreQueryable() throws Exception {
        long ts = now() - 20;
        var api = new com.datadog.api.client.v2.api.MetricsApi(client);
        api.submitMetrics(new MetricPayload().series(List.of(new MetricSeries().metric("it.v2.queue_depth")
                .type(MetricIntakeType.GAUGE).points(List.of(new MetricPoint().timestamp(ts).value(7.0)))
                .tags(List.of("env:it", "queue:a")))));
        api.submitMetrics(new MetricPayload().series(List.of(new MetricSeries().metric("it.v2.queue_depth")
                        .type(MetricIntakeType.GAUGE).points(List.of(new MetricPoint().timestamp(ts).value(5.0)))
                        .tags(List.of("env:it", "queue:b")))),
                new com.datadog.api.client.v2.api.MetricsApi.SubmitMetricsOptionalParameters()
                        .contentEncoding(MetricContentEncoding.GZIP));

        assertThat(nonNullValues(queryOne("sum:it.v2.queue_depth{env:it}", ts))).containsExactly(12.0);
        assertThat(nonNullValues(queryOne("max:it.v2.queue_depth{queue:b}", ts))).containsExactly(5.0);
    }

    @Test
    void zstdBodiesAsTheDatadogAgentSendsThemAreDecoded() throws Exception {
        long ts = now() - 12;
        byte[] json = ("{\"series\":[{\"metric\":\"it.zstd\",\"type\":3,\"points\":[{\"timestamp\":" + ts
                + ",\"value\":9.5}]}]}").getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] zstd = com.github.luben.zstd.Zstd.compress(json);
        TestServer.Reply r = tocsin.send(tocsin.request("/api/v2/series").header("DD-API-KEY", TestServer.ADMIN_KEY)
                .header("Content-Type", "application/json").header("Content-Encoding", "zstd")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(zstd)).build());
        assertThat(r.status()).as(r.body()).isEqualTo(202);
        assertThat(nonNullValues(queryOne("avg:it.zstd{*}", ts))).containsExactly(9.5);
    }

    @Test
    void theAgentsProtobufPayloadIsStoredAsSent() throws Exception {
        long ts = now() - 20;
        byte[] payload = TestProtos.metricPayload(List.of(
                new TestProtos.DdSeries("it.proto.load", 3, List.of("env:it"), List.<String[]>of(
                        new String[]{"host", "agent-7"}), List.of(new long[]{ts}, new long[]{ts + 10}),
                        List.of(0.25, 0.75), 0, ""),
                new TestProtos.DdSeries("it.proto.packets", 1, List.of("env:it"), List.<String[]>of(
                        new String[]{"host", "agent-7"}), List.<long[]>of(new long[]{ts}), List.of(12.0), 10,
                        "packet")));
        java.io.ByteArrayOutputStream deflated = new java.io.ByteArrayOutputStream();
        try (var out = new java.util.zip.DeflaterOutputStream(deflated)) {
            out.write(payload);
        }
        TestServer.Reply r = tocsin.send(tocsin.request("/api/v2/series").header("DD-API-KEY", TestServer.ADMIN_KEY)
                .header("Content-Type", "application/x-protobuf").header("Content-Encoding", "deflate")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(deflated.toByteArray())).build());
        assertThat(r.status()).as(r.body()).isEqualTo(202);
        assertThat(r.json().get("errors")).isEmpty();
        assertThat(nonNullValues(queryOne("max:it.proto.load{host:agent-7,env:it}.rollup(max, 5)", ts)))
                .containsExactly(0.25, 0.75);
        assertThat(nonNullValues(queryOne("sum:it.proto.packets{host:agent-7}.as_count()", ts))).containsExactly(12.0);

        TestServer.Reply garbage = tocsin.send(tocsin.request("/api/v2/series")
                .header("DD-API-KEY", TestServer.ADMIN_KEY).header("Content-Type", "application/x-protobuf")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(new byte[]{0x0a, 0x7f, 0x01})).build());
        assertThat(garbage.status()).isEqualTo(400);
        assertThat(garbage.json().get("errors").get(0).asText()).contains("MetricPayload");
    }

    @Test
    void bodiesPastDatadogsSizeLimitsAre413sInItsShapeAndNothingEarlierIsLost() throws Exception {
        long ts = now() - 15;
        assertThat(tocsin.postJson("/api/v2/series", "{\"series\":[{\"metric\":\"it.size.kept\",\"type\":3,"
                + "\"points\":[{\"timestamp\":" + ts + ",\"value\":4}]}]}", "DD-API-KEY", TestServer.ADMIN_KEY)
                .status()).isEqualTo(202);
        // 600 KB of v2 JSON: past the 512,000 bytes Datadog takes as sent, well under 5 MiB decoded
        StringBuilder big = new StringBuilder("{\"series\":[");
        for (int i = 0; big.length() < 600_000; i++) {
            big.append(i == 0 ? "" : ",").append("{\"metric\":\"it.size.big\",\"type\":3,\"tags\":[\"n:")
                    .append(i).append("\"],\"points\":[{\"timestamp\":").append(ts).append(",\"value\":1}]}");
        }
        String json = big.append("]}").toString();
        TestServer.Reply plain = tocsin.postJson("/api/v2/series", json, "DD-API-KEY", TestServer.ADMIN_KEY);
        assertThat(plain.status()).isEqualTo(413);
        assertThat(plain.json().get("errors").get(0).asText()).contains("512000 bytes as sent");

        // the same points gzipped are ~25 KB as sent: taken
        TestServer.Reply gzipped = tocsin.send(tocsin.request("/api/v2/series").header("DD-API-KEY",
                        TestServer.ADMIN_KEY).header("Content-Type", "application/json")
                .header("Content-Encoding", "gzip").POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(
                        gzip(json.getBytes(java.nio.charset.StandardCharsets.UTF_8)))).build());
        assertThat(gzipped.status()).as(gzipped.body()).isEqualTo(202);

        // small as sent, past 5 MiB once inflated
        byte[] bomb = gzip(("{\"series\":[" + " ".repeat(6 << 20) + "]}").getBytes(
                java.nio.charset.StandardCharsets.UTF_8));
        TestServer.Reply inflated = tocsin.send(tocsin.request("/api/v2/series").header("DD-API-KEY",
                        TestServer.ADMIN_KEY).header("Content-Type", "application/json")
                .header("Content-Encoding", "gzip").POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(bomb))
                .build());
        assertThat(inflated.status()).isEqualTo(413);
        assertThat(inflated.json().get("errors").get(0).asText()).contains("5242880 bytes (after decompression)");

        // v1 takes 3,200,000 bytes as sent
        TestServer.Reply v1 = tocsin.postJson("/api/v1/series", "{\"series\":[" + " ".repeat(3_300_000) + "]}",
                "DD-API-KEY", TestServer.ADMIN_KEY);
        assertThat(v1.status()).isEqualTo(413);
        assertThat(v1.json().get("errors").get(0).asText()).contains("3200000 bytes as sent");

        assertThat(nonNullValues(queryOne("avg:it.size.kept{*}", ts))).containsExactly(4.0);
    }

    private static byte[] gzip(byte[] raw) throws java.io.IOException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        try (var gz = new java.util.zip.GZIPOutputStream(out)) {
            gz.write(raw);
        }
        return out.toByteArray();
    }

    /** The answer Datadog gives a good payload; that it is durable by then is KillNineIT's to show. */
    @Test
    void aGoodPayloadIsAnswered202WithNoErrors() {
        long ts = now() - 10;
        TestServer.Reply r = tocsin.postJson("/api/v2/series", "{\"series\":[{\"metric\":\"it.durable\",\"type\":3,"
                + "\"points\":[{\"timestamp\":" + ts + ",\"value\":1}]}]}", "DD-API-KEY", TestServer.ADMIN_KEY);
        assertThat(r.status()).isEqualTo(202);
        assertThat(r.json().get("errors")).isEmpty();
    }

    @Test
    void partialPayloadsAreStoredAndTheRejectsNamed() {
        long ts = now() - 10;
        TestServer.Reply r = tocsin.postJson("/api/v1/series", "{\"series\":["
                + "{\"metric\":\"it.partial\",\"points\":[[" + ts + ",1],[" + (ts - 86_400) + ",2]],\"type\":\"gauge\"},"
                + "{\"metric\":\"\",\"points\":[[" + ts + ",3]]}]}", "DD-API-KEY", TestServer.ADMIN_KEY);
        assertThat(r.status()).isEqualTo(202);
        assertThat(r.json().get("status").asText()).isEqualTo("ok");
        assertThat(r.json().get("errors").toString()).contains("series[0].points[1]").contains("series[1]");
    }

    @Test
    void unusablePayloadsAreDatadogShaped400s() {
        TestServer.Reply malformed = tocsin.postJson("/api/v2/series", "{\"series\":[{\"metric\":", "DD-API-KEY",
                TestServer.ADMIN_KEY);
        assertThat(malformed.status()).isEqualTo(400);
        assertThat(malformed.json().get("errors").get(0).asText()).isNotBlank();

        long stale = now() - 7200;
        TestServer.Reply old = tocsin.postJson("/api/v2/series", "{\"series\":[{\"metric\":\"it.old\",\"type\":3,"
                + "\"points\":[{\"timestamp\":" + stale + ",\"value\":1}]}]}", "DD-API-KEY", TestServer.ADMIN_KEY);
        assertThat(old.status()).isEqualTo(400);
        assertThat(old.json().get("errors").get(0).asText()).contains("series[0].points[0]").contains("past");

        TestServer.Reply noKey = tocsin.postJson("/api/v2/series", "{\"series\":[]}");
        assertThat(noKey.status()).isEqualTo(401);
        assertThat(tocsin.postJson("/api/v2/series", "{\"series\":[]}", "DD-API-KEY", "0123456789abcdef0123456789abcdef")
                .status()).isEqualTo(403);
        String readOnly = tocsin.createKey("read");
        assertThat(tocsin.postJson("/api/v2/series", "{\"series\":[]}", "DD-API-KEY", readOnly).status()).isEqualTo(403);
    }

    @Test
    void serviceChecksAndDistributionPointsAreStoredAndMetricsListed() throws Exception {
        long ts = now() - 15;
        TestServer.Reply checks = tocsin.postJson("/api/v1/check_run", "[{\"check\":\"app.can_connect\","
                + "\"host_name\":\"web-1\",\"status\":2,\"timestamp\":" + ts + ",\"message\":\"refused\","
                + "\"tags\":[\"env:it\"]}]", "DD-API-KEY", TestServer.ADMIN_KEY);
        assertThat(checks.status()).as(checks.body()).isEqualTo(202);
        assertThat(nonNullValues(queryOne("max:service_check.status{check:app.can_connect,host:web-1}", ts)))
                .containsExactly(2.0);

        TestServer.Reply dist = tocsin.postJson("/api/v1/distribution_points", "{\"series\":[{\"metric\":"
                + "\"it.dist.latency\",\"points\":[[" + ts + ",[1,2,3,4]]],\"tags\":[\"env:it\"]}]}",
                "DD-API-KEY", TestServer.ADMIN_KEY);
        assertThat(dist.status()).as(dist.body()).isEqualTo(202);
        assertThat(nonNullValues(queryOne("max:it.dist.latency{env:it}", ts))).containsExactly(4.0);

        TestServer.Reply list = tocsin.get("/api/v1/metrics?from=" + (ts - 60), "DD-API-KEY", TestServer.ADMIN_KEY);
        assertThat(list.status()).isEqualTo(200);
        assertThat(list.json().get("metrics").toString()).contains("service_check.status", "\"it.dist.latency\"")
                .doesNotContain("it.dist.latency.max"); // a distribution has no summary series
        assertThat(tocsin.get("/api/v1/metrics?from=" + (ts - 60) + "&host=web-1", "DD-API-KEY",
                TestServer.ADMIN_KEY).json().get("metrics").toString())
                .contains("service_check.status").doesNotContain("it.dist.latency");
        assertThat(tocsin.get("/api/v1/metrics", "DD-API-KEY", TestServer.ADMIN_KEY).status()).isEqualTo(400);
    }

    @Test
    void queryErrorsSayWhereTheQueryBroke() {
        long ts = now();
        TestServer.Reply r = tocsin.get("/api/v1/query?from=" + (ts - 60) + "&to=" + ts + "&query="
                + java.net.URLEncoder.encode("avg:cpu{env:prod", java.nio.charset.StandardCharsets.UTF_8),
                "DD-API-KEY", TestServer.ADMIN_KEY);
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().get("errors").get(0).asText()).contains("column");
        assertThat(tocsin.get("/api/v1/query?from=abc&to=" + ts + "&query=avg:x%7B*%7D", "DD-API-KEY",
                TestServer.ADMIN_KEY).json().get("errors").get(0).asText()).startsWith("from:");
    }

    @Test
    void theClientSeesAForbiddenKeyAsDatadogWouldAnswerIt() {
        ApiClient wrong = new ApiClient();
        wrong.setServerIndex(1);
        wrong.setServerVariables(Map.of("protocol", "http", "name", "127.0.0.1:" + tocsin.port()));
        wrong.configureApiKeys(Map.of("apiKeyAuth", "0123456789abcdef0123456789abcdef"));
        assertThatThrownBy(() -> new com.datadog.api.client.v2.api.MetricsApi(wrong).submitMetrics(new MetricPayload()
                .series(List.of(new MetricSeries().metric("x").type(MetricIntakeType.GAUGE)
                        .points(List.of(new MetricPoint().timestamp(now()).value(1.0)))))))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.getCode()).isEqualTo(403));
    }
}
