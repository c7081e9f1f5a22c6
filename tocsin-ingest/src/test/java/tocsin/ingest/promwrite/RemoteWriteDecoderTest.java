package tocsin.ingest.promwrite;

import org.junit.jupiter.api.Test;
import org.xerial.snappy.Snappy;
import tocsin.ingest.IngestLimits;
import tocsin.core.metric.MetricMetadata;
import tocsin.ingest.IngestResult;
import tocsin.ingest.MalformedPayloadException;
import tocsin.ingest.PayloadTooLargeException;
import tocsin.ingest.TestProtos;
import tocsin.ingest.TestProtos.PromSeries;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static tocsin.ingest.Fixtures.CLOCK;
import static tocsin.ingest.Fixtures.NOW;
import static tocsin.ingest.Fixtures.points;

class RemoteWriteDecoderTest {
    private static final long T = NOW.toEpochMilli() - 15_000;
    private final IngestLimits limits = IngestLimits.prometheus();

    /** Labels in the order given. */
    static Map<String, String> labels(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    private IngestResult decode(List<PromSeries> series, Map<String, Integer> metadata) throws Exception {
        return RemoteWriteDecoder.decode(Snappy.compress(TestProtos.writeRequest(series, metadata)), CLOCK, limits);
    }

    @Test
    void decodesWhatPrometheusSends() throws Exception {
        IngestResult r = decode(List.of(
                new PromSeries(labels("__name__", "http_requests_total", "code", "200", "instance", "web-1:9090",
                        "job", "api", "Path", "/Users/A B"), new long[]{T - 15_000, T}, new double[]{10, 12}, 0, 1),
                PromSeries.of(labels("__name__", "process_resident_memory_bytes", "empty", "", "job", "api"), T,
                        2.5e8),
                PromSeries.of(labels("__name__", "job:http_requests:rate5m", "job", "api"), T, 0.5)), Map.of());
        assertThat(r.rejections()).isEmpty();
        assertThat(points(r.batch())).containsExactly(
                "http_requests_total{Path:/Users/A B,code:200,instance:web-1:9090,job:api} COUNTER " + (T - 15_000)
                        + " 10.0",
                "http_requests_total{Path:/Users/A B,code:200,instance:web-1:9090,job:api} COUNTER " + T + " 12.0",
                "process_resident_memory_bytes{job:api} GAUGE " + T + " 2.5E8",
                "job:http_requests:rate5m{job:api} GAUGE " + T + " 0.5");
        assertThat(r.batch().key(0)).isSameAs(r.batch().key(1));
    }

    @Test
    void aReusedMessageBufferNeverLeaksTheBytesOfAnEarlierRequest() throws Exception {
        // A long request, then short ones: each short one is decompressed into the long one's buffer, whose tail
        // still holds the long one's series. They must decode exactly as from a fresh array, truncations included.
        List<PromSeries> many = new java.util.ArrayList<>();
        for (int i = 0; i < 500; i++) {
            many.add(PromSeries.of(labels("__name__", "node_load1", "instance", "host-" + i + ":9100"), T, i));
        }
        for (int round = 0; round < 3; round++) {
            assertThat(decode(many, Map.of()).acceptedPoints()).isEqualTo(500);
            List<PromSeries> few = List.of(PromSeries.of(labels("__name__", "up", "job", "api"), T, 1));
            byte[] message = TestProtos.writeRequest(few, Map.of());
            assertThat(points(decode(few, Map.of()).batch())).containsExactly("up{job:api} GAUGE " + T + " 1.0");
            assertThat(points(RemoteWriteDecoder.decodeMessage(message, CLOCK, limits).batch()))
                    .containsExactly("up{job:api} GAUGE " + T + " 1.0");
            byte[] cut = Snappy.compress(Arrays.copyOf(message, message.length - 3));
            assertThatThrownBy(() -> RemoteWriteDecoder.decode(cut, CLOCK, limits))
                    .isInstanceOf(MalformedPayloadException.class);
        }
    }

    @Test
    void metadataInTheSameRequestDecidesTheKind() throws Exception {
        IngestResult r = decode(List.of(
                PromSeries.of(labels("__name__", "requests_served"), T, 5),
                PromSeries.of(labels("__name__", "latency_seconds_bucket", "le", "0.1"), T, 3),
                PromSeries.of(labels("__name__", "latency_seconds_count"), T, 4),
                PromSeries.of(labels("__name__", "latency_seconds_sum"), T, 0.3),
                PromSeries.of(labels("__name__", "rpc_seconds", "quantile", "0.99"), T, 0.2),
                PromSeries.of(labels("__name__", "rpc_seconds_count"), T, 9),
                PromSeries.of(labels("__name__", "temperature_total"), T, 21)),
                Map.of("requests_served", 1, "latency_seconds", 3, "rpc_seconds", 5, "temperature_total", 2));
        assertThat(r.batch().size()).isEqualTo(7);
        assertThat(points(r.batch())).extracting(s -> s.split(" ")[1]).containsExactly(
                "COUNTER", "COUNTER", "COUNTER", "COUNTER", "GAUGE", "COUNTER", "GAUGE");
    }

    @Test
    void metadataSentOnItsOwnIsDeclaredForTheMetadataStore() throws Exception {
        // what Prometheus sends every metadata_config.send_interval: no series, only families
        IngestResult r = decode(List.of(), Map.of("node_cpu_seconds_total", 1, "node_load1", 2));
        assertThat(r.acceptedPoints()).isZero();
        assertThat(r.declared()).containsOnlyKeys("node_cpu_seconds_total", "node_load1");
        assertThat(r.declared().get("node_cpu_seconds_total"))
                .isEqualTo(new MetricMetadata("count", null, "second", null, "help text", null, null));
        assertThat(r.declared().get("node_load1").type()).isEqualTo("gauge");
    }

    @Test
    void stalenessMarkersAreSkippedAndOtherNonFiniteValuesRejected() throws Exception {
        double stale = Double.longBitsToDouble(RemoteWriteDecoder.STALE_NAN_BITS);
        IngestResult r = decode(List.of(new PromSeries(labels("__name__", "up", "job", "api"),
                new long[]{T, T + 1, T + 2, T + 3}, new double[]{1, stale, Double.NaN, Double.POSITIVE_INFINITY}, 0,
                0)), Map.of());
        assertThat(points(r.batch())).containsExactly("up{job:api} GAUGE " + T + " 1.0");
        assertThat(r.rejections()).extracting(Object::toString).containsExactly(
                "timeseries[0].samples[2]: value NaN is not a finite number",
                "timeseries[0].samples[3]: value Infinity is not a finite number");
    }

    @Test
    void namesEveryRejectedItem() throws Exception {
        IngestResult r = decode(List.of(
                PromSeries.of(labels("job", "api"), T, 1),
                PromSeries.of(labels("__name__", "a", "bad:name", "x"), T, 1),
                PromSeries.of(labels("__name__", "", "job", "api"), T, 1),
                PromSeries.of(labels("__name__", "b", "", "x"), T, 1),
                PromSeries.of(labels("__name__", "c", "v", "x".repeat(1100)), T, 1),
                new PromSeries(labels("__name__", "d"), new long[]{T - 10_900_000, 1_795_509_700L, T},
                        new double[]{1, 2, 3}, 0, 0),
                new PromSeries(labels("__name__", "native_hist"), new long[0], new double[0], 2, 0),
                new PromSeries(labels("__name__", "mixed"), new long[]{T}, new double[]{4}, 1, 0)), Map.of());
        assertThat(r.rejections()).extracting(Object::toString).containsExactly(
                "timeseries[0].labels: no __name__ label",
                "timeseries[1].labels[1]: label name \"bad:name\" contains ':', which separates a tag's key"
                        + " from its value",
                "timeseries[2].__name__: must not be empty",
                "timeseries[3].labels[1]: label name must not be empty",
                "timeseries[4].labels[1]: \"v:" + "x".repeat(62) + "…\" is 1102 characters long, more than the"
                        + " limit of 1024",
                "timeseries[5].samples[0]: timestamp " + (T - 10_900_000) + " is more than 3h in the past",
                "timeseries[5].samples[1]: timestamp 1795509700 is more than 3h in the past"
                        + " (timestamps are in milliseconds)",
                "timeseries[6].histograms[0]: native histograms are not supported yet",
                "timeseries[6].histograms[1]: native histograms are not supported yet",
                "timeseries[7].histograms[0]: native histograms are not supported yet;"
                        + " the series' float samples were accepted");
        assertThat(points(r.batch())).containsExactly("d{} GAUGE " + T + " 3.0", "mixed{} GAUGE " + T + " 4.0");
    }

    @Test
    void duplicateLabelNamesAreRefused() throws Exception {
        // a LinkedHashMap cannot hold duplicates: append a second "job" label by concatenating two encodings
        byte[] a = TestProtos.writeRequest(List.of(PromSeries.of(labels("__name__", "x", "job", "a"), T, 1)),
                Map.of());
        // re-encode by hand: the series field (1) with its labels plus one more label (name "job", value "b")
        byte[] extraLabel = {0x0a, 0x08, 0x0a, 0x03, 'j', 'o', 'b', 0x12, 0x01, 'b'};
        byte[] series = Arrays.copyOfRange(a, 2, a.length);            // a = [0x0a, len, series...]
        byte[] merged = new byte[series.length + extraLabel.length];
        System.arraycopy(series, 0, merged, 0, series.length);
        System.arraycopy(extraLabel, 0, merged, series.length, extraLabel.length);
        byte[] body = new byte[merged.length + 2];
        body[0] = 0x0a;
        body[1] = (byte) merged.length;
        System.arraycopy(merged, 0, body, 2, merged.length);
        IngestResult r = RemoteWriteDecoder.decodeMessage(body, CLOCK, limits);
        assertThat(r.rejections()).extracting(Object::toString)
                .containsExactly("timeseries[0].labels[2]: duplicate label name \"job\"");
    }

    @Test
    void brokenBodiesFailAsAWhole() throws Exception {
        byte[] message = TestProtos.writeRequest(List.of(PromSeries.of(labels("__name__", "up"), T, 1)), Map.of());
        assertThatThrownBy(() -> RemoteWriteDecoder.decode(message, CLOCK, limits))
                .isInstanceOf(MalformedPayloadException.class).hasMessageStartingWith("malformed snappy block");
        assertThatThrownBy(() -> RemoteWriteDecoder.decode(new byte[0], CLOCK, limits))
                .isInstanceOf(MalformedPayloadException.class).hasMessageStartingWith("empty body");
        byte[] framed = {(byte) 0xff, 0x06, 0x00, 0x00, 's', 'N', 'a', 'P', 'p', 'Y', 0, 0};
        assertThatThrownBy(() -> RemoteWriteDecoder.decode(framed, CLOCK, limits))
                .hasMessageContaining("framed (stream) format");
        byte[] truncated = Snappy.compress(Arrays.copyOf(message, message.length - 3));
        assertThatThrownBy(() -> RemoteWriteDecoder.decode(truncated, CLOCK, limits))
                .isInstanceOf(MalformedPayloadException.class)
                .hasMessageStartingWith("malformed protobuf WriteRequest at byte ");
        byte[] big = Snappy.compress(new byte[100_000]);
        assertThatThrownBy(() -> RemoteWriteDecoder.decode(big, CLOCK, limits, 50_000))
                .isInstanceOf(PayloadTooLargeException.class)
                .hasMessage("the body decompresses to 100000 bytes, more than the limit of 50000; send fewer samples"
                        + " per request");
        byte[] compressed = Snappy.compress(message);
        byte[] cut = Arrays.copyOf(compressed, compressed.length - 4);
        assertThatThrownBy(() -> RemoteWriteDecoder.decode(cut, CLOCK, limits))
                .isInstanceOf(MalformedPayloadException.class).hasMessageStartingWith("malformed snappy block");
    }
}
