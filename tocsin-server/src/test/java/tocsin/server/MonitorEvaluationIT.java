package tocsin.server;

import com.datadog.api.client.ApiClient;
import com.datadog.api.client.v1.api.MonitorsApi;
import com.datadog.api.client.v1.model.Monitor;
import com.datadog.api.client.v1.model.MonitorOverallStates;
import com.datadog.api.client.v1.model.MonitorType;
import com.datadog.api.client.v2.api.MetricsApi;
import com.datadog.api.client.v2.model.MetricIntakeType;
import com.datadog.api.client.v2.model.MetricPayload;
import com.datadog.api.client.v2.model.MetricPoint;
import com.datadog.api.client.v2.model.MetricResource;
import com.datadog.api.client.v2.model.MetricSeries;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Data sent with the Datadog client drives a monitor created with the Datadog client: a sample beyond the threshold
 * alerts on arrival, a sample back below recovers, and the history shows both transitions with the message.
 */
class MonitorEvaluationIT {

    @Test
    void seriesDriveAMonitorToAlertAndBackAndHistoryShowsBoth() throws Exception {
        try (TestServer tocsin = TestServer.start()) {
            ApiClient client = new ApiClient();
            client.setServerIndex(1);
            client.setServerVariables(Map.of("protocol", "http", "name", "127.0.0.1:" + tocsin.port()));
            client.configureApiKeys(Map.of("apiKeyAuth", TestServer.ADMIN_KEY, "appKeyAuth", TestServer.ADMIN_KEY));
            MonitorsApi monitors = new MonitorsApi(client);
            MetricsApi metrics = new MetricsApi(client);

            Monitor m = monitors.createMonitor(new Monitor().name("Queue deep").type(MonitorType.METRIC_ALERT)
                    .query("min(last_1m):avg:it.queue.depth{env:it} by {host} > 80")
                    .message("{{#is_alert}}Queue {{value}} on {{host.name}} @pagerduty-Ops{{/is_alert}}"
                            + "{{#is_recovery}}Queue back to {{value}} on {{host.name}}{{/is_recovery}}"));

            submit(metrics, 95.0);
            Monitor alerting = monitors.getMonitor(m.getId(),
                    new MonitorsApi.GetMonitorOptionalParameters().groupStates("all"));
            assertThat(alerting.getOverallState()).isEqualTo(MonitorOverallStates.ALERT);
            assertThat(alerting.getState().getGroups()).containsKey("host:web-1");
            assertThat(alerting.getState().getGroups().get("host:web-1").getStatus())
                    .isEqualTo(MonitorOverallStates.ALERT);

            submit(metrics, 12.0);
            assertThat(monitors.getMonitor(m.getId()).getOverallState()).isEqualTo(MonitorOverallStates.OK);

            JsonNode history = tocsin.adminGet("/api/tocsin/monitors/" + m.getId() + "/history").json();
            JsonNode transitions = history.get("transitions");
            assertThat(transitions).hasSize(2);
            assertThat(transitions.get(0).get("from").asText()).isEqualTo("Alert");
            assertThat(transitions.get(0).get("to").asText()).isEqualTo("OK");
            assertThat(transitions.get(0).get("notification").asText()).isEqualTo("Queue back to 12 on web-1");
            assertThat(transitions.get(1).get("to").asText()).isEqualTo("Alert");
            assertThat(transitions.get(1).get("value").asDouble()).isEqualTo(95.0);
            assertThat(transitions.get(1).get("notification").asText()).isEqualTo("Queue 95 on web-1 @pagerduty-Ops");
            assertThat(transitions.get(1).get("handles").get(0).asText()).isEqualTo("@pagerduty-Ops");
            assertThat(transitions.get(1).get("window_start").asText()).isNotEmpty();

            assertThat(tocsin.adminGet("/api/tocsin/monitors/" + m.getId() + "/history?limit=0").status())
                    .isEqualTo(400);
            assertThat(tocsin.adminGet("/api/tocsin/monitors/999999/history").status()).isEqualTo(404);
        }
    }

    private static void submit(MetricsApi metrics, double value) throws Exception {
        metrics.submitMetrics(new MetricPayload().series(List.of(new MetricSeries().metric("it.queue.depth")
                .type(MetricIntakeType.GAUGE).tags(List.of("env:it"))
                .resources(List.of(new MetricResource().type("host").name("web-1")))
                .points(List.of(new MetricPoint().timestamp(System.currentTimeMillis() / 1000).value(value))))));
    }
}
