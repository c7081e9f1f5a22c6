package tocsin.ingest.dogstatsd;

import tocsin.core.metric.SeriesKey;
import tocsin.core.metric.Sketch;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * What one series accumulates during one flush interval, per DogStatsD type, with the Datadog Agent's arithmetic
 * ({@code pkg/metrics}: count.go, gauge.go, histogram.go, set.go). Not thread-safe: the aggregator guards it.
 */
abstract sealed class Context permits Context.Gauge, Context.Count, Context.Samples, Context.Members,
        Context.Distribution {
    final DogStatsdType type;

    Context(DogStatsdType type) {
        this.type = type;
    }

    static Context of(DogStatsdType type) {
        return switch (type) {
            case GAUGE -> new Gauge();
            case COUNT -> new Count();
            case HISTOGRAM, TIMING -> new Samples(type);
            case DISTRIBUTION -> new Distribution();
            case SET -> new Members();
        };
    }

    /** Adds a value; returns false when it had to be dropped (only sets drop). */
    abstract boolean add(double value, double sampleRate, AggregatorConfig config, SplittableRandom random);

    boolean addMember(String member, AggregatorConfig config) {
        throw new IllegalStateException("not a set");
    }

    /** Appends this interval's points, all stamped {@code timestamp}. */
    abstract void emit(SeriesKey key, long timestamp, AggregatorConfig config, FlushOutput out);

    static SeriesKey suffixed(SeriesKey key, String suffix) {
        String[] tags = new String[key.tagCount()];
        for (int i = 0; i < tags.length; i++) {
            tags[i] = key.tag(i);
        }
        return SeriesKey.of(key.name() + suffix, tags);
    }

    /** The last value wins. */
    static final class Gauge extends Context {
        private double last;

        Gauge() {
            super(DogStatsdType.GAUGE);
        }

        @Override
        boolean add(double value, double sampleRate, AggregatorConfig config, SplittableRandom random) {
            last = value;
            return true;
        }

        @Override
        void emit(SeriesKey key, long timestamp, AggregatorConfig config, FlushOutput out) {
            out.gauge(key, timestamp, last);
        }
    }

    /** Values summed, each scaled by 1/sample rate, emitted as the interval's count (a rate; see {@link FlushOutput}). */
    static final class Count extends Context {
        private double sum;

        Count() {
            super(DogStatsdType.COUNT);
        }

        @Override
        boolean add(double value, double sampleRate, AggregatorConfig config, SplittableRandom random) {
            sum += value * (1 / sampleRate);
            return true;
        }

        @Override
        void emit(SeriesKey key, long timestamp, AggregatorConfig config, FlushOutput out) {
            if (Double.isFinite(sum)) {
                out.count(key, timestamp, sum);
            }
        }
    }

    /**
     * Distribution values, sketched: the Agent never aggregates distributions itself, it keeps a sketch per context
     * per interval and sends that. Each value weighs {@code 1 / rate} (at least 1, at most 2^32, as histograms);
     * the interval emits one {@link Sketch} into the sketch batch, no summary series.
     */
    static final class Distribution extends Context {
        private final Sketch.Builder sketch = Sketch.builder();

        Distribution() {
            super(DogStatsdType.DISTRIBUTION);
        }

        @Override
        boolean add(double value, double sampleRate, AggregatorConfig config, SplittableRandom random) {
            if (!Double.isFinite(value)) {
                return false; // the parser refuses these; kept out of the sketch whatever the caller
            }
            sketch.add(value, Math.clamp(1 / sampleRate, 1.0, 0x1p32));
            return true;
        }

        @Override
        void emit(SeriesKey key, long timestamp, AggregatorConfig config, FlushOutput out) {
            if (!sketch.isEmpty()) {
                out.sketch(key, timestamp, sketch.build());
            }
        }
    }

    /** Distinct members, emitted as their number. */
    static final class Members extends Context {
        private final Set<String> members = new HashSet<>();

        Members() {
            super(DogStatsdType.SET);
        }

        @Override
        boolean add(double value, double sampleRate, AggregatorConfig config, SplittableRandom random) {
            throw new IllegalStateException("a set takes members");
        }

        @Override
        boolean addMember(String member, AggregatorConfig config) {
            if (members.size() >= config.maxSamplesPerContext()) {
                return members.contains(member);
            }
            members.add(member);
            return true;
        }

        @Override
        void emit(SeriesKey key, long timestamp, AggregatorConfig config, FlushOutput out) {
            out.gauge(key, timestamp, members.size());
        }
    }

    /**
     * Histogram and timer values. Each value carries the weight {@code (long) (1 / rate)}, as in the
     * Agent's histogram: {@code count} sums the weights, {@code sum} adds {@code value / rate}, and the median and
     * percentiles walk the weight-sorted values with the Agent's targets ({@code (count - 1) / 2} and
     * {@code (p * count - 1) / 100}, integer division). Past {@code maxSamplesPerContext} values, a uniform reservoir
     * (Vitter's algorithm R) keeps a fair sample for the median and percentiles, and their targets use the
     * reservoir's own weight; count, sum, min, max and avg stay exact.
     */
    static final class Samples extends Context {
        private double[] values = new double[8];
        private long[] weights; // null while every weight is 1, the common case
        private int size;
        private long seen;
        private long count;
        private double sum;
        private double min = Double.POSITIVE_INFINITY;
        private double max = Double.NEGATIVE_INFINITY;

        Samples(DogStatsdType type) {
            super(type);
        }

        @Override
        boolean add(double value, double sampleRate, AggregatorConfig config, SplittableRandom random) {
            // capped so that sums of weights cannot overflow; a rate below 2^-32 is not a real sampling rate
            long weight = Math.clamp((long) (1 / sampleRate), 1L, 1L << 32);
            count += weight;
            sum += value * (1 / sampleRate);
            min = Math.min(min, value);
            max = Math.max(max, value);
            seen++;
            int slot;
            if (size < config.maxSamplesPerContext()) {
                if (size == values.length) {
                    values = Arrays.copyOf(values, Math.min(size * 2, config.maxSamplesPerContext()));
                    if (weights != null) {
                        weights = Arrays.copyOf(weights, values.length);
                    }
                }
                slot = size++;
            } else {
                long r = random.nextLong(seen);
                if (r >= size) {
                    return true;
                }
                slot = (int) r;
            }
            values[slot] = value;
            if (weight != 1 && weights == null) {
                weights = new long[values.length];
                Arrays.fill(weights, 0, size, 1);
            }
            if (weights != null) {
                weights[slot] = weight;
            }
            return true;
        }

        @Override
        void emit(SeriesKey key, long timestamp, AggregatorConfig config, FlushOutput out) {
            if (size == 0 || !Double.isFinite(sum)) {
                return;
            }
            sortByValue();
            long stored = storedWeight();
            for (AggregatorConfig.HistogramAggregate a : AggregatorConfig.HistogramAggregate.values()) {
                if (!config.aggregates().contains(a)) {
                    continue;
                }
                double v = switch (a) {
                    case MAX -> max;
                    case MIN -> min;
                    case MEDIAN -> atWeight((stored - 1) / 2);
                    case AVG -> sum / count;
                    case SUM -> sum;
                    case COUNT -> count;
                };
                // as the Agent: the count is a rate (per second, over the interval), the sum a gauge
                if (a == AggregatorConfig.HistogramAggregate.COUNT) {
                    out.count(suffixed(key, a.suffix()), timestamp, v);
                } else {
                    out.gauge(suffixed(key, a.suffix()), timestamp, v);
                }
            }
            List<Integer> ps = config.percentiles();
            for (int p : ps) {
                out.gauge(suffixed(key, "." + p + "percentile"), timestamp, atWeight((p * stored - 1) / 100));
            }
        }

        /** The smallest value whose cumulative weight exceeds {@code target}. */
        private double atWeight(long target) {
            long cumulative = 0;
            for (int i = 0; i < size; i++) {
                cumulative += weights == null ? 1 : weights[i];
                if (cumulative > target) {
                    return values[i];
                }
            }
            return values[size - 1];
        }

        private long storedWeight() {
            if (weights == null) {
                return size;
            }
            long w = 0;
            for (int i = 0; i < size; i++) {
                w += weights[i];
            }
            return w;
        }

        /** Heapsort of the values, carrying the weights along. */
        private void sortByValue() {
            if (weights == null) {
                Arrays.sort(values, 0, size);
                return;
            }
            for (int i = size / 2 - 1; i >= 0; i--) {
                siftDown(i, size);
            }
            for (int end = size - 1; end > 0; end--) {
                swap(0, end);
                siftDown(0, end);
            }
        }

        private void siftDown(int root, int end) {
            while (true) {
                int child = 2 * root + 1;
                if (child >= end) {
                    return;
                }
                if (child + 1 < end && Double.compare(values[child + 1], values[child]) > 0) {
                    child++;
                }
                if (Double.compare(values[root], values[child]) >= 0) {
                    return;
                }
                swap(root, child);
                root = child;
            }
        }

        private void swap(int i, int j) {
            double v = values[i];
            values[i] = values[j];
            values[j] = v;
            long w = weights[i];
            weights[i] = weights[j];
            weights[j] = w;
        }
    }
}
