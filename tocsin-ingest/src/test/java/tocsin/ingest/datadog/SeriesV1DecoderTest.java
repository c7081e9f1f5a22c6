package tocsin.ingest.datadog;

import org.junit.jupiter.api.Test;
import tocsin.ingest.IngestLimits;
import tocsin.core.metric.MetricMetadata;
import tocsin.ingest.IngestResult;
import tocsin.ingest.MalformedPayloadException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static tocsin.ingest.Fixtures.CLOCK;
import static tocsin.ingest.Fixtures.bytes;
import static tocsin.ingest.Fixtures.points;
import static tocsin.ingest.Fixtures.utf8;

class SeriesV1DecoderTest {
    private final IngestLimits limits = IngestLimits.datadog();

    private IngestResult decode(String json) throws Exception {
        return SeriesV1Decoder.decode(utf8(json), CLOCK, limits);
    }

    @Test
    void decodesWhatTheDatadogApiClientSends() throws Exception {
        IngestResult r = SeriesV1Decoder.decode(bytes("datadog/series-v1-datadog-api-client-java-2.50.0.json"),
                CLOCK, limits);
        assertThat(r.rejections()).isEmpty();
        assertThat(points(r.batch())).containsExactly("smoke.v1{} GAUGE 1795509758000 2.0");
    }

    @Test
    void decodesWhatTheAgentSends() throws Exception {
        IngestResult r = SeriesV1Decoder.decode(bytes("datadog/series-v1-agent-shape.json"), CLOCK, limits);
        assertThat(r.rejections()).isEmpty();
        assertThat(points(r.batch())).containsExactly(
                "system.load.1{env:prod,host:web-1.example.internal,role:web} GAUGE 1795509750000 0.42",
                "system.disk.free{device:/dev/sda1,env:prod,host:web-1.example.internal} GAUGE 1795509750000 1.2345E10",
                "datadog.dogstatsd.packet.count{host:web-1.example.internal} COUNT 1795509750000 12.0",
                "system.net.bytes_rcvd{device:eth0} RATE 1795509740000 1024.5",
                "system.net.bytes_rcvd{device:eth0} RATE 1795509750000 2048.0");
        // one key object per series, shared by its points
        assertThat(r.batch().key(3)).isSameAs(r.batch().key(4));
        // each metric's type, and a count's or rate's interval, for the metadata that .as_count() reads
        assertThat(r.declared()).containsExactlyInAnyOrderEntriesOf(java.util.Map.of(
                "system.load.1", MetricMetadata.declared("gauge", null),
                "system.disk.free", MetricMetadata.declared("gauge", null),
                "datadog.dogstatsd.packet.count", MetricMetadata.declared("count", 10),
                "system.net.bytes_rcvd", MetricMetadata.declared("rate", 10)));
    }

    @Test
    void anIntervalThatIsNotAWholeNumberOfSecondsUpToADayRefusesItsSeries() throws Exception {
        IngestResult r = decode("""
                {"series":[
                  {"metric":"a","type":"rate","interval":"10","points":[[1795509750,1]]},
                  {"metric":"b","type":"rate","interval":-5,"points":[[1795509750,1]]},
                  {"metric":"c","type":"rate","interval":2.5,"points":[[1795509750,1]]},
                  {"metric":"d","type":"rate","interval":1e12,"points":[[1795509750,1]]},
                  {"metric":"e","type":"rate","interval":null,"points":[[1795509750,1]]},
                  {"metric":"f","points":[[1795509750,1]]},
                  {"metric":"g","type":"count","interval":60.0,"points":[[1795509750,1]]}
                ]}""");
        assertThat(r.rejections()).extracting(Object::toString).containsExactly(
                "series[0].interval: expected a whole number of seconds, got \"10\"",
                "series[1].interval: interval -5 is not a whole number of seconds from 0 to 86400",
                "series[2].interval: expected a whole number of seconds, got 2.5",
                "series[3].interval: interval 1e12 is not a whole number of seconds from 0 to 86400");
        assertThat(points(r.batch())).containsExactly("e{} RATE 1795509750000 1.0", "f{} GAUGE 1795509750000 1.0",
                "g{} COUNT 1795509750000 1.0");
        // a rate without an interval declares its type only; a series without a type declares nothing
        assertThat(r.declared()).containsExactlyInAnyOrderEntriesOf(java.util.Map.of(
                "e", MetricMetadata.declared("rate", null), "g", MetricMetadata.declared("count", 60)));
    }

    @Test
    void normalisesNamesAndTagsAsDatadogDoes() throws Exception {
        IngestResult r = decode("""
                {"series":[{"metric":"My App.Requests Total","points":[[1795509750,1]],
                  "tags":["Env:Prod","team:Core Infra","!bad"],"host":"Web-1"}]}""");
        assertThat(points(r.batch())).containsExactly(
                "My_App.Requests_Total{bad,env:prod,host:web-1,team:core_infra} GAUGE 1795509750000 1.0");
    }

    @Test
    void acceptsEverythingAcceptableAndNamesEveryRejectedItem() throws Exception {
        IngestResult r = decode("""
                {"series":[
                  {"metric":"","points":[[1795509750,1]]},
                  {"metric":"a","points":[[1795509750,"abc"],[1795509751,2],[true,3],[1795509752],[1795509753,1,2]]},
                  {"metric":"b","points":[[1795509750,NaN],[1795509751,Infinity],[1795509752,3]]},
                  {"metric":"c","points":[[1795509750,1],[1700000000,2],[1795509760000,3]]},
                  {"metric":"d","type":"histogram","points":[[1795509750,1]]},
                  {"metric":42,"points":[[1795509750,1]]},
                  "not a series",
                  {"metric":"e","tags":["ok",7],"points":[[1795509750,1]]},
                  {"metric":"f","points":{"ts":1}},
                  {"metric":"g","points":[[1795509750,5]],"interval":null,"unknown":{"nested":[1,2]}}
                ]}""");
        assertThat(r.rejections()).extracting(Object::toString).containsExactly(
                "series[0].metric: must not be empty",
                "series[1].points[0][1]: expected a number, got \"abc\"",
                "series[1].points[2][0]: expected a number, got true",
                "series[1].points[3]: expected [timestamp, value], got only a timestamp",
                "series[1].points[4]: expected [timestamp, value], got 3 elements",
                "series[2].points[0]: value NaN is not a finite number",
                "series[2].points[1]: value Infinity is not a finite number",
                "series[3].points[1]: timestamp 1700000000 is more than 1h in the past",
                "series[3].points[2]: timestamp 1795509760000 is more than 10min in the future"
                        + " (timestamps are in seconds, not milliseconds)",
                "series[4].type: unknown metric type \"histogram\"; expected \"gauge\", \"count\" or \"rate\"",
                "series[5].metric: expected a string, got 42",
                "series[6]: expected an object, got \"not a series\"",
                "series[7].tags[1]: expected a string, got 7",
                "series[8].points: expected an array of [timestamp, value], got an object");
        assertThat(points(r.batch())).containsExactly(
                "a{} GAUGE 1795509751000 2.0",
                "b{} GAUGE 1795509752000 3.0",
                "c{} GAUGE 1795509750000 1.0",
                "g{} GAUGE 1795509750000 5.0");
        assertThat(r.partial()).isTrue();
    }

    @Test
    void refusesOverLongNamesAndTagsAndTooManyTags() throws Exception {
        String manyTags = String.join(",", java.util.stream.IntStream.range(0, 101).mapToObj(i -> "\"t" + i + "\"")
                .toList());
        IngestResult r = decode("{\"series\":["
                + "{\"metric\":\"" + "m".repeat(201) + "\",\"points\":[[1795509750,1]]},"
                + "{\"metric\":\"ok\",\"tags\":[\"a\",\"" + "t".repeat(201) + "\"],\"points\":[[1795509750,1]]},"
                + "{\"metric\":\"ok\",\"host\":\"" + "h".repeat(200) + "\",\"points\":[[1795509750,1]]},"
                + "{\"metric\":\"ok\",\"tags\":[" + manyTags + "],\"points\":[[1795509750,1]]}]}");
        assertThat(r.acceptedPoints()).isZero();
        assertThat(r.rejections()).extracting(Object::toString).satisfiesExactly(
                s -> assertThat(s).startsWith("series[0].metric: \"mmmm").endsWith(
                        " is 201 characters long, more than the limit of 200"),
                s -> assertThat(s).startsWith("series[1].tags[1]: \"tttt").endsWith(
                        " is 201 characters long, more than the limit of 200"),
                s -> assertThat(s).startsWith("series[2].host: \"host:hhh").endsWith(
                        " is 205 characters long, more than the limit of 200"),
                s -> assertThat(s).isEqualTo("series[3].tags: has 101 distinct tags, more than the limit of 100"));
    }

    @Test
    void malformedJsonFailsAsAWholeWithItsPosition() {
        assertThatThrownBy(() -> decode("{\"series\":[\n  {\"metric\":\"a\",\"points\":[[1,2]]\n  ,]}"))
                .isInstanceOf(MalformedPayloadException.class)
                .hasMessageStartingWith("malformed JSON at line 3, column 4: Unexpected character (']'");
        assertThatThrownBy(() -> decode("{\"series\":[{\"metric\":\"a\""))
                .isInstanceOf(MalformedPayloadException.class)
                .hasMessage("malformed JSON at line 1, column 25: Unexpected end-of-input: expected close marker for"
                        + " Object (start marker at [line: 1, column: 12])");
        assertThatThrownBy(() -> decode("[1,2]"))
                .hasMessage("unexpected JSON at line 1, column 1: expected an object {\"series\": [...]},"
                        + " got an array");
        assertThatThrownBy(() -> decode("{\"series\":{}}"))
                .hasMessage("unexpected JSON at line 1, column 11: \"series\" must be an array, got an object");
        assertThatThrownBy(() -> decode("{\"other\":1}"))
                .hasMessage("the JSON object has no \"series\" array");
        assertThatThrownBy(() -> decode("{\"series\":[]} {}"))
                .hasMessageContaining("unexpected content after the top-level object");
        assertThatThrownBy(() -> SeriesV1Decoder.decode(new byte[]{(byte) 0xff, (byte) 0xfe, 0, 1}, CLOCK, limits))
                .isInstanceOf(MalformedPayloadException.class);
    }

    @Test
    void anEmptyBodyIsAnEmptyPayload() throws Exception {
        assertThat(SeriesV1Decoder.decode(new byte[0], CLOCK, limits).acceptedPoints()).isZero();
        assertThat(decode("  ").complete()).isTrue();
        assertThat(decode("{\"series\":[]}").acceptedPoints()).isZero();
    }

    @Test
    void timestampsInEveryNumericForm() throws Exception {
        IngestResult r = decode("""
                {"series":[{"metric":"t","points":[[1795509750,1],[1795509750.25,2],[1.79550975E9,3],
                  [17955097500e-1,4]]}]}""");
        assertThat(r.batch().timestamp(0)).isEqualTo(1_795_509_750_000L);
        assertThat(r.batch().timestamp(1)).isEqualTo(1_795_509_750_250L);
        assertThat(r.batch().timestamp(2)).isEqualTo(1_795_509_750_000L);
        assertThat(r.batch().timestamp(3)).isEqualTo(1_795_509_750_000L);
    }
}
