package tocsin.ingest.dogstatsd;

import tocsin.core.metric.MetricBatch;
import tocsin.core.metric.MetricKind;
import tocsin.core.metric.MetricMetadata;
import tocsin.core.metric.SeriesKey;
import tocsin.core.metric.Sketch;
import tocsin.core.metric.SketchBatch;

import java.util.HashMap;
import java.util.Map;

/**
 * What one flush hands over, as the Datadog Agent submits it: gauges as gauges; counts (and a histogram's
 * {@code .count}) as rates, the interval's total divided by the flush interval in seconds and declared with that
 * interval, so that {@code .as_count()} gives the total back; distributions as sketches. Every metric's type is
 * declared once per flush, for the metadata store. Not thread-safe: one per flush.
 */
final class FlushOutput {
    private final double intervalSeconds;
    private final MetricMetadata gauge;
    private final MetricMetadata rate;
    private final MetricMetadata distribution;
    final MetricBatch batch;
    final SketchBatch sketches = new SketchBatch();
    final Map<String, MetricMetadata> declared = new HashMap<>();

    FlushOutput(java.time.Duration interval, int expectedPoints) {
        this.intervalSeconds = interval.toMillis() / 1000.0;
        // an interval of whole seconds is declared; any other (tests only: the server flushes in whole seconds) is
        // left to the query's estimate from the points' spacing
        Integer seconds = interval.toMillis() % 1000 == 0 ? (int) Math.min(Integer.MAX_VALUE, interval.toSeconds())
                : null;
        this.gauge = MetricMetadata.declared("gauge", null);
        this.rate = MetricMetadata.declared("rate", seconds);
        this.distribution = MetricMetadata.declared("distribution", null);
        this.batch = new MetricBatch(expectedPoints);
    }

    void gauge(SeriesKey key, long timestamp, double value) {
        batch.add(key, MetricKind.GAUGE, timestamp, value);
        declare(key, gauge);
    }

    /** A count: {@code total} events in the interval starting at {@code timestamp}, handed over per second. */
    void count(SeriesKey key, long timestamp, double total) {
        batch.add(key, MetricKind.RATE, timestamp, total / intervalSeconds);
        declare(key, rate);
    }

    void sketch(SeriesKey key, long timestamp, Sketch sketch) {
        sketches.add(key, timestamp, sketch);
        declare(key, distribution);
    }

    private void declare(SeriesKey key, MetricMetadata m) {
        declared.putIfAbsent(key.name(), m);
    }
}
