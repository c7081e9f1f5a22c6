package tocsin.tsdb;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import tocsin.core.metric.SeriesKey;
import tocsin.core.metric.Sketch;
import tocsin.core.metric.SketchBatch;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Whatever the order of appends, cuts, compactions and restarts, the store holds per series and bucket exactly the
 * merge of the sketches it accepted: same count, sum, min, max and bins.
 */
class SketchStorePropertyTest {
    static final long T0 = 1_700_000_000_000L;

    @Property(tries = 40)
    void everyBucketIsTheMergeOfWhatWasAccepted(@ForAll long seed, @ForAll @IntRange(min = 50, max = 600) int steps) {
        Random random = new Random(seed);
        TsdbOptions options = TsdbOptions.of(Path.of("in-memory"))
                .withClock(() -> Instant.ofEpochMilli(T0 + 400 * 86_400_000L))
                .withBlockRange(Duration.ofMinutes(10)).withWalSegmentBytes(4096);
        FaultyDisk disk = new FaultyDisk();
        Tsdb tsdb = Tsdb.open(options, disk, false, 4096);
        Map<SeriesKey, TreeMap<Long, Sketch>> expected = new HashMap<>();
        long clock = T0;
        for (int step = 0; step < steps; step++) {
            switch (random.nextInt(20)) {
                case 0 -> tsdb.maintain();
                case 1 -> {
                    tsdb.close();
                    tsdb = Tsdb.open(options, disk, false, 4096);
                }
                default -> {
                    clock += random.nextInt(20_000);
                    SketchBatch batch = new SketchBatch();
                    int points = 1 + random.nextInt(5);
                    for (int p = 0; p < points; p++) {
                        SeriesKey key = SeriesKey.of("lat", "host:h" + random.nextInt(4));
                        long t = clock - random.nextInt(120_000); // up to two minutes late
                        double[] values = new double[1 + random.nextInt(6)];
                        for (int v = 0; v < values.length; v++) {
                            values[v] = random.nextInt(3) == 0 ? -random.nextDouble() : Math.exp(random.nextGaussian());
                        }
                        batch.add(key, t, Sketch.of(values));
                    }
                    AppendResult r = tsdb.appendSketches(batch);
                    assertThat(r.rejections()).as("two minutes late stays inside the head").isEmpty();
                    for (SketchBatch.Entry e : batch.entries()) {
                        expected.computeIfAbsent(e.key(), k -> new TreeMap<>())
                                .merge(Math.floorDiv(e.timestampMillis(), 10_000) * 10_000, e.sketch(), Sketch::merge);
                    }
                }
            }
        }
        tsdb.maintain();
        try (Tsdb last = reopen(tsdb, options, disk)) {
            List<SketchSeries> stored = SketchStoreTest.all(last, "lat");
            assertThat(stored).hasSize(expected.size());
            for (SketchSeries s : stored) {
                TreeMap<Long, Sketch> want = expected.get(s.key());
                assertThat(s.size()).as("buckets of %s", s.key()).isEqualTo(want.size());
                int i = 0;
                for (var bucket : want.entrySet()) {
                    assertThat(s.timestamp(i)).isEqualTo(bucket.getKey());
                    Sketch got = s.sketch(i);
                    Sketch exp = bucket.getValue();
                    assertThat(got.count()).isEqualTo(exp.count());
                    assertThat(got.min()).isEqualTo(exp.min());
                    assertThat(got.max()).isEqualTo(exp.max());
                    assertThat(got.sum()).isCloseTo(exp.sum(), org.assertj.core.api.Assertions.within(1e-9));
                    for (double q : new double[]{0.1, 0.5, 0.9, 0.99}) {
                        assertThat(got.quantile(q)).isEqualTo(exp.quantile(q));
                    }
                    i++;
                }
            }
        }
    }

    private static Tsdb reopen(Tsdb tsdb, TsdbOptions options, FaultyDisk disk) {
        tsdb.close();
        return Tsdb.open(options, disk, false, 4096);
    }
}
