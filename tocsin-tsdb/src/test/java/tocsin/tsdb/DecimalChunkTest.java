package tocsin.tsdb;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DecimalChunkTest {

    @Property(tries = 500)
    void decimalsOfAnyScaleRoundTripBitExactly(@ForAll("timestamps") List<Long> timestamps,
                                                @ForAll @IntRange(min = 0, max = 6) int places,
                                                @ForAll("mantissas") List<Long> mantissas) {
        int n = Math.min(timestamps.size(), mantissas.size());
        long[] t = new long[n];
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            t[i] = timestamps.get(i);
            v[i] = mantissas.get(i) / Math.pow(10, places);
        }
        byte[] data = DecimalChunk.encode(t, v, 0, n);
        assertThat(data).as("short decimals are always encodable").isNotNull();
        assertRoundTrip(data, t, v, n);
    }

    @Property(tries = 300)
    void anyDoublesEitherRoundTripOrAreLeftToXor(@ForAll("doubles") List<Double> values) {
        int n = values.size();
        long[] t = new long[n];
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            t[i] = 1_700_000_000_000L + i * 15_000L;
            v[i] = values.get(i);
        }
        byte[] data = DecimalChunk.encode(t, v, 0, n);
        if (data != null) {
            assertRoundTrip(data, t, v, n);
        }
    }

    @Test
    void specialValuesAreNotDecimals() {
        for (double v : new double[]{Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, -0.0,
                Double.MIN_VALUE, 1e300, 0.1 + 0.2}) {
            assertThat(DecimalChunk.exponentOf(v)).as("%s", v).isEqualTo(-1);
        }
        assertThat(DecimalChunk.exponentOf(0.0)).isZero();
        assertThat(DecimalChunk.exponentOf(42)).isZero();
        assertThat(DecimalChunk.exponentOf(0.3)).isEqualTo(1);
        assertThat(DecimalChunk.exponentOf(-12.34)).isEqualTo(2);
        assertThat(DecimalChunk.exponentOf(9007199254740992.0)).isZero(); // 2^53
        assertThat(DecimalChunk.encode(new long[]{1, 2}, new double[]{1.5, Double.NaN}, 0, 2)).isNull();
    }

    @Test
    void aTwoDecimalGaugeCostsAboutOneBytePerSampleAndACounterLess() {
        int n = BlockWriter.SAMPLES_PER_CHUNK;
        Random random = new Random(7);
        long[] t = new long[n];
        double[] gauge = new double[n];
        double[] counter = new double[n];
        double g = 50;
        long c = 1_000_000;
        for (int i = 0; i < n; i++) {
            t[i] = 1_700_000_000_000L + i * 15_000L + (i % 7 == 0 ? random.nextInt(5) : 0);
            g = Math.max(0, Math.round((g + (random.nextDouble() - 0.5) * 2) * 100) / 100.0);
            gauge[i] = g;
            c += 900 + random.nextInt(200);
            counter[i] = c;
        }
        double gaugeBytes = DecimalChunk.encode(t, gauge, 0, n).length / (double) n;
        double counterBytes = DecimalChunk.encode(t, counter, 0, n).length / (double) n;
        System.out.printf("decimal chunk: two-decimal gauge %.3f, counter %.3f bytes/sample%n", gaugeBytes,
                counterBytes);
        assertThat(gaugeBytes).isLessThan(1.3);
        assertThat(counterBytes).isLessThan(1.3);
        assertRoundTrip(DecimalChunk.encode(t, gauge, 0, n), t, gauge, n);
        assertRoundTrip(DecimalChunk.encode(t, counter, 0, n), t, counter, n);
    }

    @Test
    void truncatedOrForeignDataIsRefusedNotMisread() {
        long[] t = {1000, 2000, 3000};
        double[] v = {1.25, 1.5, 1.75};
        byte[] data = DecimalChunk.encode(t, v, 0, 3);
        byte[] truncated = java.util.Arrays.copyOf(data, data.length - 2);
        assertThatThrownBy(() -> DecimalChunk.decode(truncated, 3, new long[3], new double[3]))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> DecimalChunk.decode(data, 2, new long[3], new double[3]))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("after its 2 samples");
        assertRoundTrip(data, t, v, 3); // the thread's inflater, reused after a failure, still decodes right
        byte[] foreign = {0x12, 0x34, 0x56, 0x78, (byte) 0x9a};
        assertThatThrownBy(() -> DecimalChunk.decode(foreign, 3, new long[3], new double[3]))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("not DEFLATE");
        assertRoundTrip(data, t, v, 3);
    }

    @Test
    void aVirtualThreadDecodesWithAnInflaterOfItsOwn() throws Exception {
        int n = 3_000;
        long[] t = new long[n];
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            t[i] = 1_700_000_000_000L + i * 15_000L;
            v[i] = (i * 37 % 1000) / 100.0;
        }
        byte[] data = DecimalChunk.encode(t, v, 0, n);
        java.util.concurrent.atomic.AtomicReference<Throwable> failed = new java.util.concurrent.atomic.AtomicReference<>();
        Thread vt = Thread.ofVirtual().start(() -> {
            try {
                assertRoundTrip(data, t, v, n);
            } catch (Throwable e) {
                failed.set(e);
            }
        });
        vt.join();
        assertThat(failed.get()).as("decoding on the virtual thread").isNull();
        assertRoundTrip(data, t, v, n);
    }

    /**
     * Decodes {@code data} on its own, at an offset into arrays with neighbours (which must stay untouched), and
     * through {@link Chunk#decodeInto} over its whole range and over part of it; the tests run one after the other
     * on one thread, so they also decode chunks of every size through the thread's one reused inflater and buffer.
     */
    private static void assertRoundTrip(byte[] data, long[] t, double[] v, int n) {
        long[] times = new long[n];
        double[] values = new double[n];
        DecimalChunk.decode(data, n, times, values);
        assertSamples(times, values, 0, t, v, n);
        long[] wideTimes = new long[n + 7];
        double[] wideValues = new double[n + 7];
        java.util.Arrays.fill(wideTimes, -1);
        java.util.Arrays.fill(wideValues, -1);
        DecimalChunk.decode(data, n, wideTimes, wideValues, 4);
        assertSamples(wideTimes, wideValues, 4, t, v, n);
        for (int i : new int[]{0, 1, 2, 3, n + 4, n + 5, n + 6}) {
            assertThat(wideTimes[i]).as("outside the decoded run").isEqualTo(-1);
            assertThat(wideValues[i]).as("outside the decoded run").isEqualTo(-1);
        }
        Chunk chunk = new Chunk(t[0], t[n - 1], n, data, BlockFormat.DECIMAL_ENCODING);
        java.util.Arrays.fill(wideTimes, -1);
        assertThat(chunk.decodeInto(t[0], t[n - 1], wideTimes, wideValues, 2)).isEqualTo(n + 2);
        assertSamples(wideTimes, wideValues, 2, t, v, n);
        assertThat(wideTimes[n + 2]).isEqualTo(-1);
        boolean ascending = true; // as a store's chunks always are (the property also encodes any order)
        for (int i = 1; i < n; i++) {
            ascending &= t[i] > t[i - 1];
        }
        if (n > 2 && ascending) { // a range cutting the first and last samples off
            assertThat(chunk.decodeInto(t[0] + 1, t[n - 1] - 1, wideTimes, wideValues, 0)).isEqualTo(n - 2);
            assertThat(wideTimes[0]).isEqualTo(t[1]);
            assertThat(wideTimes[n - 3]).isEqualTo(t[n - 2]);
        }
        int i = 0;
        for (ChunkIterator it = chunk.iterator(); it.next(); i++) {
            assertThat(it.timestamp()).isEqualTo(t[i]);
        }
        assertThat(i).isEqualTo(n);
    }

    private static void assertSamples(long[] times, double[] values, int at, long[] t, double[] v, int n) {
        for (int i = 0; i < n; i++) {
            assertThat(times[at + i]).as("timestamp %d", i).isEqualTo(t[i]);
            assertThat(Double.doubleToRawLongBits(values[at + i])).as("value %d: %s vs %s", i, values[at + i], v[i])
                    .isEqualTo(Double.doubleToRawLongBits(v[i]));
        }
    }

    @Provide
    Arbitrary<List<Long>> timestamps() {
        return Arbitraries.longs().between(-1L << 40, 1L << 40).list().ofMinSize(1).ofMaxSize(600)
                .map(l -> l.stream().sorted().toList());
    }

    @Provide
    Arbitrary<List<Long>> mantissas() {
        return Arbitraries.oneOf(Arbitraries.longs().between(-1_000_000, 1_000_000),
                        Arbitraries.longs().between(-(1L << 50), 1L << 50))
                .list().ofMinSize(1).ofMaxSize(600);
    }

    @Provide
    Arbitrary<List<Double>> doubles() {
        return Arbitraries.oneOf(Arbitraries.doubles(), Arbitraries.doubles().ofScale(3),
                        Arbitraries.of(0.1, 0.2, 0.30000000000000004, 1e-15, 123456789.123456, 1e15))
                .list().ofMinSize(1).ofMaxSize(300);
    }
}
