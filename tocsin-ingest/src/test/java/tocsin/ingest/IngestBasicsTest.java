package tocsin.ingest;

import org.junit.jupiter.api.Test;
import tocsin.core.metric.MetricKind;
import tocsin.core.metric.SeriesKey;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class IngestBasicsTest {

    @Test
    void datadogLimits() {
        IngestLimits l = IngestLimits.datadog();
        assertThat(l).isEqualTo(new IngestLimits(200, 200, 100, Duration.ofHours(1), Duration.ofMinutes(10)));
        assertThat(l.withMaxPast(Duration.ofHours(2)).maxPast()).isEqualTo(Duration.ofHours(2));
        assertThatThrownBy(() -> new IngestLimits(0, 1, 1, Duration.ZERO, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void windowIsInclusiveAndExplainsItself() {
        TimeWindow w = IngestLimits.datadog().window(1_700_003_600_000L);
        assertThat(w.contains(1_700_000_000_000L)).isTrue();
        assertThat(w.contains(1_699_999_999_999L)).isFalse();
        assertThat(w.contains(1_700_004_200_000L)).isTrue();
        assertThat(w.contains(1_700_004_200_001L)).isFalse();
        assertThat(w.problem(1_600_000_000_000L, "1600000000"))
                .isEqualTo("timestamp 1600000000 is more than 1h in the past");
        assertThat(w.problem(1_800_000_000_000L, "1800000000"))
                .isEqualTo("timestamp 1800000000 is more than 10min in the future");
        TimeWindow edge = IngestLimits.datadog().window(Long.MIN_VALUE + 10);
        assertThat(edge.contains(Long.MIN_VALUE)).isTrue(); // saturates instead of overflowing
        assertThat(IngestLimits.datadog().window(Long.MAX_VALUE - 10).contains(Long.MAX_VALUE)).isTrue();
    }

    @Test
    void rejectionText() {
        assertThat(RejectionText.duration(Duration.ofMinutes(90))).isEqualTo("1h30min");
        assertThat(RejectionText.duration(Duration.ofSeconds(45))).isEqualTo("45s");
        assertThat(RejectionText.duration(Duration.ofMillis(1500))).isEqualTo("1500ms");
        assertThat(RejectionText.quote("a\"b\n\u0001")).isEqualTo("\"a\\\"b\\n\\u0001\"");
        assertThat(RejectionText.quote("x".repeat(100))).hasSize(RejectionText.MAX_SHOWN + 3).endsWith("…\"");
    }

    @Test
    void resultListsAThousandRejectionsAndCountsTheRest() {
        IngestResult.Builder b = IngestResult.builder(4);
        b.add(SeriesKey.of("m"), MetricKind.GAUGE, 1, 1);
        for (int i = 0; i < 1500; i++) {
            if (b.listsMoreRejections()) {
                b.reject("series[" + i + "]", "bad");
            } else {
                b.countRejection();
            }
        }
        IngestResult r = b.build();
        assertThat(r.rejections()).hasSize(IngestResult.MAX_LISTED_REJECTIONS);
        assertThat(r.rejectedItems()).isEqualTo(1500);
        assertThat(r.acceptedPoints()).isEqualTo(1);
        assertThat(r.partial()).isTrue();
        assertThat(r.complete()).isFalse();
        assertThat(IngestResult.empty().partial()).isFalse();
        assertThat(IngestResult.empty().complete()).isTrue();
    }
}
