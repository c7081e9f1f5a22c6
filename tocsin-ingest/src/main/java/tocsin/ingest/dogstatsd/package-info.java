/**
 * DogStatsD: {@link tocsin.ingest.dogstatsd.DogStatsdParser} reads datagrams (metrics, service checks, events) with
 * per-line rejections, and {@link tocsin.ingest.dogstatsd.DogStatsdAggregator} aggregates the samples over flush
 * intervals as the Datadog Agent does, so that what is stored matches what Datadog would have stored.
 */
package tocsin.ingest.dogstatsd;
