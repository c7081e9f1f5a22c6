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

import tocsin.notify.http.HttpSink;
import tocsin.server.config.NotifyConfig;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Data sent with the Datadog client drives a monitor created with the Datadog client: a sample beyond the threshold
 * alerts on arrival, a sample back below recovers, and the history shows both transitions with the message.
 */
class MonitorEvaluationIT {

    @Test
    void seriesDriveAMonitorToAlertAndBackAndHistoryShowsBoth() throws Exception {
        try (HttpSink hook = new HttpSink();
             TestServer tocsin = TestServer.start(TestServer.notify(NotifyConfig.none()
                     .withWebhooks(List.of(new NotifyConfig.Webhook("ops",
                             hook.uri("/hook").toString(), null, java.util.Map.of(), null, false)))), r -> {
             })) {
            ApiClient client = DatadogClients.forServer(tocsin);
            MonitorsApi monitors = new MonitorsApi(client);
            MetricsApi metrics = new MetricsApi(client);

            Monitor m = monitors.createMonitor(new Monitor().name("Queue deep").type(MonitorType.METRIC_ALERT)
                    .query("min(last_1m):avg:it.queue.depth{env:it} by {host} > 80")
                    .message("{{#is_alert}}Queue {{value}} on {{host.name}} @webhook-ops{{/is_alert}}"
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
            assertThat(transitions.get(1).get("notification").asText()).isEqualTo("Queue 95 on web-1 @webhook-ops");
            assertThat(transitions.get(1).get("handles").get(0).asText()).isEqualTo("@webhook-ops");
            assertThat(transitions.get(1).get("window_start").asText()).isNotEmpty();

            assertThat(tocsin.adminGet("/api/tocsin/monitors/" + m.getId() + "/history?limit=0").status())
                    .isEqualTo(400);
            assertThat(tocsin.adminGet("/api/tocsin/monitors/999999/history").status()).isEqualTo(404);
        }
    }

    @Test
    void groupStatesSurviveARestartAndEvaluationResumesFromThem(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        long id;
        try (TestServer tocsin = TestServer.startOn(dir, c -> c)) {
            ApiClient client = DatadogClients.forServer(tocsin);
            id = new MonitorsApi(client).createMonitor(new Monitor().name("Queue").type(MonitorType.METRIC_ALERT)
                    .query("min(last_1m):avg:it.queue.depth{env:it} by {host} > 80").message("queue")).getId();
            submit(new MetricsApi(client), 95.0);
        }
        try (TestServer tocsin = TestServer.startOn(dir, c -> c)) {
            ApiClient client = DatadogClients.forServer(tocsin);
            MonitorsApi monitors = new MonitorsApi(client);
            assertThat(monitors.getMonitor(id).getOverallState()).isEqualTo(MonitorOverallStates.ALERT);

            submit(new MetricsApi(client), 12.0);

            assertThat(monitors.getMonitor(id).getOverallState()).isEqualTo(MonitorOverallStates.OK);
            JsonNode transitions = tocsin.adminGet("/api/tocsin/monitors/" + id + "/history").json()
                    .get("transitions");
            assertThat(transitions).extracting(t -> t.get("from").asText() + "->" + t.get("to").asText())
                    .containsExactly("Alert->OK", "OK->Alert");
        }
    }

    @Test
    void checkRunsDriveAServiceCheckMonitor() throws Exception {
        try (TestServer tocsin = TestServer.start()) {
            ApiClient client = DatadogClients.forServer(tocsin);
            MonitorsApi monitors = new MonitorsApi(client);
            Monitor m = monitors.createMonitor(new Monitor().name("HTTP").type(MonitorType.SERVICE_CHECK)
                    .query("\"it.http.ok\".over(\"env:it\").by(\"host\").last(2).count_by_status()")
                    .message("{{#is_alert}}{{host.name}} is down{{/is_alert}}")
                    .options(new com.datadog.api.client.v1.model.MonitorOptions().thresholds(
                            new com.datadog.api.client.v1.model.MonitorThresholds().critical(2.0).ok(1.0))
                            // The client's default new_host_delay (300 s) would hold back this brand-new host.
                            .newHostDelay(0L)));
            var checks = new com.datadog.api.client.v1.api.ServiceChecksApi(client);
            long now = System.currentTimeMillis() / 1000;
            for (int i = 0; i < 2; i++) {
                checks.submitServiceCheck(List.of(new com.datadog.api.client.v1.model.ServiceCheck()
                        .check("it.http.ok").hostName("web-1").tags(List.of("env:it")).timestamp(now - 2 + i)
                        .status(com.datadog.api.client.v1.model.ServiceCheckStatus.CRITICAL).message("refused")));
            }

            assertThat(monitors.getMonitor(m.getId()).getOverallState()).isEqualTo(MonitorOverallStates.ALERT);
            JsonNode t = tocsin.adminGet("/api/tocsin/monitors/" + m.getId() + "/history").json()
                    .get("transitions").get(0);
            assertThat(t.get("group").asText()).isEqualTo("host:web-1");
            assertThat(t.get("notification").asText()).isEqualTo("web-1 is down");
        }
    }

    private static void submit(MetricsApi metrics, double value) throws Exception {
        metrics.submitMetrics(new MetricPayload().series(List.of(new MetricSeries().metric("it.queue.depth")
                .type(MetricIntakeType.GAUGE).tags(List.of("env:it"))
                .resources(List.of(new MetricResource().type("host").name("web-1")))
                .points(List.of(new MetricPoint().timestamp(System.currentTimeMillis() / 1000).value(value))))));
    }
}
