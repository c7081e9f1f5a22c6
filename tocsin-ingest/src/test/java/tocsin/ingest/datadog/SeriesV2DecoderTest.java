package tocsin.ingest.datadog;

import org.junit.jupiter.api.Test;
import tocsin.ingest.IngestLimits;
import tocsin.core.metric.MetricMetadata;
import tocsin.ingest.IngestResult;
import tocsin.ingest.MalformedPayloadException;
import tocsin.ingest.TestProtos;
import tocsin.ingest.TestProtos.DdSeries;

import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static tocsin.ingest.Fixtures.CLOCK;
import static tocsin.ingest.Fixtures.bytes;
import static tocsin.ingest.Fixtures.points;
import static tocsin.ingest.Fixtures.utf8;

class SeriesV2DecoderTest {
    private final IngestLimits limits = IngestLimits.datadog();

    private IngestResult json(String body) throws Exception {
        return SeriesV2Decoder.decodeJson(utf8(body), CLOCK, limits);
    }

    @Test
    void decodesWhatTheDatadogApiClientSends() throws Exception {
        IngestResult r = SeriesV2Decoder.decodeJson(bytes("datadog/series-v2-datadog-api-client-java-2.50.0.json"),
                CLOCK, limits);
        assertThat(r.rejections()).isEmpty();
        assertThat(points(r.batch())).containsExactly("smoke.gauge{env:test} GAUGE 1795509757000 1.5");
    }

    @Test
    void typesResourcesAndIgnoredFields() throws Exception {
        IngestResult r = json("""
                {"series":[
                  {"metric":"c","type":1,"points":[{"timestamp":1795509750,"value":3}],"interval":10,
                   "resources":[{"name":"web-1","type":"host"},{"type":"database_instance","name":"db1"}],
                   "unit":"request","source_type_name":"app","metadata":{"origin":{"origin_product":10}}},
                  {"metric":"r","type":2,"points":[{"value":0.5,"timestamp":1795509750}],"tags":["env:prod"]},
                  {"metric":"g","type":3,"points":[{"timestamp":1795509750,"value":-1}],"resources":null},
                  {"metric":"u","type":0,"points":[{"timestamp":1795509750,"value":7}],
                   "resources":[{"name":"","type":"host"}]}
                ]}""");
        assertThat(r.rejections()).isEmpty();
        assertThat(points(r.batch())).containsExactly(
                "c{database_instance:db1,host:web-1} COUNT 1795509750000 3.0",
                "r{env:prod} RATE 1795509750000 0.5",
                "g{} GAUGE 1795509750000 -1.0",
                "u{} GAUGE 1795509750000 7.0");
        // an unspecified type (0) declares nothing
        assertThat(r.declared()).containsExactlyInAnyOrderEntriesOf(java.util.Map.of(
                "c", new MetricMetadata("count", 10, "request", null, null, null, null),
                "r", MetricMetadata.declared("rate", null),
                "g", MetricMetadata.declared("gauge", null)));
    }

    @Test
    void aBadIntervalRefusesItsSeriesAndABadUnitIsNotDeclared() throws Exception {
        IngestResult r = json("""
                {"series":[
                  {"metric":"a","type":2,"interval":"10s","points":[{"timestamp":1795509750,"value":1}]},
                  {"metric":"b","type":2,"interval":86401,"points":[{"timestamp":1795509750,"value":1}]},
                  {"metric":"c","type":2,"interval":10,"unit":"Bytes/Second <script>",
                   "points":[{"timestamp":1795509750,"value":1}]},
                  {"metric":"d","type":2,"interval":10,"unit":7,"points":[{"timestamp":1795509750,"value":1}]}
                ]}""");
        assertThat(r.rejections()).extracting(Object::toString).containsExactly(
                "series[0].interval: expected a whole number of seconds, got \"10s\"",
                "series[1].interval: interval 86401 is not a whole number of seconds from 0 to 86400",
                "series[3].unit: expected a string, got 7");
        assertThat(points(r.batch())).containsExactly("c{} RATE 1795509750000 1.0");
        assertThat(r.declared()).containsExactly(java.util.Map.entry("c", MetricMetadata.declared("rate", 10)));
    }

    @Test
    void namesEveryRejectedItem() throws Exception {
        IngestResult r = json("""
                {"series":[
                  {"metric":"a","type":7,"points":[{"timestamp":1795509750,"value":1}]},
                  {"metric":"b","type":"gauge","points":[{"timestamp":1795509750,"value":1}]},
                  {"metric":"c","points":[{"timestamp":1795509750},{"value":1},{"timestamp":"now","value":1},
                     {"timestamp":1795509750,"value":"1"},{"timestamp":1700000000,"value":1},
                     {"timestamp":1795509750,"value":NaN},[1795509750,1],{"timestamp":1795509751,"value":2}]},
                  {"metric":"d","resources":[{"name":5,"type":"host"}],"points":[]}
                ]}""");
        assertThat(r.rejections()).extracting(Object::toString).containsExactly(
                "series[0].type: unknown metric type 7; expected 0 (unspecified), 1 (count), 2 (rate) or 3 (gauge)",
                "series[1].type: expected an integer 0 to 3, got \"gauge\"",
                "series[2].points[0]: missing \"value\"",
                "series[2].points[1]: missing \"timestamp\"",
                "series[2].points[2].timestamp: expected a number, got \"now\"",
                "series[2].points[3].value: expected a number, got \"1\"",
                "series[2].points[4]: timestamp 1700000000 is more than 1h in the past",
                "series[2].points[5]: value NaN is not a finite number",
                "series[2].points[6]: expected an object {\"timestamp\", \"value\"}, got an array",
                "series[3].resources[0].name: expected a string, got 5");
        assertThat(points(r.batch())).containsExactly("c{} GAUGE 1795509751000 2.0");
    }

    @Test
    void decodesTheAgentsProtobufPayload() throws Exception {
        byte[] body = TestProtos.metricPayload(List.of(
                new DdSeries("system.load.1", 3, List.of("env:prod", "Role:Web"), List.<String[]>of(
                        new String[]{"host", "web-1"}), List.of(new long[]{1795509740}, new long[]{1795509750}),
                        List.of(0.25, 0.5), 0, ""),
                new DdSeries("dogstatsd.packets", 1, List.of(), List.<String[]>of(new String[]{"host", ""}),
                        List.<long[]>of(new long[]{1795509750}), List.of(12.0), 10, "packet"),
                new DdSeries("net.bytes", 2, List.of("device:eth0"), List.<String[]>of(
                        new String[]{"host", "web-1"}, new String[]{"database_instance", "db1"}),
                        List.<long[]>of(new long[]{1795509750}), List.of(1024.0), 10, "byte")));
        IngestResult r = SeriesV2Decoder.decodeProtobuf(body, CLOCK, limits);
        assertThat(r.rejections()).isEmpty();
        assertThat(points(r.batch())).containsExactly(
                "system.load.1{env:prod,host:web-1,role:web} GAUGE 1795509740000 0.25",
                "system.load.1{env:prod,host:web-1,role:web} GAUGE 1795509750000 0.5",
                "dogstatsd.packets{} COUNT 1795509750000 12.0",
                "net.bytes{database_instance:db1,device:eth0,host:web-1} RATE 1795509750000 1024.0");
        assertThat(r.declared()).containsExactlyInAnyOrderEntriesOf(java.util.Map.of(
                "system.load.1", MetricMetadata.declared("gauge", null),
                "dogstatsd.packets", new MetricMetadata("count", 10, "packet", null, null, null, null),
                "net.bytes", new MetricMetadata("rate", 10, "byte", null, null, null, null)));
    }

    @Test
    void protobufAndJsonAgree() throws Exception {
        byte[] body = TestProtos.metricPayload(List.of(DdSeries.gauge("smoke.gauge", 1795509757, 1.5, "env:test")));
        assertThat(points(SeriesV2Decoder.decodeProtobuf(body, CLOCK, limits).batch())).isEqualTo(points(
                SeriesV2Decoder.decodeJson(bytes("datadog/series-v2-datadog-api-client-java-2.50.0.json"), CLOCK,
                        limits).batch()));
    }

    @Test
    void protobufItemsAreRejectedOneByOne() throws Exception {
        byte[] body = TestProtos.metricPayload(List.of(
                new DdSeries("", 3, List.of(), List.of(), List.<long[]>of(new long[]{1795509750}), List.of(1.0), 0,
                        ""),
                new DdSeries("x", 9, List.of(), List.of(), List.<long[]>of(new long[]{1795509750}), List.of(1.0), 0,
                        ""),
                new DdSeries("y", 3, List.of(), List.of(), List.of(new long[]{0}, new long[]{1795509750},
                        new long[]{1795509751}), List.of(1.0, Double.NaN, 3.0), 0, "")));
        IngestResult r = SeriesV2Decoder.decodeProtobuf(body, CLOCK, limits);
        assertThat(r.rejections()).extracting(Object::toString).containsExactly(
                "series[0].metric: is missing",
                "series[1].type: unknown metric type 9; expected 0 (unspecified), 1 (count), 2 (rate) or 3 (gauge)",
                "series[2].points[0]: timestamp 0 is more than 1h in the past",
                "series[2].points[1]: value NaN is not a finite number");
        assertThat(points(r.batch())).containsExactly("y{} GAUGE 1795509751000 3.0");
    }

    @Test
    void brokenProtobufFailsAsAWholeWithItsOffset() throws Exception {
        byte[] body = TestProtos.metricPayload(List.of(DdSeries.gauge("smoke.gauge", 1795509757, 1.5, "env:test")));
        byte[] truncated = Arrays.copyOf(body, body.length - 5);
        assertThatThrownBy(() -> SeriesV2Decoder.decodeProtobuf(truncated, CLOCK, limits))
                .isInstanceOf(MalformedPayloadException.class)
                .hasMessageStartingWith("malformed protobuf MetricPayload at byte ");
        assertThatThrownBy(() -> SeriesV2Decoder.decodeProtobuf(utf8("{\"series\":[]}"), CLOCK, limits))
                .isInstanceOf(MalformedPayloadException.class);
        assertThat(SeriesV2Decoder.decodeProtobuf(new byte[0], CLOCK, limits).complete()).isTrue();
    }
}
