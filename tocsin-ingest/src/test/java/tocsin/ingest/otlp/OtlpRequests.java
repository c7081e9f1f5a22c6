package tocsin.ingest.otlp;

import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.Gauge;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.metrics.v1.Sum;
import io.opentelemetry.proto.resource.v1.Resource;
import tocsin.core.metric.MetricBatch;
import tocsin.core.metric.SeriesKey;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** Small OTLP requests built with the opentelemetry-proto classes, and readable views of what they decode to. */
final class OtlpRequests {
    /** Ten seconds before {@link tocsin.ingest.Fixtures#NOW}, in Unix nanoseconds. */
    static final long TS = 1_795_509_750_000_000_000L;
    static final long TS_MILLIS = TS / 1_000_000;

    private OtlpRequests() {
    }

    static KeyValue attr(String key, String value) {
        return KeyValue.newBuilder().setKey(key).setValue(AnyValue.newBuilder().setStringValue(value)).build();
    }

    static KeyValue attr(String key, AnyValue value) {
        return KeyValue.newBuilder().setKey(key).setValue(value).build();
    }

    static NumberDataPoint point(long nanos, double value, KeyValue... attributes) {
        return NumberDataPoint.newBuilder().setTimeUnixNano(nanos).setAsDouble(value)
                .addAllAttributes(Arrays.asList(attributes)).build();
    }

    static Metric gauge(String name, NumberDataPoint... points) {
        return Metric.newBuilder().setName(name).setGauge(Gauge.newBuilder().addAllDataPoints(Arrays.asList(points)))
                .build();
    }

    static Metric sum(String name, AggregationTemporality temporality, boolean monotonic, NumberDataPoint... points) {
        return Metric.newBuilder().setName(name).setSum(Sum.newBuilder().setAggregationTemporality(temporality)
                .setIsMonotonic(monotonic).addAllDataPoints(Arrays.asList(points))).build();
    }

    /** One resource with {@code resource} attributes and a scope without name or version, holding the metrics. */
    static ExportMetricsServiceRequest request(List<KeyValue> resource, Metric... metrics) {
        return ExportMetricsServiceRequest.newBuilder().addResourceMetrics(ResourceMetrics.newBuilder()
                .setResource(Resource.newBuilder().addAllAttributes(resource))
                .addScopeMetrics(ScopeMetrics.newBuilder().setScope(InstrumentationScope.getDefaultInstance())
                        .addAllMetrics(Arrays.asList(metrics)))).build();
    }

    /** The scope tags of {@link #request}. */
    static final Set<String> NO_SCOPE = Set.of("instrumentation_scope:n/a", "instrumentation_scope_version:n/a");

    /**
     * Each point as {@code name{tags} KIND timestamp value}, leaving out the tags every point must carry (asserted),
     * so that the assertions show what differs.
     */
    static List<String> points(MetricBatch b, Set<String> common) {
        List<String> out = new ArrayList<>();
        b.forEach((key, kind, ts, v) -> {
            assertThat(key.tags()).as(key.toString()).containsAll(common);
            List<String> rest = key.tags().stream().filter(t -> !common.contains(t)).toList();
            out.add(key.name() + "{" + String.join(",", rest) + "} " + kind + " " + ts + " " + v);
        });
        return out;
    }

    static List<String> points(MetricBatch b) {
        return points(b, NO_SCOPE);
    }

    /** The tags of the first point. */
    static List<String> firstTags(MetricBatch b) {
        SeriesKey key = b.key(0);
        return key.tags();
    }
}
