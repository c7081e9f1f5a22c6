package tocsin.tsdb;

import org.junit.jupiter.api.Test;
import tocsin.core.metric.MetricKind;
import tocsin.core.metric.SeriesKey;

import java.lang.management.ManagementFactory;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The head's footprint per active series: the key, the index entries, the series, and one full chunk of 120
 * samples (30 minutes at 15 s), measured as retained heap after a full GC.
 */
class HeadMemoryTest {
    static final int SERIES = 30_000;

    @Test
    void anActiveSeriesWithOneFullChunkCostsUnderOneKibibyte() throws Exception {
        long before = usedHeapAfterGc();
        Head head = fill();
        long after = usedHeapAfterGc();
        double perSeries = (double) (after - before) / SERIES;
        System.out.printf("head: %.0f bytes per series (%d series, 120 samples each)%n", perSeries, SERIES);
        assertThat(head.seriesCount()).isEqualTo(SERIES);
        assertThat(perSeries).isLessThan(1024);
    }

    /** Series as agents send them: ~10 metrics × 5,000 hosts with a handful of shared tags. */
    private static Head fill() {
        Head head = new Head(0, 10_000);
        Random random = new Random(1);
        String[] metrics = {"system.cpu.user", "system.cpu.system", "system.mem.used", "system.load.1",
                "system.disk.free", "system.net.bytes_rcvd", "system.net.bytes_sent", "http.requests",
                "http.latency.p99", "jvm.heap.used"};
        MemSeries[] series = new MemSeries[SERIES];
        for (int i = 0; i < SERIES; i++) {
            int host = i / metrics.length;
            // Fresh strings for every key, as a decoder makes them: the head must share them itself.
            series[i] = head.getOrCreate(SeriesKey.of(metrics[i % metrics.length], "host:ip-10-0-" + host,
                    "env:" + (host % 3 == 0 ? "staging" : "prod"), "region:us-east-" + (1 + host % 2),
                    "service:svc-" + host % 50, "availability-zone:us-east-1" + "abc".charAt(host % 3)),
                    MetricKind.GAUGE);
        }
        double[] values = new double[SERIES];
        for (int s = 0; s < 121; s++) { // 120 encoded + the newest in the reorder window
            long t = 1_700_000_000_000L + s * 15_000L;
            for (int i = 0; i < SERIES; i++) {
                values[i] += random.nextInt(10) < 7 ? 0 : random.nextInt(9) - 4;
                head.append(series[i], t, values[i]);
            }
        }
        return head;
    }

    private static long usedHeapAfterGc() throws InterruptedException {
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(50);
            used = Math.min(used, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        }
        return used;
    }
}
