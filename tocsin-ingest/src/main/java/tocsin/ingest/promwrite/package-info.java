/**
 * Prometheus remote write 1.0: {@link tocsin.ingest.promwrite.RemoteWriteDecoder} undoes the snappy block and
 * decodes the {@code WriteRequest} by hand into a {@link tocsin.core.metric.MetricBatch}.
 */
package tocsin.ingest.promwrite;
