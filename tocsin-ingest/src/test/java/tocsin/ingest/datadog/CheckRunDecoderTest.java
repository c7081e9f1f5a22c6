package tocsin.ingest.datadog;

import org.junit.jupiter.api.Test;
import tocsin.ingest.IngestLimits;
import tocsin.ingest.MalformedPayloadException;
import tocsin.ingest.ServiceCheck;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static tocsin.ingest.Fixtures.CLOCK;
import static tocsin.ingest.Fixtures.NOW;
import static tocsin.ingest.Fixtures.bytes;
import static tocsin.ingest.Fixtures.utf8;

class CheckRunDecoderTest {
    private final IngestLimits limits = IngestLimits.datadog();

    @Test
    void decodesWhatTheAgentSends() throws Exception {
        CheckRunResult r = CheckRunDecoder.decode(bytes("datadog/check-run-agent-shape.json"), CLOCK, limits);
        assertThat(r.rejections()).isEmpty();
        assertThat(r.checks()).containsExactly(
                new ServiceCheck("datadog.agent.up", ServiceCheck.Status.OK, "web-1.example.internal", List.of(),
                        Instant.ofEpochSecond(1795509750), ""),
                new ServiceCheck("ntp.in_sync", ServiceCheck.Status.WARNING, "web-1.example.internal",
                        List.of("env:prod", "source:ntp"), Instant.ofEpochSecond(1795509751),
                        "Offset 3.2s is above 2s"));
    }

    @Test
    void namesEveryRejectedItem() throws Exception {
        CheckRunResult r = CheckRunDecoder.decode(utf8("""
                [{"check":"a","status":5},{"status":0},{"check":"c"},{"check":"d","status":0,"timestamp":1700000000},
                 {"check":"e","status":"ok"},7,{"check":"f","status":2,"tags":["x",1]},{"check":"g","status":3}]"""),
                CLOCK, limits);
        assertThat(r.rejections()).extracting(Object::toString).containsExactly(
                "[0].status: expected 0 (ok), 1 (warning), 2 (critical) or 3 (unknown), got 5",
                "[1].check: is required",
                "[2].status: is required",
                "[3].timestamp: timestamp 1700000000 is more than 1h in the past",
                "[4].status: expected 0 (ok), 1 (warning), 2 (critical) or 3 (unknown), got \"ok\"",
                "[5]: expected an object, got 7",
                "[6].tags[1]: expected a string, got 1");
        assertThat(r.checks()).singleElement().satisfies(c -> {
            assertThat(c.name()).isEqualTo("g");
            assertThat(c.status()).isEqualTo(ServiceCheck.Status.UNKNOWN);
            assertThat(c.timestamp()).isEqualTo(NOW);
            assertThat(c.host()).isEmpty();
        });
        assertThat(r.partial()).isTrue();
    }

    @Test
    void malformedJsonFailsAsAWhole() {
        assertThatThrownBy(() -> CheckRunDecoder.decode(utf8("{\"check\":\"a\"}"), CLOCK, limits))
                .isInstanceOf(MalformedPayloadException.class).hasMessageContaining("expected an array");
        assertThatThrownBy(() -> CheckRunDecoder.decode(utf8("[{\"check\":}]"), CLOCK, limits))
                .isInstanceOf(MalformedPayloadException.class).hasMessageContaining("line 1, column 11");
    }
}
