package tocsin.tsdb;

import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * How to open a {@link Tsdb}. Start from {@link #of(Path)} and change what differs:
 * <pre>{@code
 * Tsdb.open(TsdbOptions.of(dataDir.resolve("metrics")).withMaxSeries(500_000).withClock(clock))
 * }</pre>
 * Immutable. The constructor checks every component and reports all problems at once.
 *
 * @param dir                 the directory the store owns (created if missing); the WAL lives in {@code dir/wal},
 *                            blocks in {@code dir/blocks}
 * @param clock               the time source, used to refuse points too far in the future and to apply retention
 * @param maxSeries           the most series the head holds; points for new series beyond it are rejected while
 *                            existing series keep accepting (series idle for a block range leave the head and free
 *                            their slot). 0 means no limit. Default 1,000,000: about 440 bytes of heap per series
 *                            with one full chunk, plus ~170 bytes per further 30 minutes of 15-second samples, for
 *                            at most 1.5 block ranges
 * @param outOfOrderTolerance how much older than a series' newest sample a point may be and still be accepted; the
 *                            newest samples within it are kept uncompressed (about 16 bytes each). Default 10 s:
 *                            enough for racing flushes of one DogStatsD interval, and a point or two per series
 * @param maxFutureSkew       how far ahead of the clock a point may be; one far-future point would otherwise make
 *                            every later point of its series out of order. Default 10 min, as Datadog
 * @param walSegmentBytes     the size at which the WAL starts a new segment file. Default 64 MiB
 * @param blockRange          the time range of one on-disk block: once the head spans 1.5 of them, the oldest is
 *                            written to a block, and samples older than its end are refused from then on. Blocks are
 *                            later merged into 3× and 12× larger ones. At least one second. Default 2 h, as
 *                            Prometheus
 * @param retention           how long blocks are kept: a block whose every sample is older than now − retention is
 *                            deleted (the head's samples are always kept). Zero keeps everything. Default zero
 * @param maxSeriesPerMetric  the most series one metric name may have in the head, so that one runaway tag (a
 *                            request id, a timestamp) cannot spend the whole {@code maxSeries} budget and starve
 *                            every other metric of new series. 0 means no limit. Default 0
 * @param rollups             whether compaction also writes 5-minute (and, into the largest blocks, 1-hour)
 *                            aggregates per series, which queries over long ranges read instead of raw samples
 *                            ({@code docs/format/block-rollups.md}); they follow their block's retention. Default on
 * @param walSyncInterval     zero: every group of appends is synced to disk before any of them is answered, so an
 *                            acknowledged point survives a machine crash. Positive: appends are written to the
 *                            operating system before they are answered (an acknowledged point survives the process
 *                            being killed, {@code kill -9} included) and synced at most this long after, and when a
 *                            segment ends; a machine crash may lose the points of the last interval, as with
 *                            Prometheus. At most 10 s. Default zero
 */
public record TsdbOptions(Path dir, InstantSource clock, int maxSeries, Duration outOfOrderTolerance,
                          Duration maxFutureSkew, long walSegmentBytes, Duration blockRange, Duration retention,
                          int maxSeriesPerMetric, boolean rollups, Duration walSyncInterval) {

    public static final int DEFAULT_MAX_SERIES = 1_000_000;
    public static final Duration DEFAULT_OUT_OF_ORDER_TOLERANCE = Duration.ofSeconds(10);
    public static final Duration DEFAULT_MAX_FUTURE_SKEW = Duration.ofMinutes(10);
    public static final long DEFAULT_WAL_SEGMENT_BYTES = 64L << 20;
    public static final Duration DEFAULT_BLOCK_RANGE = Duration.ofHours(2);
    /** Keep everything. */
    public static final Duration DEFAULT_RETENTION = Duration.ZERO;
    /** Sync every group of appends. */
    public static final Duration DEFAULT_WAL_SYNC_INTERVAL = Duration.ZERO;
    public static final Duration MAX_WAL_SYNC_INTERVAL = Duration.ofSeconds(10);

    public TsdbOptions {
        List<String> problems = new ArrayList<>();
        if (dir == null) {
            problems.add("dir is required");
        }
        if (clock == null) {
            problems.add("clock is required");
        }
        if (maxSeries < 0) {
            problems.add("maxSeries must be 0 (no limit) or positive, was " + maxSeries);
        }
        if (outOfOrderTolerance == null || outOfOrderTolerance.isNegative()) {
            problems.add("outOfOrderTolerance must be zero or positive, was " + outOfOrderTolerance);
        }
        if (maxFutureSkew == null || maxFutureSkew.isNegative()) {
            problems.add("maxFutureSkew must be zero or positive, was " + maxFutureSkew);
        }
        if (walSegmentBytes < 4096) {
            problems.add("walSegmentBytes must be at least 4096, was " + walSegmentBytes);
        }
        if (blockRange == null || blockRange.compareTo(Duration.ofSeconds(1)) < 0
                || blockRange.compareTo(Duration.ofDays(365)) > 0) {
            problems.add("blockRange must be between 1 s and 365 d, was " + blockRange);
        }
        if (retention == null || retention.isNegative()) {
            problems.add("retention must be zero (keep everything) or positive, was " + retention);
        }
        if (maxSeriesPerMetric < 0) {
            problems.add("maxSeriesPerMetric must be 0 (no limit) or positive, was " + maxSeriesPerMetric);
        }
        if (walSyncInterval == null || walSyncInterval.isNegative()
                || walSyncInterval.compareTo(MAX_WAL_SYNC_INTERVAL) > 0) {
            problems.add("walSyncInterval must be between 0 (sync every append) and 10 s, was " + walSyncInterval);
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("invalid TSDB options: " + String.join("; ", problems));
        }
    }

    /** The options of earlier versions, with the default block range and retention. */
    public TsdbOptions(Path dir, InstantSource clock, int maxSeries, Duration outOfOrderTolerance,
                       Duration maxFutureSkew, long walSegmentBytes) {
        this(dir, clock, maxSeries, outOfOrderTolerance, maxFutureSkew, walSegmentBytes, DEFAULT_BLOCK_RANGE,
                DEFAULT_RETENTION, 0, true, DEFAULT_WAL_SYNC_INTERVAL);
    }

    /** The defaults, storing in {@code dir}. */
    public static TsdbOptions of(Path dir) {
        return new TsdbOptions(Objects.requireNonNull(dir, "dir"), InstantSource.system(), DEFAULT_MAX_SERIES,
                DEFAULT_OUT_OF_ORDER_TOLERANCE, DEFAULT_MAX_FUTURE_SKEW, DEFAULT_WAL_SEGMENT_BYTES,
                DEFAULT_BLOCK_RANGE, DEFAULT_RETENTION, 0);
    }

    public TsdbOptions withClock(InstantSource clock) {
        return new TsdbOptions(dir, clock, maxSeries, outOfOrderTolerance, maxFutureSkew, walSegmentBytes,
                blockRange, retention, maxSeriesPerMetric, rollups, walSyncInterval);
    }

    public TsdbOptions withMaxSeries(int maxSeries) {
        return new TsdbOptions(dir, clock, maxSeries, outOfOrderTolerance, maxFutureSkew, walSegmentBytes,
                blockRange, retention, maxSeriesPerMetric, rollups, walSyncInterval);
    }

    public TsdbOptions withOutOfOrderTolerance(Duration tolerance) {
        return new TsdbOptions(dir, clock, maxSeries, tolerance, maxFutureSkew, walSegmentBytes, blockRange,
                retention, maxSeriesPerMetric, rollups, walSyncInterval);
    }

    public TsdbOptions withMaxFutureSkew(Duration skew) {
        return new TsdbOptions(dir, clock, maxSeries, outOfOrderTolerance, skew, walSegmentBytes, blockRange,
                retention, maxSeriesPerMetric, rollups, walSyncInterval);
    }

    public TsdbOptions withWalSegmentBytes(long bytes) {
        return new TsdbOptions(dir, clock, maxSeries, outOfOrderTolerance, maxFutureSkew, bytes, blockRange,
                retention, maxSeriesPerMetric, rollups, walSyncInterval);
    }

    public TsdbOptions withBlockRange(Duration range) {
        return new TsdbOptions(dir, clock, maxSeries, outOfOrderTolerance, maxFutureSkew, walSegmentBytes, range,
                retention, maxSeriesPerMetric, rollups, walSyncInterval);
    }

    public TsdbOptions withRetention(Duration retention) {
        return new TsdbOptions(dir, clock, maxSeries, outOfOrderTolerance, maxFutureSkew, walSegmentBytes,
                blockRange, retention, maxSeriesPerMetric, rollups, walSyncInterval);
    }

    /** With or without rollups written by compaction (see {@code rollups} above). */
    public TsdbOptions withRollups(boolean rollups) {
        return new TsdbOptions(dir, clock, maxSeries, outOfOrderTolerance, maxFutureSkew, walSegmentBytes,
                blockRange, retention, maxSeriesPerMetric, rollups, walSyncInterval);
    }

    /** The options before rollups, which are then on. */
    public TsdbOptions(Path dir, InstantSource clock, int maxSeries, Duration outOfOrderTolerance,
                       Duration maxFutureSkew, long walSegmentBytes, Duration blockRange, Duration retention,
                       int maxSeriesPerMetric) {
        this(dir, clock, maxSeries, outOfOrderTolerance, maxFutureSkew, walSegmentBytes, blockRange, retention,
                maxSeriesPerMetric, true, DEFAULT_WAL_SYNC_INTERVAL);
    }

    /** The options before the WAL sync interval, which is then zero (every append synced). */
    public TsdbOptions(Path dir, InstantSource clock, int maxSeries, Duration outOfOrderTolerance,
                       Duration maxFutureSkew, long walSegmentBytes, Duration blockRange, Duration retention,
                       int maxSeriesPerMetric, boolean rollups) {
        this(dir, clock, maxSeries, outOfOrderTolerance, maxFutureSkew, walSegmentBytes, blockRange, retention,
                maxSeriesPerMetric, rollups, DEFAULT_WAL_SYNC_INTERVAL);
    }

    /** With appends synced every group (zero) or at most this long after (see {@code walSyncInterval} above). */
    public TsdbOptions withWalSyncInterval(Duration interval) {
        return new TsdbOptions(dir, clock, maxSeries, outOfOrderTolerance, maxFutureSkew, walSegmentBytes,
                blockRange, retention, maxSeriesPerMetric, rollups, interval);
    }

    public TsdbOptions withMaxSeriesPerMetric(int limit) {
        return new TsdbOptions(dir, clock, maxSeries, outOfOrderTolerance, maxFutureSkew, walSegmentBytes,
                blockRange, retention, limit, rollups, walSyncInterval);
    }
}
