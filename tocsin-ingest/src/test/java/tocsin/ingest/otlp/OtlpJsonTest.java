package tocsin.ingest.otlp;

import org.junit.jupiter.api.Test;
import tocsin.ingest.IngestLimits;
import tocsin.ingest.IngestResult;
import tocsin.ingest.MalformedPayloadException;

import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static tocsin.ingest.Fixtures.CLOCK;
import static tocsin.ingest.Fixtures.bytes;
import static tocsin.ingest.Fixtures.utf8;
import static tocsin.ingest.otlp.OtlpRequests.points;

/** The OTLP/JSON encoding: the same mapping as protobuf, OTLP's JSON rules, and bodies that do not read. */
class OtlpJsonTest {
    private final IngestLimits limits = IngestLimits.datadog();

    private IngestResult json(String body) throws Exception {
        return OtlpMetricsDecoder.decodeJson(utf8(body), CLOCK, limits);
    }

    @Test
    void theJavaSdksJsonDecodesExactlyLikeItsProtobuf() throws Exception {
        for (String run : new String[]{"cumulative", "delta"}) {
            IngestResult proto = OtlpMetricsDecoder.decodeProtobuf(
                    bytes("otlp/metrics-java-sdk-1.68.0-" + run + ".binpb"), CLOCK, limits);
            IngestResult json = OtlpMetricsDecoder.decodeJson(
                    bytes("otlp/metrics-java-sdk-1.68.0-" + run + ".json"), CLOCK, limits);
            // 24 points, and in the delta run one distribution point: the exponential histogram's buckets
            assertThat(json.acceptedPoints()).isEqualTo(proto.acceptedPoints())
                    .isEqualTo(run.equals("delta") ? 25 : 24);
            assertThat(json.sketches().entries()).isEqualTo(proto.sketches().entries());
            assertThat(tocsin.ingest.Fixtures.points(json.batch()))
                    .containsExactlyElementsOf(tocsin.ingest.Fixtures.points(proto.batch()));
            assertThat(json.rejections()).isEqualTo(proto.rejections());
        }
    }

    @Test
    void decodesABodyWrittenToTheOtlpJsonSpecification() throws Exception {
        IngestResult r = OtlpMetricsDecoder.decodeJson(bytes("otlp/metrics-otlp-json-spec-shape.json"), CLOCK,
                limits);
        Set<String> resource = Set.of("service.name:payments", "service:payments",
                "k8s.namespace.name:shop", "kube_namespace:shop", "k8s.pod.name:payments-7d9f",
                "pod_name:payments-7d9f", "cloud.region:eu-west-1", "region:eu-west-1", "team.oncall:true",
                "build.number:1042", "cpu.share:0.25", "feature.flags:_a_2", "owner:_team_:_pay", "build.id:3q2_7w",
                "empty:n/a", "instrumentation_scope:payments.meter", "instrumentation_scope_version:n/a");
        assertThat(OtlpRequests.firstTags(r.batch())).containsExactlyInAnyOrderElementsOf(
                concat(resource, "currency:eur"));
        assertThat(points(r.batch(), resource)).containsExactly(
                "payments.processed{currency:eur} COUNT 1795509750000 17.0",
                "payments.queue.age{} GAUGE 1795509750000 12.5",
                "payments.amount.count{} COUNT 1795509750000 3.0",
                "payments.amount.sum{} COUNT 1795509750000 1250.0",
                "payments.amount.min{} GAUGE 1795509750000 50.0",
                "payments.amount.max{} GAUGE 1795509750000 1000.0",
                "payments.amount.bucket{lower_bound:-inf,upper_bound:100.0} COUNT 1795509750000 1.0",
                "payments.amount.bucket{lower_bound:100.0,upper_bound:1000.0} COUNT 1795509750000 1.0",
                "payments.amount.bucket{lower_bound:1000.0,upper_bound:inf} COUNT 1795509750000 1.0",
                "payments.latency.count{} COUNTER 1795509750000 40.0",
                "payments.latency.sum{} COUNTER 1795509750000 812.5",
                "payments.latency.quantile{quantile:0.5} GAUGE 1795509750000 18.0",
                "payments.latency.quantile{quantile:0.99} GAUGE 1795509750000 95.5",
                "payments.latency.quantile{quantile:1.0} GAUGE 1795509750000 120.0");
        assertThat(r.rejections()).extracting(Object::toString).containsExactly(
                "resourceMetrics[0].scopeMetrics[0].metrics[1].gauge.dataPoints[1]: value NaN is not a finite number");
    }

    @Test
    void acceptsWhatLenientSendersWriteAsWell() throws Exception {
        // proto field names, enum names, 64-bit integers as numbers, doubles as strings, unknown fields and nulls
        IngestResult lenient = json("""
                {"resource_metrics":[{"resource":null,"scope_metrics":[{"scope":{"name":"s","future":[1,{}]},
                 "metrics":[
                  {"name":"c","sum":{"aggregation_temporality":"AGGREGATION_TEMPORALITY_CUMULATIVE",
                   "is_monotonic":true,"data_points":[{"time_unix_nano":1795509750000000000,"as_int":5,
                   "attributes":[{"key":"k","value":{"string_value":"v"}}],"flags":null}]}},
                  {"name":"g","gauge":{"dataPoints":[{"timeUnixNano":"1795509750000000000","asDouble":"2.5e1"},
                   {"timeUnixNano":"1795509750000000000","asDouble":"-Infinity"}]},"unit":null}]}]}],
                 "extra":"ignored"}""");
        IngestResult strict = json("""
                {"resourceMetrics":[{"scopeMetrics":[{"scope":{"name":"s"},"metrics":[
                  {"name":"c","sum":{"aggregationTemporality":2,"isMonotonic":true,"dataPoints":[
                   {"timeUnixNano":"1795509750000000000","asInt":"5",
                    "attributes":[{"key":"k","value":{"stringValue":"v"}}]}]}},
                  {"name":"g","gauge":{"dataPoints":[{"timeUnixNano":"1795509750000000000","asDouble":25},
                   {"timeUnixNano":"1795509750000000000","asDouble":"-Infinity"}]}}]}]}]}""");
        assertThat(tocsin.ingest.Fixtures.points(lenient.batch())).containsExactly(
                "c{instrumentation_scope:s,instrumentation_scope_version:n/a,k:v} COUNTER 1795509750000 5.0",
                "g{instrumentation_scope:s,instrumentation_scope_version:n/a} GAUGE 1795509750000 25.0")
                .isEqualTo(tocsin.ingest.Fixtures.points(strict.batch()));
        assertThat(lenient.rejections()).isEqualTo(strict.rejections()).extracting(Object::toString).containsExactly(
                "resourceMetrics[0].scopeMetrics[0].metrics[1].gauge.dataPoints[1]: value -Infinity is not a finite "
                        + "number");
    }

    @Test
    void emptyBodiesAreEmptyRequests() throws Exception {
        assertThat(OtlpMetricsDecoder.decodeJson(new byte[0], CLOCK, limits).acceptedPoints()).isZero();
        assertThat(json("{}").complete()).isTrue();
        assertThat(json(" {\"resourceMetrics\":[]} ").acceptedPoints()).isZero();
    }

    @Test
    void valuesOfTheWrongTypeMakeTheBodyMalformedAndSayWhere() {
        String point = "resourceMetrics[0].scopeMetrics[0].metrics[0].gauge.dataPoints[0]";
        assertMalformed("{\"resourceMetrics\":[{\"scopeMetrics\":[{\"metrics\":[{\"name\":\"g\",\"gauge\":"
                        + "{\"dataPoints\":[{\"timeUnixNano\":true}]}}]}]}]}",
                "line 1, column 101: " + point + ".timeUnixNano: expected an unsigned 64-bit integer (a number or a "
                        + "decimal string), got true");
        assertMalformed("{\"resourceMetrics\":[{\"scopeMetrics\":[{\"metrics\":[{\"name\":\"g\",\"gauge\":"
                        + "{\"dataPoints\":[{\"asDouble\":\"abc\"}]}}]}]}]}",
                point + ".asDouble: expected a number (or \"NaN\", \"Infinity\", \"-Infinity\"), got \"abc\"");
        assertMalformed("{\"resourceMetrics\":[{\"scopeMetrics\":[{\"metrics\":[{\"name\":\"g\",\"gauge\":"
                        + "{\"dataPoints\":[{\"asInt\":\"9223372036854775808\"}]}}]}]}]}",
                point + ".asInt: expected a 64-bit integer, got \"9223372036854775808\"");
        assertMalformed("{\"resourceMetrics\":[{\"scopeMetrics\":[{\"metrics\":[{\"name\":\"h\",\"histogram\":"
                        + "{\"dataPoints\":[{\"count\":1.5}]}}]}]}]}",
                "histogram.dataPoints[0].count: expected an unsigned 64-bit integer (a number or a decimal string), "
                        + "got 1.5");
        assertMalformed("{\"resourceMetrics\":[{\"scopeMetrics\":[{\"metrics\":[{\"name\":7}]}]}]}",
                "resourceMetrics[0].scopeMetrics[0].metrics[0].name: expected a string, got 7");
        assertMalformed("{\"resourceMetrics\":[{\"scopeMetrics\":[{\"metrics\":[{\"name\":\"s\",\"sum\":"
                        + "{\"aggregationTemporality\":\"SOMETIMES\"}}]}]}]}",
                "metrics[0].sum.aggregationTemporality: expected a AggregationTemporality number or name, "
                        + "got \"SOMETIMES\"");
        assertMalformed("{\"resourceMetrics\":{}}", "resourceMetrics: expected an array, got an object");
        assertMalformed("{\"resourceMetrics\":[null]}",
                "resourceMetrics[0]: expected an array element other than null, got null");
        assertMalformed("{\"resourceMetrics\":[{\"resource\":\"web\"}]}",
                "resourceMetrics[0].resource: expected an object, got \"web\"");
        assertMalformed("{\"resourceMetrics\":[{\"resource\":{\"attributes\":[{\"key\":\"b\",\"value\":"
                        + "{\"bytesValue\":\"not base64!\"}}]}}]}",
                "resourceMetrics[0].resource.attributes[0].value.bytesValue: expected base64 bytes");
        assertMalformed("{\"resourceMetrics\":[{\"scopeMetrics\":[{\"metrics\":[{\"name\":\"g\",\"gauge\":"
                        + "{\"dataPoints\":[{\"exemplars\":[{\"traceId\":\"xyz\"}]}]}}]}]}]}",
                ".exemplars[0].traceId: expected hex bytes, got \"xyz\"");
        assertMalformed("[]", "the body: expected an ExportMetricsServiceRequest object, got an array");
        assertMalformed("{} {}", "unexpected content after the top-level object");
    }

    @Test
    void brokenJsonNamesLineAndColumn() {
        assertThatThrownBy(() -> json("{\"resourceMetrics\":[{]}"))
                .isInstanceOf(MalformedPayloadException.class)
                .hasMessageStartingWith("malformed JSON at line 1, column 22");
    }

    private void assertMalformed(String body, String message) {
        assertThatThrownBy(() -> json(body)).isInstanceOf(MalformedPayloadException.class)
                .hasMessageContaining(message);
    }

    private static java.util.List<String> concat(Set<String> tags, String more) {
        java.util.List<String> all = new java.util.ArrayList<>(tags);
        all.add(more);
        return all;
    }
}
