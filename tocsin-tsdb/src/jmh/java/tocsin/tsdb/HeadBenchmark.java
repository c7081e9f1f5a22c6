package tocsin.tsdb;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import tocsin.core.metric.MetricKind;
import tocsin.core.metric.SeriesKey;

import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * The head's in-memory append alone, as the WAL writer thread runs it after a sync: one point per series per turn,
 * 15 s apart with the default 10 s out-of-order tolerance, over {@code series} series in creation order. No WAL, no
 * I/O, so that what the series' layout costs shows: 100 series live in the L1/L2 caches, 10,000 in L2/L3, 200,000
 * nowhere. Reported in nanoseconds per point. Each iteration starts on a fresh head.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 4, time = 1)
@Measurement(iterations = 6, time = 1)
@Fork(1)
public class HeadBenchmark {
    static final int TURN = 1000;

    @Param({"100", "10000", "200000"})
    int series;
    Head head;
    MemSeries[] all;
    double[] values;
    long t;
    int next;

    @Setup(Level.Iteration)
    public void fill() {
        head = new Head(0, TsdbOptions.DEFAULT_OUT_OF_ORDER_TOLERANCE.toMillis());
        all = new MemSeries[series];
        values = new double[series];
        Random random = new Random(1);
        for (int i = 0; i < series; i++) {
            all[i] = head.getOrCreate(SeriesKey.of("bench.gauge", "host:h" + i / 10, "metric:" + i % 10),
                    MetricKind.GAUGE);
            values[i] = random.nextInt(1000);
        }
        t = 1_700_000_000_000L;
        next = 0;
    }

    @Benchmark
    @OperationsPerInvocation(TURN)
    public void append() {
        for (int i = 0; i < TURN; i++) {
            if (next == all.length) {
                next = 0;
                t += 15_000;
            }
            double v = values[next] += (next & 3) == 0 ? 1 : 0; // a quarter of them move, the rest repeat
            head.append(all[next++], t, v);
        }
    }
}
