package tocsin.tsdb;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.Tuple.Tuple2;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.DoubleSupplier;

import static org.assertj.core.api.Assertions.assertThat;

class XorChunkTest {

    @Property(tries = 500)
    void anyNonDecreasingTimestampsAndAnyDoublesRoundTripBitExactly(
            @ForAll("timestamps") List<Long> timestamps, @ForAll("doubles") List<Double> values) {
        int n = Math.min(timestamps.size(), values.size());
        XorChunk chunk = new XorChunk(0);
        for (int i = 0; i < n; i++) {
            chunk.encode(timestamps.get(i), values.get(i));
        }
        assertRoundTrip(chunk.chunkSnapshot(), timestamps.subList(0, n), values.subList(0, n));
        assertRoundTrip(chunk.sealChunk(), timestamps.subList(0, n), values.subList(0, n));
    }

    @Property(tries = 300)
    void regularScrapesWithJitterRoundTrip(@ForAll("scrapes") List<Long> timestamps,
                                           @ForAll("gauges") List<Double> values) {
        int n = Math.min(timestamps.size(), values.size());
        XorChunk chunk = new XorChunk(0);
        for (int i = 0; i < n; i++) {
            chunk.encode(timestamps.get(i), values.get(i));
        }
        assertRoundTrip(chunk.sealChunk(), timestamps.subList(0, n), values.subList(0, n));
    }

    @Test
    void extremeTimestampsAndSpecialValuesRoundTrip() {
        List<Long> ts = List.of(Long.MIN_VALUE, Long.MIN_VALUE, -1L, 0L, 0L, 1L, 64L, 65L, 8257L, Long.MAX_VALUE - 1,
                Long.MAX_VALUE, Long.MAX_VALUE);
        List<Double> vs = List.of(Double.NaN, Double.longBitsToDouble(0x7ff0_0000_0000_0001L),
                Double.longBitsToDouble(0xfff8_dead_beef_0001L), Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY,
                -0.0, 0.0, Double.MIN_VALUE, -Double.MIN_NORMAL / 3, Double.MAX_VALUE, 1.0, 1.0);
        XorChunk chunk = new XorChunk(0);
        for (int i = 0; i < ts.size(); i++) {
            chunk.encode(ts.get(i), vs.get(i));
        }
        assertRoundTrip(chunk.sealChunk(), ts, vs);
    }

    @Test
    void bucketBoundariesDecodeToTheSameDeltaOfDelta() {
        // Each boundary of each bucket, on both sides, after a regular start.
        List<Long> ts = new ArrayList<>(List.of(0L, 1000L));
        long delta = 1000;
        for (long dod : new long[]{-63, 64, -64, 65, -8191, 8192, -8192, 8193, -524287, 524288, -524288, 524289}) {
            delta += dod;
            delta = Math.max(delta, 0); // keep timestamps non-decreasing
            ts.add(ts.getLast() + delta);
        }
        XorChunk chunk = new XorChunk(0);
        ts.forEach(t -> chunk.encode(t, 1.5));
        assertRoundTrip(chunk.sealChunk(), ts, ts.stream().map(t -> 1.5).toList());
    }

    @Test
    void anAgentGaugeEvery15SecondsCostsUnderTwoBytesPerSample() {
        // A Datadog agent reports on whole seconds; memory used moves by a few MiB now and then.
        Random random = new Random(42);
        double bytesPerSample = encodedBytesPerSample(random, 0, () -> random.nextInt(10) < 7 ? 0
                : (random.nextInt(9) - 4) * 1_048_576.0, 2_147_483_648.0);
        System.out.printf("agent gauge: %.3f bytes/sample%n", bytesPerSample);
        assertThat(bytesPerSample).isLessThan(2.0);
    }

    @Test
    void aScrapedGaugeWithMillisecondJitterCostsUnderTwoBytesPerSample() {
        // Prometheus-style scrapes land a few milliseconds off the interval; a queue depth wanders by small steps.
        Random random = new Random(7);
        double bytesPerSample = encodedBytesPerSample(random, 3, () -> random.nextInt(10) < 6 ? 0
                : random.nextInt(5) - 2, 40);
        System.out.printf("scraped gauge with jitter: %.3f bytes/sample%n", bytesPerSample);
        assertThat(bytesPerSample).isLessThan(2.0);
    }

    @Test
    void aChunkIsFullAt120SamplesOrTwoHours() {
        XorChunk chunk = new XorChunk(0);
        for (int i = 0; i < XorChunk.MAX_SAMPLES; i++) {
            assertThat(chunk.chunkFullFor(i * 1000L)).as("sample %d", i).isFalse();
            chunk.encode(i * 1000L, i);
        }
        assertThat(chunk.chunkFullFor(120_000)).isTrue();

        XorChunk sparse = new XorChunk(0);
        sparse.encode(0, 1);
        assertThat(sparse.chunkFullFor(XorChunk.MAX_SPAN_MILLIS - 1)).isFalse();
        assertThat(sparse.chunkFullFor(XorChunk.MAX_SPAN_MILLIS)).isTrue();
    }

    private static double encodedBytesPerSample(Random random, int jitterMillis,
                                                DoubleSupplier step, double start) {
        int chunks = 200;
        long totalBytes = 0;
        long t = 1_700_000_000_000L;
        double v = start;
        for (int c = 0; c < chunks; c++) {
            XorChunk chunk = new XorChunk(0);
            for (int i = 0; i < XorChunk.MAX_SAMPLES; i++) {
                long jitter = jitterMillis == 0 ? 0 : random.nextInt(2 * jitterMillis + 1) - jitterMillis;
                chunk.encode(t + jitter, v);
                t += 15_000;
                v += step.getAsDouble();
            }
            totalBytes += chunk.sealChunk().bytes().length;
        }
        return (double) totalBytes / (chunks * XorChunk.MAX_SAMPLES);
    }

    private static void assertRoundTrip(Chunk chunk, List<Long> timestamps, List<Double> values) {
        assertThat(chunk.count()).isEqualTo(timestamps.size());
        ChunkIterator it = chunk.iterator();
        for (int i = 0; i < timestamps.size(); i++) {
            assertThat(it.next()).as("sample %d exists", i).isTrue();
            assertThat(it.timestamp()).as("timestamp %d", i).isEqualTo(timestamps.get(i));
            assertThat(it.valueBits()).as("value bits %d", i)
                    .isEqualTo(Double.doubleToRawLongBits(values.get(i)));
        }
        assertThat(it.next()).isFalse();
        if (!timestamps.isEmpty()) {
            assertThat(chunk.minTime()).isEqualTo(timestamps.getFirst());
            assertThat(chunk.maxTime()).isEqualTo(timestamps.getLast());
            // The bulk decoder reads the same, whole or cut to a range (timestamps at a third and two thirds in).
            assertDecodesInto(chunk, Long.MIN_VALUE, Long.MAX_VALUE, timestamps, values);
            assertDecodesInto(chunk, timestamps.get(timestamps.size() / 3), timestamps.get(2 * timestamps.size() / 3),
                    timestamps, values);
        }
    }

    private static void assertDecodesInto(Chunk chunk, long min, long max, List<Long> timestamps,
                                          List<Double> values) {
        long[] ts = new long[chunk.count() + 2];
        double[] vs = new double[ts.length];
        int n = chunk.decodeInto(min, max, ts, vs, 1); // from an offset, as a series' second chunk is
        int expected = 1;
        for (int i = 0; i < timestamps.size(); i++) {
            if (timestamps.get(i) >= min && timestamps.get(i) <= max) {
                assertThat(ts[expected]).as("bulk timestamp %d in [%d, %d]", i, min, max)
                        .isEqualTo(timestamps.get(i));
                assertThat(Double.doubleToRawLongBits(vs[expected++])).as("bulk value bits %d", i)
                        .isEqualTo(Double.doubleToRawLongBits(values.get(i)));
            }
        }
        assertThat(n).as("samples decoded in [%d, %d]", min, max).isEqualTo(expected);
    }

    @Provide
    Arbitrary<List<Long>> timestamps() {
        Arbitrary<Long> any = Arbitraries.longs();
        Arbitrary<Long> near = Arbitraries.longs().between(1_600_000_000_000L, 1_600_000_100_000L);
        return Arbitraries.oneOf(any, near).list().ofMaxSize(200)
                .map(list -> list.stream().sorted().toList());
    }

    @Provide
    Arbitrary<List<Double>> doubles() {
        return Arbitraries.<Double>frequencyOf(List.of(
                io(3, Arbitraries.longs().map(Double::longBitsToDouble)), // any bit pattern, NaN payloads included
                io(2, Arbitraries.doubles()),
                io(1, Arbitraries.of(Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, -0.0, 0.0,
                        Double.MIN_VALUE, -Double.MIN_VALUE, Double.MIN_NORMAL, Double.MAX_VALUE,
                        Double.longBitsToDouble(0x7ff0_0000_0000_0001L), Double.longBitsToDouble(0xffff_ffff_ffff_ffffL))),
                io(1, Arbitraries.longs().between(0, 0x000f_ffff_ffff_ffffL).map(Double::longBitsToDouble)), // subnormal
                io(2, Arbitraries.integers().between(-3, 3).map(i -> (double) i)))) // repeats, small steps
                .list().ofMaxSize(200);
    }

    @Provide
    Arbitrary<List<Long>> scrapes() {
        return Arbitraries.integers().between(0, 20).list().ofMinSize(1).ofMaxSize(200).map(jitters -> {
            List<Long> ts = new ArrayList<>();
            long t = 1_700_000_000_000L;
            for (int jitter : jitters) {
                ts.add(t + jitter);
                t += 15_000;
            }
            return ts;
        });
    }

    @Provide
    Arbitrary<List<Double>> gauges() {
        return Arbitraries.doubles().between(-0.5, 0.5).list().ofMinSize(1).ofMaxSize(200).map(steps -> {
            List<Double> vs = new ArrayList<>();
            double v = 100;
            for (double s : steps) {
                v += Math.abs(s) < 0.3 ? 0 : s;
                vs.add(v);
            }
            return vs;
        });
    }

    private static Tuple2<Integer, Arbitrary<Double>> io(int weight, Arbitrary<Double> arbitrary) {
        return Tuple.of(weight, arbitrary);
    }
}
