package tocsin.ingest.dogstatsd;

import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * How a {@link DogStatsdAggregator} aggregates, with the Datadog Agent's defaults. Immutable and thread-safe.
 *
 * @param interval               the flush interval; points are stamped with their interval's start (Agent: 10 s)
 * @param percentiles            percentiles emitted for histograms and timers, each 1 to 100, as
 *                               {@code <name>.<p>percentile} (Agent {@code histogram_percentiles}: 95)
 * @param aggregates             statistics emitted for histograms and timers (Agent {@code histogram_aggregates}:
 *                               max, median, avg, count)
 * @param maxContextsPerInterval distinct series one interval may hold; samples for further series are dropped and
 *                               counted
 * @param maxSamplesPerContext   values one histogram, timer or distribution keeps per interval for its median and
 *                               percentiles (beyond it a uniform reservoir sample is kept; count, sum, min, max and
 *                               avg stay exact), and members one set keeps (beyond it, new members are dropped and
 *                               counted)
 * @param maxTimestampedPoints   {@code |T} points held between two flushes; beyond it they are dropped and counted
 */
public record AggregatorConfig(Duration interval, List<Integer> percentiles, Set<HistogramAggregate> aggregates,
                               int maxContextsPerInterval, int maxSamplesPerContext, int maxTimestampedPoints) {

    /** The statistics a histogram or timer can emit, each as {@code <name>.<statistic>}. */
    public enum HistogramAggregate {
        MAX, MIN, MEDIAN, AVG, SUM, COUNT;

        String suffix() {
            return "." + name().toLowerCase(Locale.ROOT);
        }
    }

    public AggregatorConfig {
        Objects.requireNonNull(interval, "interval");
        if (interval.toMillis() < 1) {
            throw new IllegalArgumentException("interval must be at least 1 ms: " + interval);
        }
        percentiles = percentiles.stream().distinct().sorted().toList();
        for (int p : percentiles) {
            if (p < 1 || p > 100) {
                throw new IllegalArgumentException("percentiles must be between 1 and 100: " + p);
            }
        }
        aggregates = aggregates.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(aggregates));
        if (maxContextsPerInterval < 1 || maxSamplesPerContext < 1 || maxTimestampedPoints < 0) {
            throw new IllegalArgumentException("limits must be positive");
        }
    }

    /** The Datadog Agent's defaults, with memory bounds for a single-node server. */
    public static AggregatorConfig defaults() {
        return new AggregatorConfig(Duration.ofSeconds(10), List.of(95),
                EnumSet.of(HistogramAggregate.MAX, HistogramAggregate.MEDIAN, HistogramAggregate.AVG,
                        HistogramAggregate.COUNT),
                100_000, 10_000, 100_000);
    }

    public AggregatorConfig withInterval(Duration d) {
        return new AggregatorConfig(d, percentiles, aggregates, maxContextsPerInterval, maxSamplesPerContext,
                maxTimestampedPoints);
    }

    public AggregatorConfig withPercentiles(List<Integer> p) {
        return new AggregatorConfig(interval, p, aggregates, maxContextsPerInterval, maxSamplesPerContext,
                maxTimestampedPoints);
    }

    public AggregatorConfig withAggregates(Set<HistogramAggregate> a) {
        return new AggregatorConfig(interval, percentiles, a, maxContextsPerInterval, maxSamplesPerContext,
                maxTimestampedPoints);
    }

    public AggregatorConfig withMaxContextsPerInterval(int n) {
        return new AggregatorConfig(interval, percentiles, aggregates, n, maxSamplesPerContext, maxTimestampedPoints);
    }

    public AggregatorConfig withMaxSamplesPerContext(int n) {
        return new AggregatorConfig(interval, percentiles, aggregates, maxContextsPerInterval, n,
                maxTimestampedPoints);
    }

    public AggregatorConfig withMaxTimestampedPoints(int n) {
        return new AggregatorConfig(interval, percentiles, aggregates, maxContextsPerInterval, maxSamplesPerContext,
                n);
    }
}
