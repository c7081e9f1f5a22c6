package tocsin.server;

import com.datadog.api.client.ApiClient;
import com.datadog.api.client.v1.api.MetricsApi;
import com.datadog.api.client.v1.model.DistributionPointItem;
import com.datadog.api.client.v1.model.DistributionPointsPayload;
import com.datadog.api.client.v1.model.DistributionPointsSeries;
import com.datadog.api.client.v1.model.MetricsQueryMetadata;
import com.datadog.api.client.v1.model.MetricsQueryResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.timgroup.statsd.NonBlockingStatsDClientBuilder;
import com.timgroup.statsd.StatsDClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Distribution metrics end to end, with Datadog's own clients: DogStatsD {@code d} values from two hosts and
 * {@code /api/v1/distribution_points} from the Datadog API client and from plain HTTP are stored as sketches, and
 * {@code p95:}/{@code p50: ... by {host}} answer the exact percentiles of all values within the sketch's relative
 * accuracy (1/128). Exact percentile here: the value of rank {@code floor(q (n - 1))} of the sorted values.
 */
class DistributionIT {
    static final double ACCURACY = 1.0 / 128;
    static TestServer tocsin;
    static ApiClient api;

    @BeforeAll
    static void start() {
        tocsin = TestServer.start(TestServer.statsd(Duration.ofSeconds(1)), r -> {
        });
        api = DatadogClients.forServer(tocsin);
    }

    @AfterAll
    static void stop() {
        tocsin.close();
    }

    private static StatsDClient client(String host) {
        return new NonBlockingStatsDClientBuilder().prefix("it").hostname("127.0.0.1")
                .port(tocsin.server().statsdPort()).constantTags("env:it", "host:" + host).enableTelemetry(false)
                .originDetectionEnabled(false).enableAggregation(false).blocking(true).build();
    }

    private static MetricsQueryResponse query(long from, long to, String query) throws Exception {
        return new MetricsApi(api).queryMetrics(from, to, query);
    }

    /** The single non-null value of each series, in series order. */
    private static List<Double> single(MetricsQueryResponse r) {
        List<Double> out = new ArrayList<>();
        for (MetricsQueryMetadata s : r.getSeries()) {
            List<Double> values = s.getPointlist().stream().filter(p -> p.get(1) != null).map(p -> p.get(1))
                    .toList();
            assertThat(values).as("one bucket holds all of %s", s.getScope()).hasSize(1);
            out.add(values.getFirst());
        }
        return out;
    }

    private static void assertAccurate(double got, double exact) {
        assertThat(got).isCloseTo(exact, org.assertj.core.api.Assertions.within(exact * ACCURACY * (1 + 1e-9)));
    }

    /** A one-hour rollup holds the whole test only if no hour starts during it. */
    private static void awayFromAnHourBoundary() throws InterruptedException {
        long intoHour = System.currentTimeMillis() / 1000 % 3600;
        if (intoHour > 3540) {
            Thread.sleep((3600 - intoHour + 2) * 1000);
        }
    }

    @Test
    void dogStatsdDistributionsFromTwoHostsAnswerPercentilesAcrossHosts() throws Exception {
        awayFromAnHourBoundary();
        long from = System.currentTimeMillis() / 1000 - 20;
        try (StatsDClient a = client("a"); StatsDClient b = client("b")) {
            for (int v = 1; v <= 100; v++) {
                a.distribution("dsd.latency", v);
            }
            for (int v = 101; v <= 300; v++) {
                b.distribution("dsd.latency", v);
            }
        }
        long to = from + 60;
        await().atMost(15, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(500)).untilAsserted(() ->
                assertThat(single(query(from, to, "count:it.dsd.latency{env:it}.rollup(3600)")))
                        .containsExactly(300.0));
        // all 300 values: 1..300
        assertAccurate(single(query(from, to, "p95:it.dsd.latency{env:it}.rollup(3600)")).getFirst(), 285);
        assertAccurate(single(query(from, to, "p50:it.dsd.latency{*}.rollup(3600)")).getFirst(), 150);
        assertAccurate(single(query(from, to, "p99:it.dsd.latency{*}.rollup(3600)")).getFirst(), 297);
        assertThat(single(query(from, to, "max:it.dsd.latency{*}.rollup(3600)"))).containsExactly(300.0);
        assertThat(single(query(from, to, "avg:it.dsd.latency{*}.rollup(3600)"))).containsExactly(150.5);
        // per host: a has 1..100, b has 101..300
        MetricsQueryResponse byHost = query(from, to, "p50:it.dsd.latency{*} by {host}.rollup(3600)");
        assertThat(byHost.getSeries()).extracting(MetricsQueryMetadata::getTagSet)
                .containsExactly(List.of("host:a"), List.of("host:b"));
        List<Double> medians = single(byHost);
        assertAccurate(medians.get(0), 50);
        assertAccurate(medians.get(1), 200);

        JsonNode metrics = tocsin.get("/api/v1/metrics?from=" + from, "DD-API-KEY", TestServer.ADMIN_KEY).json();
        assertThat(metrics.get("metrics").toString()).contains("\"it.dsd.latency\"")
                .doesNotContain("it.dsd.latency.count", "it.dsd.latency.avg");
    }

    @Test
    void distributionPointsFromTheApiClientAndPlainHttpMerge() throws Exception {
        long now = System.currentTimeMillis() / 1000;
        long ts = now - now % 10 - 30; // inside one 10 s bucket, queried with a 10 s rollup
        List<DistributionPointItem> values = new ArrayList<>();
        for (int v = 1; v <= 50; v++) {
            values.add(new DistributionPointItem((double) v));
        }
        new MetricsApi(api).submitDistributionPoints(new DistributionPointsPayload().series(List.of(
                new DistributionPointsSeries().metric("it.api.latency").host("web-1").tags(List.of("env:it"))
                        .points(List.of(List.of(new DistributionPointItem((double) ts),
                                new DistributionPointItem(values.stream().map(DistributionPointItem::getDouble)
                                        .toList())))))));
        StringBuilder second = new StringBuilder();
        for (int v = 51; v <= 1000; v++) {
            second.append(v == 51 ? "" : ",").append(v);
        }
        TestServer.Reply r = tocsin.postJson("/api/v1/distribution_points", "{\"series\":[{\"metric\":"
                + "\"it.api.latency\",\"host\":\"web-2\",\"tags\":[\"env:it\"],\"type\":\"distribution\","
                + "\"points\":[[" + ts + ",[" + second + "]]]}]}", "DD-API-KEY", TestServer.ADMIN_KEY);
        assertThat(r.status()).as(r.body()).isEqualTo(202);

        // 1..1000 over both hosts
        assertAccurate(single(query(ts, ts + 9, "p95:it.api.latency{env:it}.rollup(10)")).getFirst(), 950);
        assertAccurate(single(query(ts, ts + 9, "p50:it.api.latency{env:it}.rollup(10)")).getFirst(), 500);
        assertThat(single(query(ts, ts + 9, "count:it.api.latency{*}.rollup(10)"))).containsExactly(1000.0);
        assertThat(single(query(ts, ts + 9, "sum:it.api.latency{*}.rollup(10)"))).containsExactly(500_500.0);
        assertThat(single(query(ts, ts + 9, "min:it.api.latency{host:web-2}.rollup(10)"))).containsExactly(51.0);
        MetricsQueryResponse byHost = query(ts, ts + 9, "p50:it.api.latency{*} by {host}.rollup(10)");
        List<Double> medians = single(byHost);
        assertAccurate(medians.get(0), 25);   // web-1: 1..50, rank 24
        assertAccurate(medians.get(1), 525);  // web-2: 51..1000, rank 474
        // and the metric says what it is, as Datadog's metadata does (declared off the request path)
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5)).untilAsserted(() ->
                assertThat(new MetricsApi(api).getMetricMetadata("it.api.latency").getType())
                        .isEqualTo("distribution"));
    }

    /** A {@code SketchPayload} as the Agent encodes it: one sketch, one dogsketch of {@code values} (Agent keys). */
    static byte[] agentPayload(String metric, String host, long ts, double[] values) throws java.io.IOException {
        double ln = Math.log1p(2.0 / 128);
        int bias = 1 - (int) Math.floor(Math.log(1e-9) / ln);
        java.util.TreeMap<Integer, Integer> bins = new java.util.TreeMap<>();
        double sum = 0;
        for (double v : values) {
            bins.merge((int) Math.rint(Math.log(v) / ln) + bias, 1, Integer::sum);
            sum += v;
        }
        java.io.ByteArrayOutputStream keys = new java.io.ByteArrayOutputStream();
        java.io.ByteArrayOutputStream counts = new java.io.ByteArrayOutputStream();
        com.google.protobuf.CodedOutputStream k = com.google.protobuf.CodedOutputStream.newInstance(keys);
        com.google.protobuf.CodedOutputStream n = com.google.protobuf.CodedOutputStream.newInstance(counts);
        for (var bin : bins.entrySet()) {
            k.writeSInt32NoTag(bin.getKey());
            n.writeUInt32NoTag(bin.getValue());
        }
        k.flush();
        n.flush();
        java.io.ByteArrayOutputStream dog = new java.io.ByteArrayOutputStream();
        com.google.protobuf.CodedOutputStream d = com.google.protobuf.CodedOutputStream.newInstance(dog);
        d.writeInt64(1, ts);
        d.writeInt64(2, values.length);
        d.writeDouble(3, java.util.Arrays.stream(values).min().orElseThrow());
        d.writeDouble(4, java.util.Arrays.stream(values).max().orElseThrow());
        d.writeDouble(5, sum / values.length);
        d.writeDouble(6, sum);
        d.writeByteArray(7, keys.toByteArray());
        d.writeByteArray(8, counts.toByteArray());
        d.flush();
        java.io.ByteArrayOutputStream sketch = new java.io.ByteArrayOutputStream();
        com.google.protobuf.CodedOutputStream s = com.google.protobuf.CodedOutputStream.newInstance(sketch);
        s.writeString(1, metric);
        s.writeString(2, host);
        s.writeString(4, "env:it");
        s.writeByteArray(7, dog.toByteArray());
        s.flush();
        java.io.ByteArrayOutputStream payload = new java.io.ByteArrayOutputStream();
        com.google.protobuf.CodedOutputStream p = com.google.protobuf.CodedOutputStream.newInstance(payload);
        p.writeByteArray(1, sketch.toByteArray());
        p.flush();
        return payload.toByteArray();
    }

    @Test
    void theAgentsSketchPayloadIsStoredAndMergesWithOtherHosts() throws Exception {
        long now = System.currentTimeMillis() / 1000;
        long ts = now - now % 10 - 40;
        double[] a = range(1, 400);
        double[] b = range(401, 1000);
        for (Object[] agent : new Object[][]{{"agent-1", a}, {"agent-2", b}}) {
            java.io.ByteArrayOutputStream deflated = new java.io.ByteArrayOutputStream();
            try (var out = new java.util.zip.DeflaterOutputStream(deflated)) {
                out.write(agentPayload("it.agent.latency", (String) agent[0], ts, (double[]) agent[1]));
            }
            TestServer.Reply r = tocsin.send(tocsin.request("/api/beta/sketches")
                    .header("Content-Type", "application/x-protobuf").header("Content-Encoding", "deflate")
                    .header("DD-API-KEY", TestServer.ADMIN_KEY)
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(deflated.toByteArray())).build());
            assertThat(r.status()).as(r.body()).isEqualTo(202);
        }
        assertThat(single(query(ts, ts + 9, "count:it.agent.latency{env:it}.rollup(10)"))).containsExactly(1000.0);
        assertThat(single(query(ts, ts + 9, "sum:it.agent.latency{*}.rollup(10)"))).containsExactly(500_500.0);
        assertThat(single(query(ts, ts + 9, "max:it.agent.latency{*}.rollup(10)"))).containsExactly(1000.0);
        // the Agent's bins (1/128) and then Tocsin's (1/128): within 2/128 of the exact percentile
        double p95 = single(query(ts, ts + 9, "p95:it.agent.latency{*}.rollup(10)")).getFirst();
        assertThat(p95).isCloseTo(950, org.assertj.core.api.Assertions.within(950 * 2.0 / 128));
        List<Double> medians = single(query(ts, ts + 9, "p50:it.agent.latency{*} by {host}.rollup(10)"));
        assertThat(medians.get(0)).isCloseTo(200, org.assertj.core.api.Assertions.within(200 * 2.0 / 128));
        assertThat(medians.get(1)).isCloseTo(700, org.assertj.core.api.Assertions.within(700 * 2.0 / 128));

        TestServer.Reply garbage = tocsin.send(tocsin.request("/api/beta/sketches")
                .header("Content-Type", "application/x-protobuf").header("DD-API-KEY", TestServer.ADMIN_KEY)
                .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(new byte[]{0x0a, 0x7f, 0x01})).build());
        assertThat(garbage.status()).isEqualTo(400);
        assertThat(garbage.json().get("errors").get(0).asText()).contains("SketchPayload");
    }

    private static double[] range(int from, int to) {
        double[] v = new double[to - from + 1];
        for (int i = 0; i < v.length; i++) {
            v[i] = from + i;
        }
        return v;
    }

    @Test
    void badDistributionPointsAreRefusedOneByOneNamingTheField() {
        long ts = System.currentTimeMillis() / 1000 - 5;
        StringBuilder tooMany = new StringBuilder();
        for (int v = 0; v <= 100_000; v++) {
            tooMany.append(v == 0 ? "" : ",").append(v % 10);
        }
        TestServer.Reply mixed = tocsin.postJson("/api/v1/distribution_points", "{\"series\":["
                + "{\"metric\":\"it.bad.latency\",\"points\":[[" + ts + ",[1,2]],[" + ts + ",[]],[" + ts
                + ",[1,\"x\"]],[" + ts + ",[" + tooMany + "]],[" + ts + ",[1e308,1e308]]]},"
                + "{\"metric\":\"it.bad.other\",\"points\":\"soon\"}]}", "DD-API-KEY", TestServer.ADMIN_KEY);
        assertThat(mixed.status()).as(mixed.body()).isEqualTo(202);
        assertThat(mixed.json().get("errors").toString()).contains(
                "series[0].points[1][1]: no values",
                "series[0].points[2][1][1]: expected a number",
                "series[0].points[3][1]: 100001 values; at most 100000 per point",
                "series[0].points[4][1]: the sum of the values is not a finite number",
                "series[1].points: expected an array");
        assertThat(tocsin.queryValues("count:it.bad.latency{*}.rollup(3600)").stream().mapToDouble(d -> d).sum())
                .as("only the good point was stored").isEqualTo(2.0);

        TestServer.Reply none = tocsin.postJson("/api/v1/distribution_points", "{\"series\":[{\"metric\":"
                + "\"it.bad.none\",\"points\":[[" + ts + ",[NaN]],[" + (ts - 7200) + ",[1]]]}]}",
                "DD-API-KEY", TestServer.ADMIN_KEY);
        assertThat(none.status()).as(none.body()).isEqualTo(400);
        assertThat(none.json().get("errors").toString()).contains("series[0].points[0][1][0]", "series[0].points[1]");
        assertThat(tocsin.postJson("/api/v1/distribution_points", "{\"series\":[", "DD-API-KEY",
                TestServer.ADMIN_KEY).status()).isEqualTo(400);
        assertThat(tocsin.get("/health").status()).isEqualTo(200);
    }
}
