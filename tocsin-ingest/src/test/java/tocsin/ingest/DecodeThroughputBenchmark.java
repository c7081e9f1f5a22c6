package tocsin.ingest;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.xerial.snappy.Snappy;
import tocsin.core.metric.Rejection;
import tocsin.core.metric.SeriesKey;
import tocsin.ingest.datadog.SeriesV2Decoder;
import tocsin.core.event.Event;
import tocsin.ingest.dogstatsd.DogStatsdParser;
import tocsin.ingest.dogstatsd.DogStatsdSink;
import tocsin.ingest.dogstatsd.DogStatsdType;
import tocsin.ingest.promwrite.RemoteWriteDecoder;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static tocsin.ingest.Fixtures.CLOCK;
import static tocsin.ingest.Fixtures.NOW;

/**
 * A quick single-thread decode throughput check on synthetic 10k-series payloads; not part of the test suite (JMH
 * benchmarks with a peer belong in tocsin-bench). Run with:
 * {@code ./mvnw -o -B test -pl tocsin-ingest -Dtest=DecodeThroughputBenchmark -Dtocsin.bench=true}
 * and read {@code tocsin-ingest/target/surefire-reports/tocsin.ingest.DecodeThroughputBenchmark-output.txt}.
 */
@EnabledIfSystemProperty(named = "tocsin.bench", matches = "true")
class DecodeThroughputBenchmark {
    private static final int SERIES = 10_000;
    private static final long TS = NOW.getEpochSecond() - 30;

    @Test
    void decodeThroughput() throws Exception {
        byte[] v2json = v2Json();
        byte[] v2proto = v2Proto();
        byte[] remote = Snappy.compress(writeRequest());
        byte[] datagrams = dogstatsd();

        assertThat(SeriesV2Decoder.decodeJson(v2json, CLOCK, IngestLimits.datadog()).acceptedPoints())
                .isEqualTo(SERIES);
        assertThat(SeriesV2Decoder.decodeProtobuf(v2proto, CLOCK, IngestLimits.datadog()).acceptedPoints())
                .isEqualTo(SERIES);
        assertThat(RemoteWriteDecoder.decode(remote, CLOCK, IngestLimits.prometheus()).acceptedPoints())
                .isEqualTo(SERIES);

        measure("v2 JSON", v2json.length, () -> SeriesV2Decoder.decodeJson(v2json, CLOCK, IngestLimits.datadog()));
        tocsin.ingest.SeriesKeyCache ddKeys = new tocsin.ingest.SeriesKeyCache(1 << 17,
                tocsin.core.metric.SeriesHints.NONE);
        measure("v2 JSON, keys cached", v2json.length,
                () -> SeriesV2Decoder.decodeJson(v2json, CLOCK, IngestLimits.datadog(), ddKeys));
        byte[] v1json = v1Json();
        assertThat(tocsin.ingest.datadog.SeriesV1Decoder.decode(v1json, CLOCK, IngestLimits.datadog())
                .acceptedPoints()).isEqualTo(SERIES);
        measure("v1 JSON", v1json.length,
                () -> tocsin.ingest.datadog.SeriesV1Decoder.decode(v1json, CLOCK, IngestLimits.datadog()));
        tocsin.ingest.SeriesKeyCache v1Keys = new tocsin.ingest.SeriesKeyCache(1 << 17,
                tocsin.core.metric.SeriesHints.NONE);
        measure("v1 JSON, keys cached", v1json.length,
                () -> tocsin.ingest.datadog.SeriesV1Decoder.decode(v1json, CLOCK, IngestLimits.datadog(), v1Keys));
        measure("v2 protobuf", v2proto.length,
                () -> SeriesV2Decoder.decodeProtobuf(v2proto, CLOCK, IngestLimits.datadog()));
        measure("remote write (snappy)", remote.length,
                () -> RemoteWriteDecoder.decode(remote, CLOCK, IngestLimits.prometheus()));
        tocsin.ingest.SeriesKeyCache keys = new tocsin.ingest.SeriesKeyCache(1 << 17,
                tocsin.core.metric.SeriesHints.NONE);
        measure("remote write, keys cached", remote.length,
                () -> RemoteWriteDecoder.decode(remote, CLOCK, IngestLimits.prometheus(),
                        RemoteWriteDecoder.DEFAULT_MAX_DECOMPRESSED_BYTES, keys));
        DogStatsdParser parser = new DogStatsdParser(CLOCK, IngestLimits.datadog());
        CountingSink sink = new CountingSink();
        measure("DogStatsD lines", datagrams.length, () -> {
            parser.parse(datagrams, 0, datagrams.length, sink);
            return null;
        });
    }

    @FunctionalInterface
    interface Work {
        Object run() throws Exception;
    }

    private static void measure(String what, int bytes, Work work) throws Exception {
        long warmEnd = System.nanoTime() + 3_000_000_000L;
        while (System.nanoTime() < warmEnd) {
            work.run();
        }
        int rounds = 0;
        long start = System.nanoTime();
        while (System.nanoTime() - start < 5_000_000_000L) {
            work.run();
            rounds++;
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf(Locale.ROOT, "%-22s %,9d bytes/payload  %7.2f ms/payload  %,12.0f series/s  %7.1f MB/s%n",
                what, bytes, seconds * 1000 / rounds, SERIES * rounds / seconds,
                bytes * (double) rounds / seconds / 1e6);
    }

    private static String[] tags(int i) {
        return new String[]{"env:prod", "service:svc-" + (i % 50), "region:us-east-1", "version:1.2." + (i % 7),
                "pod:web-" + (i % 500)};
    }

    /** The same series as {@link #v2Json}, as v1 sends them: {@code [[ts, value]]} and a {@code host} field. */
    static byte[] v1Json() {
        StringBuilder b = new StringBuilder("{\"series\":[");
        for (int i = 0; i < SERIES; i++) {
            b.append(i == 0 ? "" : ",").append("{\"metric\":\"app.requests.m").append(i % 200)
                    .append("\",\"type\":\"rate\",\"points\":[[").append(TS).append(",").append(i * 0.5)
                    .append("]],\"host\":\"host-").append(i % 100).append("\",\"tags\":[");
            String[] t = tags(i);
            for (int k = 0; k < t.length; k++) {
                b.append(k == 0 ? "" : ",").append('"').append(t[k]).append('"');
            }
            b.append("]}");
        }
        return b.append("]}").toString().getBytes(StandardCharsets.UTF_8);
    }

    static byte[] v2Json() {
        StringBuilder b = new StringBuilder("{\"series\":[");
        for (int i = 0; i < SERIES; i++) {
            b.append(i == 0 ? "" : ",").append("{\"metric\":\"app.requests.m").append(i % 200)
                    .append("\",\"type\":3,\"points\":[{\"timestamp\":").append(TS).append(",\"value\":")
                    .append(i * 0.5).append("}],\"resources\":[{\"name\":\"host-").append(i % 100)
                    .append("\",\"type\":\"host\"}],\"tags\":[");
            String[] t = tags(i);
            for (int k = 0; k < t.length; k++) {
                b.append(k == 0 ? "" : ",").append('"').append(t[k]).append('"');
            }
            b.append("]}");
        }
        return b.append("]}").toString().getBytes(StandardCharsets.UTF_8);
    }

    static byte[] v2Proto() {
        List<TestProtos.DdSeries> series = new ArrayList<>();
        for (int i = 0; i < SERIES; i++) {
            series.add(new TestProtos.DdSeries("app.requests.m" + (i % 200), 3, List.of(tags(i)),
                    List.<String[]>of(new String[]{"host", "host-" + (i % 100)}), List.<long[]>of(new long[]{TS}),
                    List.of(i * 0.5), 0, ""));
        }
        return TestProtos.metricPayload(series);
    }

    static byte[] writeRequest() {
        List<TestProtos.PromSeries> series = new ArrayList<>();
        for (int i = 0; i < SERIES; i++) {
            Map<String, String> labels = new LinkedHashMap<>();
            labels.put("__name__", "http_requests_m" + (i % 200) + "_total");
            labels.put("instance", "host-" + (i % 100) + ":9100");
            labels.put("job", "node");
            labels.put("pod", "web-" + (i % 500));
            labels.put("region", "us-east-1");
            labels.put("service", "svc-" + (i % 50));
            series.add(TestProtos.PromSeries.of(labels, TS * 1000, i * 0.5));
        }
        return TestProtos.writeRequest(series, Map.of());
    }

    static byte[] dogstatsd() {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < SERIES; i++) {
            b.append("app.requests.m").append(i % 200).append(':').append(i % 17).append("|c|#")
                    .append(String.join(",", tags(i))).append('\n');
        }
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static final class CountingSink implements DogStatsdSink {
        long n;

        @Override
        public void sample(SeriesKey key, DogStatsdType type, double value, double sampleRate, long ts) {
            n++;
        }

        @Override
        public void setMember(SeriesKey key, String member) {
        }

        @Override
        public void serviceCheck(ServiceCheck check) {
        }

        @Override
        public void event(Event event) {
        }

        @Override
        public void rejected(Rejection rejection) {
            throw new AssertionError(rejection);
        }
    }
}
