/**
 * OpenTelemetry's OTLP/HTTP metrics intake: {@link tocsin.ingest.otlp.OtlpMetricsDecoder} turns an
 * {@code ExportMetricsServiceRequest}, protobuf or OTLP/JSON, into a {@link tocsin.core.metric.MetricBatch} with
 * Datadog's names and tags, and {@link tocsin.ingest.otlp.OtlpResponses} writes the answers the protocol expects
 * (partial success, {@code google.rpc.Status}).
 */
package tocsin.ingest.otlp;
