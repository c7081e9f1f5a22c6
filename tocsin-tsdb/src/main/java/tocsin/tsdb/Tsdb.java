package tocsin.tsdb;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tocsin.core.metric.MetricBatch;
import tocsin.core.metric.MetricKind;
import tocsin.core.metric.SeriesKey;

import java.io.IOException;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;

/**
 * Tocsin's embedded time-series store: the one way in to this module.
 * <pre>{@code
 * try (Tsdb tsdb = Tsdb.open(TsdbOptions.of(dataDir.resolve("metrics")))) {
 *     AppendResult r = tsdb.append(batch);           // durable when it returns
 *     try (Querier q = tsdb.querier(from, to)) {
 *         q.select("system.cpu.user", List.of(new TagMatcher.HasTag("env:prod"))).forEach(...);
 *     }
 * }
 * }</pre>
 *
 * <h2>The path of a batch</h2>
 * On the calling thread: each point is checked against what does not depend on order (its timestamp against the
 * clock, its series against the series limit, its kind against the series' kind, which the first point decides),
 * its series is found or created, and the survivors are framed as one WAL record. The {@link Wal} writer thread
 * logs it with others in a group commit, syncs, and then applies the group to the {@link Head} in log order, so that
 * order-dependent rules (out of order, duplicates) give the same answers live and at replay. The call returns
 * after that. Points are visible to queries once their append has returned, never before they are durable.
 *
 * <p>Thread-safe: any number of threads may append and query at once.
 *
 * <p>On open, the WAL is replayed into a fresh head (see {@link WalReader} for how torn and corrupt data is handled)
 * and a new segment is started.
 */
public final class Tsdb implements MetricStore, AutoCloseable {
    static final String WAL_DIR = "wal";
    private static final Logger log = LoggerFactory.getLogger(Tsdb.class);

    private final Disk disk;
    private final Head head;
    private final InstantSource clock;
    private final long maxFutureSkewMillis;
    private final WalReader.Report recovery;
    private final Wal wal;
    private volatile boolean closed;

    private Tsdb(TsdbOptions options, Disk disk, Head head, WalReader.Report recovery) throws IOException {
        this.disk = disk;
        this.head = head;
        this.clock = options.clock();
        this.maxFutureSkewMillis = options.maxFutureSkew().toMillis();
        this.recovery = recovery;
        this.wal = new Wal(disk, WAL_DIR, recovery.nextSegment(), options.walSegmentBytes(), new Apply(head));
    }

    /**
     * Opens the store in {@code options.dir()}, creating it if needed, and replays its write-ahead log.
     *
     * @throws TsdbOpenException when the directory cannot be used (locked, unreadable, from a newer version)
     */
    public static Tsdb open(TsdbOptions options) {
        return open(options, FileDisk.open(options.dir()));
    }

    /** Opens on any {@link Disk}; tests pass one that injects faults. Closes the disk if opening fails. */
    static Tsdb open(TsdbOptions options, Disk disk) {
        try {
            disk.createDirectories(WAL_DIR);
            Head head = new Head(options.maxSeries(), options.outOfOrderTolerance().toMillis());
            Replay replay = new Replay(head);
            long started = System.nanoTime();
            WalReader.Report report = WalReader.replay(disk, WAL_DIR, replay);
            if (replay.unknownSeries > 0) {
                log.error("{} points in the WAL belong to series whose definition was lost; they were dropped",
                        replay.unknownSeries);
            }
            log.info("replayed the WAL: {} segments, {} records, {} series, {} points ({} refused again by the "
                            + "order rules) in {} ms", report.segments(), report.records(), head.seriesCount(),
                    replay.points, replay.refused, (System.nanoTime() - started) / 1_000_000);
            return new Tsdb(options, disk, head, report);
        } catch (IOException | RuntimeException e) {
            try {
                disk.close();
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            if (e instanceof TsdbOpenException open) {
                throw open;
            }
            throw new TsdbOpenException("cannot open the TSDB in " + options.dir() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public AppendResult append(MetricBatch batch) {
        if (closed) {
            throw new TsdbWriteException("the store is closed", null);
        }
        int n = batch.size();
        if (n == 0) {
            return AppendResult.EMPTY;
        }
        List<PendingAppend.Refused> refused = new ArrayList<>(0);
        MemSeries[] series = new MemSeries[n];
        int[] ids = new int[n];
        long[] timestamps = new long[n];
        double[] values = new double[n];
        int[] pointIndex = new int[n];
        int m = 0;
        long now = clock.millis();
        long latest = now + maxFutureSkewMillis < now ? Long.MAX_VALUE : now + maxFutureSkewMillis;
        SeriesKey previousKey = null;
        MemSeries previous = null;
        for (int i = 0; i < n; i++) {
            SeriesKey key = batch.key(i);
            MetricKind kind = batch.kind(i);
            long t = batch.timestamp(i);
            if (t > latest) {
                refused.add(new PendingAppend.Refused(i, "timestamp " + t + " of " + key + " is "
                        + (t - now) + " ms ahead of the server clock (" + now + "); at most " + maxFutureSkewMillis
                        + " ms is allowed"));
                continue;
            }
            MemSeries s = key.equals(previousKey) ? previous : head.getOrCreate(key, kind);
            previousKey = key;
            previous = s;
            if (s == null) {
                refused.add(new PendingAppend.Refused(i, "series limit of " + head.maxSeries() + " reached; " + key
                        + " is a new series and is refused, existing series still accept points"));
                continue;
            }
            if (s.kind != kind) {
                refused.add(new PendingAppend.Refused(i, "kind conflict: " + key + " is stored as " + s.kind
                        + " (its first point decided), this point is " + kind));
                continue;
            }
            series[m] = s;
            ids[m] = s.id;
            timestamps[m] = t;
            values[m] = batch.value(i);
            pointIndex[m] = i;
            m++;
        }
        if (m == 0) {
            return new PendingAppend(null, series, timestamps, values, pointIndex, 0, refused).toResult(0);
        }
        PendingAppend pending = new PendingAppend(WalFormat.samplesRecord(ids, timestamps, values, m), series,
                timestamps, values, pointIndex, m, refused);
        wal.submit(pending);
        try {
            return pending.result.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof TsdbWriteException failed) {
                throw new TsdbWriteException(failed.getMessage(), failed); // this thread's stack, the cause kept
            }
            throw e;
        }
    }

    @Override
    public Querier querier(long minMillis, long maxMillis) {
        if (minMillis > maxMillis) {
            throw new IllegalArgumentException("minMillis " + minMillis + " is after maxMillis " + maxMillis);
        }
        if (closed) {
            throw new IllegalStateException("the store is closed");
        }
        return new HeadQuerier(head, minMillis, maxMillis);
    }

    /** Logs what was appended before this call, then releases the files. Later appends fail. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        wal.close();
        try {
            disk.close();
        } catch (IOException e) {
            log.warn("releasing the data directory failed", e);
        }
    }

    /** What the WAL replay found when this store opened. */
    WalReader.Report recovery() {
        return recovery;
    }

    Head head() {
        return head;
    }

    Wal wal() {
        return wal;
    }

    /** The writer thread's half of an append: log series definitions first, then apply in log order. */
    private static final class Apply implements Wal.Committer {
        private final Head head;
        private final List<MemSeries> newSeries = new ArrayList<>();

        Apply(Head head) {
            this.head = head;
        }

        @Override
        public byte[] prelude(List<PendingAppend> group) {
            newSeries.clear();
            for (PendingAppend p : group) {
                for (int i = 0; i < p.count; i++) {
                    MemSeries s = p.series[i];
                    if (!s.logged) {
                        s.logged = true;
                        newSeries.add(s);
                    }
                }
            }
            return newSeries.isEmpty() ? null : WalFormat.seriesRecord(newSeries);
        }

        @Override
        public void committed(List<PendingAppend> group) {
            for (PendingAppend p : group) {
                int accepted = 0;
                for (int i = 0; i < p.count; i++) {
                    MemSeries s = p.series[i];
                    long t = p.timestamps[i];
                    switch (head.append(s, t, p.values[i])) {
                        case APPENDED, DUPLICATE_IGNORED -> accepted++;
                        case OUT_OF_ORDER -> p.refused.add(new PendingAppend.Refused(p.pointIndex[i],
                                "out of order: " + s.key + " already has a sample at " + s.maxTime() + " and "
                                        + t + " is older by more than the tolerance of " + head.toleranceMillis()
                                        + " ms"));
                        case DUPLICATE_CONFLICT -> p.refused.add(new PendingAppend.Refused(p.pointIndex[i],
                                "duplicate timestamp: " + s.key + " already has a different value at " + t
                                        + ", which is past the reorder window and can no longer be replaced"));
                    }
                }
                p.result.complete(p.toResult(accepted));
            }
        }
    }

    /** Rebuilds the head from WAL records: the same rules as {@link Apply}, minus the reporting. */
    private static final class Replay implements WalFormat.RecordVisitor {
        private final Head head;
        long points;
        long refused;
        long unknownSeries;

        Replay(Head head) {
            this.head = head;
        }

        @Override
        public void series(int id, SeriesKey key, MetricKind kind) {
            head.restore(id, key, kind).logged = true;
        }

        @Override
        public void sample(int id, long timestamp, double value) {
            MemSeries s = head.byId(id);
            if (s == null) {
                head.reserveId(id);
                unknownSeries++;
                return;
            }
            points++;
            MemSeries.Outcome outcome = head.append(s, timestamp, value);
            if (outcome == MemSeries.Outcome.OUT_OF_ORDER || outcome == MemSeries.Outcome.DUPLICATE_CONFLICT) {
                refused++;
            }
        }
    }
}
