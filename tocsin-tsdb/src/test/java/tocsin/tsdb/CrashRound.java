package tocsin.tsdb;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The part of a crash test that appends and pulls the plug, shared by {@link CrashTest} (samples) and
 * {@link SketchCrashTest} (sketches): inject at most one fault, append from a few threads until enough appends
 * returned, crash the disk. Every choice comes from the caller's {@link Random}, so that a seed replays it.
 */
final class CrashRound {
    /** What became of a batch: acknowledged (must survive), gone (must stay lost), or in flight (all or nothing). */
    enum Fate { IN_FLIGHT, ACKNOWLEDGED, GONE }

    private CrashRound() {
    }

    /** One scenario's batches and checks. */
    interface Scenario {
        /** Checks the store against the batches' fates, then settles the fate of those that were in flight. */
        void verify(Tsdb tsdb);

        /** Appends until a crash (see {@link #appendUntilCrash}); returns the disk after it. */
        FaultyDisk crashWhileAppending(Tsdb tsdb, FaultyDisk disk, Random random) throws InterruptedException;
    }

    /**
     * Runs {@code scenarios} scenarios, each from a seed drawn from one master seed (printed; {@code -Dtests.seed}
     * replays it): a store on a fresh disk with a 20-minute block range and a random WAL segment size is opened,
     * verified and crashed one to three times, then verified once more.
     */
    static void runScenarios(String test, int scenarios, long clockMillis,
                             BiFunction<TsdbOptions, FaultyDisk, Tsdb> open, Supplier<Scenario> newScenario) {
        long seed = Seeds.seed(test);
        Random master = new Random(seed);
        for (int i = 0; i < scenarios; i++) {
            Random random = new Random(master.nextLong());
            try {
                Scenario scenario = newScenario.get();
                FaultyDisk disk = new FaultyDisk();
                TsdbOptions options = TsdbOptions.of(Path.of("in-memory"))
                        .withClock(() -> Instant.ofEpochMilli(clockMillis))
                        .withWalSegmentBytes(4096 + random.nextInt(16_384))
                        .withBlockRange(Duration.ofMinutes(20));
                int rounds = 1 + random.nextInt(3);
                for (int round = 0; round < rounds; round++) {
                    Tsdb tsdb = open.apply(options, disk);
                    scenario.verify(tsdb);
                    disk = scenario.crashWhileAppending(tsdb, disk, random);
                    tsdb.close();
                }
                try (Tsdb tsdb = open.apply(options, disk)) {
                    scenario.verify(tsdb);
                }
            } catch (AssertionError | Exception e) {
                throw new AssertionError("scenario " + i + " failed; replay with -Dtests.seed=" + Seeds.hex(seed), e);
            }
        }
    }

    /**
     * Arms at most one fault: one in five rounds a failing fsync within the first {@code crashAfter + 1} syncs, one
     * in five a full disk after up to {@code maxWritableBytes}; otherwise only the power loss to come.
     */
    static void injectFault(FaultyDisk disk, Random random, int crashAfter, int maxWritableBytes) {
        switch (random.nextInt(5)) {
            case 0 -> disk.failSyncs(1 + random.nextInt(crashAfter + 1));
            case 1 -> disk.failWritesAfter(random.nextInt(maxWritableBytes));
            default -> { } // a plain power loss
        }
    }

    /**
     * Runs one thread per list of {@code planned} batches, each appending its batches in order with {@code append}
     * (which returns once the batch is acknowledged and throws {@link TsdbWriteException} when the store refuses;
     * the thread then stops), crashes the disk once {@code crashAfter} appends returned or every thread stopped,
     * waits for the threads and returns the disk after the crash.
     */
    static <B> FaultyDisk appendUntilCrash(FaultyDisk disk, Random random, List<List<B>> planned, int crashAfter,
                                           Consumer<B> append) throws InterruptedException {
        AtomicInteger acknowledged = new AtomicInteger();
        List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        List<Thread> appenders = new ArrayList<>();
        for (List<B> mine : planned) {
            appenders.add(Thread.ofPlatform().start(() -> {
                for (B batch : mine) {
                    try {
                        append.accept(batch);
                        acknowledged.incrementAndGet();
                    } catch (TsdbWriteException e) {
                        return; // the store is down; this batch and the rest stay unacknowledged
                    } catch (RuntimeException | AssertionError e) {
                        failures.add(e); // reported after the crash, rather than lost with the thread
                        return;
                    }
                }
            }));
        }
        while (acknowledged.get() < crashAfter && appenders.stream().anyMatch(Thread::isAlive)) {
            Thread.onSpinWait();
        }
        FaultyDisk after = disk.crash(random, random.nextBoolean());
        for (Thread t : appenders) {
            t.join();
        }
        if (!failures.isEmpty()) {
            AssertionError e = new AssertionError("an appender failed: " + failures.getFirst(), failures.getFirst());
            failures.stream().skip(1).forEach(e::addSuppressed);
            throw e;
        }
        return after;
    }
}
