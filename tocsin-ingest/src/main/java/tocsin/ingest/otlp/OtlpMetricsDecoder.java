package tocsin.ingest.otlp;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import tocsin.ingest.IngestException;
import tocsin.ingest.IngestLimits;
import tocsin.ingest.IngestResult;
import tocsin.ingest.MalformedPayloadException;

import java.io.IOException;
import java.time.InstantSource;

/**
 * Decodes an OTLP/HTTP {@code POST /v1/metrics} body, an {@code ExportMetricsServiceRequest}, in either encoding:
 * protobuf ({@code application/x-protobuf}, what every OpenTelemetry SDK and the Collector send by default) or
 * OTLP/JSON ({@code application/json}). Metrics become Datadog-style series, following Datadog's own OTLP mapping
 * (Datadog docs "OTLP Metrics Types" and "OpenTelemetry Semantic Conventions and Datadog Conventions"; the code
 * behind them, opentelemetry-mapping-go) so that queries written for Datadog find the same series.
 *
 * <h2>Names and tags</h2>
 * <ul>
 *   <li>The metric name is kept, dots included, after {@link tocsin.ingest.DatadogNames} normalisation
 *       ({@code http.server.request.duration}).</li>
 *   <li>Every resource attribute and every data point attribute becomes the tag {@code key:value}, normalised as
 *       Datadog tags are; an empty value becomes {@code n/a}, non-string values are written as the Collector
 *       writes them ({@code true}, {@code 42}, {@code 1.5}, arrays and maps as JSON). Exceptions, as in Datadog:
 *       {@code process.pid}, {@code process.parent_pid}, {@code process.owner} and {@code process.command_args}
 *       are not tags, and of {@code process.executable.name}, {@code process.executable.path},
 *       {@code process.command} and {@code process.command_line} only the first present is. (Datadog itself tags
 *       only the mapped attributes unless {@code resource_attributes_as_tags} is on; Tocsin tags all.)</li>
 *   <li>Resource attributes with a Datadog name also give that tag: {@code service.name} → {@code service},
 *       {@code service.version} → {@code version}, {@code deployment.environment.name} (else
 *       {@code deployment.environment}) → {@code env}, the container, cloud, ECS and Kubernetes attributes and
 *       labels listed in {@link AttributeTags#DATADOG_KEYS} ({@code k8s.pod.name} → {@code pod_name}, ...), and
 *       {@code datadog.container.tag.<key>} → {@code <key>}. The first of {@code host},
 *       {@code datadog.host.name} and {@code host.name} gives {@code host:<name>}, unless it is a local name
 *       ({@code localhost}).</li>
 *   <li>The instrumentation scope gives {@code instrumentation_scope:<name>} and
 *       {@code instrumentation_scope_version:<version>} (Datadog's {@code instrumentation_scope_metadata_as_tags}).
 *       Scope attributes are not tags.</li>
 * </ul>
 *
 * <h2>Metric types</h2>
 * <ul>
 *   <li>Gauge: {@link tocsin.core.metric.MetricKind#GAUGE}.</li>
 *   <li>Sum: monotonic cumulative → {@code COUNTER}; cumulative non-monotonic → {@code GAUGE}; delta →
 *       {@code COUNT}, monotonic or not (a delta is a change over the interval whatever its sign, and Datadog maps
 *       every delta sum to a count); unspecified temporality → the metric is rejected.</li>
 *   <li>Histogram: {@code <name>.count} and {@code <name>.sum} as {@code COUNTER} (cumulative) or {@code COUNT}
 *       (delta); {@code <name>.min} and {@code <name>.max} as {@code GAUGE} when the point has them (for a
 *       cumulative histogram they cover the time since {@code startTimeUnixNano}); and per bucket
 *       {@code <name>.bucket} tagged {@code lower_bound:<b>} and {@code upper_bound:<b>}, counting that bucket
 *       only (not cumulative like Prometheus' {@code le}), with bounds written as Datadog writes them
 *       ({@code 0.5}, {@code 250.0}, {@code inf}): Datadog's "counters" histogram mode.</li>
 *   <li>Exponential histogram: {@code .count}, {@code .sum}, {@code .min}, {@code .max} as for histograms; a
 *       delta point's buckets also become a distribution point of {@code <name>} (one sketch per point, as Datadog
 *       maps exponential histograms to distributions), so {@code p95:<name>{...}} answers across hosts. A
 *       cumulative point's buckets are not stored: such a point is stored in part and listed among the rejections
 *       saying so.</li>
 *   <li>Summary: {@code <name>.count} and {@code <name>.sum} as {@code COUNTER} (summaries are cumulative), and
 *       per quantile {@code <name>.quantile} tagged {@code quantile:<q>} as {@code GAUGE}.</li>
 * </ul>
 *
 * <h2>Points</h2>
 * <ul>
 *   <li>{@code timeUnixNano} becomes milliseconds (truncated) and must lie within the limits' window;
 *       {@code startTimeUnixNano} is not stored.</li>
 *   <li>A point whose flags have {@code NO_RECORDED_VALUE} (a series that ended), that has no time, or whose value
 *       is NaN or infinite is rejected with the reason. A histogram or summary point with a NaN sum, min, max or
 *       quantile value is stored without it, and listed once saying what was left out.</li>
 *   <li>Exemplars are not stored.</li>
 * </ul>
 *
 * <h2>Rejections</h2>
 * Items are named like {@code resourceMetrics[0].scopeMetrics[1].metrics[2].gauge.dataPoints[3]}; a metric
 * refused whole (no name, unknown temporality, no data) is named by its field and counts each of its data points,
 * so that {@link IngestResult#rejectedItems()} is what {@link OtlpResponses} reports as
 * {@code rejected_data_points}. A body that does not parse as an {@code ExportMetricsServiceRequest} in its
 * encoding is a {@link MalformedPayloadException}, which OTLP answers with 400.
 *
 * <p>Thread-safe (stateless); each call allocates its own state.
 */
public final class OtlpMetricsDecoder {
    private OtlpMetricsDecoder() {
    }

    /**
     * Decodes a protobuf body, already stripped of its HTTP content encoding. An empty body is an empty request.
     *
     * @throws MalformedPayloadException when the body is not a protobuf {@code ExportMetricsServiceRequest}; the
     *                                   message gives the byte offset where decoding broke
     */
    public static IngestResult decodeProtobuf(byte[] body, InstantSource clock, IngestLimits limits)
            throws IngestException {
        CodedInputStream in = CodedInputStream.newInstance(body);
        ExportMetricsServiceRequest request;
        try {
            request = ExportMetricsServiceRequest.parseFrom(in);
        } catch (InvalidProtocolBufferException e) {
            throw new MalformedPayloadException("malformed protobuf ExportMetricsServiceRequest at byte "
                    + in.getTotalBytesRead() + ": " + e.getMessage(), e);
        } catch (IOException e) {
            throw new MalformedPayloadException("unreadable protobuf ExportMetricsServiceRequest: "
                    + e.getMessage(), e);
        }
        return MetricsMapper.map(request, clock.millis(), limits, body.length / 40);
    }

    /**
     * Decodes an OTLP/JSON body, already stripped of its HTTP content encoding. An empty body is an empty request.
     *
     * @throws MalformedPayloadException when the body is not JSON, or a value has the wrong type; the message gives
     *                                   line, column and field
     */
    public static IngestResult decodeJson(byte[] body, InstantSource clock, IngestLimits limits)
            throws IngestException {
        ExportMetricsServiceRequest request = OtlpJsonReader.readMetrics(body);
        return MetricsMapper.map(request, clock.millis(), limits, body.length / 120);
    }
}
