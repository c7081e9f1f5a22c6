package tocsin.server.dogstatsd;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tocsin.core.metric.MetricBatch;
import tocsin.core.metric.SketchBatch;
import tocsin.server.intake.MetricIntake;
import tocsin.tsdb.AppendResult;
import tocsin.tsdb.MetricStore;
import tocsin.tsdb.Querier;
import tocsin.tsdb.SeriesData;
import tocsin.tsdb.SketchQuerier;
import tocsin.tsdb.Tsdb;
import tocsin.tsdb.TsdbOptions;
import tocsin.tsdb.TsdbWriteException;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * DogStatsD aggregates the metric store could not take (its disk failed, say) are kept and stored once it recovers,
 * in order; past the backlog the oldest go, counted on {@code /metrics}. A real store behind a switch that makes its
 * appends fail as a failed write-ahead log does.
 */
class DogStatsdOutageTest {
    /**
     * The real store; while {@link #down}, appends go to a closed store instead, which refuses them with the
     * {@link TsdbWriteException} a store whose log failed answers with.
     */
    static final class SwitchedStore implements MetricStore {
        final Tsdb tsdb;
        final Tsdb closed;
        volatile boolean down = true;
        final AtomicInteger refused = new AtomicInteger();

        SwitchedStore(Tsdb tsdb, Tsdb closed) {
            this.tsdb = tsdb;
            this.closed = closed;
        }

        @Override
        public AppendResult append(MetricBatch batch) {
            if (down) {
                refused.incrementAndGet();
                return closed.append(batch);
            }
            return tsdb.append(batch);
        }

        @Override
        public AppendResult appendSketches(SketchBatch batch) {
            return tsdb.appendSketches(batch);
        }

        @Override
        public Querier querier(long minMillis, long maxMillis) {
            return tsdb.querier(minMillis, maxMillis);
        }

        @Override
        public SketchQuerier sketchQuerier(long minMillis, long maxMillis) {
            return tsdb.sketchQuerier(minMillis, maxMillis);
        }
    }

    @TempDir
    Path dir;
    Tsdb tsdb;
    SwitchedStore store;
    PrometheusRegistry registry = new PrometheusRegistry();
    DogStatsdIntake intake;
    DatagramSocket client;

    @BeforeEach
    void open() throws Exception {
        tsdb = Tsdb.open(TsdbOptions.of(dir.resolve("store")));
        Tsdb closed = Tsdb.open(TsdbOptions.of(dir.resolve("closed")));
        closed.close();
        store = new SwitchedStore(tsdb, closed);
        client = new DatagramSocket();
    }

    @AfterEach
    void close() {
        if (intake != null) {
            intake.close();
        }
        client.close();
        tsdb.close();
    }

    private void start(int maxRetainedPoints) {
        intake = DogStatsdIntake.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), Duration.ofSeconds(1),
                new MetricIntake(store, registry), registry, maxRetainedPoints);
    }

    private void send(String lines) throws Exception {
        byte[] b = lines.getBytes(StandardCharsets.UTF_8);
        client.send(new DatagramPacket(b, b.length, InetAddress.getLoopbackAddress(), intake.port()));
    }

    /** Sends {@code lines} and waits until their interval was flushed and kept, the store being down. */
    private void sendAndWaitKept(String lines, int keptAfter) throws Exception {
        send(lines);
        await().atMost(Duration.ofSeconds(10)).until(() -> intake.keptPoints() == keptAfter);
    }

    private double total(String metric) {
        long now = System.currentTimeMillis();
        try (Querier q = tsdb.querier(now - 600_000, now + 60_000)) {
            return q.select(metric, List.of()).mapToDouble(d -> {
                double sum = 0;
                for (int i = 0; i < d.size(); i++) {
                    sum += d.value(i);
                }
                return sum;
            }).sum();
        }
    }

    private long droppedForTheStore() {
        return dropped("store_unavailable");
    }

    /** {@code tocsin_dogstatsd_samples_dropped_total{reason}} as {@code /metrics} would show it. */
    private long dropped(String reason) {
        return registry.scrape().stream().filter(m -> m.getMetadata().getName().equals("tocsin_dogstatsd_samples_dropped"))
                .flatMap(m -> ((CounterSnapshot) m).getDataPoints().stream())
                .filter(p -> p.getLabels().get("reason").equals(reason))
                .mapToLong(p -> (long) p.getValue()).sum();
    }

    @Test
    void theAggregatorsOwnDropsAreCountedOnMetrics() throws Exception {
        store.down = false;
        start(1_000);
        assertThat(dropped("interval_full")).isZero();
        send("mixed:1|g\nmixed:2|c"); // one series, two types in one interval: the second is dropped
        await().atMost(Duration.ofSeconds(10)).until(() -> dropped("type_conflict") == 1);
        await().atMost(Duration.ofSeconds(10)).until(() -> total("mixed") == 1.0);
    }

    @Test
    void anOutageShorterThanTheBacklogLosesNothing() throws Exception {
        start(1_000);
        sendAndWaitKept("shop.orders:3|c|#region:eu\nshop.orders:3|c|#region:eu\nshop.orders:3|c|#region:eu", 1);
        sendAndWaitKept("shop.orders:5|c|#region:eu\nshop.orders:5|c|#region:eu", 2); // the next interval
        assertThat(store.refused).hasValueGreaterThanOrEqualTo(2); // offered at every flush, refused every time
        assertThat(total("shop.orders")).isZero();

        store.down = false;
        await().atMost(Duration.ofSeconds(10)).until(() -> intake.keptPoints() == 0);
        assertThat(total("shop.orders")).isEqualTo(19.0);
        assertThat(droppedForTheStore()).isZero();
    }

    @Test
    void pastTheBacklogTheOldestGoAndAreCounted() throws Exception {
        start(2);
        sendAndWaitKept("first:1|c", 1);
        sendAndWaitKept("second:1|c", 2);
        send("third:1|c"); // three intervals kept would be three points: the first goes
        await().atMost(Duration.ofSeconds(10)).until(() -> droppedForTheStore() == 1);
        assertThat(intake.keptPoints()).isEqualTo(2);

        store.down = false;
        await().atMost(Duration.ofSeconds(10)).until(() -> intake.keptPoints() == 0);
        assertThat(total("first")).isZero();
        assertThat(total("second")).isEqualTo(1.0);
        assertThat(total("third")).isEqualTo(1.0);
    }

    @Test
    void whatIsStillKeptAtCloseIsCountedAsLost() throws Exception {
        start(1_000);
        sendAndWaitKept("late:1|c", 1);
        send("later:1|c"); // still in its open interval: flushed by close, refused too
        intake.close();
        intake = null;
        assertThat(droppedForTheStore()).isBetween(1L, 2L);
        assertThat(total("late")).isZero();
    }
}
