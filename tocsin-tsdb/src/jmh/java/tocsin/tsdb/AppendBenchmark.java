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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import tocsin.core.metric.MetricBatch;
import tocsin.core.metric.MetricKind;
import tocsin.core.metric.SeriesKey;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * Whole-store appends on the real file system, fsync included: each operation is one batch of {@code batchSize}
 * points over 100 series of the calling thread, durable on return. Reported in points per second; run with
 * {@code -t 1} and {@code -t 2} to see group commit share the syncs.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 4, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class AppendBenchmark {
    static final int BATCH = 1000;

    @State(Scope.Benchmark)
    public static class Store {
        Path dir;
        Tsdb tsdb;
        final AtomicInteger threads = new AtomicInteger();

        @Setup(Level.Trial)
        public void open() throws IOException {
            dir = Files.createTempDirectory("tocsin-tsdb-bench");
            tsdb = Tsdb.open(TsdbOptions.of(dir).withMaxSeries(0));
        }

        @TearDown(Level.Trial)
        public void close() throws IOException {
            tsdb.close();
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @State(Scope.Thread)
    public static class Appender {
        SeriesKey[] keys = new SeriesKey[100];
        long t = System.currentTimeMillis() - 86_400_000L;
        double v;

        @Setup(Level.Trial)
        public void keys(Store store) {
            int thread = store.threads.getAndIncrement();
            for (int i = 0; i < keys.length; i++) {
                keys[i] = SeriesKey.of("bench.gauge", "thread:" + thread, "series:" + i, "env:prod");
            }
        }

        MetricBatch next() {
            MetricBatch batch = new MetricBatch(BATCH);
            for (int i = 0; i < BATCH; i++) {
                if (i % keys.length == 0) {
                    t += 15_000;
                    v += 1;
                }
                batch.add(keys[i % keys.length], MetricKind.GAUGE, t, v);
            }
            return batch;
        }
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public AppendResult appendBatchOf1000(Store store, Appender appender) {
        return store.tsdb.append(appender.next());
    }
}
