package tocsin.tsdb;

import org.junit.jupiter.api.Test;
import tocsin.tsdb.CrashRound.Fate;
import tocsin.core.metric.MetricBatch;
import tocsin.core.metric.MetricKind;
import tocsin.core.metric.SeriesKey;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Appenders race a power loss, a failing fsync or a full disk, again and again, while the maintenance thread cuts
 * blocks, checkpoints the WAL, truncates the head and compacts (a 20-minute block range, so that most rounds cut
 * several); after every restart each batch whose append returned must be there, and every other batch wholly there
 * or wholly absent, and nothing else.
 *
 * <p>Every random choice (faults, crash points, torn lengths, batch shapes, time steps) derives from one seed,
 * printed at the start; rerun with {@code -Dtests.seed=0x...} to replay them. Thread interleavings are up to the
 * scheduler, and so is the moment a timestamp is taken: points get the next value of one shared clock when their
 * batch is sent, so that all series advance together and none falls behind the head's floor. (A thread descheduled
 * between stamping and sending can still find its whole batch refused as older than a block just cut; it stamps the
 * batch again and resends it, which a refused batch allows: nothing of it was stored.)
 */
class CrashTest {
    static final long T0 = 1_700_000_000_000L;
    static final int SERIES_PER_THREAD = 4;

    /** A point; its timestamp is taken from the shared clock when its batch is sent (MIN_VALUE until then). */
    static final class Point {
        final SeriesKey key;
        final long step;
        final double v;
        volatile long t = Long.MIN_VALUE;

        Point(SeriesKey key, long step, double v) {
            this.key = key;
            this.step = step;
            this.v = v;
        }
    }

    static final class Batch {
        final List<Point> points = new ArrayList<>();
        volatile Fate fate = Fate.IN_FLIGHT;
    }

    /** The time points are stamped with, shared by every appender and every round. */
    private final AtomicLong pointClock = new AtomicLong(T0);

    private long pointCounter;
    private int blocksSeen;

    @Test
    void everyAcknowledgedBatchSurvivesRandomCrashesAndNoBatchIsHalfApplied() throws Exception {
        CrashRound.runScenarios("CrashTest", 25, T0 + 365 * 86_400_000L, Tsdb::open, () -> new Scenario());
        assertThat(blocksSeen).as("blocks were cut while crashing").isPositive();
    }

    /** One scenario's batches. */
    private final class Scenario implements CrashRound.Scenario {
        private final List<Batch> batches = new ArrayList<>();

        @Override
        public void verify(Tsdb tsdb) {
            CrashTest.this.verify(tsdb, batches);
        }

        @Override
        public FaultyDisk crashWhileAppending(Tsdb tsdb, FaultyDisk disk, Random random) throws InterruptedException {
            return CrashTest.this.crashWhileAppending(tsdb, disk, random, batches);
        }
    }

    /** Appends from a few threads, injects at most one fault, and pulls the plug; returns the disk after. */
    private FaultyDisk crashWhileAppending(Tsdb tsdb, FaultyDisk disk, Random random, List<Batch> batches)
            throws InterruptedException {
        int threads = 1 + random.nextInt(3);
        int crashAfter = random.nextInt(150);
        CrashRound.injectFault(disk, random, crashAfter, 20_000);
        // Batch shapes are drawn up front, so that the seed fixes them whatever the interleaving.
        List<List<Batch>> planned = new ArrayList<>();
        for (int th = 0; th < threads; th++) {
            List<Batch> mine = new ArrayList<>();
            for (int b = 0; b < crashAfter + 20; b++) {
                Batch batch = new Batch();
                int points = 1 + random.nextInt(20);
                for (int p = 0; p < points; p++) {
                    int s = random.nextInt(SERIES_PER_THREAD);
                    batch.points.add(new Point(SeriesKey.of("load", "thread:" + th, "series:" + s),
                            1 + random.nextInt(4_000), pointCounter++));
                }
                mine.add(batch);
            }
            planned.add(mine);
        }
        for (List<Batch> mine : planned) {
            batches.addAll(mine);
        }
        return CrashRound.appendUntilCrash(disk, random, planned, crashAfter, batch -> {
            while (true) {
                MetricBatch metricBatch = new MetricBatch();
                for (Point p : batch.points) {
                    p.t = pointClock.addAndGet(p.step);
                    metricBatch.add(p.key, MetricKind.GAUGE, p.t, p.v);
                }
                AppendResult result = tsdb.append(metricBatch);
                if (result.accepted() == 0 && !result.rejections().isEmpty() && result.rejections().stream()
                        .allMatch(r -> r.reason().startsWith("too old"))) {
                    // The thread was descheduled between stamping and sending while the others moved the clock
                    // past a block cut: nothing of the batch was stored, so it is sent again with fresh times.
                    continue;
                }
                assertThat(result.rejections()).isEmpty();
                batch.fate = Fate.ACKNOWLEDGED;
                return;
            }
        });
    }

    /** Checks the store against the batches' fates, then settles the fate of those that were in flight. */
    private void verify(Tsdb tsdb, List<Batch> batches) {
        assertThat(tsdb.recovery().problems()).as("a crash only ever leaves torn tails")
                .allSatisfy(p -> assertThat(p).containsAnyOf("torn write", "ends inside its header"));
        assertThat(tsdb.blockProblems()).isEmpty();
        List<Block> blocks = tsdb.blocks().current().blocks();
        blocksSeen += blocks.size();
        for (int i = 1; i < blocks.size(); i++) {
            assertThat(blocks.get(i).meta().minTime()).as("blocks do not overlap")
                    .isGreaterThanOrEqualTo(blocks.get(i - 1).meta().maxTime());
        }
        Map<SeriesKey, Map<Long, Double>> stored = new HashMap<>();
        long total = 0;
        try (Querier q = tsdb.querier(Long.MIN_VALUE, Long.MAX_VALUE)) {
            for (SeriesData d : q.select("load", List.of()).toList()) {
                Map<Long, Double> samples = new HashMap<>();
                for (int i = 0; i < d.size(); i++) {
                    samples.put(d.timestamp(i), d.value(i));
                }
                stored.put(d.key(), samples);
                total += d.size();
            }
        }
        long expected = 0;
        Map<Batch, Integer> found = new ConcurrentHashMap<>();
        for (int i = 0; i < batches.size(); i++) {
            Batch batch = batches.get(i);
            int present = 0;
            for (Point p : batch.points) {
                Double v = stored.getOrDefault(p.key, Map.of()).get(p.t);
                if (v != null && v == p.v) {
                    present++;
                }
            }
            found.put(batch, present);
            switch (batch.fate) {
                case ACKNOWLEDGED -> assertThat(present).as("acknowledged batch %d", i).isEqualTo(batch.points.size());
                case GONE -> assertThat(present).as("lost batch %d stays lost", i).isZero();
                case IN_FLIGHT -> assertThat(present).as("in-flight batch %d is all or nothing", i)
                        .isIn(0, batch.points.size());
            }
            expected += present;
        }
        assertThat(total).as("no sample that no batch wrote").isEqualTo(expected);
        for (Batch batch : batches) {
            if (batch.fate == Fate.IN_FLIGHT) {
                batch.fate = found.get(batch) > 0 ? Fate.ACKNOWLEDGED : Fate.GONE;
            }
        }
    }
}
