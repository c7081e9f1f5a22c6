package tocsin.tsdb;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import tocsin.core.metric.MetricKind;
import tocsin.core.metric.SeriesKey;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static tocsin.tsdb.MemSeriesTest.s;
import static tocsin.tsdb.MemSeriesTest.samples;
import static tocsin.tsdb.MemSeriesTest.samplesOf;

/**
 * A series against a plain model of its rules (the class comment of {@link MemSeries}): a sorted map for the reorder
 * window and a list of encoded samples, no chunks, no fields standing in for the newest sample. Any sequence of late,
 * early, repeated and conflicting points, with truncations between them, must give the same outcome for every point
 * and the same samples to every reader.
 */
class MemSeriesPropertyTest {

    sealed interface Op permits Append, Truncate, Compact {}

    record Append(long t, double v) implements Op {}

    /** Drops what lies before the chunk range boundary {@code back} ranges before the newest sample's range. */
    record Truncate(int back) implements Op {}

    /** Re-encodes the sealed chunks as decimal where smaller, as maintenance does between appends. */
    record Compact() implements Op {}

    @Property(tries = 400)
    void aSeriesFollowsItsRules(@ForAll("tolerances") long tolerance, @ForAll("ranges") long chunkRange,
                                @ForAll("ops") List<Op> ops) {
        MemSeries series = new MemSeries(0, SeriesKey.of("m"), MetricKind.GAUGE);
        Model model = new Model(tolerance);
        long newestSeen = 0;
        for (Op op : ops) {
            switch (op) {
                case Append a -> {
                    newestSeen = Math.max(newestSeen, a.t());
                    assertThat(series.append(a.t(), a.v(), tolerance, chunkRange)).as("append %s", a)
                            .isEqualTo(model.append(a.t(), Double.doubleToRawLongBits(a.v())));
                }
                case Truncate cut -> {
                    // On a chunk range boundary, as the head cuts: chunks never straddle one, so the model's
                    // sample-by-sample cut is exact.
                    long floor = (Math.floorDiv(newestSeen, chunkRange) - cut.back()) * chunkRange;
                    assertThat(series.truncateBefore(floor)).as("truncate before %d", floor)
                            .isEqualTo(model.truncateBefore(floor));
                }
                case Compact c -> assertThat(series.compactSealed()).isNotNegative();
            }
        }
        List<MemSeriesTest.Sample> expected = model.samples();
        assertThat(samples(series)).isEqualTo(expected);
        assertThat(series.isEmpty()).isEqualTo(expected.isEmpty());
        assertThat(series.maxTime()).isEqualTo(expected.isEmpty() ? Long.MIN_VALUE : expected.getLast().t());
        assertThat(series.minTime()).isEqualTo(expected.isEmpty() ? Long.MAX_VALUE : expected.getFirst().t());
        for (long from = 0; from <= newestSeen + chunkRange; from += chunkRange) {
            long start = from;
            long end = from + chunkRange;
            assertThat(samplesOf(series.chunksBetween(start, end, chunkRange))).as("range [%d, %d)", start, end)
                    .isEqualTo(expected.stream().filter(x -> x.t() >= start && x.t() < end).toList());
            long floor = start + chunkRange / 3;
            assertThat(series.minTimeFrom(floor)).as("first from %d", floor).isEqualTo(expected.stream()
                    .mapToLong(MemSeriesTest.Sample::t).filter(t -> t >= floor).min().orElse(Long.MAX_VALUE));
        }
    }

    @Provide
    Arbitrary<Long> tolerances() {
        return Arbitraries.of(0L, 5_000L, 10_000L, 15_000L, 60_000L);
    }

    @Provide
    Arbitrary<Long> ranges() {
        return Arbitraries.of(60_000L, 7_200_000L);
    }

    /** Timestamps mostly moving on by a scrape interval, often late or repeated; a few values, so that repeats match. */
    @Provide
    Arbitrary<List<Op>> ops() {
        Arbitrary<Long> steps = Arbitraries.frequencyOf(
                Tuple.of(6, Arbitraries.of(15_000L, 10_000L, 1_000L)),
                Tuple.of(2, Arbitraries.of(0L)),
                Tuple.of(3, Arbitraries.longs().between(-40_000, -1)));
        // repeats, decimals (which compact to decimal chunks), and -0.0 and NaN (which keep a chunk XOR)
        Arbitrary<Double> values = Arbitraries.frequencyOf(Tuple.of(6, Arbitraries.of(1.0, 2.0, 3.0)),
                Tuple.of(4, Arbitraries.of(0.25, 12.75, 99.99, 1e-3)), Tuple.of(1, Arbitraries.of(-0.0, Double.NaN)));
        Arbitrary<Op> appends = Combinators.combine(steps, values).as((step, v) -> new Append(step, v));
        Arbitrary<Op> cuts = Arbitraries.integers().between(0, 2).map(Truncate::new);
        Arbitrary<Op> compacts = Arbitraries.just(new Compact());
        return Arbitraries.frequencyOf(Tuple.of(30, appends), Tuple.of(1, cuts), Tuple.of(2, compacts))
                .list().ofMinSize(1).ofMaxSize(400).map(MemSeriesPropertyTest::absolute);
    }

    /** Turns the appends' steps into timestamps from one that moves on (never below 0). */
    private static List<Op> absolute(List<Op> relative) {
        List<Op> out = new ArrayList<>(relative.size());
        long clock = 100_000;
        for (Op op : relative) {
            if (op instanceof Append a) {
                long t = Math.max(0, clock + a.t());
                clock = Math.max(clock, t);
                out.add(new Append(t, a.v()));
            } else {
                out.add(op);
            }
        }
        return out;
    }

    /** The rules, spelled out as plainly as they read. */
    private static final class Model {
        final long tolerance;
        final List<long[]> encoded = new ArrayList<>();
        final TreeMap<Long, Long> window = new TreeMap<>();

        Model(long tolerance) {
            this.tolerance = tolerance;
        }

        MemSeries.Outcome append(long t, long bits) {
            if (!encoded.isEmpty()) {
                long[] last = encoded.getLast();
                if (t < last[0]) {
                    return MemSeries.Outcome.OUT_OF_ORDER;
                }
                if (t == last[0]) {
                    return bits == last[1] ? MemSeries.Outcome.DUPLICATE_IGNORED
                            : MemSeries.Outcome.DUPLICATE_CONFLICT;
                }
            }
            if (!window.isEmpty() && t < window.lastKey() && window.lastKey() - t > tolerance) {
                return MemSeries.Outcome.OUT_OF_ORDER;
            }
            window.put(t, bits);
            long newest = window.lastKey();
            while (window.firstKey() != newest && newest - window.firstKey() > tolerance) {
                Map.Entry<Long, Long> e = window.pollFirstEntry();
                encoded.add(new long[]{e.getKey(), e.getValue()});
            }
            return MemSeries.Outcome.APPENDED;
        }

        boolean truncateBefore(long floor) {
            encoded.removeIf(e -> e[0] < floor);
            window.headMap(floor).clear();
            return encoded.isEmpty() && window.isEmpty();
        }

        List<MemSeriesTest.Sample> samples() {
            List<MemSeriesTest.Sample> out = new ArrayList<>();
            encoded.forEach(e -> out.add(s(e[0], Double.longBitsToDouble(e[1]))));
            window.forEach((t, bits) -> out.add(s(t, Double.longBitsToDouble(bits))));
            return out;
        }
    }
}
