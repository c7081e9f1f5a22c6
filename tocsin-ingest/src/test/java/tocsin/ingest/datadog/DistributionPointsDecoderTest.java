package tocsin.ingest.datadog;

import org.junit.jupiter.api.Test;
import tocsin.core.metric.SeriesKey;
import tocsin.core.metric.Sketch;
import tocsin.ingest.IngestLimits;
import tocsin.ingest.MalformedPayloadException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static tocsin.ingest.Fixtures.CLOCK;
import static tocsin.ingest.Fixtures.bytes;
import static tocsin.ingest.Fixtures.utf8;

class DistributionPointsDecoderTest {
    private final IngestLimits limits = IngestLimits.datadog();

    @Test
    void sketchesEachPointWithoutSummarySeries() throws Exception {
        DistributionResult r = DistributionPointsDecoder.decode(bytes("datadog/distribution-points-shape.json"),
                CLOCK, limits);
        assertThat(r.rejections()).isEmpty();
        assertThat(r.sketches().entries()).singleElement().satisfies(p -> {
            assertThat(p.key()).isEqualTo(SeriesKey.of("request.latency", "env:prod", "host:web-1", "service:api"));
            assertThat(p.timestampMillis()).isEqualTo(1795509750000L);
            assertThat(p.sketch()).isEqualTo(Sketch.of(0.5, 1.5, 2.0, 4.0));
        });
    }

    @Test
    void refusesBadPointsWhole() throws Exception {
        DistributionResult r = DistributionPointsDecoder.decode(utf8("""
                {"series":[{"metric":"d","points":[
                  [1795509750,[1,"x",3]],[1795509750,[]],[1795509750,5],[1700000000,[1]],[1795509751,[1,NaN]],
                  [1795509752,[1e308,1e308]],[1795509753,[2,4]]]}]}"""), CLOCK, limits);
        assertThat(r.rejections()).extracting(Object::toString).containsExactly(
                "series[0].points[0][1][1]: expected a number, got \"x\"",
                "series[0].points[1][1]: no values",
                "series[0].points[2][1]: expected an array of numbers, got 5",
                "series[0].points[3]: timestamp 1700000000 is more than 1h in the past",
                "series[0].points[4][1][1]: value NaN is not a finite number",
                "series[0].points[5][1]: the sum of the values is not a finite number");
        assertThat(r.sketches().entries()).singleElement()
                .satisfies(p -> assertThat(p.sketch()).isEqualTo(Sketch.of(2.0, 4.0)));
        assertThat(r.rejectedItems()).isEqualTo(6);
    }

    @Test
    void refusesOversizedValueListsAndWrongShapes() throws Exception {
        StringBuilder many = new StringBuilder("[1795509750,[");
        for (int i = 0; i <= DistributionPointsDecoder.MAX_VALUES_PER_POINT; i++) {
            many.append(i == 0 ? "" : ",").append(i % 7);
        }
        many.append("]]");
        DistributionResult r = DistributionPointsDecoder.decode(utf8("""
                {"series":[{"metric":"d","points":[%s,[1795509750,[1,2]]]},
                           {"metric":"e","points":"soon"},
                           {"metric":"f","points":[[1795509750,[true]],["now",[1]],[1795509750,[1],3],[]]},
                           {"metric":"g","points":[[1795509750,[-Infinity]]]},
                           {"metric":"","points":[[1795509750,[1]]]}]}""".formatted(many)), CLOCK, limits);
        assertThat(r.rejections()).extracting(Object::toString).containsExactly(
                "series[0].points[0][1]: 100001 values; at most 100000 per point",
                "series[1].points: expected an array of [timestamp, [values]], got \"soon\"",
                "series[2].points[0][1][0]: expected a number, got true",
                "series[2].points[1][0]: expected a number, got \"now\"",
                "series[2].points[2]: expected [timestamp, [values]], got 3 elements",
                "series[2].points[3]: expected [timestamp, [values]], got an empty array",
                "series[3].points[0][1][0]: value -Infinity is not a finite number",
                "series[4].metric: must not be empty");
        assertThat(r.sketches().entries()).singleElement().satisfies(p -> {
            assertThat(p.key().name()).isEqualTo("d");
            assertThat(p.sketch()).isEqualTo(Sketch.of(1, 2));
        });
    }

    @Test
    void malformedJsonFailsAsAWhole() {
        assertThatThrownBy(() -> DistributionPointsDecoder.decode(utf8("{\"series\":[[}"), CLOCK, limits))
                .isInstanceOf(MalformedPayloadException.class).hasMessageContaining("line 1, column 13");
    }
}
