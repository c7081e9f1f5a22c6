package tocsin.tsdb;

import org.junit.jupiter.api.Test;
import tocsin.core.metric.MetricKind;
import tocsin.core.metric.SeriesKey;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class HeadTest {

    @Test
    void appendersRacingOnTheSameNewKeysCreateEachSeriesOnce() throws Exception {
        Head head = new Head(0, 0);
        int keys = 2000;
        Set<MemSeries> seen = Collections.newSetFromMap(new ConcurrentHashMap<>());
        runConcurrently(4, thread -> {
            for (int k = 0; k < keys; k++) {
                seen.add(head.getOrCreate(SeriesKey.of("m", "k:" + k), MetricKind.GAUGE)); // fresh key objects
            }
        });
        assertThat(seen).hasSize(keys);
        assertThat(head.seriesCount()).isEqualTo(keys);
        Set<Integer> ids = new java.util.HashSet<>();
        for (MemSeries s : seen) {
            ids.add(s.id);
            assertThat(head.byId(s.id)).isSameAs(s);
        }
        assertThat(ids).hasSize(keys);
    }

    @Test
    void theSeriesLimitHoldsUnderConcurrentCreation() throws Exception {
        Head head = new Head(500, 0);
        AtomicInteger created = new AtomicInteger();
        java.util.Queue<SeriesKey> admitted = new java.util.concurrent.ConcurrentLinkedQueue<>();
        runConcurrently(4, thread -> {
            for (int k = 0; k < 1000; k++) {
                SeriesKey key = SeriesKey.of("m", "thread:" + thread, "k:" + k);
                if (head.getOrCreate(key, MetricKind.GAUGE) != null) {
                    created.incrementAndGet();
                    admitted.add(key);
                }
            }
        });
        assertThat(created.get()).isEqualTo(500);
        assertThat(head.seriesCount()).isEqualTo(500);
        // Which 500 won the race is up to the scheduler; every one of them must still be found at the limit.
        for (SeriesKey key : admitted) {
            assertThat(head.getOrCreate(key, MetricKind.GAUGE)).as("existing series %s is still found", key).isNotNull();
        }
        assertThat(head.getOrCreate(SeriesKey.of("m", "thread:9", "k:0"), MetricKind.GAUGE)).as("a new one is not").isNull();
    }

    @Test
    void thePerMetricLimitHoldsUnderConcurrentCreationAndFreesSlotsOfRemovedSeries() throws Exception {
        Head head = new Head(1000, 100, 0, XorChunk.MAX_SPAN_MILLIS);
        java.util.Queue<MemSeries> admitted = new java.util.concurrent.ConcurrentLinkedQueue<>();
        runConcurrently(4, thread -> {
            for (int k = 0; k < 200; k++) {
                MemSeries s = head.getOrCreate(SeriesKey.of("runaway", "id:" + thread + "-" + k), MetricKind.GAUGE);
                if (s != null) {
                    admitted.add(s);
                }
                if (k < 80) {
                    assertThat(head.getOrCreate(SeriesKey.of("other" + thread, "k:" + k), MetricKind.GAUGE)).isNotNull();
                }
            }
        });
        assertThat(admitted).hasSize(100);
        assertThat(head.seriesCount()).as("the refused ones do not hold a global slot").isEqualTo(420);
        assertThat(head.metricAtLimit("runaway")).isTrue();
        assertThat(head.metricAtLimit("other0")).isFalse();

        // Idle series leave the head and give their slot back.
        List<MemSeries> idle = List.copyOf(admitted).subList(0, 10);
        idle.forEach(s -> s.logged = true); // their definitions are in the WAL: idle, not just created
        assertThat(head.remove(idle)).isEqualTo(10);
        assertThat(head.metricAtLimit("runaway")).isFalse();
        int again = 0;
        for (int k = 0; k < 50; k++) {
            if (head.getOrCreate(SeriesKey.of("runaway", "new:" + k), MetricKind.GAUGE) != null) {
                again++;
            }
        }
        assertThat(again).isEqualTo(10);
    }

    @Test
    void aSeriesJustCreatedForAQueuedAppendIsNotRemovedAsIdle() {
        Head head = new Head(0, 1, 0, XorChunk.MAX_SPAN_MILLIS);
        MemSeries fresh = head.getOrCreate(SeriesKey.of("m", "k:1"), MetricKind.GAUGE);
        MemSeries old = head.getOrCreate(SeriesKey.of("n", "k:1"), MetricKind.GAUGE);
        old.logged = true; // its definition is in the WAL and it has no samples: idle
        assertThat(head.remove(head.truncateBefore(Long.MAX_VALUE))).isEqualTo(1);
        assertThat(old.removed).isTrue();
        assertThat(fresh.removed).as("still waiting for its first points").isFalse();
        assertThat(head.getOrCreate(SeriesKey.of("m", "k:1"), MetricKind.GAUGE)).isSameAs(fresh);
        assertThat(head.getOrCreate(SeriesKey.of("m", "k:2"), MetricKind.GAUGE)).as("per-metric limit of 1 held")
                .isNull();
    }

    @Test
    void readersSeeWholeSortedSamplesWhileWritersAppend() throws Exception {
        Head head = new Head(0, 5_000);
        AtomicBoolean done = new AtomicBoolean();
        AtomicInteger reads = new AtomicInteger();
        try (ExecutorService pool = Executors.newFixedThreadPool(4)) {
            List<Future<?>> writers = new ArrayList<>();
            for (int w = 0; w < 2; w++) {
                int writer = w;
                writers.add(pool.submit(() -> {
                    for (int i = 0; i < 3_000; i++) {
                        for (int s = 0; s < 10; s++) {
                            MemSeries series = head.getOrCreate(SeriesKey.of("m", "w:" + writer, "s:" + s),
                                    MetricKind.GAUGE);
                            long t = i * 1000L + (i % 3 == 0 ? -2000 : 0); // some late points, within tolerance
                            head.append(series, t, t / 1000.0);
                        }
                    }
                }));
            }
            List<Future<?>> readers = new ArrayList<>();
            for (int r = 0; r < 2; r++) {
                readers.add(pool.submit(() -> {
                    boolean last = false;
                    while (!last) {
                        last = done.get(); // one more read after the writers finish, however late this starts
                        try (Querier q = new HeadQuerier(head, Long.MIN_VALUE, Long.MAX_VALUE)) {
                            q.select("m", List.of()).forEach(d -> {
                                for (int i = 0; i < d.size(); i++) {
                                    assertThat(d.value(i)).isEqualTo(d.timestamp(i) / 1000.0);
                                    if (i > 0) {
                                        assertThat(d.timestamp(i)).isGreaterThan(d.timestamp(i - 1));
                                    }
                                }
                            });
                        }
                        reads.incrementAndGet();
                    }
                    return null;
                }));
            }
            for (Future<?> f : writers) {
                f.get();
            }
            done.set(true);
            for (Future<?> f : readers) {
                f.get();
            }
        }
        assertThat(reads.get()).isPositive();
        try (Querier q = new HeadQuerier(head, Long.MIN_VALUE, Long.MAX_VALUE)) {
            assertThat(q.select("m", List.of()).toList()).hasSize(20)
                    .allSatisfy(d -> assertThat(d.size()).isBetween(2000, 3000));
        }
    }

    interface ThreadBody {
        void run(int thread) throws Exception;
    }

    static void runConcurrently(int threads, ThreadBody body) throws Exception {
        CountDownLatch start = new CountDownLatch(1);
        try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            List<Future<Object>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                Callable<Object> task = () -> {
                    start.await();
                    body.run(thread);
                    return null;
                };
                futures.add(pool.submit(task));
            }
            start.countDown();
            for (Future<Object> f : futures) {
                f.get();
            }
        }
    }
}
