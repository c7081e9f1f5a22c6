package tocsin.server;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.exporter.otlp.http.metrics.OtlpHttpMetricExporter;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.export.AggregationTemporalitySelector;
import io.opentelemetry.sdk.metrics.export.PeriodicMetricReader;
import io.opentelemetry.sdk.resources.Resource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Metrics from the OpenTelemetry Java SDK's own OTLP/HTTP exporter (protobuf, gzip, chunked) are stored with Datadog's
 * OTLP naming and read back with exact values; OTLP/JSON by hand; bad bodies get a google.rpc.Status.
 */
class OtlpIT {
    static TestServer tocsin;

    @BeforeAll
    static void start() {
        tocsin = TestServer.start();
    }

    @AfterAll
    static void stop() {
        tocsin.close();
    }

    static List<Double> values(String query) {
        return tocsin.queryValues(query);
    }

    @Test
    void theSdksExporterIsAcceptedAndQueryable() {
        SdkMeterProvider provider = provider(exporter(false));
        Meter meter = provider.get("tocsin-it");
        LongCounter orders = meter.counterBuilder("shop.orders").setUnit("{order}").setDescription("Orders placed")
                .build();
        orders.add(5, Attributes.of(AttributeKey.stringKey("region"), "eu"));
        meter.gaugeBuilder("shop.queue.depth").setUnit("By").buildWithCallback(m -> m.record(7.5));
        assertThat(provider.forceFlush().join(20, TimeUnit.SECONDS).isSuccess()).isTrue();
        provider.shutdown().join(10, TimeUnit.SECONDS);

        // forceFlush and shutdown each export the gauge; when the two exports fall into different query buckets the
        // series has two points, both 7.5
        assertThat(values("avg:shop.queue.depth{service:checkout,env:it}")).isNotEmpty().containsOnly(7.5);
        long now = System.currentTimeMillis() / 1000;
        var metrics = tocsin.get("/api/v1/metrics?from=" + (now - 600), "DD-API-KEY", TestServer.ADMIN_KEY).json();
        assertThat(metrics.get("metrics").toString()).contains("shop.orders");
        // the metric's type, unit and description become its Datadog metadata (written off the request path)
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5)).untilAsserted(() -> {
            var placed = tocsin.get("/api/v1/metrics/shop.orders", "DD-API-KEY", TestServer.ADMIN_KEY).json();
            assertThat(placed.get("type").asText()).isEqualTo("count");
            assertThat(placed.get("unit").asText()).isEqualTo("order");
            assertThat(placed.get("description").asText()).isEqualTo("Orders placed");
            var depth = tocsin.get("/api/v1/metrics/shop.queue.depth", "DD-API-KEY", TestServer.ADMIN_KEY).json();
            assertThat(depth.get("type").asText()).isEqualTo("gauge");
            assertThat(depth.get("unit").asText()).isEqualTo("byte");
        });
    }

    @Test
    void theSdksSumsAndHistogramsKeepTheirExactCounts() {
        // Cumulative (the SDK's default): the counter is stored as one, and a query counts what it rose by between
        // the two exports
        SdkMeterProvider cumulative = provider(exporter(false));
        LongCounter orders = cumulative.get("tocsin-it").counterBuilder("shop.orders.cumulative").build();
        Attributes eu = Attributes.of(AttributeKey.stringKey("region"), "eu");
        orders.add(5, eu);
        assertThat(cumulative.forceFlush().join(20, TimeUnit.SECONDS).isSuccess()).isTrue();
        orders.add(3, eu);
        assertThat(cumulative.forceFlush().join(20, TimeUnit.SECONDS).isSuccess()).isTrue();
        cumulative.shutdown().join(10, TimeUnit.SECONDS);

        // Delta: each export carries what happened since the last one, stored as counts
        SdkMeterProvider delta = provider(exporter(true));
        Meter meter = delta.get("tocsin-it");
        LongCounter refunds = meter.counterBuilder("shop.refunds").build();
        refunds.add(2, eu);
        refunds.add(4, eu);
        DoubleHistogram latency = meter.histogramBuilder("shop.latency").build();
        for (double v : new double[]{1, 2, 3.5}) {
            latency.record(v, eu);
        }
        assertThat(delta.forceFlush().join(20, TimeUnit.SECONDS).isSuccess()).isTrue();
        delta.shutdown().join(10, TimeUnit.SECONDS);

        assertThat(sum("sum:shop.orders.cumulative{region:eu,service:checkout}.as_count()")).isEqualTo(3.0);
        assertThat(sum("sum:shop.refunds{region:eu,service:checkout}.as_count()")).isEqualTo(6.0);
        assertThat(sum("sum:shop.latency.count{region:eu,service:checkout}.as_count()")).isEqualTo(3.0);
        assertThat(sum("sum:shop.latency.sum{region:eu,service:checkout}.as_count()")).isEqualTo(6.5);
    }

    @Test
    void theSdksExponentialHistogramIsADistributionWithItsPercentiles() {
        OtlpHttpMetricExporter exporter = OtlpHttpMetricExporter.builder()
                .setEndpoint("http://127.0.0.1:" + tocsin.port() + "/v1/metrics")
                .addHeader("DD-API-KEY", TestServer.ADMIN_KEY)
                .setAggregationTemporalitySelector(AggregationTemporalitySelector.deltaPreferred())
                .setDefaultAggregationSelector(io.opentelemetry.sdk.metrics.export.DefaultAggregationSelector
                        .getDefault().with(io.opentelemetry.sdk.metrics.InstrumentType.HISTOGRAM,
                                io.opentelemetry.sdk.metrics.Aggregation.base2ExponentialBucketHistogram()))
                .build();
        SdkMeterProvider provider = provider(exporter);
        DoubleHistogram latency = provider.get("tocsin-it").histogramBuilder("shop.exp.latency").build();
        for (int v = 1; v <= 100; v++) {
            latency.record(v, Attributes.of(AttributeKey.stringKey("route"), "/pay"));
        }
        assertThat(provider.forceFlush().join(20, TimeUnit.SECONDS).isSuccess()).isTrue();
        provider.shutdown().join(10, TimeUnit.SECONDS);

        assertThat(sum("count:shop.exp.latency{route:/pay,service:checkout}")).isEqualTo(100.0);
        assertThat(sum("sum:shop.exp.latency{route:/pay}")).isEqualTo(5050.0);
        assertThat(values("max:shop.exp.latency{route:/pay}")).containsExactly(100.0);
        // the SDK's buckets (160 at most, here about 1/20 wide) and then the sketch's 1/128
        assertThat(values("p50:shop.exp.latency{route:/pay}")).singleElement()
                .satisfies(p50 -> assertThat(p50).isCloseTo(50.0, org.assertj.core.api.Assertions.within(3.5)));
        assertThat(values("p95:shop.exp.latency{route:/pay}")).singleElement()
                .satisfies(p95 -> assertThat(p95).isCloseTo(95.0, org.assertj.core.api.Assertions.within(6.0)));
        assertThat(sum("sum:shop.exp.latency.count{route:/pay}.as_count()")).isEqualTo(100.0);
    }

    private static double sum(String query) {
        List<Double> values = values(query);
        assertThat(values).as(query).isNotEmpty();
        return values.stream().mapToDouble(Double::doubleValue).sum();
    }

    private static OtlpHttpMetricExporter exporter(boolean delta) {
        var builder = OtlpHttpMetricExporter.builder()
                .setEndpoint("http://127.0.0.1:" + tocsin.port() + "/v1/metrics")
                .addHeader("DD-API-KEY", TestServer.ADMIN_KEY).setCompression("gzip");
        if (delta) {
            builder.setAggregationTemporalitySelector(AggregationTemporalitySelector.deltaPreferred());
        }
        return builder.build();
    }

    private static SdkMeterProvider provider(OtlpHttpMetricExporter exporter) {
        return SdkMeterProvider.builder()
                .setResource(Resource.getDefault().merge(Resource.create(Attributes.of(
                        AttributeKey.stringKey("service.name"), "checkout",
                        AttributeKey.stringKey("deployment.environment.name"), "it"))))
                .registerMetricReader(PeriodicMetricReader.builder(exporter).setInterval(Duration.ofHours(1)).build())
                .build();
    }

    @Test
    void otlpJsonWorksAndBadBodiesGetAStatus() {
        long nanos = (System.currentTimeMillis() - 10_000) * 1_000_000L;
        String json = """
                {"resourceMetrics":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"json-svc"}}]},
                 "scopeMetrics":[{"scope":{"name":"manual"},"metrics":[{"name":"json.temperature",
                  "gauge":{"dataPoints":[{"timeUnixNano":"%d","asDouble":19.25}]}}]}]}]}
                """.formatted(nanos);
        TestServer.Reply ok = tocsin.postJson("/v1/metrics", json, "DD-API-KEY", TestServer.ADMIN_KEY);
        assertThat(ok.status()).as(ok.body()).isEqualTo(200);
        assertThat(ok.header("Content-Type")).startsWith("application/json");
        assertThat(values("avg:json.temperature{service:json-svc}")).containsExactly(19.25);

        TestServer.Reply broken = tocsin.postJson("/v1/metrics", "{\"resourceMetrics\":[", "DD-API-KEY", TestServer.ADMIN_KEY);
        assertThat(broken.status()).isEqualTo(400);
        assertThat(broken.json().get("code").asInt()).isEqualTo(3);
        assertThat(broken.json().get("message").asText()).isNotBlank();

        TestServer.Reply wrongType = tocsin.send(tocsin.request("/v1/metrics").header("DD-API-KEY", TestServer.ADMIN_KEY)
                .header("Content-Type", "text/plain").POST(HttpRequest.BodyPublishers.ofString("x")).build());
        assertThat(wrongType.status()).isEqualTo(415);

        TestServer.Reply noKey = tocsin.postJson("/v1/metrics", json);
        assertThat(noKey.status()).isEqualTo(401);
        assertThat(noKey.json().get("code").asInt()).isEqualTo(16);
    }
}
