package tocsin.tsdb;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import tocsin.core.metric.MetricBatch;
import tocsin.core.metric.MetricKind;
import tocsin.core.metric.SeriesKey;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Whatever the series, the range and the resolution, a querier's rollups are the raw samples' aggregates: the store
 * holds two and a half days of random gauges and counters (with resets) at jittery intervals, cut and compacted into
 * 6-hour and 24-hour blocks with stored 5-minute and 1-hour rollups, and every answer is compared, bucket by bucket,
 * with a reference computed here from the raw samples the same querier returns.
 */
class RollupPropertyTest {
    static final long T0 = 1_700_000_000_000L;
    static final long HOUR = 3_600_000L;
    static final long DAYS = 60 * HOUR;
    static final long[] RESOLUTIONS = {300_000, 600_000, 900_000, 1_800_000, HOUR, 2 * HOUR, 6 * HOUR, 86_400_000,
            420_000, 90_000};
    static final List<SeriesKey> KEYS = List.of(SeriesKey.of("cpu", "host:a"), SeriesKey.of("cpu", "host:b"),
            SeriesKey.of("requests", "host:a"));

    @Property(tries = 12)
    void rollupsAnswerAsRawSamplesDo(@ForAll long seed) {
        Random random = new Random(seed);
        long end = T0 + DAYS;
        TsdbOptions options = TsdbOptions.of(Path.of("in-memory")).withClock(() -> Instant.ofEpochMilli(end))
                .withWalSegmentBytes(1 << 20);
        try (Tsdb tsdb = Tsdb.open(options, new FaultyDisk(), false, 1 << 20)) {
            fill(tsdb, random, end);
            assertThat(tsdb.blocks().current().blocks()).as("compacted, with rollups")
                    .anyMatch(b -> b.meta().level() == 3 && b.rollups() != null);
            long rollupChunks = 0;
            for (int q = 0; q < 25; q++) {
                long from = T0 - HOUR + (long) (random.nextDouble() * (DAYS + 2 * HOUR));
                long to = q % 5 == 0 ? Math.max(from, end) : from + (long) (random.nextDouble() * (end - from + HOUR));
                if (q % 3 == 0) { // an aligned range, as the query engines ask
                    from = Math.floorDiv(from, HOUR) * HOUR;
                    to = Math.max(from + HOUR, Math.floorDiv(to, HOUR) * HOUR) - 1;
                }
                long resolution = RESOLUTIONS[random.nextInt(RESOLUTIONS.length)];
                try (Querier querier = tsdb.querier(from, to)) {
                    for (SeriesKey key : KEYS) {
                        SeriesData raw = querier.read(key).orElseThrow();
                        RollupData rollup = querier.readRollup(key, resolution).orElseThrow();
                        assertSame(reference(raw, resolution, RollupBounds.START_INCLUSIVE), rollup,
                                "%s [%d, %d] at %d".formatted(key, from, to, resolution));
                        List<double[]> expected = reference(raw, resolution, RollupBounds.END_INCLUSIVE);
                        RollupData endInclusive = querier.selectRollups(key.name(), List.of(), resolution,
                                RollupBounds.END_INCLUSIVE).filter(d -> d.key().equals(key)).findFirst().orElse(null);
                        if (endInclusive == null) { // select leaves out series without samples in range
                            assertThat(expected).isEmpty();
                            continue;
                        }
                        assertThat(endInclusive.bounds()).isEqualTo(RollupBounds.END_INCLUSIVE);
                        assertSame(expected, endInclusive,
                                "%s [%d, %d] at %d, end-inclusive".formatted(key, from, to, resolution));
                    }
                    List<RollupData> selected = querier.selectRollups("cpu", List.of(), resolution).toList();
                    assertThat(selected).extracting(RollupData::key).isSubsetOf(KEYS);
                    rollupChunks += querier.stats().rollupChunks();
                }
            }
            assertThat(rollupChunks).as("stored rollups answered some queries").isPositive();
        }
    }

    /**
     * Samples every 20–40 s from T0 to end, a third of them moved to the next multiple of 20 s (as regular scrapes
     * are, so that many lie exactly on bucket boundaries), maintenance now and then; the last day stays in smaller
     * blocks.
     */
    private static void fill(Tsdb tsdb, Random random, long end) {
        double[] gauge = {50, 10};
        double counter = 0;
        MetricBatch batch = new MetricBatch();
        long nextMaintenance = T0 + 6 * HOUR;
        for (long t = T0; t < end; t += 20_000 + random.nextInt(20_001)) {
            if (random.nextInt(3) == 0) {
                t = Math.ceilDiv(t, 20_000) * 20_000;
            }
            for (int s = 0; s < 2; s++) {
                gauge[s] = Math.round((gauge[s] + random.nextGaussian()) * 100) / 100.0;
            }
            counter = random.nextInt(500) == 0 ? random.nextInt(10) : counter + random.nextInt(100);
            batch.add(KEYS.get(0), MetricKind.GAUGE, t, gauge[0]);
            batch.add(KEYS.get(1), MetricKind.GAUGE, t, random.nextInt(4) == 0 ? random.nextDouble() : gauge[1]);
            batch.add(KEYS.get(2), MetricKind.COUNTER, t, counter);
            if (batch.size() >= 300) {
                assertThat(tsdb.append(batch).rejections()).isEmpty();
                batch = new MetricBatch();
            }
            if (t >= nextMaintenance) {
                assertThat(tsdb.maintain()).isEmpty();
                nextMaintenance += 6 * HOUR;
            }
        }
        assertThat(tsdb.append(batch).rejections()).isEmpty();
        assertThat(tsdb.maintain()).isEmpty();
    }

    /** The buckets computed the obvious way: group the raw samples by aligned bucket, fold each group. */
    static List<double[]> reference(SeriesData raw, long resolution, RollupBounds bounds) {
        List<double[]> out = new ArrayList<>(); // start, count, sum, min, max, counter, first, last
        for (int i = 0; i < raw.size(); i++) {
            long t = raw.timestamp(i);
            long start = bounds == RollupBounds.START_INCLUSIVE ? Math.floorDiv(t, resolution) * resolution
                    : Math.floorDiv(t - 1, resolution) * resolution;
            double v = raw.value(i);
            double[] b = out.isEmpty() ? null : out.getLast();
            if (b == null || b[0] != start) {
                out.add(new double[]{start, 1, v, v, v, 0, v, v});
                continue;
            }
            b[1]++;
            b[2] += v;
            b[3] = Math.min(b[3], v);
            b[4] = Math.max(b[4], v);
            b[5] += v >= b[7] ? v - b[7] : v;
            b[7] = v;
        }
        return out;
    }

    static void assertSame(List<double[]> expected, RollupData actual, String what) {
        assertThat(actual.size()).as("buckets of %s", what).isEqualTo(expected.size());
        for (int i = 0; i < expected.size(); i++) {
            double[] e = expected.get(i);
            String bucket = what + " bucket " + i;
            assertThat(actual.start(i)).as(bucket).isEqualTo((long) e[0]);
            assertThat(actual.count(i)).as(bucket).isEqualTo((long) e[1]);
            assertThat(actual.sum(i)).as(bucket + " sum").isCloseTo(e[2], within(1e-9 * Math.max(1, Math.abs(e[2]))));
            assertThat(actual.min(i)).as(bucket + " min").isEqualTo(e[3]);
            assertThat(actual.max(i)).as(bucket + " max").isEqualTo(e[4]);
            assertThat(actual.counter(i)).as(bucket + " counter")
                    .isCloseTo(e[5], within(1e-9 * Math.max(1, Math.abs(e[5]))));
            assertThat(actual.first(i)).as(bucket + " first").isEqualTo(e[6]);
            assertThat(actual.last(i)).as(bucket + " last").isEqualTo(e[7]);
        }
    }
}
