package tocsin.server.intake;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tocsin.core.metric.MetricMetadata;
import tocsin.core.metric.MetricMetadataStore;
import tocsin.state.StateConfig;
import tocsin.state.StateStore;

import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** The metadata cache over the real embedded state store, seen through a counting, switchable door. */
class MetricMetadataCacheTest {
    private static final MetricMetadata RATE_10 = MetricMetadata.declared("rate", 10);

    @TempDir
    Path dir;
    private StateStore state;
    private Door door;

    /** Counts the calls that reach the store; can make them fail, or hold fills until released. */
    static final class Door implements MetricMetadataStore {
        final MetricMetadataStore store;
        final AtomicInteger finds = new AtomicInteger();
        final AtomicInteger fills = new AtomicInteger();
        final AtomicBoolean failing = new AtomicBoolean();
        volatile CountDownLatch hold = new CountDownLatch(0);

        Door(MetricMetadataStore store) {
            this.store = store;
        }

        @Override
        public Optional<MetricMetadata> find(String metric) {
            finds.incrementAndGet();
            return store.find(metric);
        }

        @Override
        public MetricMetadata update(String metric, MetricMetadata changes) {
            return store.update(metric, changes);
        }

        @Override
        public MetricMetadata fill(String metric, MetricMetadata defaults) {
            try {
                hold.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            fills.incrementAndGet();
            if (failing.get()) {
                throw new IllegalStateException("database down");
            }
            return store.fill(metric, defaults);
        }
    }

    @BeforeEach
    void open() {
        state = StateStore.open(new StateConfig(null, dir, InstantSource.system(), 4));
        door = new Door(state.metricMetadataStore());
    }

    @AfterEach
    void close() {
        state.close();
    }

    private static void awaitIdle(MetricMetadataCache cache) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!cache.idle() && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(cache.idle()).as("the writer is done within 10 s").isTrue();
    }

    @Test
    void declarationsAreStoredOnceAndSteadyTrafficCostsNoWrite() throws Exception {
        try (MetricMetadataCache cache = new MetricMetadataCache(door, Duration.ofMinutes(1))) {
            cache.declare(Map.of("app.requests", RATE_10, "app.latency", MetricMetadata.declared("gauge", null)));
            awaitIdle(cache);
            assertThat(state.metricMetadataStore().find("app.requests")).contains(RATE_10);
            assertThat(door.fills).hasValue(2);
            for (int i = 0; i < 1000; i++) {
                cache.declare(Map.of("app.requests", RATE_10));
                cache.declare(Map.of("app.requests", MetricMetadata.declared("rate", null)));
            }
            awaitIdle(cache);
            assertThat(door.fills).hasValue(2);
            assertThat(cache.find("app.requests")).contains(RATE_10);
            assertThat(door.finds).hasValue(0); // the fill's answer was cached
        }
    }

    @Test
    void whatAPersonSetStaysAndDeclaringItDifferentlyDoesNotWriteAgainAndAgain() throws Exception {
        try (MetricMetadataCache cache = new MetricMetadataCache(door, Duration.ofMinutes(1))) {
            cache.update("app.requests", new MetricMetadata("count", 60, null, null, "edited", null, null));
            for (int i = 0; i < 100; i++) {
                cache.declare(Map.of("app.requests", RATE_10));
            }
            awaitIdle(cache);
            assertThat(door.fills).hasValue(0);
            assertThat(cache.find("app.requests"))
                    .contains(new MetricMetadata("count", 60, null, null, "edited", null, null));
        }
    }

    @Test
    void readsAreCachedForTheTtlAbsentMetricsToo() throws Exception {
        try (MetricMetadataCache cache = new MetricMetadataCache(door, Duration.ofMillis(200))) {
            for (int i = 0; i < 100; i++) {
                assertThat(cache.find("never.described")).isEmpty();
            }
            assertThat(door.finds).hasValue(1);
            // another node describes it; this one sees it once the cached answer is older than the TTL
            state.metricMetadataStore().update("never.described", RATE_10);
            assertThat(cache.find("never.described")).isEmpty();
            Thread.sleep(250);
            assertThat(cache.find("never.described")).contains(RATE_10);
            assertThat(door.finds).hasValue(2);
        }
    }

    @Test
    void aStoreOutageLosesDeclarationsOnlyUntilTheNextRequestCarriesThem() throws Exception {
        try (MetricMetadataCache cache = new MetricMetadataCache(door, Duration.ofMinutes(1))) {
            door.failing.set(true);
            cache.declare(Map.of("app.requests", RATE_10));
            awaitIdle(cache);
            assertThat(cache.failedDeclarations()).isEqualTo(1);
            door.failing.set(false);
            cache.declare(Map.of("app.requests", RATE_10));
            awaitIdle(cache);
            assertThat(state.metricMetadataStore().find("app.requests")).contains(RATE_10);
        }
    }

    @Test
    void atMostSoManyMetricsWaitAndTheRestAreCounted() throws Exception {
        door.hold = new CountDownLatch(1);
        try (MetricMetadataCache cache = new MetricMetadataCache(door, Duration.ofMinutes(1), 20)) {
            Map<String, MetricMetadata> many = new HashMap<>();
            for (int i = 0; i < 30; i++) {
                many.put("m" + i, RATE_10);
            }
            cache.declare(many);
            // the writer may have taken one off the queue before it filled up, and holds it
            assertThat(cache.droppedDeclarations()).isBetween(9L, 10L);
            door.hold.countDown();
            awaitIdle(cache);
            assertThat(door.fills.get()).isEqualTo(30 - (int) cache.droppedDeclarations());
        }
    }

    @Test
    void closingWritesWhatIsWaiting() {
        door.hold = new CountDownLatch(1);
        MetricMetadataCache cache = new MetricMetadataCache(door, Duration.ofMinutes(1));
        cache.declare(Map.of("a", RATE_10, "b", RATE_10, "c", RATE_10));
        door.hold.countDown();
        cache.close();
        assertThat(state.metricMetadataStore().find("a")).contains(RATE_10);
        assertThat(state.metricMetadataStore().find("b")).contains(RATE_10);
        assertThat(state.metricMetadataStore().find("c")).contains(RATE_10);
    }
}
