/**
 * Intake protocol decoders: they turn the bodies that real Datadog, DogStatsD, Prometheus and OpenTelemetry clients
 * send into {@link tocsin.core.metric.MetricBatch}es plus per-item {@link tocsin.core.metric.Rejection}s.
 *
 * <p>One package per wire protocol ({@code datadog}, {@code dogstatsd}, {@code promwrite}, {@code promtext},
 * {@code otlp}); this package holds what they share: the {@link tocsin.ingest.IngestLimits} they check, the
 * {@link tocsin.ingest.IngestResult} they return, the {@link tocsin.ingest.IngestException} they throw for a body
 * that cannot be read at all, Datadog's name normalisation, the streaming JSON plumbing
 * ({@link tocsin.ingest.JsonParsing}), the {@code zstd} content coding ({@link tocsin.ingest.ZstdDecoding}), and the
 * service check and event records.
 *
 * <p>Rules every decoder follows: validate at the edge and name the item ({@code series[3].points[1]}); never throw
 * for an individual bad item; accept everything acceptable in a partly bad payload; take time from an injected
 * {@link java.time.InstantSource}.
 */
package tocsin.ingest;
