package tocsin.tsdb;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import tocsin.core.metric.MetricKind;
import tocsin.core.metric.SeriesKey;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A rollups file of either format version gives the raw samples' aggregates: version 1 (what blocks written before
 * version 2 hold) for start-inclusive buckets only, version 2 for both kinds; samples lie on bucket boundaries often.
 */
class RollupFileVersionsTest {
    static final long FIVE_MINUTES = RollupFile.FIVE_MINUTES;
    static final long HOUR = RollupFile.ONE_HOUR;
    static final long T0 = 1_700_006_400_000L; // a midnight, UTC
    static final SeriesKey KEY = SeriesKey.of("cpu", "host:a");

    @Property(tries = 20)
    void bothVersionsAnswerAsTheSamplesDo(@ForAll long seed) throws Exception {
        Random random = new Random(seed);
        int n = 200 + random.nextInt(2000);
        long[] times = new long[n];
        double[] values = new double[n];
        long t = T0 + random.nextInt(60_000);
        for (int i = 0; i < n; i++) {
            t += random.nextInt(4) == 0 ? 300_000 : 1 + random.nextInt(30_000);
            if (random.nextInt(3) == 0) {
                t = Math.ceilDiv(t, 15_000) * 15_000;
            }
            times[i] = t;
            values[i] = random.nextInt(20) == 0 ? 0 : Math.round(random.nextGaussian() * 1000) / 100.0;
        }
        SeriesData raw = new SeriesData(KEY, MetricKind.GAUGE, times, values);
        for (int version = 1; version <= RollupFile.VERSION; version++) {
            RollupFile file = write(times, values, version);
            assertThat(file.version()).isEqualTo(version);
            for (RollupBounds bounds : RollupBounds.values()) {
                boolean usable = version > 1 || bounds == RollupBounds.START_INCLUSIVE;
                assertThat(file.usableFor(HOUR, bounds)).as("v%d %s", version, bounds)
                        .isEqualTo(usable ? HOUR : 0);
                if (!usable) {
                    continue;
                }
                for (long resolution : new long[]{FIVE_MINUTES, HOUR}) {
                    long from = Math.floorDiv(times[0], resolution) * resolution - resolution;
                    long to = Math.floorDiv(times[n - 1], resolution) * resolution + 2 * resolution;
                    RollupBuckets read = new RollupBuckets(resolution, bounds);
                    boolean endInclusive = bounds == RollupBounds.END_INCLUSIVE;
                    file.read(0, resolution, from, to, from, endInclusive ? to : to - 1, read, bytes -> { });
                    RollupPropertyTest.assertSame(RollupPropertyTest.reference(raw, resolution, bounds),
                            read.toData(KEY, MetricKind.GAUGE), "v%d %s at %d (seed %d)".formatted(version, bounds,
                                    resolution, seed));
                }
            }
        }
    }

    @org.junit.jupiter.api.Test
    void aFileFromANewerVersionRefusesToOpenSayingSo() throws Exception {
        FaultyDisk disk = new FaultyDisk();
        disk.createDirectories("b");
        try (RollupFile.Writer w = new RollupFile.Writer(disk, "b", new long[]{FIVE_MINUTES, HOUR}, RollupFile.VERSION)) {
            w.add(new long[]{0, 15_000}, new double[]{1, 2}, 2);
            w.finish(1);
        }
        String path = "b/" + RollupFile.NAME;
        byte[] bytes = disk.bytes(path);
        bytes[4] = RollupFile.VERSION + 1;
        disk.put(path, bytes);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> RollupFile.open(disk.map(path).buffer(), path, 1))
                .isInstanceOf(TsdbOpenException.class)
                .hasMessageContaining("format version " + (RollupFile.VERSION + 1))
                .hasMessageContaining("reads up to " + RollupFile.VERSION);
    }

    private static RollupFile write(long[] times, double[] values, int version) throws Exception {
        FaultyDisk disk = new FaultyDisk();
        disk.createDirectories("b");
        try (RollupFile.Writer w = new RollupFile.Writer(disk, "b", new long[]{FIVE_MINUTES, HOUR}, version)) {
            w.add(times, values, times.length);
            w.finish(1);
        }
        return RollupFile.open(disk.map("b/" + RollupFile.NAME).buffer(), "b/" + RollupFile.NAME, 1);
    }
}
