package tocsin.tsdb;

import tocsin.core.metric.MetricBatch;
import tocsin.core.metric.MetricKind;
import tocsin.core.metric.SeriesKey;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.Random;
import java.util.stream.Stream;

/**
 * Whole-store figures for blocks, on the real file system (not a JMH benchmark: each figure is measured once):
 * bytes per sample on disk after a cut, head memory before and after it, and open time with blocks against a
 * WAL-only store holding the same samples. Realistic data: {@code series} 15-second gauges of three shapes (a third
 * integer random walks, a third percentages with two decimals, a third mostly flat), {@code samples} each, every
 * scrape up to {@code jitter} ms late.
 * <pre>
 * ./mvnw -B -pl tocsin-tsdb -Pbench test-compile exec:exec -Djmh.args="-version"   # compiles src/jmh
 * java -cp "tocsin-tsdb/target/test-classes:tocsin-tsdb/target/classes:$(cat cp.txt)" tocsin.tsdb.BlockReport 10000 1000 50
 * </pre>
 * ({@code cp.txt} from {@code ./mvnw -q -pl tocsin-tsdb dependency:build-classpath -Dmdep.outputFile=cp.txt}.)
 */
public final class BlockReport {
    static final long T0 = 1_700_000_000_000L;
    /** How late each scrape may be, at random (third argument; default 50 ms). */
    private static int jitterMillis;

    private BlockReport() {
    }

    public static void main(String[] args) throws Exception {
        int seriesCount = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int samples = args.length > 1 ? Integer.parseInt(args[1]) : 1_000;
        jitterMillis = args.length > 2 ? Integer.parseInt(args[2]) : 50;
        Path root = Files.createTempDirectory("tocsin-block-report");
        try {
            run(root, seriesCount, samples);
        } finally {
            try (Stream<Path> files = Files.walk(root)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static void run(Path root, int seriesCount, int samples) throws Exception {
        long end = T0 + samples * 15_000L;
        TsdbOptions options = TsdbOptions.of(root).withClock(() -> Instant.ofEpochMilli(end)).withMaxSeries(0);
        SeriesKey[] keys = new SeriesKey[seriesCount];
        for (int i = 0; i < seriesCount; i++) {
            int host = i / 10;
            keys[i] = SeriesKey.of("metric." + (i % 10), "host:ip-10-0-" + host, "env:" + (host % 3 == 0 ? "staging"
                    : "prod"), "region:us-east-" + (1 + host % 2), "service:svc-" + host % 50);
        }
        double[] values = new double[seriesCount];
        Random random = new Random(1);
        long appendStarted = System.nanoTime();
        try (Tsdb tsdb = open(options)) {
            for (int s = 0; s < samples; s++) {
                MetricBatch batch = new MetricBatch();
                long t = T0 + s * 15_000L + (jitterMillis == 0 ? 0 : random.nextInt(jitterMillis));
                for (int i = 0; i < seriesCount; i++) {
                    values[i] = next(i % 3, values[i], random);
                    batch.add(keys[i], MetricKind.GAUGE, t, values[i]);
                }
                tsdb.append(batch);
            }
        }
        System.out.printf("appended %d series x %d samples in %.1f s%n", seriesCount, samples,
                (System.nanoTime() - appendStarted) / 1e9);
        long walOnly = Math.min(openMillis(options), openMillis(options));
        long baseline = usedHeapAfterGc();
        try (Tsdb tsdb = open(options)) {
            long walBefore = tsdb.stats().walBytes();
            long heapBefore = usedHeapAfterGc() - baseline;
            long chunksBefore = tsdb.stats().headChunks();
            long cutStarted = System.nanoTime();
            System.out.println("maintenance errors: " + tsdb.maintain());
            long cutMillis = (System.nanoTime() - cutStarted) / 1_000_000;
            long heapAfter = usedHeapAfterGc() - baseline;
            TsdbStats stats = tsdb.stats();
            System.out.printf("cut + checkpoint + truncation: %d ms; %d blocks, %d samples, %d bytes: %.3f bytes/sample"
                            + " (index %d bytes, chunks %.3f bytes/sample)%n", cutMillis, stats.blocks(),
                    stats.blockSamples(), stats.blockBytes(), (double) stats.blockBytes() / stats.blockSamples(),
                    tsdb.blocks().current().blocks().stream().mapToLong(Block::indexBytes).sum(),
                    (double) tsdb.blocks().current().blocks().stream().mapToLong(b -> b.bytes() - b.indexBytes())
                            .sum() / stats.blockSamples());
            System.out.printf("head: %d -> %d series, %d -> %d chunks, retained heap %.1f MiB -> %.1f MiB%n",
                    seriesCount, stats.headSeries(), chunksBefore, stats.headChunks(), heapBefore / 1048576.0,
                    heapAfter / 1048576.0);
            System.out.printf("WAL: %.1f MiB -> %.1f MiB%n", walBefore / 1048576.0, stats.walBytes() / 1048576.0);
            perShape(tsdb.blocks().current().blocks().getFirst());
        }
        long withBlocks = Math.min(openMillis(options), openMillis(options));
        System.out.printf("open: WAL only %d ms, blocks + checkpoint + WAL %d ms%n", walOnly, withBlocks);
    }

    /** Chunk bytes per sample by value shape (the shape is the series number mod 3, from host and metric). */
    private static void perShape(Block block) throws Exception {
        long[] bytes = new long[3];
        long[] count = new long[3];
        BlockIndex index = block.index();
        for (int o = 0; o < index.seriesCount(); o++) {
            BlockIndex.Series s = index.series(o);
            int host = Integer.parseInt(s.key().tagValue("host").orElseThrow().substring("ip-10-0-".length()));
            int shape = (host * 10 + Integer.parseInt(s.key().name().substring("metric.".length()))) % 3;
            for (int c = 0; c < s.refs().length; c++) {
                Chunk chunk = block.chunk(s.refs()[c], s.minTimes()[c], s.maxTimes()[c]);
                bytes[shape] += chunk.bytes().length;
                count[shape] += chunk.count();
            }
        }
        String[] names = {"integer random walk (+-10)", "percentage, 2 decimals, gaussian steps", "mostly flat"};
        for (int i = 0; i < 3; i++) {
            System.out.printf("  %-40s %.3f bytes/sample of chunk data%n", names[i], (double) bytes[i] / count[i]);
        }
    }

    private static Tsdb open(TsdbOptions options) {
        return Tsdb.open(options, FileDisk.open(options.dir()), false, BlockFormat.DEFAULT_CHUNK_SEGMENT_BYTES);
    }

    private static double next(int shape, double v, Random random) {
        return switch (shape) {
            case 0 -> v + random.nextInt(21) - 10;                                       // a counter-like walk
            case 1 -> Math.round(Math.max(0, Math.min(100, v + random.nextGaussian())) * 100) / 100.0; // a percentage
            default -> random.nextInt(10) < 8 ? v : v + random.nextInt(5) - 2;          // mostly flat
        };
    }

    static long usedHeapAfterGc() throws InterruptedException {
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
            used = Math.min(used, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        }
        return used;
    }

    static long openMillis(TsdbOptions options) {
        long started = System.nanoTime();
        try (Tsdb ignored = open(options)) {
            return (System.nanoTime() - started) / 1_000_000;
        }
    }
}
