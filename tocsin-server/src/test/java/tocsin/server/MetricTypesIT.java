package tocsin.server;

import com.datadog.api.client.ApiClient;
import com.datadog.api.client.v1.api.MetricsApi;
import com.datadog.api.client.v1.model.MetricMetadata;
import com.datadog.api.client.v1.model.MetricsPayload;
import com.datadog.api.client.v1.model.Series;
import com.datadog.api.client.v2.model.MetricIntakeType;
import com.datadog.api.client.v2.model.MetricPayload;
import com.datadog.api.client.v2.model.MetricPoint;
import com.datadog.api.client.v2.model.MetricSeries;
import com.timgroup.statsd.NonBlockingStatsDClientBuilder;
import com.timgroup.statsd.StatsDClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Counts and rates keep their meaning from the wire to the query, as in Datadog: DogStatsD counts are stored as the
 * Agent submits them (per second over the flush interval, declared as a {@code rate} with that
 * {@code statsd_interval}), API series declare their type and interval, and {@code .as_count()} turns a rate back
 * into its events with the declared interval, however sparse the points. Real clients: the DogStatsD Java client and
 * Datadog's Java API client.
 */
class MetricTypesIT {
    static TestServer tocsin;
    static ApiClient api;

    @BeforeAll
    static void start() {
        tocsin = TestServer.start(TestServer.statsd(Duration.ofSeconds(2)), r -> {
        });
        api = DatadogClients.forServer(tocsin);
    }

    @AfterAll
    static void stop() {
        tocsin.close();
    }

    /** The sum of every value the query gives over the last ten minutes, through {@code /api/v1/query}. */
    private static double total(String query) {
        return tocsin.queryValues(query).stream().mapToDouble(d -> d).sum();
    }

    @Test
    void dogStatsdCountsAreRatesOverTheFlushIntervalAndAsCountGivesTheEventsBack() throws Exception {
        try (StatsDClient statsd = new NonBlockingStatsDClientBuilder().prefix("it").hostname("127.0.0.1")
                .port(tocsin.server().statsdPort()).enableTelemetry(false).originDetectionEnabled(false)
                .enableAggregation(false).blocking(true).build()) {
            for (int i = 0; i < 10; i++) {
                statsd.count("orders", 3, "shop:eu");
            }
            for (int v = 1; v <= 40; v++) {
                statsd.histogram("basket", v, "shop:eu");
            }
        }
        await().atMost(20, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            assertThat(total("sum:it.orders{shop:eu}.as_count()")).isEqualTo(30.0);
            assertThat(total("sum:it.basket.count{shop:eu}.as_count()")).isEqualTo(40.0);
        });
        // stored per second of the 2 s flush: summing the raw values over time gives half the events
        assertThat(total("sum:it.orders{shop:eu}.rollup(sum, 60)")).isEqualTo(15.0);
        MetricMetadata orders = new MetricsApi(api).getMetricMetadata("it.orders");
        assertThat(orders.getType()).isEqualTo("rate");
        assertThat(orders.getStatsdInterval()).isEqualTo(2L);
        assertThat(new MetricsApi(api).getMetricMetadata("it.basket.count").getType()).isEqualTo("rate");
        assertThat(new MetricsApi(api).getMetricMetadata("it.basket.avg").getType()).isEqualTo("gauge");
    }

    @Test
    void apiSeriesDeclareTheirIntervalAndSparseRatesCountByIt() throws Exception {
        long t = System.currentTimeMillis() / 1000 - 300;
        // a rate sent once a minute, each point covering 20 s of events: 0.5/s × 20 s = 10 events each
        new MetricsApi(api).submitMetrics(new MetricsPayload().series(List.of(new Series().metric("it.jobs.done")
                .type("rate").interval(20L).points(List.of(List.of((double) t, 0.5), List.of((double) t + 60, 0.5),
                        List.of((double) t + 120, 0.5))))));
        new com.datadog.api.client.v2.api.MetricsApi(api).submitMetrics(new MetricPayload().series(List.of(
                new MetricSeries().metric("it.jobs.failed").type(MetricIntakeType.COUNT).interval(60L).unit("job")
                        .points(List.of(new MetricPoint().timestamp(t).value(2.0))))));
        await().atMost(10, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
            assertThat(total("sum:it.jobs.done{*}.as_count()")).isEqualTo(30.0); // not 0.5 × 60 s × 3
            MetricMetadata failed = new MetricsApi(api).getMetricMetadata("it.jobs.failed");
            assertThat(failed.getType()).isEqualTo("count");
            assertThat(failed.getStatsdInterval()).isEqualTo(60L);
            assertThat(failed.getUnit()).isEqualTo("job");
        });
        // what a person sets wins over what later payloads declare
        new MetricsApi(api).updateMetricMetadata("it.jobs.done", new MetricMetadata().statsdInterval(10L));
        new MetricsApi(api).submitMetrics(new MetricsPayload().series(List.of(new Series().metric("it.jobs.done")
                .type("rate").interval(20L).points(List.of(List.of((double) t + 180, 0.5))))));
        assertThat(total("sum:it.jobs.done{*}.as_count()")).isEqualTo(20.0); // 0.5 × 10 s × 4
        assertThat(new MetricsApi(api).getMetricMetadata("it.jobs.done").getStatsdInterval()).isEqualTo(10L);
    }
}
