package tocsin.ingest.otlp;

import com.google.protobuf.CodedInputStream;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import org.junit.jupiter.api.Test;
import tocsin.core.metric.MetricBatch;
import tocsin.core.metric.Rejection;
import tocsin.ingest.IngestResult;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class OtlpResponsesTest {

    @Test
    void fullSuccessLeavesPartialSuccessUnset() throws Exception {
        assertThat(OtlpResponses.metricsResponse(0, null)).isEmpty();
        assertThat(ExportMetricsServiceResponse.parseFrom(OtlpResponses.metricsResponse(0, "")).hasPartialSuccess())
                .isFalse();
        assertThat(text(OtlpResponses.metricsResponseJson(0, null))).isEqualTo("{}");
    }

    @Test
    void partialSuccessCarriesTheCountAndTheMessageInBothEncodings() throws Exception {
        ExportMetricsServiceResponse r = ExportMetricsServiceResponse.parseFrom(
                OtlpResponses.metricsResponse(3, "3 data points rejected: \"x\""));
        assertThat(r.getPartialSuccess().getRejectedDataPoints()).isEqualTo(3);
        assertThat(r.getPartialSuccess().getErrorMessage()).isEqualTo("3 data points rejected: \"x\"");
        assertThat(text(OtlpResponses.metricsResponseJson(3, "3 data points rejected: \"x\"")))
                .isEqualTo("{\"partialSuccess\":{\"rejectedDataPoints\":\"3\","
                        + "\"errorMessage\":\"3 data points rejected: \\\"x\\\"\"}}");
        // a warning: accepted in full, with a message
        assertThat(ExportMetricsServiceResponse.parseFrom(OtlpResponses.metricsResponse(0, "note"))
                .getPartialSuccess().getErrorMessage()).isEqualTo("note");
        assertThat(text(OtlpResponses.metricsResponseJson(0, "note")))
                .isEqualTo("{\"partialSuccess\":{\"errorMessage\":\"note\"}}");
    }

    @Test
    void theErrorMessageNamesTheFirstRejectionsAndCountsTheRest() {
        assertThat(OtlpResponses.errorMessage(IngestResult.empty())).isNull();
        List<Rejection> twelve = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            twelve.add(new Rejection("resourceMetrics[0].scopeMetrics[0].metrics[" + i + "]", "why " + i));
        }
        String message = OtlpResponses.errorMessage(new IngestResult(new MetricBatch(), twelve, 15));
        assertThat(message).startsWith("15 data points rejected or stored in part: "
                        + "resourceMetrics[0].scopeMetrics[0].metrics[0]: why 0; ")
                .contains("metrics[9]: why 9; and 5 more").doesNotContain("why 10");
        assertThat(OtlpResponses.errorMessage(new IngestResult(new MetricBatch(), List.of(twelve.get(0)), 1)))
                .isEqualTo("1 data point rejected or stored in part: resourceMetrics[0].scopeMetrics[0].metrics[0]: "
                        + "why 0");
    }

    @Test
    void statusBodiesForFailures() throws Exception {
        CodedInputStream in = CodedInputStream.newInstance(
                OtlpResponses.status(OtlpResponses.INVALID_ARGUMENT, "malformed JSON at line 1, column 2"));
        assertThat(in.readTag()).isEqualTo(8);
        assertThat(in.readInt32()).isEqualTo(3);
        assertThat(in.readTag()).isEqualTo(18);
        assertThat(in.readString()).isEqualTo("malformed JSON at line 1, column 2");
        assertThat(in.isAtEnd()).isTrue();
        assertThat(text(OtlpResponses.statusJson(3, "bad"))).isEqualTo("{\"code\":3,\"message\":\"bad\"}");
    }

    private static String text(byte[] json) {
        return new String(json, StandardCharsets.UTF_8);
    }
}
