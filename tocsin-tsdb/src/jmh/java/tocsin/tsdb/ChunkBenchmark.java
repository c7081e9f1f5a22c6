package tocsin.tsdb;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.Random;
import java.util.concurrent.TimeUnit;

/** The Gorilla kernel: encoding and decoding one full chunk of a jittery 15 s gauge. Reported per sample. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ChunkBenchmark {
    private final long[] timestamps = new long[XorChunk.MAX_SAMPLES];
    private final double[] values = new double[XorChunk.MAX_SAMPLES];
    private final long[] decodedTimes = new long[XorChunk.MAX_SAMPLES];
    private final double[] decodedValues = new double[XorChunk.MAX_SAMPLES];
    private Chunk chunk;

    @Setup
    public void setUp() {
        Random random = new Random(1);
        double v = 100;
        for (int i = 0; i < timestamps.length; i++) {
            timestamps[i] = 1_700_000_000_000L + i * 15_000L + random.nextInt(7) - 3;
            v += random.nextInt(10) < 6 ? 0 : random.nextInt(5) - 2;
            values[i] = v;
        }
        chunk = encode();
    }

    @Benchmark
    @OperationsPerInvocation(XorChunk.MAX_SAMPLES)
    public Chunk encode() {
        XorChunk c = new XorChunk(200);
        for (int i = 0; i < timestamps.length; i++) {
            c.encode(timestamps[i], values[i]);
        }
        return c.sealChunk();
    }

    @Benchmark
    @OperationsPerInvocation(XorChunk.MAX_SAMPLES)
    public double decode() {
        double sum = 0;
        for (ChunkIterator it = chunk.iterator(); it.next(); ) {
            sum += it.value() + it.timestamp();
        }
        return sum;
    }

    /** The bulk decoder a query uses ({@link Chunk#decodeInto}), into arrays. */
    @Benchmark
    @OperationsPerInvocation(XorChunk.MAX_SAMPLES)
    public int decodeInto() {
        return chunk.decodeInto(Long.MIN_VALUE, Long.MAX_VALUE, decodedTimes, decodedValues, 0);
    }
}
