package tocsin.ingest.dogstatsd;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import tocsin.core.metric.MetricBatch;
import tocsin.core.metric.SeriesKey;
import tocsin.core.metric.SketchBatch;
import tocsin.ingest.ManualClock;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static tocsin.ingest.dogstatsd.DogStatsdAggregatorTest.value;
import static tocsin.ingest.dogstatsd.DogStatsdParser.NO_TIMESTAMP;

class DogStatsdAggregatorPropertyTest {
    private static final SeriesKey KEY = SeriesKey.of("m");

    record Sampled(double value, double rate) {
    }

    @Property
    void countsSumValuesScaledByTheInverseSampleRate(@ForAll("sampled") List<Sampled> samples) {
        DogStatsdAggregator agg = new DogStatsdAggregator(new ManualClock(Instant.EPOCH), AggregatorConfig.defaults());
        double expected = 0;
        for (Sampled s : samples) {
            agg.sample(KEY, DogStatsdType.COUNT, s.value(), s.rate(), NO_TIMESTAMP);
            expected += s.value() / s.rate();
        }
        MetricBatch b = agg.flushAll().metrics();
        assertThat(b.size()).isEqualTo(1);
        assertThat(b.kind(0)).isEqualTo(tocsin.core.metric.MetricKind.RATE);
        // per second of the 10 s interval, as the Agent submits a count
        assertThat(b.value(0) * 10).isCloseTo(expected, within(1e-6 * Math.max(1, Math.abs(expected))));
    }

    @Property(tries = 300)
    void histogramStatisticsOnAShuffledRange(@ForAll @IntRange(min = 1, max = 3000) int n, @ForAll long seed) {
        List<Integer> values = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            values.add(i);
        }
        Collections.shuffle(values, new Random(seed));
        DogStatsdAggregator agg = new DogStatsdAggregator(new ManualClock(Instant.EPOCH),
                AggregatorConfig.defaults().withPercentiles(List.of(50, 95, 99)));
        for (int v : values) {
            agg.sample(KEY, DogStatsdType.HISTOGRAM, v, 1, NO_TIMESTAMP);
        }
        MetricBatch b = agg.flushAll().metrics();
        // the value at a weight target t is the (t + 1)-th smallest, i.e. t + 1 for the range 1..n
        assertThat(value(b, "m.count")).isEqualTo(n / 10.0); // a rate over the 10 s interval
        assertThat(value(b, "m.max")).isEqualTo(n);
        assertThat(value(b, "m.avg")).isCloseTo((n + 1) / 2.0, within(1e-9));
        assertThat(value(b, "m.median")).isEqualTo((n - 1) / 2 + 1);
        assertThat(value(b, "m.50percentile")).isEqualTo((50L * n - 1) / 100 + 1);
        assertThat(value(b, "m.95percentile")).isEqualTo((95L * n - 1) / 100 + 1);
        assertThat(value(b, "m.99percentile")).isEqualTo((99L * n - 1) / 100 + 1);
    }

    @Property
    void sampledHistogramsWeighEachValueByTheInverseRate(@ForAll @Size(min = 1, max = 200) List<@IntRange(max = 1000)
            Integer> values, @ForAll("rates") double rate) {
        DogStatsdAggregator agg = new DogStatsdAggregator(new ManualClock(Instant.EPOCH), AggregatorConfig.defaults());
        for (int v : values) {
            agg.sample(KEY, DogStatsdType.HISTOGRAM, v, rate, NO_TIMESTAMP);
        }
        MetricBatch b = agg.flushAll().metrics();
        long w = (long) (1 / rate);
        long count = w * values.size();
        List<Integer> sorted = values.stream().sorted().toList();
        assertThat(value(b, "m.count")).isEqualTo(count / 10.0);
        double sum = values.stream().mapToDouble(v -> v * (1 / rate)).sum();
        assertThat(value(b, "m.avg")).isCloseTo(sum / count, within(1e-9 * Math.max(1, sum / count)));
        assertThat(value(b, "m.median")).isEqualTo(sorted.get((int) (((count - 1) / 2) / w)).doubleValue());
        assertThat(value(b, "m.95percentile"))
                .isEqualTo(sorted.get((int) (((95 * count - 1) / 100) / w)).doubleValue());
    }

    @Property
    void distributionsBecomeOneSketchPerSeriesAndIntervalWithExactSummary(@ForAll("sampled") List<Sampled> samples) {
        DogStatsdAggregator agg = new DogStatsdAggregator(new ManualClock(Instant.EPOCH), AggregatorConfig.defaults());
        double count = 0;
        double sum = 0;
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (Sampled s : samples) {
            agg.sample(KEY, DogStatsdType.DISTRIBUTION, s.value(), s.rate(), NO_TIMESTAMP);
            count += 1 / s.rate();
            sum += s.value() / s.rate();
            min = Math.min(min, s.value());
            max = Math.max(max, s.value());
        }
        DogStatsdAggregator.Flush flush = agg.flushAll();
        assertThat(flush.metrics().isEmpty()).as("no summary series").isTrue();
        assertThat(flush.sketches().size()).isEqualTo(1);
        SketchBatch.Entry e = flush.sketches().get(0);
        assertThat(e.key()).isEqualTo(KEY);
        assertThat(e.timestampMillis()).isZero();
        assertThat(e.sketch().count()).isCloseTo(count, within(1e-9 * count));
        assertThat(e.sketch().sum()).isCloseTo(sum, within(1e-6 * Math.max(1, Math.abs(sum))));
        assertThat(e.sketch().min()).isEqualTo(min);
        assertThat(e.sketch().max()).isEqualTo(max);
    }

    @Provide
    Arbitrary<List<Sampled>> sampled() {
        return Combinators.combine(Arbitraries.doubles().between(-1e6, 1e6), rates())
                .as(Sampled::new).list().ofMinSize(1).ofMaxSize(200);
    }

    @Provide
    Arbitrary<Double> rates() {
        return Arbitraries.oneOf(Arbitraries.just(1.0), Arbitraries.of(0.5, 0.25, 0.1, 0.01),
                Arbitraries.doubles().between(0.001, 1.0).ofScale(4));
    }
}
