package tocsin.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import tocsin.core.metric.MetricMetadata;
import tocsin.core.metric.MetricMetadataStore;

/** What every backend owes metric metadata: merged updates, nulls kept apart from values, concurrent writers. */
public abstract class MetricMetadataStoreContract {
    private StateStore state;
    private MetricMetadataStore store;

    protected abstract StateConfig newStateConfig(InstantSource clock);

    @BeforeEach
    void open() {
        state = StateStore.open(newStateConfig(new ManualClock(Instant.parse("2026-03-02T09:00:00Z"))));
        store = state.metricMetadataStore();
    }

    @AfterEach
    void close() {
        state.close();
    }

    @Test
    void updatesMergeFieldByFieldAndNothingIsInventedForUnknownMetrics() {
        assertThat(store.find("app.requests")).isEmpty();
        MetricMetadata first = store.update("app.requests", new MetricMetadata("rate", 10, null, null, null, null,
                null));
        assertThat(first).isEqualTo(new MetricMetadata("rate", 10, null, null, null, null, null));
        MetricMetadata second = store.update("app.requests", new MetricMetadata(null, null, "request", "second",
                "Requests served, per second ('quoted', ünïcode)", "reqs", "custom"));
        assertThat(second).isEqualTo(new MetricMetadata("rate", 10, "request", "second",
                "Requests served, per second ('quoted', ünïcode)", "reqs", "custom"));
        assertThat(store.find("app.requests")).contains(second);
        assertThat(store.update("app.requests", new MetricMetadata("count", 60, null, null, null, null, null)))
                .isEqualTo(new MetricMetadata("count", 60, "request", "second",
                        "Requests served, per second ('quoted', ünïcode)", "reqs", "custom"));
        assertThat(store.find("other")).isEmpty();
    }

    @Test
    void fillSetsOnlyWhatIsMissingSoAPersonsChoiceStays() {
        assertThat(store.fill("app.requests", new MetricMetadata("rate", 10, null, null, null, null, null)))
                .isEqualTo(new MetricMetadata("rate", 10, null, null, null, null, null));
        store.update("app.requests", new MetricMetadata("count", null, null, null, "edited", null, null));
        assertThat(store.fill("app.requests", new MetricMetadata("rate", 20, "request", null, "declared", null,
                null))).isEqualTo(new MetricMetadata("count", 10, "request", null, "edited", null, null));
        assertThat(store.find("app.requests"))
                .contains(new MetricMetadata("count", 10, "request", null, "edited", null, null));
    }

    @Test
    void concurrentUpdatesOfOneMetricLoseNoField() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<MetricMetadata>> done = new ArrayList<>();
            done.add(pool.submit(() -> store.update("m", new MetricMetadata("gauge", null, null, null, null, null,
                    null))));
            done.add(pool.submit(() -> store.update("m", new MetricMetadata(null, null, "byte", null, null, null,
                    null))));
            done.add(pool.submit(() -> store.update("m", new MetricMetadata(null, null, null, null, "d", null,
                    null))));
            done.add(pool.submit(() -> store.update("m", new MetricMetadata(null, null, null, null, null, "s",
                    null))));
            for (Future<MetricMetadata> f : done) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
        assertThat(store.find("m")).contains(new MetricMetadata("gauge", null, "byte", null, "d", "s", null));
    }
}
