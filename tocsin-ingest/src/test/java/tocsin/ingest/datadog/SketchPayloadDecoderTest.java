package tocsin.ingest.datadog;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.Scale;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;
import tocsin.core.metric.SeriesKey;
import tocsin.core.metric.Sketch;
import tocsin.ingest.IngestLimits;
import tocsin.ingest.MalformedPayloadException;
import tocsin.ingest.TestProtos;
import tocsin.ingest.TestProtos.AgentSketch;
import tocsin.ingest.TestProtos.Dogsketch;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static tocsin.ingest.Fixtures.CLOCK;

class SketchPayloadDecoderTest {
    private final IngestLimits limits = IngestLimits.datadog();
    private static final long TS = CLOCK.millis() / 1000 - 20;

    /** What the Agent's pkg/quantile does with values: key(v) = roundToEven(log_γ v) + bias, γ = 1 + 2/128. */
    static Dogsketch agentSketch(long ts, double... values) {
        double ln = Math.log1p(2.0 / 128);
        int bias = 1 - (int) Math.floor(Math.log(1e-9) / ln);
        TreeMap<Integer, Integer> bins = new TreeMap<>();
        double sum = 0;
        for (double v : values) {
            int k = v == 0 ? 0 : (int) Math.rint(Math.log(Math.abs(v)) / ln) + bias;
            bins.merge(v < 0 ? -k : k, 1, Integer::sum);
            sum += v;
        }
        return new Dogsketch(ts, values.length, Arrays.stream(values).min().orElse(0),
                Arrays.stream(values).max().orElse(0), sum, new ArrayList<>(bins.keySet()),
                new ArrayList<>(bins.values()));
    }

    @Test
    void decodesTheAgentsDogsketchesWithExactSummaries() throws Exception {
        double[] values = new double[100];
        for (int i = 0; i < values.length; i++) {
            values[i] = i + 1;
        }
        byte[] body = TestProtos.sketchPayload(List.of(new AgentSketch("request.latency", "web-1",
                List.of("env:prod"), List.of(agentSketch(TS, values), agentSketch(TS + 10, 0.5, -2, 0)), 0)));
        DistributionResult r = SketchPayloadDecoder.decode(body, CLOCK, limits);
        assertThat(r.rejections()).isEmpty();
        assertThat(r.sketches().entries()).hasSize(2);
        var first = r.sketches().get(0);
        assertThat(first.key()).isEqualTo(SeriesKey.of("request.latency", "env:prod", "host:web-1"));
        assertThat(first.timestampMillis()).isEqualTo(TS * 1000);
        Sketch s = first.sketch();
        assertThat(s.count()).isEqualTo(100);
        assertThat(s.sum()).isEqualTo(5050);
        assertThat(s.min()).isEqualTo(1);
        assertThat(s.max()).isEqualTo(100);
        assertThat(s.quantile(0.5)).isCloseTo(50, within(50 / 64.0));
        assertThat(s.quantile(0.95)).isCloseTo(95, within(95 / 64.0));
        Sketch second = r.sketches().get(1).sketch();
        assertThat(second.count()).isEqualTo(3);
        assertThat(second.min()).isEqualTo(-2);
        assertThat(second.quantile(0.5)).isZero();
    }

    @Property(tries = 100)
    void quantilesOfAgentSketchesStayWithinBothMappingsAccuracy(
            @ForAll @Size(min = 1, max = 500) List<@DoubleRange(min = 0.001, max = 1e6) @Scale(6) Double> values,
            @ForAll @DoubleRange(min = 0, max = 1) double q) throws Exception {
        double[] v = values.stream().mapToDouble(Double::doubleValue).toArray();
        byte[] body = TestProtos.sketchPayload(List.of(new AgentSketch("m", "", List.of(),
                List.of(agentSketch(TS, v)), 0)));
        Sketch s = SketchPayloadDecoder.decode(body, CLOCK, limits).sketches().get(0).sketch();
        double[] sorted = v.clone();
        Arrays.sort(sorted);
        double exact = sorted[(int) Math.floor(q * (sorted.length - 1))];
        // the Agent's bin (±1/128) then Tocsin's (±1/128)
        assertThat(s.quantile(q)).isCloseTo(exact, within(exact * (2.0 / 128 + 1.0 / 128 / 128) * (1 + 1e-9)));
        assertThat(s.count()).isEqualTo(v.length);
    }

    @Test
    void refusesBadDogsketchesOneByOne() throws Exception {
        Dogsketch good = agentSketch(TS, 1, 2, 3);
        byte[] body = TestProtos.sketchPayload(List.of(
                new AgentSketch("m", "h", List.of(), List.of(
                        good,
                        new Dogsketch(TS, 3, 1, 3, 6, List.of(1, 2), List.of(3)),
                        new Dogsketch(TS, 4, 1, 3, 6, good.k(), good.n()),
                        new Dogsketch(TS, 0, 0, 0, 0, List.of(), List.of()),
                        new Dogsketch(TS, 3, 3, 1, 6, good.k(), good.n()),
                        new Dogsketch(TS - 7200, 3, 1, 3, 6, good.k(), good.n()),
                        new Dogsketch(TS, 1, 1, 1, 1, List.of(40_000), List.of(1))), 1),
                new AgentSketch("", "h", List.of(), List.of(good), 0)));
        DistributionResult r = SketchPayloadDecoder.decode(body, CLOCK, limits);
        assertThat(r.rejections()).extracting(Object::toString).containsExactly(
                // protobuf-java writes fields in number order: distributions (3) before dogsketches (7)
                "sketches[0].distributions[0]: the legacy GK distribution format is not supported; Agents since "
                        + "6.4 send dogsketches",
                "sketches[0].dogsketches[1]: k has 2 keys and n 1 counts; they must pair up",
                "sketches[0].dogsketches[2]: the counts n add up to 3 but cnt is 4",
                "sketches[0].dogsketches[3]: no values (the counts n add up to 0)",
                "sketches[0].dogsketches[4]: min 3.0 and max 1.0 are not a finite range",
                "sketches[0].dogsketches[5]: timestamp " + (TS - 7200) + " is more than 1h in the past",
                "sketches[0].dogsketches[6]: key 40000 is outside the Agent's range of ±32767",
                "sketches[1].metric: is missing"); // proto3 leaves an empty string out

        assertThat(r.sketches().entries()).singleElement()
                .satisfies(e -> assertThat(e.sketch().count()).isEqualTo(3));
    }

    @Test
    void malformedProtobufFailsAsAWholeAndAnEmptyBodyIsEmpty() throws Exception {
        assertThatThrownBy(() -> SketchPayloadDecoder.decode(new byte[]{0x0a, 0x7f, 0x01}, CLOCK, limits))
                .isInstanceOf(MalformedPayloadException.class).hasMessageContaining("SketchPayload");
        assertThat(SketchPayloadDecoder.decode(new byte[0], CLOCK, limits).sketches().isEmpty()).isTrue();
    }

    @Test
    void agentKeysMapToTheLowerBoundsOfTheirBins() {
        assertThat(SketchPayloadDecoder.agentValue(0)).isZero();
        assertThat(SketchPayloadDecoder.agentValue(SketchPayloadDecoder.INFINITE_KEY)).isInfinite();
        Dogsketch one = agentSketch(TS, 1.0);
        assertThat(SketchPayloadDecoder.agentValue(one.k().getFirst())).isCloseTo(1.0, within(1e-12));
        assertThat(SketchPayloadDecoder.agentValue(-one.k().getFirst())).isCloseTo(-1.0, within(1e-12));
    }
}
