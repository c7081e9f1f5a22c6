package tocsin.ingest.datadog;

import org.junit.jupiter.api.Test;
import tocsin.core.metric.SeriesKey;
import tocsin.ingest.IngestLimits;
import tocsin.ingest.MalformedPayloadException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static tocsin.ingest.Fixtures.CLOCK;
import static tocsin.ingest.Fixtures.bytes;
import static tocsin.ingest.Fixtures.points;
import static tocsin.ingest.Fixtures.utf8;

class DistributionPointsDecoderTest {
    private final IngestLimits limits = IngestLimits.datadog();

    @Test
    void summarisesEachPointAndKeepsTheRawValues() throws Exception {
        DistributionResult r = DistributionPointsDecoder.decode(bytes("datadog/distribution-points-shape.json"),
                CLOCK, limits);
        assertThat(r.summaries().rejections()).isEmpty();
        String tags = "{env:prod,host:web-1,service:api}";
        assertThat(points(r.summaries().batch())).containsExactly(
                "request.latency.count" + tags + " COUNT 1795509750000 4.0",
                "request.latency.sum" + tags + " COUNT 1795509750000 8.0",
                "request.latency.min" + tags + " GAUGE 1795509750000 0.5",
                "request.latency.max" + tags + " GAUGE 1795509750000 4.0",
                "request.latency.avg" + tags + " GAUGE 1795509750000 2.0");
        assertThat(r.raw()).singleElement().satisfies(p -> {
            assertThat(p.key()).isEqualTo(SeriesKey.of("request.latency", "env:prod", "host:web-1", "service:api"));
            assertThat(p.timestampMillis()).isEqualTo(1795509750000L);
            assertThat(p.values()).containsExactly(0.5, 1.5, 2.0, 4.0);
        });
    }

    @Test
    void refusesBadPointsWhole() throws Exception {
        DistributionResult r = DistributionPointsDecoder.decode(utf8("""
                {"series":[{"metric":"d","points":[
                  [1795509750,[1,"x",3]],[1795509750,[]],[1795509750,5],[1700000000,[1]],[1795509751,[1,NaN]],
                  [1795509752,[1e308,1e308]],[1795509753,[2,4]]]}]}"""), CLOCK, limits);
        assertThat(r.summaries().rejections()).extracting(Object::toString).containsExactly(
                "series[0].points[0][1][1]: expected a number, got \"x\"",
                "series[0].points[1][1]: no values",
                "series[0].points[2][1]: expected an array of numbers, got 5",
                "series[0].points[3]: timestamp 1700000000 is more than 1h in the past",
                "series[0].points[4][1][1]: value NaN is not a finite number",
                "series[0].points[5][1]: the sum of the values is not a finite number");
        assertThat(r.raw()).singleElement().satisfies(p -> assertThat(p.values()).containsExactly(2.0, 4.0));
        assertThat(r.summaries().acceptedPoints()).isEqualTo(5);
    }

    @Test
    void malformedJsonFailsAsAWhole() {
        assertThatThrownBy(() -> DistributionPointsDecoder.decode(utf8("{\"series\":[[}"), CLOCK, limits))
                .isInstanceOf(MalformedPayloadException.class).hasMessageContaining("line 1, column 13");
    }
}
