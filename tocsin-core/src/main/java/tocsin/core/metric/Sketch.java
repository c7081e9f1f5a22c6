package tocsin.core.metric;

import com.datadoghq.sketch.ddsketch.DDSketch;
import com.datadoghq.sketch.ddsketch.encoding.ByteArrayInput;
import com.datadoghq.sketch.ddsketch.encoding.GrowingByteArrayOutput;
import com.datadoghq.sketch.ddsketch.mapping.IndexMapping;
import com.datadoghq.sketch.ddsketch.mapping.LogarithmicMapping;
import com.datadoghq.sketch.ddsketch.store.CollapsingLowestDenseStore;
import com.datadoghq.sketch.ddsketch.store.Store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.function.Supplier;

/**
 * A distribution: the values of a metric over some time and sources, kept as a DDSketch (mergeable, with a relative
 * error bound on every quantile) with the exact count, sum, min and max alongside. This is what Datadog keeps for a
 * distribution metric, and what makes {@code p95:latency{*}} right across hosts: sketches merge without loss, so the
 * quantile of merged sketches is the quantile of all their values, within {@link #RELATIVE_ACCURACY}.
 *
 * <h2>Parameters</h2>
 * The Datadog Agent's: a logarithmic index mapping with relative accuracy 1/128 (its {@code defaultEps}; a returned
 * quantile {@code v'} of true quantile {@code v} has {@code |v' - v| <= |v| / 128}), and at most
 * {@value #MAX_BINS} bins per sign, collapsing the lowest when full (the Agent's {@code defaultBinLimit}). 4096 bins
 * cover a ratio of about 10^27 between the smallest and the largest value at full accuracy. Weights may be
 * fractional (DogStatsD sample rates), so the count is a {@code double}.
 *
 * <p>The quantile at {@code q} is the value of rank {@code floor(q × (count − 1))} (0-based) in the sorted values,
 * within the relative accuracy, and never outside {@code [min, max]}; {@code q = 0} and {@code q = 1} give the exact
 * min and max.
 *
 * <h2>Bytes</h2>
 * {@link #encode()} writes version 1 of the format in {@code docs/format/sketch.md}: a version byte, the exact count,
 * sum, min and max as IEEE 754 doubles, then the bins in sketches-java's compact variable-length encoding, index
 * mapping omitted (version 1 fixes it). A sketch of a thousand latencies spread over three decades takes ~0.5 KiB.
 *
 * <p>Immutable and thread-safe: the wrapped DDSketch is never changed after construction; {@link #merge} and
 * {@link Builder} make new ones. {@link Builder} is not thread-safe.
 */
public final class Sketch {
    /** The Datadog Agent's {@code defaultEps}: every quantile is within 1/128 (0.78 %) of the true value. */
    public static final double RELATIVE_ACCURACY = 1.0 / 128;
    /** Bins per sign before the lowest are collapsed: the Agent's {@code defaultBinLimit}. */
    public static final int MAX_BINS = 4096;
    /** The version {@link #encode()} writes. */
    public static final byte FORMAT_VERSION = 1;
    private static final int HEADER_BYTES = 1 + 4 * 8;
    private static final IndexMapping MAPPING = new LogarithmicMapping(RELATIVE_ACCURACY);
    private static final Supplier<Store> STORE = () -> new CollapsingLowestDenseStore(MAX_BINS);
    private static final Sketch EMPTY = new Sketch(newSketch(), 0, 0, Double.NaN, Double.NaN);

    private final DDSketch sketch;
    private final double count;
    private final double sum;
    private final double min;
    private final double max;

    private Sketch(DDSketch sketch, double count, double sum, double min, double max) {
        this.sketch = sketch;
        this.count = count;
        this.sum = sum;
        this.min = min;
        this.max = max;
    }

    private static DDSketch newSketch() {
        return new DDSketch(MAPPING, STORE);
    }

    /** The sketch of no values: count 0, sum 0, NaN min, max and quantiles. */
    public static Sketch empty() {
        return EMPTY;
    }

    /**
     * The sketch of these values, each of weight 1.
     *
     * @throws IllegalArgumentException when a value is NaN or infinite
     */
    public static Sketch of(double... values) {
        Builder b = builder();
        for (double v : values) {
            b.add(v);
        }
        return b.build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The number of values (the sum of their weights). */
    public double count() {
        return count;
    }

    public boolean isEmpty() {
        return count == 0;
    }

    /**
     * The exact sum of the values (weighted), as a double: it may be infinite (or NaN) when sketches of values near
     * {@link Double#MAX_VALUE} were merged.
     */
    public double sum() {
        return sum;
    }

    /** The exact smallest value, NaN when empty. */
    public double min() {
        return min;
    }

    /** The exact largest value, NaN when empty. */
    public double max() {
        return max;
    }

    /** The exact mean, NaN when empty. */
    public double avg() {
        return count == 0 ? Double.NaN : sum / count;
    }

    /**
     * The value at quantile {@code q} (see the class comment), NaN when empty.
     *
     * @throws IllegalArgumentException when {@code q} is not in {@code [0, 1]}
     */
    public double quantile(double q) {
        if (!(q >= 0 && q <= 1)) {
            throw new IllegalArgumentException("quantile must be in [0, 1], was " + q);
        }
        if (count == 0) {
            return Double.NaN;
        }
        if (q == 0) {
            return min;
        }
        if (q == 1) {
            return max;
        }
        double v = sketch.getValueAtQuantile(q);
        return Math.max(min, Math.min(max, v));
    }

    /** The sketch of this one's values and {@code other}'s. */
    public Sketch merge(Sketch other) {
        if (other.isEmpty()) {
            return this;
        }
        if (isEmpty()) {
            return other;
        }
        return builder().add(this).add(other).build();
    }

    /** The bytes of this sketch, format version {@value #FORMAT_VERSION} ({@code docs/format/sketch.md}). */
    public byte[] encode() {
        GrowingByteArrayOutput out = GrowingByteArrayOutput.withInitialCapacity(64);
        try {
            sketch.encode(out, true);
        } catch (IOException e) {
            throw new IllegalStateException("encoding into memory failed", e); // the in-memory output never throws
        }
        ByteBuffer b = ByteBuffer.allocate(HEADER_BYTES + out.numWrittenBytes());
        b.put(FORMAT_VERSION).putDouble(count).putDouble(sum).putDouble(min).putDouble(max);
        b.put(out.backingArray(), 0, out.numWrittenBytes());
        return b.array();
    }

    /** Decodes {@link #encode()}'s bytes. */
    public static Sketch decode(byte[] bytes) {
        return decode(bytes, 0, bytes.length);
    }

    /**
     * Decodes the sketch in {@code bytes[offset, offset + length)}, checking that it is self-consistent.
     *
     * @throws IllegalArgumentException when the bytes are not a sketch of a known version, or contradict themselves
     *                                  (a count the bins do not add up to, min above max)
     */
    public static Sketch decode(byte[] bytes, int offset, int length) {
        if (length < HEADER_BYTES) {
            throw new IllegalArgumentException("a sketch needs at least " + HEADER_BYTES + " bytes, got " + length);
        }
        ByteBuffer b = ByteBuffer.wrap(bytes, offset, length);
        byte version = b.get();
        if (version != FORMAT_VERSION) {
            throw new IllegalArgumentException("unknown sketch format version " + version + " (this build reads "
                    + FORMAT_VERSION + ")");
        }
        double count = b.getDouble();
        double sum = b.getDouble();
        double min = b.getDouble();
        double max = b.getDouble();
        DDSketch sketch;
        try {
            sketch = DDSketch.decode(ByteArrayInput.wrap(bytes, offset + HEADER_BYTES, length - HEADER_BYTES), STORE,
                    MAPPING);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("sketch bins do not decode: " + e.getMessage(), e);
        }
        // the sum may have overflowed to an infinity (or NaN) when sketches of huge values merged: it is kept as is
        if (!(count >= 0) || !Double.isFinite(count)) {
            throw new IllegalArgumentException("sketch count " + count + " is not valid");
        }
        if (count == 0 ? sketch.getCount() != 0 || sum != 0
                : !(min <= max) || !Double.isFinite(min) || !Double.isFinite(max)
                || Math.abs(sketch.getCount() - count) > 1e-9 * count) {
            throw new IllegalArgumentException("sketch summary (count " + count + ", min " + min + ", max " + max
                    + ") contradicts its bins (count " + sketch.getCount() + ")");
        }
        return count == 0 ? EMPTY : new Sketch(sketch, count, sum, min, max);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Sketch s && Arrays.equals(encode(), s.encode());
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(encode());
    }

    @Override
    public String toString() {
        return "Sketch{count=" + count + ", sum=" + sum + ", min=" + min + ", max=" + max + "}";
    }

    /** Accumulates values and sketches into one sketch. Not thread-safe. */
    public static final class Builder {
        private DDSketch sketch;
        private double count;
        private double sum;
        private double min = Double.POSITIVE_INFINITY;
        private double max = Double.NEGATIVE_INFINITY;

        private Builder() {
        }

        /** Adds one value of weight 1. */
        public Builder add(double value) {
            return add(value, 1);
        }

        /**
         * Adds a value that stands for {@code weight} values (DogStatsD's {@code 1 / sample rate}).
         *
         * @throws IllegalArgumentException when the value is not finite or the weight not finite and positive
         */
        public Builder add(double value, double weight) {
            if (!Double.isFinite(value)) {
                throw new IllegalArgumentException("sketch values must be finite, got " + value);
            }
            if (!(weight > 0) || !Double.isFinite(weight)) {
                throw new IllegalArgumentException("weights must be finite and positive, got " + weight);
            }
            if (sketch == null) {
                sketch = newSketch();
            }
            sketch.accept(value, weight);
            count += weight;
            sum += value * weight;
            min = Math.min(min, value);
            max = Math.max(max, value);
            return this;
        }

        /** Adds every value of {@code other}. */
        public Builder add(Sketch other) {
            if (other.isEmpty()) {
                return this;
            }
            if (sketch == null) {
                sketch = other.sketch.copy();
            } else {
                sketch.mergeWith(other.sketch);
            }
            count += other.count;
            sum += other.sum;
            min = Math.min(min, other.min);
            max = Math.max(max, other.max);
            return this;
        }

        public boolean isEmpty() {
            return count == 0;
        }

        /**
         * The sketch of everything added so far, with an exact sum, min and max known from elsewhere: the Datadog
         * Agent sends them beside its bins, whose values only approximate the values observed.
         *
         * @throws IllegalArgumentException when nothing was added, or min and max are not finite with min ≤ max
         */
        public Sketch build(double exactSum, double exactMin, double exactMax) {
            if (count == 0) {
                throw new IllegalArgumentException("no values to summarise");
            }
            if (!Double.isFinite(exactMin) || !Double.isFinite(exactMax) || exactMin > exactMax) {
                throw new IllegalArgumentException("min " + exactMin + " and max " + exactMax + " are not a range");
            }
            return new Sketch(sketch.copy(), count, exactSum, exactMin, exactMax);
        }

        /** The sketch of everything added so far; the builder may go on adding without changing it. */
        public Sketch build() {
            if (count == 0) {
                return EMPTY;
            }
            return new Sketch(sketch.copy(), count, sum, min, max);
        }
    }
}
