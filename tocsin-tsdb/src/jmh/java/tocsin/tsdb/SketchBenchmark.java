package tocsin.tsdb;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import tocsin.core.metric.SeriesKey;
import tocsin.core.metric.Sketch;
import tocsin.core.metric.SketchBatch;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Distribution sketches in the store, on the real file system: {@link #appendFlush} is one DogStatsD flush (1,000
 * series, one sketch of 20 latencies each, durable on return; reported per sketch); {@link #p95OfAnHour} selects
 * 100 series × 360 ten-second buckets (an hour) from memory and merges them into one p95, as
 * {@code p95:bench.latency{*}.rollup(3600)} does.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class SketchBenchmark {
    static final int FLUSH_SERIES = 1000;

    @State(Scope.Benchmark)
    public static class Store {
        Path dir;
        Tsdb tsdb;
        final SeriesKey[] keys = new SeriesKey[FLUSH_SERIES];
        final SplittableRandom random = new SplittableRandom(7);
        long hourStart;

        @Setup(Level.Trial)
        public void open() throws IOException {
            dir = Files.createTempDirectory("tocsin-sketch-bench");
            tsdb = Tsdb.open(TsdbOptions.of(dir).withMaxSeries(0));
            for (int i = 0; i < keys.length; i++) {
                keys[i] = SeriesKey.of("bench.latency", "host:h" + i, "env:prod");
            }
            hourStart = System.currentTimeMillis() / 10_000 * 10_000 - 3_600_000L;
            for (int b = 0; b < 360; b++) {
                SketchBatch batch = new SketchBatch(100);
                for (int s = 0; s < 100; s++) {
                    batch.add(SeriesKey.of("bench.query", "host:h" + s), hourStart + b * 10_000L, latencies());
                }
                tsdb.appendSketches(batch);
            }
        }

        Sketch latencies() {
            Sketch.Builder b = Sketch.builder();
            for (int v = 0; v < 20; v++) {
                b.add(Math.exp(random.nextDouble() * 4) * 2); // 2 ms .. 110 ms
            }
            return b.build();
        }

        @TearDown(Level.Trial)
        public void close() throws IOException {
            tsdb.close();
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @Benchmark
    @OperationsPerInvocation(FLUSH_SERIES)
    public AppendResult appendFlush(Store store) {
        SketchBatch batch = new SketchBatch(FLUSH_SERIES);
        long now = System.currentTimeMillis();
        for (SeriesKey key : store.keys) {
            batch.add(key, now, store.latencies());
        }
        return store.tsdb.appendSketches(batch);
    }

    @Benchmark
    public double p95OfAnHour(Store store) {
        try (SketchQuerier q = store.tsdb.sketchQuerier(store.hourStart, store.hourStart + 3_600_000L - 1)) {
            Sketch.Builder merged = Sketch.builder();
            for (SketchSeries s : q.select("bench.query", List.of())) {
                for (int i = 0; i < s.size(); i++) {
                    merged.add(s.sketch(i));
                }
            }
            return merged.build().quantile(0.95);
        }
    }
}
