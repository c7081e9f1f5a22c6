package tocsin.tsdb;

import org.junit.jupiter.api.Test;
import tocsin.tsdb.CrashRound.Fate;
import tocsin.core.metric.SeriesKey;
import tocsin.core.metric.Sketch;
import tocsin.core.metric.SketchBatch;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Sketch appenders race a power loss, a failing fsync or a full disk while a maintenance thread cuts sketch blocks,
 * checkpoints the sketch log and compacts (a 20-minute block range); after every restart each batch whose append
 * returned must be there, every other batch wholly there or wholly absent, and nothing else.
 *
 * <p>Each point is a series of its own with one bucket, whose sketch holds {@code k} copies of the point's number,
 * so that presence is exact. Every random choice derives from one seed, printed at the start; rerun with
 * {@code -Dtests.seed=0x...} to replay it (thread interleavings are up to the scheduler), as in {@link CrashTest}.
 */
class SketchCrashTest {
    static final long T0 = 1_700_000_000_000L;

    record Point(SeriesKey key, long step, int copies, double value) {
    }

    static final class Batch {
        final List<Point> points = new ArrayList<>();
        final List<Long> times = new ArrayList<>();
        volatile Fate fate = Fate.IN_FLIGHT;
    }

    private final AtomicLong pointClock = new AtomicLong(T0);
    private long pointCounter;
    private int blocksSeen;

    @Test
    void everyAcknowledgedSketchSurvivesRandomCrashesAndNoBatchIsHalfApplied() throws Exception {
        CrashRound.runScenarios("SketchCrashTest", 20, T0 + 365 * 86_400_000L, (o, d) -> Tsdb.open(o, d, false, 4096), () -> new Scenario());
        assertThat(blocksSeen).as("sketch blocks were cut while crashing").isPositive();
    }

    /** One scenario's batches. */
    private final class Scenario implements CrashRound.Scenario {
        private final List<Batch> batches = new ArrayList<>();

        @Override
        public void verify(Tsdb tsdb) {
            SketchCrashTest.this.verify(tsdb, batches);
        }

        @Override
        public FaultyDisk crashWhileAppending(Tsdb tsdb, FaultyDisk disk, Random random) throws InterruptedException {
            return SketchCrashTest.this.crashWhileAppending(tsdb, disk, random, batches);
        }
    }

    private FaultyDisk crashWhileAppending(Tsdb tsdb, FaultyDisk disk, Random random, List<Batch> batches)
            throws InterruptedException {
        int threads = 1 + random.nextInt(3);
        int crashAfter = random.nextInt(120);
        CrashRound.injectFault(disk, random, crashAfter, 30_000);
        List<List<Batch>> planned = new ArrayList<>();
        for (int th = 0; th < threads; th++) {
            List<Batch> mine = new ArrayList<>();
            for (int b = 0; b < crashAfter + 20; b++) {
                Batch batch = new Batch();
                int points = 1 + random.nextInt(8);
                for (int p = 0; p < points; p++) {
                    long n = pointCounter++;
                    batch.points.add(new Point(SeriesKey.of("load", "thread:" + th, "point:" + n),
                            1 + random.nextInt(8_000), 1 + random.nextInt(5), n + random.nextDouble()));
                }
                mine.add(batch);
            }
            planned.add(mine);
        }
        planned.forEach(batches::addAll);
        AtomicBoolean appending = new AtomicBoolean(true);
        Thread maintainer = Thread.ofPlatform().start(() -> {
            while (appending.get()) {
                tsdb.maintain();
                try {
                    Thread.sleep(1); // often, but without starving the appenders of a core
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        FaultyDisk after = CrashRound.appendUntilCrash(disk, random, planned, crashAfter, batch -> {
            SketchBatch sketches = new SketchBatch();
            for (Point p : batch.points) {
                long t = pointClock.addAndGet(p.step());
                batch.times.add(t);
                double[] values = new double[p.copies()];
                java.util.Arrays.fill(values, p.value());
                sketches.add(p.key(), t, Sketch.of(values));
            }
            AppendResult result = tsdb.appendSketches(sketches);
            assertThat(result.rejections()).isEmpty();
            batch.fate = Fate.ACKNOWLEDGED;
        });
        appending.set(false);
        maintainer.join();
        return after;
    }

    private void verify(Tsdb tsdb, List<Batch> batches) {
        SketchStore.Recovery recovery = tsdb.sketches().recovery();
        assertThat(recovery.log().problems()).as("a crash only ever leaves torn tails")
                .allSatisfy(p -> assertThat(p).containsAnyOf("torn write", "ends inside its header"));
        assertThat(recovery.blockProblems()).isEmpty();
        List<SketchBlock> blocks = tsdb.sketches().view().blocks();
        blocksSeen += blocks.size();
        for (int i = 1; i < blocks.size(); i++) {
            assertThat(blocks.get(i).minTime).as("blocks do not overlap").isGreaterThanOrEqualTo(
                    blocks.get(i - 1).maxTime);
        }
        Map<SeriesKey, SketchSeries> stored = new HashMap<>();
        for (SketchSeries s : SketchStoreTest.all(tsdb, "load")) {
            stored.put(s.key(), s);
        }
        int expected = 0;
        for (int i = 0; i < batches.size(); i++) {
            Batch batch = batches.get(i);
            int present = 0;
            for (int p = 0; p < batch.points.size(); p++) {
                Point point = batch.points.get(p);
                SketchSeries s = stored.get(point.key());
                if (s == null) {
                    continue;
                }
                assertThat(s.size()).as("one bucket for %s", point.key()).isEqualTo(1);
                assertThat(s.timestamp(0)).isEqualTo(Math.floorDiv(batch.times.get(p), 10_000) * 10_000);
                assertThat(s.sketch(0).count()).as("%s stored once", point.key()).isEqualTo(point.copies());
                assertThat(s.sketch(0).min()).isEqualTo(point.value());
                present++;
            }
            switch (batch.fate) {
                case ACKNOWLEDGED -> assertThat(present).as("acknowledged batch %d", i).isEqualTo(batch.points.size());
                case GONE -> assertThat(present).as("lost batch %d stays lost", i).isZero();
                case IN_FLIGHT -> assertThat(present).as("in-flight batch %d is all or nothing", i)
                        .isIn(0, batch.points.size());
            }
            if (batch.fate == Fate.IN_FLIGHT) {
                batch.fate = present > 0 ? Fate.ACKNOWLEDGED : Fate.GONE;
            }
            expected += present;
        }
        assertThat(stored).as("no series that no batch wrote").hasSize(expected);
    }
}
