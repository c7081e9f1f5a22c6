package tocsin.core.metric;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Sketches merged across any partition of the values answer like one sketch of the union: within the accuracy. */
class SketchPropertyTest {

    /** The value of rank floor(q (n - 1)) in the sorted values: the quantile a sketch approximates. */
    static double exactQuantile(double[] sorted, double q) {
        return sorted[(int) Math.floor(q * (sorted.length - 1))];
    }

    static void assertWithinAccuracy(double estimate, double exact) {
        assertThat(estimate).as("estimate of %s", exact)
                .isCloseTo(exact, within(Sketch.RELATIVE_ACCURACY * Math.abs(exact) * (1 + 1e-9) + 1e-300));
    }

    @Property(tries = 300)
    void quantileOfSketchesMergedAcrossHostsIsWithinTheAccuracyOfTheExactQuantile(
            @ForAll("values") List<Double> values, @ForAll @IntRange(min = 1, max = 8) int hosts,
            @ForAll long seed, @ForAll @DoubleRange(min = 0, max = 1) double q) {
        Random random = new Random(seed);
        List<Sketch.Builder> perHost = new ArrayList<>();
        for (int h = 0; h < hosts; h++) {
            perHost.add(Sketch.builder());
        }
        for (double v : values) {
            perHost.get(random.nextInt(hosts)).add(v);
        }
        List<Sketch> sketches = new ArrayList<>();
        for (Sketch.Builder b : perHost) {
            sketches.add(Sketch.decode(b.build().encode())); // as stored: through the bytes
        }
        Collections.shuffle(sketches, random);
        Sketch merged = Sketch.empty();
        for (Sketch s : sketches) {
            merged = random.nextBoolean() ? merged.merge(s) : s.merge(merged);
        }

        double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        assertThat(merged.count()).isEqualTo(sorted.length);
        assertThat(merged.min()).isEqualTo(sorted[0]);
        assertThat(merged.max()).isEqualTo(sorted[sorted.length - 1]);
        assertThat(merged.sum()).isCloseTo(Arrays.stream(sorted).sum(),
                within(1e-9 * Arrays.stream(sorted).map(Math::abs).sum()));
        assertWithinAccuracy(merged.quantile(q), exactQuantile(sorted, q));
        for (double p : new double[]{0.5, 0.75, 0.9, 0.95, 0.99}) {
            assertWithinAccuracy(merged.quantile(p), exactQuantile(sorted, p));
        }
    }

    @Property(tries = 200)
    void bytesRoundTrip(@ForAll("values") List<Double> values) {
        Sketch s = Sketch.of(values.stream().mapToDouble(Double::doubleValue).toArray());
        Sketch back = Sketch.decode(s.encode());
        assertThat(back).isEqualTo(s);
        assertThat(back.count()).isEqualTo(s.count());
        assertThat(back.sum()).isEqualTo(s.sum());
        assertThat(back.min()).isEqualTo(s.min());
        assertThat(back.max()).isEqualTo(s.max());
        for (double q = 0; q <= 1; q += 0.05) {
            assertThat(back.quantile(q)).isEqualTo(s.quantile(q));
        }
    }

    /** Latency-like and signed values over many decades, with zeros and repeats. */
    @Provide
    Arbitrary<List<Double>> values() {
        Arbitrary<Double> magnitude = Arbitraries.doubles().between(-4, 7).map(e -> Math.pow(10, e));
        Arbitrary<Double> signed = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(8, magnitude),
                net.jqwik.api.Tuple.of(2, magnitude.map(v -> -v)),
                net.jqwik.api.Tuple.of(1, Arbitraries.just(0.0)),
                net.jqwik.api.Tuple.of(1, Arbitraries.of(1.0, 2.5, 100.0)));
        return signed.list().ofMinSize(1).ofMaxSize(2000);
    }
}
