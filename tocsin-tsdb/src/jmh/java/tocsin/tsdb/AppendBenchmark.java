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
import tocsin.core.metric.SeriesHints;
import tocsin.core.metric.SeriesKey;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * Whole-store appends on the real file system, fsync included: each operation is one batch of {@value #BATCH}
 * points (a Prometheus remote-write request's share), durable on return. Each thread walks round its own
 * {@code seriesPerThread} series, one point per series per turn, 15 s apart, passing the store's hints as the
 * remote-write decoder does. 100 series stay in the caches; 10,000 and more do not, which is what a real head meets.
 * The block range is a year and the clock a year ahead, so that no block is cut while measuring (at millions of
 * points per second a run covers weeks of 15 s samples) and every point is accepted (checked).
 * Reported in points per second; run with {@code -t 1} and {@code -t 2} to see group commit share the syncs.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 4, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class AppendBenchmark {
    static final int BATCH = 1250;
    static final long START = 1_700_000_000_000L;

    @State(Scope.Benchmark)
    public static class Store {
        Path dir;
        Tsdb tsdb;
        final AtomicInteger threads = new AtomicInteger();

        @Setup(Level.Trial)
        public void open() throws IOException {
            dir = Files.createTempDirectory("tocsin-tsdb-bench");
            tsdb = Tsdb.open(TsdbOptions.of(dir).withMaxSeries(0).withBlockRange(Duration.ofDays(365))
                    .withClock(InstantSource.fixed(Instant.ofEpochMilli(START + Duration.ofDays(365).toMillis()))));
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
        @Param({"100", "10000"})
        int seriesPerThread;
        SeriesKey[] keys;
        Object[] hints;
        SeriesHints store;
        long t = START;
        double v;
        int next;

        @Setup(Level.Trial)
        public void keys(Store store) {
            int thread = store.threads.getAndIncrement();
            keys = new SeriesKey[seriesPerThread];
            hints = new Object[seriesPerThread];
            this.store = store.tsdb.seriesHints();
            for (int i = 0; i < keys.length; i++) {
                keys[i] = SeriesKey.of("bench.gauge", "thread:" + thread, "series:" + i, "env:prod");
            }
        }

        MetricBatch next() {
            MetricBatch batch = new MetricBatch(BATCH);
            for (int i = 0; i < BATCH; i++) {
                if (next == keys.length) {
                    next = 0;
                    t += 15_000;
                    v += 1;
                }
                Object hint = hints[next];
                if (hint == null || !store.valid(hint)) {
                    hint = hints[next] = store.hint(keys[next]); // null until the first point made the series
                }
                batch.add(hint == null ? keys[next] : store.key(hint), MetricKind.GAUGE, t, v, hint);
                next++;
            }
            return batch;
        }
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public AppendResult appendBatch(Store store, Appender appender) {
        AppendResult result = store.tsdb.append(appender.next());
        if (result.accepted() != BATCH) {
            throw new IllegalStateException("refused: " + result.rejections().getFirst());
        }
        return result;
    }
}
