package tocsin.ingest;

import org.junit.jupiter.api.Test;
import tocsin.core.metric.MetricMetadata;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class PromMetadataTest {
    @Test
    void countersGaugesUnitsFromTheNameAndHelpBecomeDatadogMetadata() {
        assertThat(PromMetadata.declarations("node_cpu_seconds_total", "counter", "Seconds the CPUs spent.", null))
                .containsExactly(Map.entry("node_cpu_seconds_total",
                        new MetricMetadata("count", null, "second", null, "Seconds the CPUs spent.", null, null)));
        // OpenMetrics names a counter's family without _total: its samples carry it
        assertThat(PromMetadata.declarations("http_requests", "counter", null, null)).containsOnlyKeys(
                "http_requests", "http_requests_total");
        assertThat(PromMetadata.declarations("node_memory_MemTotal_bytes", "gauge", "Memory.", null))
                .containsExactly(Map.entry("node_memory_MemTotal_bytes",
                        new MetricMetadata("gauge", null, "byte", null, "Memory.", null, null)));
        assertThat(PromMetadata.declarations("cache_hit_ratio", "gauge", "", null).get("cache_hit_ratio").unit())
                .isEqualTo("fraction");
        // a declared unit wins over the name; one that is no unit name is left out
        assertThat(PromMetadata.declarations("x_seconds", "gauge", null, "milliseconds").get("x_seconds").unit())
                .isEqualTo("millisecond");
        assertThat(PromMetadata.declarations("x", "gauge", null, "Weird Unit!").get("x").unit()).isNull();
    }

    @Test
    void histogramsAndSummariesDeclareNoTypeAndNothingUsableDeclaresNothing() {
        assertThat(PromMetadata.declarations("rpc_duration_seconds", "histogram", "RPC latency.", null))
                .containsExactly(Map.entry("rpc_duration_seconds",
                        new MetricMetadata(null, null, "second", null, "RPC latency.", null, null)));
        assertThat(PromMetadata.declarations("up", "unknown", null, null)).isEmpty();
        assertThat(PromMetadata.declarations("", "gauge", "help", null)).isEmpty();
        assertThat(PromMetadata.declarations("m", "gauge", "h".repeat(5000), null).get("m").description())
                .hasSize(MetricMetadata.MAX_DESCRIPTION);
        assertThat(PromMetadata.typeName(1)).isEqualTo("counter");
        assertThat(PromMetadata.typeName(2)).isEqualTo("gauge");
        assertThat(PromMetadata.typeName(99)).isNull();
    }
}
