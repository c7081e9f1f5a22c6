package tocsin.server;

import com.datadog.api.client.ApiException;
import com.datadog.api.client.v1.api.MetricsApi;
import com.datadog.api.client.v1.model.MetricMetadata;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;


import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Datadog's metric metadata API, with Datadog's Java API client: set, read back, changed in part, bad fields named. */
class MetricMetadataIT {
    static TestServer tocsin;
    static MetricsApi metrics;

    @BeforeAll
    static void start() {
        tocsin = TestServer.start();
        metrics = new MetricsApi(DatadogClients.forServer(tocsin));
    }

    @AfterAll
    static void stop() {
        tocsin.close();
    }

    @Test
    void metadataIsSetReadBackAndChangedFieldByField() throws Exception {
        MetricMetadata set = metrics.updateMetricMetadata("app.requests", new MetricMetadata().type("rate")
                .statsdInterval(10L).unit("request").perUnit("second").description("Requests served")
                .shortName("reqs"));
        assertThat(set.getType()).isEqualTo("rate");
        assertThat(set.getStatsdInterval()).isEqualTo(10L);
        assertThat(set.getUnit()).isEqualTo("request");
        assertThat(set.getPerUnit()).isEqualTo("second");

        metrics.updateMetricMetadata("app.requests", new MetricMetadata().description("Requests served, by route"));
        MetricMetadata read = metrics.getMetricMetadata("app.requests");
        assertThat(read.getDescription()).isEqualTo("Requests served, by route");
        assertThat(read.getShortName()).isEqualTo("reqs");
        assertThat(read.getStatsdInterval()).isEqualTo(10L);
        assertThat(read.getType()).isEqualTo("rate");
    }

    @Test
    void badFieldsAreNamedAndAnUnknownMetricIsA404() {
        assertThatThrownBy(() -> metrics.updateMetricMetadata("app.bad", new MetricMetadata().type("histogram")
                .statsdInterval(0L).unit("Bytes!"))).isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.getCode()).isEqualTo(400);
                    assertThat(e.getResponseBody()).contains("type: must be one of gauge, rate, count, distribution")
                            .contains("statsd_interval: must be a whole number").contains("unit: 'Bytes!'");
                });
        assertThatThrownBy(() -> metrics.getMetricMetadata("app.bad")).isInstanceOfSatisfying(ApiException.class,
                e -> assertThat(e.getCode()).isEqualTo(404));
        TestServer.Reply text = tocsin.send(tocsin.request("/api/v1/metrics/app.bad").header("DD-API-KEY",
                        TestServer.ADMIN_KEY).header("Content-Type", "application/json")
                .PUT(java.net.http.HttpRequest.BodyPublishers.ofString("{\"description\":7}")).build());
        assertThat(text.status()).isEqualTo(400);
        assertThat(text.json().get("errors").get(0).asText()).startsWith("description: must be a string");
    }
}
