/**
 * Datadog's HTTP intake: series v1 and v2 (JSON and the Agent's protobuf), distribution points, the Agent's sketches
 * ({@code /api/beta/sketches}) and check runs. Each
 * decoder is a static entry point over the body bytes, already stripped of their HTTP content encoding, and reads
 * JSON with Jackson's streaming parser and protobuf by hand with {@code CodedInputStream}.
 */
package tocsin.ingest.datadog;
