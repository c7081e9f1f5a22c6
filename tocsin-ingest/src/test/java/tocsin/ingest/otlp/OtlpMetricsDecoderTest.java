package tocsin.ingest.otlp;

import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.DataPointFlags;
import io.opentelemetry.proto.metrics.v1.ExponentialHistogram;
import io.opentelemetry.proto.metrics.v1.ExponentialHistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Histogram;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.Summary;
import io.opentelemetry.proto.metrics.v1.SummaryDataPoint;
import tocsin.core.metric.Sketch;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.common.v1.AnyValue;
import org.junit.jupiter.api.Test;
import tocsin.ingest.IngestLimits;
import tocsin.core.metric.MetricMetadata;
import tocsin.ingest.IngestResult;
import tocsin.ingest.MalformedPayloadException;

import java.util.Arrays;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static tocsin.ingest.Fixtures.CLOCK;
import static tocsin.ingest.Fixtures.bytes;
import static tocsin.ingest.otlp.OtlpRequests.TS;
import static tocsin.ingest.otlp.OtlpRequests.TS_MILLIS;
import static tocsin.ingest.otlp.OtlpRequests.attr;
import static tocsin.ingest.otlp.OtlpRequests.gauge;
import static tocsin.ingest.otlp.OtlpRequests.point;
import static tocsin.ingest.otlp.OtlpRequests.points;
import static tocsin.ingest.otlp.OtlpRequests.request;
import static tocsin.ingest.otlp.OtlpRequests.sum;

/** The mapping rules of {@link OtlpMetricsDecoder}, through the protobuf encoding. */
class OtlpMetricsDecoderTest {
    private static final AggregationTemporality CUMULATIVE = AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE;
    private static final AggregationTemporality DELTA = AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA;
    /** The resource and scope tags of the captured Java SDK requests. */
    static final Set<String> JAVA_SDK_TAGS = Set.of(
            "deployment.environment.name:prod", "env:prod", "host.name:web-1", "host:web-1",
            "instrumentation_scope:tocsin.fixture", "instrumentation_scope_version:1.0.0",
            "process.executable.path:/opt/java/bin/java", "process.runtime.name:openjdk_runtime_environment",
            "service.name:checkout", "service:checkout", "service.version:1.4.2", "version:1.4.2",
            "telemetry.sdk.language:java", "telemetry.sdk.name:opentelemetry", "telemetry.sdk.version:1.68.0");
    static final String EXPONENTIAL_NOTE = "resourceMetrics[0].scopeMetrics[0].metrics[4].exponentialHistogram"
            + ".dataPoints[0]: stored in part: the buckets of a cumulative exponential histogram are not stored; only "
            + "rpc.server.duration.count, .sum, .min and .max are";

    private final IngestLimits limits = IngestLimits.datadog();

    private IngestResult decode(ExportMetricsServiceRequest request) throws Exception {
        return OtlpMetricsDecoder.decodeProtobuf(request.toByteArray(), CLOCK, limits);
    }

    private static List<String> buckets(String name, String kind, String attrs, double[] bounds, int... counts) {
        String[] out = new String[counts.length];
        for (int i = 0; i < counts.length; i++) {
            String lower = i == 0 ? "-inf" : FloatText.bound(bounds[i - 1]);
            String upper = i == bounds.length ? "inf" : FloatText.bound(bounds[i]);
            out[i] = name + ".bucket{" + attrs + "lower_bound:" + lower + ",upper_bound:" + upper + "} " + kind + " "
                    + TS_MILLIS + " " + (double) counts[i];
        }
        return Arrays.asList(out);
    }

    @Test
    void decodesWhatTheJavaSdkSendsByDefault() throws Exception {
        IngestResult r = OtlpMetricsDecoder.decodeProtobuf(bytes("otlp/metrics-java-sdk-1.68.0-cumulative.binpb"),
                CLOCK, limits);
        assertThat(r.rejections()).extracting(Object::toString).containsExactly(EXPONENTIAL_NOTE);
        assertThat(OtlpRequests.firstTags(r.batch())).containsExactlyInAnyOrderElementsOf(
                concat(JAVA_SDK_TAGS, Set.of("queue:orders")));
        double[] bounds = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
        List<String> expected = new java.util.ArrayList<>(List.of(
                "queue.depth{queue:orders} GAUGE 1795509750000 42.5",
                "db.client.connections.usage{state:used} GAUGE 1795509750000 5.0",
                "http.server.request.duration.count{http.route:/cart} COUNTER 1795509750000 4.0",
                "http.server.request.duration.sum{http.route:/cart} COUNTER 1795509750000 3.223",
                "http.server.request.duration.min{http.route:/cart} GAUGE 1795509750000 0.003",
                "http.server.request.duration.max{http.route:/cart} GAUGE 1795509750000 3.0"));
        expected.addAll(buckets("http.server.request.duration", "COUNTER", "http.route:/cart,", bounds,
                1, 0, 1, 0, 0, 1, 0, 0, 0, 1, 0, 0));
        expected.addAll(List.of(
                "http.server.requests{http.request.method:get,http.response.status_code:200} COUNTER "
                        + "1795509750000 3.0",
                "http.server.requests{http.request.method:post,http.response.status_code:500} COUNTER "
                        + "1795509750000 1.0",
                "rpc.server.duration.count{} COUNTER 1795509750000 4.0",
                "rpc.server.duration.sum{} COUNTER 1795509750000 45.5",
                "rpc.server.duration.min{} GAUGE 1795509750000 1.5",
                "rpc.server.duration.max{} GAUGE 1795509750000 40.0"));
        assertThat(points(r.batch(), JAVA_SDK_TAGS)).containsExactlyElementsOf(expected);
    }

    @Test
    void deltaTemporalityGivesCounts() throws Exception {
        IngestResult r = OtlpMetricsDecoder.decodeProtobuf(bytes("otlp/metrics-java-sdk-1.68.0-delta.binpb"),
                CLOCK, limits);
        assertThat(r.rejections()).isEmpty(); // the delta exponential histogram's buckets are a distribution point
        assertThat(r.sketches().entries()).singleElement().satisfies(e -> {
            assertThat(e.key().name()).isEqualTo("rpc.server.duration");
            assertThat(e.sketch().count()).isEqualTo(4);
            assertThat(e.sketch().sum()).isEqualTo(45.5);
            assertThat(e.sketch().min()).isEqualTo(1.5);
            assertThat(e.sketch().max()).isEqualTo(40.0);
        });
        assertThat(points(r.batch(), JAVA_SDK_TAGS))
                .contains("db.client.connections.usage{state:used} GAUGE 1795509750000 5.0",
                        "http.server.request.duration.count{http.route:/cart} COUNT 1795509750000 4.0",
                        "http.server.request.duration.max{http.route:/cart} GAUGE 1795509750000 3.0",
                        "http.server.requests{http.request.method:get,http.response.status_code:200} COUNT "
                                + "1795509750000 3.0",
                        "rpc.server.duration.sum{} COUNT 1795509750000 45.5")
                .noneMatch(p -> p.contains(" COUNTER "));
    }

    @Test
    void sumKindsFollowTemporalityAndMonotonicity() throws Exception {
        IngestResult r = decode(request(List.of(),
                sum("c", CUMULATIVE, true, point(TS, 10)),
                sum("ud", CUMULATIVE, false, point(TS, -3)),
                sum("d", DELTA, true, point(TS, 2)),
                sum("dn", DELTA, false, point(TS, -1)),
                sum("u", AggregationTemporality.AGGREGATION_TEMPORALITY_UNSPECIFIED, true, point(TS, 1), point(TS, 2)),
                Metric.newBuilder().setName("x").setSum(io.opentelemetry.proto.metrics.v1.Sum.newBuilder()
                        .setAggregationTemporalityValue(7).addDataPoints(point(TS, 1))).build(),
                gauge("g", point(TS, 0.5))));
        assertThat(points(r.batch())).containsExactly(
                "c{} COUNTER 1795509750000 10.0",
                "ud{} GAUGE 1795509750000 -3.0",
                "d{} COUNT 1795509750000 2.0",
                "dn{} COUNT 1795509750000 -1.0",
                "g{} GAUGE 1795509750000 0.5");
        assertThat(r.rejections()).extracting(Object::toString).containsExactly(
                "resourceMetrics[0].scopeMetrics[0].metrics[4].sum.aggregationTemporality: aggregation temporality 0 "
                        + "(unspecified) is not 1 (delta) or 2 (cumulative)",
                "resourceMetrics[0].scopeMetrics[0].metrics[5].sum.aggregationTemporality: aggregation temporality 7 "
                        + "is not 1 (delta) or 2 (cumulative)");
        assertThat(r.rejectedItems()).as("a metric refused whole counts each of its points").isEqualTo(3);
    }

    @Test
    void gaugesAndSumsDeclareTheirTypeUnitAndDescriptionInDatadogsNames() throws Exception {
        IngestResult r = decode(request(List.of(),
                sum("http.server.requests", CUMULATIVE, true, point(TS, 10)).toBuilder().setUnit("{request}")
                        .setDescription("Requests served").build(),
                sum("net.io", DELTA, true, point(TS, 2)).toBuilder().setUnit("By/s").build(),
                gauge("process.cpu.utilization", point(TS, 0.5)).toBuilder().setUnit("1").build(),
                gauge("jvm.gc.duration", point(TS, 0.5)).toBuilder().setUnit("ms")
                        .setDescription("x".repeat(5000)).build(),
                gauge("odd.unit", point(TS, 1)).toBuilder().setUnit("Bytes Per Fortnight").build(),
                gauge("never.accepted", point(1, 1)).toBuilder().setUnit("s").build(),
                Metric.newBuilder().setName("lat").setUnit("ms").setHistogram(Histogram.newBuilder()
                        .setAggregationTemporality(DELTA).addDataPoints(HistogramDataPoint.newBuilder()
                                .setTimeUnixNano(TS).setCount(1).setSum(2))).build()));
        assertThat(r.declared()).containsOnlyKeys("http.server.requests", "net.io", "process.cpu.utilization",
                "jvm.gc.duration", "odd.unit");
        assertThat(r.declared().get("http.server.requests"))
                .isEqualTo(new MetricMetadata("count", null, "request", null, "Requests served", null, null));
        assertThat(r.declared().get("net.io"))
                .isEqualTo(new MetricMetadata("count", null, "byte", "second", null, null, null));
        assertThat(r.declared().get("process.cpu.utilization")).isEqualTo(MetricMetadata.declared("gauge", null));
        assertThat(r.declared().get("jvm.gc.duration").unit()).isEqualTo("millisecond");
        assertThat(r.declared().get("jvm.gc.duration").description()).hasSize(4000);
        assertThat(r.declared().get("odd.unit")).isEqualTo(MetricMetadata.declared("gauge", null));
    }

    @Test
    void histogramsGiveCountSumMinMaxAndPerBucketCounts() throws Exception {
        HistogramDataPoint p = HistogramDataPoint.newBuilder().setTimeUnixNano(TS).setCount(6).setSum(1260)
                .setMin(0.5).setMax(1e6).addAllExplicitBounds(List.of(0.5, 250.0, 1e6))
                .addAllBucketCounts(List.of(1L, 2L, 0L, 3L)).addAttributes(attr("route", "/pay")).build();
        HistogramDataPoint noBuckets = HistogramDataPoint.newBuilder().setTimeUnixNano(TS).setCount(2).build();
        IngestResult r = decode(request(List.of(), Metric.newBuilder().setName("lat").setHistogram(
                Histogram.newBuilder().setAggregationTemporality(DELTA).addDataPoints(p).addDataPoints(noBuckets))
                .build()));
        assertThat(r.rejections()).isEmpty();
        assertThat(points(r.batch())).containsExactly(
                "lat.count{route:/pay} COUNT 1795509750000 6.0",
                "lat.sum{route:/pay} COUNT 1795509750000 1260.0",
                "lat.min{route:/pay} GAUGE 1795509750000 0.5",
                "lat.max{route:/pay} GAUGE 1795509750000 1000000.0",
                "lat.bucket{lower_bound:-inf,route:/pay,upper_bound:0.5} COUNT 1795509750000 1.0",
                "lat.bucket{lower_bound:0.5,route:/pay,upper_bound:250.0} COUNT 1795509750000 2.0",
                // Datadog writes 1e6 as Go does, "1e+06.0", and its tag normalisation makes that "1e_06.0"
                "lat.bucket{lower_bound:250.0,route:/pay,upper_bound:1e_06.0} COUNT 1795509750000 0.0",
                "lat.bucket{lower_bound:1e_06.0,route:/pay,upper_bound:inf} COUNT 1795509750000 3.0",
                "lat.count{} COUNT 1795509750000 2.0");
    }

    @Test
    void badHistogramPointsAreRefusedOrStoredInPart() throws Exception {
        HistogramDataPoint.Builder ok = HistogramDataPoint.newBuilder().setTimeUnixNano(TS).setCount(1);
        IngestResult r = decode(request(List.of(), Metric.newBuilder().setName("h").setHistogram(
                Histogram.newBuilder().setAggregationTemporality(CUMULATIVE)
                        .addDataPoints(ok.clone().addAllExplicitBounds(List.of(1.0, 2.0)).addBucketCounts(1))
                        .addDataPoints(ok.clone().addAllExplicitBounds(List.of(2.0, 1.0)).addAllBucketCounts(
                                List.of(0L, 1L, 0L)))
                        .addDataPoints(ok.clone().setSum(Double.NaN).setMax(Double.POSITIVE_INFINITY)))
                .build()));
        String item = "resourceMetrics[0].scopeMetrics[0].metrics[0].histogram.dataPoints";
        assertThat(r.rejections()).extracting(Object::toString).containsExactly(
                item + "[0]: has 1 bucketCounts for 2 explicitBounds; expected 3 (or none)",
                item + "[1]: explicitBounds[1] 1.0 is not a finite number above the one before it",
                item + "[2]: stored in part: sum NaN is not a finite number; max Infinity is not a finite number");
        assertThat(points(r.batch())).containsExactly("h.count{} COUNTER 1795509750000 1.0");
    }

    @Test
    void deltaExponentialHistogramsBecomeDistributionsBesideTheirAggregates() throws Exception {
        // scale 3: base 2^(1/8); positive buckets 4 and 5 hold (2^(4/8), 2^(5/8)] and (2^(5/8), 2^(6/8)]
        ExponentialHistogramDataPoint withBuckets = ExponentialHistogramDataPoint.newBuilder().setTimeUnixNano(TS)
                .setCount(6).setSum(7.5).setMin(-1.05).setMax(1.7).setScale(3).setZeroCount(1)
                .setPositive(ExponentialHistogramDataPoint.Buckets.newBuilder().setOffset(4).addBucketCounts(2)
                        .addBucketCounts(2))
                .setNegative(ExponentialHistogramDataPoint.Buckets.newBuilder().setOffset(0).addBucketCounts(1))
                .addAttributes(KeyValue.newBuilder().setKey("route").setValue(
                        AnyValue.newBuilder().setStringValue("/pay")))
                .build();
        ExponentialHistogramDataPoint empty = ExponentialHistogramDataPoint.newBuilder().setTimeUnixNano(TS).build();
        IngestResult r = decode(request(List.of(), Metric.newBuilder().setName("e").setExponentialHistogram(
                ExponentialHistogram.newBuilder().setAggregationTemporality(DELTA).addDataPoints(withBuckets)
                        .addDataPoints(empty)).build()));
        assertThat(points(r.batch())).containsExactly(
                "e.count{route:/pay} COUNT 1795509750000 6.0",
                "e.sum{route:/pay} COUNT 1795509750000 7.5",
                "e.min{route:/pay} GAUGE 1795509750000 -1.05",
                "e.max{route:/pay} GAUGE 1795509750000 1.7",
                "e.count{} COUNT 1795509750000 0.0");
        assertThat(r.rejections()).isEmpty();
        assertThat(r.sketches().size()).isEqualTo(1);
        var entry = r.sketches().entries().getFirst();
        assertThat(entry.key().name()).isEqualTo("e");
        assertThat(entry.key().tags()).contains("route:/pay");
        assertThat(entry.timestampMillis()).isEqualTo(1795509750000L);
        Sketch sketch = entry.sketch();
        assertThat(sketch.count()).isEqualTo(6);
        assertThat(sketch.sum()).isEqualTo(7.5);
        assertThat(sketch.min()).isEqualTo(-1.05);
        assertThat(sketch.max()).isEqualTo(1.7);
        // the median is in bucket 4, the 80th percentile in bucket 5: within each bucket's bounds (plus the
        // sketch's own 1/128)
        assertThat(sketch.quantile(0.5)).isBetween(Math.pow(2, 0.5) * (1 - 2.0 / 128), Math.pow(2, 0.625) * (1 + 2.0 / 128));
        assertThat(sketch.quantile(0.8)).isBetween(Math.pow(2, 0.625) * (1 - 2.0 / 128), Math.pow(2, 0.75) * (1 + 2.0 / 128));
        assertThat(sketch.quantile(0.0)).isLessThan(0); // the negative bucket (-2^(1/8), -1]
    }

    @Test
    void cumulativeExponentialHistogramsKeepTheirAggregatesAndSayTheBucketsAreNotStored() throws Exception {
        ExponentialHistogramDataPoint withBuckets = ExponentialHistogramDataPoint.newBuilder().setTimeUnixNano(TS)
                .setCount(3).setSum(7.5).setScale(3).setZeroCount(1)
                .setPositive(ExponentialHistogramDataPoint.Buckets.newBuilder().setOffset(4).addBucketCounts(2))
                .build();
        IngestResult r = decode(request(List.of(), Metric.newBuilder().setName("e").setExponentialHistogram(
                ExponentialHistogram.newBuilder().setAggregationTemporality(CUMULATIVE).addDataPoints(withBuckets))
                .build()));
        assertThat(points(r.batch())).containsExactly(
                "e.count{} COUNTER 1795509750000 3.0",
                "e.sum{} COUNTER 1795509750000 7.5");
        assertThat(r.sketches().isEmpty()).isTrue();
        assertThat(r.rejections()).extracting(Object::toString).containsExactly(
                "resourceMetrics[0].scopeMetrics[0].metrics[0].exponentialHistogram.dataPoints[0]: stored in part: "
                        + "the buckets of a cumulative exponential histogram are not stored; only e.count, .sum, .min "
                        + "and .max are");
    }

    @Test
    void exponentialBucketsBeyondDoublesOrAScaleOutOfRangeAreRefused() throws Exception {
        ExponentialHistogramDataPoint huge = ExponentialHistogramDataPoint.newBuilder().setTimeUnixNano(TS)
                .setCount(1).setScale(0).setPositive(ExponentialHistogramDataPoint.Buckets.newBuilder()
                        .setOffset(5000).addBucketCounts(1)).build();
        ExponentialHistogramDataPoint scale = ExponentialHistogramDataPoint.newBuilder().setTimeUnixNano(TS)
                .setCount(1).setScale(21).setPositive(ExponentialHistogramDataPoint.Buckets.newBuilder()
                        .addBucketCounts(1)).build();
        IngestResult r = decode(request(List.of(), Metric.newBuilder().setName("e").setExponentialHistogram(
                ExponentialHistogram.newBuilder().setAggregationTemporality(DELTA).addDataPoints(huge)
                        .addDataPoints(scale)).build()));
        assertThat(r.sketches().isEmpty()).isTrue();
        assertThat(r.rejections()).extracting(Object::toString).satisfiesExactly(
                s -> assertThat(s).endsWith("dataPoints[0]: a bucket at index 5000 of scale 0 lies beyond the largest "
                        + "double"),
                s -> assertThat(s).endsWith("dataPoints[1]: scale 21 is outside OTLP's range of -10 to 20"));
    }

    @Test
    void summariesGiveCountSumAndTaggedQuantiles() throws Exception {
        SummaryDataPoint p = SummaryDataPoint.newBuilder().setTimeUnixNano(TS).setCount(40).setSum(812.5)
                .addQuantileValues(q(0, 1)).addQuantileValues(q(0.5, 18)).addQuantileValues(q(0.99, 95.5))
                .addQuantileValues(q(1, Double.NaN)).addQuantileValues(q(1.5, 3)).build();
        IngestResult r = decode(request(List.of(), Metric.newBuilder().setName("rpc.latency")
                .setSummary(Summary.newBuilder().addDataPoints(p)).build()));
        assertThat(points(r.batch())).containsExactly(
                "rpc.latency.count{} COUNTER 1795509750000 40.0",
                "rpc.latency.sum{} COUNTER 1795509750000 812.5",
                "rpc.latency.quantile{quantile:0} GAUGE 1795509750000 1.0",
                "rpc.latency.quantile{quantile:0.5} GAUGE 1795509750000 18.0",
                "rpc.latency.quantile{quantile:0.99} GAUGE 1795509750000 95.5");
        assertThat(r.rejections()).extracting(Object::toString).containsExactly(
                "resourceMetrics[0].scopeMetrics[0].metrics[0].summary.dataPoints[0]: stored in part: "
                        + "quantileValues[3].value NaN is not a finite number; quantileValues[4].quantile 1.5 is not "
                        + "between 0 and 1");
    }

    private static SummaryDataPoint.ValueAtQuantile q(double quantile, double value) {
        return SummaryDataPoint.ValueAtQuantile.newBuilder().setQuantile(quantile).setValue(value).build();
    }

    @Test
    void namesEveryRefusedPointAndMetric() throws Exception {
        int noValue = DataPointFlags.DATA_POINT_FLAGS_NO_RECORDED_VALUE_MASK_VALUE;
        IngestResult r = decode(request(List.of(),
                gauge("g",
                        point(TS, Double.NaN),
                        point(TS, Double.NEGATIVE_INFINITY),
                        point(TS, 1).toBuilder().setFlags(noValue).build(),
                        point(0, 1),
                        NumberDataPoint.newBuilder().setTimeUnixNano(TS).build(),
                        point(1_700_000_000_000_000_000L, 1),
                        point(TS + 3_600_000_000_000L, 1),
                        point(TS / 1_000_000, 1),
                        point(TS / 1_000_000_000, 1),
                        point(TS / 1_000, 1),
                        point(-1, 1),
                        point(TS, 7)),
                gauge("", point(TS, 1), point(TS, 2)),
                gauge("_9", point(TS, 1)),
                gauge("x".repeat(201), point(TS, 1)),
                Metric.newBuilder().setName("nothing").build()));
        String g = "resourceMetrics[0].scopeMetrics[0].metrics[0].gauge.dataPoints";
        String m = "resourceMetrics[0].scopeMetrics[0].metrics";
        assertThat(r.rejections()).extracting(Object::toString).containsExactly(
                g + "[0]: value NaN is not a finite number",
                g + "[1]: value -Infinity is not a finite number",
                g + "[2]: flags has NO_RECORDED_VALUE set: the point marks a series that ended and has no value",
                g + "[3]: timeUnixNano is missing",
                g + "[4]: has no value: expected asDouble or asInt",
                g + "[5]: timestamp 1700000000000000000 is more than 1h in the past",
                g + "[6]: timestamp 1795513350000000000 is more than 10min in the future",
                g + "[7]: timestamp 1795509750000 is more than 1h in the past (timeUnixNano is in nanoseconds; "
                        + "this looks like milliseconds)",
                g + "[8]: timestamp 1795509750 is more than 1h in the past (timeUnixNano is in nanoseconds; "
                        + "this looks like seconds)",
                g + "[9]: timestamp 1795509750000000 is more than 1h in the past (timeUnixNano is in nanoseconds; "
                        + "this looks like microseconds)",
                g + "[10]: timestamp 18446744073709551615 is more than 10min in the future",
                m + "[1].name: must not be empty",
                m + "[2].name: \"_9\" has no ASCII letter to start a metric name with",
                m + "[3].name: \"" + "x".repeat(64) + "…\" is 201 characters long, more than the limit of 200",
                m + "[4]: has no data: expected one of gauge, sum, histogram, exponentialHistogram or summary");
        assertThat(r.rejectedItems()).isEqualTo(16);
        assertThat(points(r.batch())).containsExactly("g{} GAUGE 1795509750000 7.0");
    }

    @Test
    void suffixesCountAgainstTheNameLimit() throws Exception {
        String name = "h".repeat(195);
        IngestResult r = decode(request(List.of(), Metric.newBuilder().setName(name).setHistogram(Histogram
                .newBuilder().setAggregationTemporality(DELTA).addDataPoints(HistogramDataPoint.newBuilder()
                        .setTimeUnixNano(TS).setCount(1))).build(), gauge(name, point(TS, 1))));
        assertThat(r.rejections()).singleElement().asString().startsWith(
                "resourceMetrics[0].scopeMetrics[0].metrics[0].name: with its suffix .bucket, \"hhh").endsWith(
                "is 202 characters long, more than the limit of 200");
        assertThat(r.acceptedPoints()).isEqualTo(1);
    }

    @Test
    void tagsOverTheLimitsRefuseThePointAndSayWhichAttribute() throws Exception {
        IngestResult r = decode(request(List.of(attr("big", "v".repeat(300))), gauge("a", point(TS, 1))));
        assertThat(r.rejections()).singleElement().asString().startsWith(
                "resourceMetrics[0].scopeMetrics[0].metrics[0].gauge.dataPoints[0]: resource.attributes[0]: \"big:vvv")
                .endsWith("is 304 characters long, more than the limit of 200");

        IngestLimits few = new IngestLimits(200, 200, 3, limits.maxPast(), limits.maxFuture());
        r = OtlpMetricsDecoder.decodeProtobuf(request(List.of(),
                gauge("a", point(TS, 1, attr("k", "v".repeat(201))), point(TS, 2, attr("k", "v"))),
                Metric.newBuilder().setName("s").setSummary(Summary.newBuilder().addDataPoints(SummaryDataPoint
                        .newBuilder().setTimeUnixNano(TS).addQuantileValues(q(0.5, 1))
                        .addAttributes(attr("k", "v")))).build()).toByteArray(), CLOCK, few);
        assertThat(r.rejections()).extracting(Object::toString).containsExactly(
                "resourceMetrics[0].scopeMetrics[0].metrics[0].gauge.dataPoints[0]: attributes[0]: \"k:"
                        + "v".repeat(62) + "…\" is 203 characters long, more than the limit of 200",
                "resourceMetrics[0].scopeMetrics[0].metrics[1].summary.dataPoints[0]: tags: its quantile series "
                        + "would have 4 distinct tags, more than the limit of 3");
        assertThat(points(r.batch())).containsExactly("a{k:v} GAUGE 1795509750000 2.0");
    }

    @Test
    void emptyAndMalformedBodies() throws Exception {
        assertThat(OtlpMetricsDecoder.decodeProtobuf(new byte[0], CLOCK, limits).complete()).isTrue();
        assertThat(OtlpMetricsDecoder.decodeProtobuf(new byte[0], CLOCK, limits).acceptedPoints()).isZero();
        byte[] body = bytes("otlp/metrics-java-sdk-1.68.0-cumulative.binpb");
        byte[] truncated = Arrays.copyOf(body, body.length - 10);
        assertThatThrownBy(() -> OtlpMetricsDecoder.decodeProtobuf(truncated, CLOCK, limits))
                .isInstanceOf(MalformedPayloadException.class)
                .hasMessageStartingWith("malformed protobuf ExportMetricsServiceRequest at byte ");
        byte[] json = bytes("otlp/metrics-java-sdk-1.68.0-cumulative.json");
        assertThatThrownBy(() -> OtlpMetricsDecoder.decodeProtobuf(json, CLOCK, limits))
                .isInstanceOf(MalformedPayloadException.class)
                .hasMessageContaining("ExportMetricsServiceRequest");
    }

    private static List<String> concat(Set<String> a, Set<String> b) {
        List<String> all = new java.util.ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}
