package tocsin.ingest.promtext;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;
import tocsin.core.metric.MetricBatch;
import tocsin.core.metric.MetricKind;
import tocsin.core.metric.SeriesKey;
import tocsin.core.metric.MetricMetadata;
import tocsin.ingest.IngestLimits;
import tocsin.ingest.IngestResult;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ExpositionParserTest {
    private final ExpositionParser parser = new ExpositionParser(IngestLimits.prometheus());
    private static final long NOW = 1_800_000_000_000L;

    private IngestResult parse(String text) {
        return parser.parse(text.getBytes(StandardCharsets.UTF_8), List.of("job:node", "instance:h:9100"),
                (n, tags) -> true, NOW);
    }

    @Test
    void readsWhatNodeExporterServes() {
        IngestResult r = parse("""
                # HELP node_cpu_seconds_total Seconds the CPUs spent in each mode.
                # TYPE node_cpu_seconds_total counter
                node_cpu_seconds_total{cpu="0",mode="idle"} 12345.67
                node_cpu_seconds_total{cpu="0",mode="user"} 89.5
                # TYPE node_load1 gauge
                node_load1 0.42
                # TYPE http_request_duration_seconds histogram
                http_request_duration_seconds_bucket{le="0.1"} 3
                http_request_duration_seconds_bucket{le="+Inf"} 5
                http_request_duration_seconds_sum 1.2
                http_request_duration_seconds_count 5
                # TYPE rpc_duration_seconds summary
                rpc_duration_seconds{quantile="0.5"} 0.01
                rpc_duration_seconds_count 9
                untyped_thing 7 1799999999000
                """);
        assertThat(r.rejectedItems()).isZero();
        MetricBatch b = r.batch();
        assertThat(b.size()).isEqualTo(10);
        assertThat(b.key(0)).isEqualTo(SeriesKey.of("node_cpu_seconds_total", "cpu:0", "mode:idle", "job:node",
                "instance:h:9100"));
        assertThat(b.kind(0)).isEqualTo(MetricKind.COUNTER);
        assertThat(b.value(0)).isEqualTo(12345.67);
        assertThat(b.timestamp(0)).isEqualTo(NOW);
        assertThat(b.kind(2)).isEqualTo(MetricKind.GAUGE);
        assertThat(b.kind(3)).isEqualTo(MetricKind.COUNTER); // _bucket of a histogram
        assertThat(b.key(4).tagValue("le")).contains("+Inf");
        assertThat(b.kind(6)).isEqualTo(MetricKind.COUNTER); // _count
        assertThat(b.kind(7)).isEqualTo(MetricKind.GAUGE); // a quantile
        assertThat(b.kind(8)).isEqualTo(MetricKind.COUNTER);
        assertThat(b.timestamp(9)).isEqualTo(1_799_999_999_000L);
    }

    @Test
    void typeHelpAndUnitOfFamiliesWithKeptSamplesAreDeclared() {
        IngestResult r = parser.parse("""
                # HELP node_cpu_seconds_total Seconds the CPUs spent in each mode.
                # TYPE node_cpu_seconds_total counter
                node_cpu_seconds_total{cpu="0",mode="idle"} 100
                # HELP go_gc_duration_seconds A summary of GC pauses.
                # TYPE go_gc_duration_seconds summary
                go_gc_duration_seconds{quantile="0.5"} 0.001
                # TYPE temp gauge
                # UNIT temp celsius
                # HELP temp Temperature.
                temp 21
                # HELP dropped_total Not kept by the scrape's rules.
                # TYPE dropped_total counter
                dropped_total 4
                # HELP absent Declared but never sampled.
                """.getBytes(StandardCharsets.UTF_8), List.of(), (name, tags) -> !name.startsWith("dropped"), NOW);
        assertThat(r.declared()).containsOnlyKeys("node_cpu_seconds_total", "go_gc_duration_seconds", "temp");
        assertThat(r.declared().get("node_cpu_seconds_total")).isEqualTo(new MetricMetadata("count", null, "second",
                null, "Seconds the CPUs spent in each mode.", null, null));
        assertThat(r.declared().get("go_gc_duration_seconds").type()).isNull();
        assertThat(r.declared().get("temp")).isEqualTo(new MetricMetadata("gauge", null, "celsius", null,
                "Temperature.", null, null));
    }

    @Test
    void escapesAndEmptyLabelValues() {
        IngestResult r = parse("msg{text=\"a \\\"quoted\\\" \\\\ line\\n\",empty=\"\"} 1\n");
        assertThat(r.batch().key(0).tagValue("text")).contains("a \"quoted\" \\ line\n");
        assertThat(r.batch().key(0).tagValue("empty")).isEmpty();
    }

    @Test
    void badLinesAreNamedAndTheRestKept() {
        IngestResult r = parse("""
                ok 1
                {bad="x"} 1
                broken{a="x" 1
                noval{a="x"}
                word abc
                nan_value NaN
                ok2 2
                """);
        assertThat(r.batch().size()).isEqualTo(2);
        assertThat(r.rejections()).extracting(Object::toString).containsExactly(
                "line 2: expected a metric name, got '{bad=\"x\"} 1'",
                "line 3: expected ',' or '}' at column 14",
                "line 4: 'noval' has no value",
                "line 5: value 'abc' is not a number",
                "line 6: 'nan_value' value NaN is not a finite number; skipped");
    }

    @Test
    void dropRulesApplyByName() {
        IngestResult r = parser.parse("go_goroutines 5\nnode_load1 1\n".getBytes(StandardCharsets.UTF_8), List.of(),
                (n, tags) -> !n.startsWith("go_"), NOW);
        assertThat(r.batch().size()).isEqualTo(1);
        assertThat(r.batch().key(0).name()).isEqualTo("node_load1");
    }

    @Property(tries = 300)
    void neverThrowsOnArbitraryText(@ForAll String text) {
        parse(text);
    }
}
