package tocsin.server;

import com.datadog.api.client.ApiClient;
import com.datadog.api.client.ApiException;
import com.datadog.api.client.v1.api.MonitorsApi;
import com.datadog.api.client.v1.model.Monitor;
import com.datadog.api.client.v1.model.MonitorType;
import com.datadog.api.client.v2.api.DowntimesApi;
import com.datadog.api.client.v2.api.MetricsApi;
import com.datadog.api.client.v2.model.DowntimeCreateRequest;
import com.datadog.api.client.v2.model.DowntimeCreateRequestAttributes;
import com.datadog.api.client.v2.model.DowntimeCreateRequestData;
import com.datadog.api.client.v2.model.DowntimeMonitorIdentifier;
import com.datadog.api.client.v2.model.DowntimeMonitorIdentifierId;
import com.datadog.api.client.v2.model.DowntimeMonitorIdentifierTags;
import com.datadog.api.client.v2.model.DowntimeResourceType;
import com.datadog.api.client.v2.model.DowntimeResponse;
import com.datadog.api.client.v2.model.DowntimeScheduleCreateRequest;
import com.datadog.api.client.v2.model.DowntimeScheduleRecurrenceCreateUpdateRequest;
import com.datadog.api.client.v2.model.DowntimeScheduleRecurrencesCreateRequest;
import com.datadog.api.client.v2.model.DowntimeStatus;
import com.datadog.api.client.v2.model.DowntimeUpdateRequest;
import com.datadog.api.client.v2.model.DowntimeUpdateRequestAttributes;
import com.datadog.api.client.v2.model.DowntimeUpdateRequestData;
import com.datadog.api.client.v2.model.MetricIntakeType;
import com.datadog.api.client.v2.model.MetricPayload;
import com.datadog.api.client.v2.model.MetricPoint;
import com.datadog.api.client.v2.model.MetricSeries;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.util.List;

import tocsin.server.config.NotifyConfig;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The Datadog client schedules, reads, lists, updates and cancels downtimes; a downtime mutes a monitor group. */
class DowntimeIT {

    @Test
    void theDatadogClientManagesDowntimesAndTheyMuteNotifications() throws Exception {
        // The monitor posts to @slack-ops, which needs Slack configured; the Slack API here is a closed port.
        try (TestServer tocsin = TestServer.start(TestServer.notify(new NotifyConfig(
                java.util.Optional.empty(), java.util.Optional.empty(), java.util.Optional.of(
                new NotifyConfig.Slack("xoxb-1-2-abc", null, "http://127.0.0.1:9/api")),
                java.util.Optional.empty(), java.util.Optional.empty())), r -> {
        })) {
            ApiClient client = DatadogClients.forServer(tocsin);
            DowntimesApi api = new DowntimesApi(client);
            Monitor m = new MonitorsApi(client).createMonitor(new Monitor().name("Disk").type(MonitorType.METRIC_ALERT)
                    .query("max(last_1m):avg:it.disk{*} by {host} > 90").message("disk @slack-ops"));

            DowntimeResponse created = api.createDowntime(new DowntimeCreateRequest().data(
                    new DowntimeCreateRequestData().type(DowntimeResourceType.DOWNTIME).attributes(
                            new DowntimeCreateRequestAttributes().scope("host:db-1").message("maintenance")
                                    .monitorIdentifier(new DowntimeMonitorIdentifier(
                                            new DowntimeMonitorIdentifierId().monitorId(m.getId()))))));
            String id = created.getData().getId();
            assertThat(id).isNotBlank();
            assertThat(created.getData().getAttributes().getStatus()).isEqualTo(DowntimeStatus.ACTIVE);

            DowntimeResponse weekly = api.createDowntime(new DowntimeCreateRequest().data(
                    new DowntimeCreateRequestData().type(DowntimeResourceType.DOWNTIME).attributes(
                            new DowntimeCreateRequestAttributes().scope("env:staging")
                                    .monitorIdentifier(new DowntimeMonitorIdentifier(
                                            new DowntimeMonitorIdentifierTags().monitorTags(List.of("team:db"))))
                                    .schedule(new DowntimeScheduleCreateRequest(
                                            new DowntimeScheduleRecurrencesCreateRequest().timezone("Europe/Berlin")
                                                    .recurrences(List.of(new DowntimeScheduleRecurrenceCreateUpdateRequest()
                                                            .rrule("FREQ=WEEKLY;BYDAY=SA,SU").duration("1d")
                                                            .start("2026-01-03T00:00"))))))));
            assertThat(weekly.getData().getAttributes().getSchedule()).isNotNull();

            assertThat(api.getDowntime(id).getData().getAttributes().getMessage()).isEqualTo("maintenance");
            assertThat(api.listDowntimes().getData()).hasSize(2);

            // The client sends PATCH through HttpURLConnection, which needs --add-opens java.base/java.net on JDK 17+;
            // the same request body, sent as the client builds it, goes through the JDK's HTTP client here.
            String patch = client.getJSON().getMapper().writeValueAsString(new DowntimeUpdateRequest().data(
                    new DowntimeUpdateRequestData().id(id).type(DowntimeResourceType.DOWNTIME)
                            .attributes(new DowntimeUpdateRequestAttributes().message("longer maintenance"))));
            var reply = tocsin.send(tocsin.request("/api/v2/downtime/" + id).header("Content-Type", "application/json")
                    .header("DD-API-KEY", TestServer.ADMIN_KEY)
                    .method("PATCH", java.net.http.HttpRequest.BodyPublishers.ofString(patch)).build());
            assertThat(reply.status()).as(reply.body()).isEqualTo(200);
            DowntimeResponse updated = client.getJSON().getMapper().readValue(reply.body(), DowntimeResponse.class);
            assertThat(updated.getData().getAttributes().getMessage()).isEqualTo("longer maintenance");
            assertThat(updated.getData().getAttributes().getScope()).isEqualTo("host:db-1");

            alertOnDb1AndDb2ExpectDb1Muted(tocsin, client, m.getId());

            api.cancelDowntime(id);
            assertThat(api.getDowntime(id).getData().getAttributes().getStatus()).isEqualTo(DowntimeStatus.CANCELED);
            assertThat(api.listDowntimes(new DowntimesApi.ListDowntimesOptionalParameters().currentOnly(true))
                    .getData()).hasSize(1);

            assertThatThrownBy(() -> api.getDowntime("no-such-id"))
                    .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.getCode()).isEqualTo(404));
            var bad = tocsin.postJson("/api/v2/downtime", "{\"data\":{\"type\":\"downtime\",\"attributes\":{"
                    + "\"scope\":\"*\",\"monitor_identifier\":{\"monitor_id\":1},\"schedule\":{\"recurrences\":"
                    + "[{\"rrule\":\"FREQ=SECONDLY\",\"duration\":\"1h\"}]}}}}", "DD-API-KEY", TestServer.ADMIN_KEY);
            assertThat(bad.status()).isEqualTo(400);
            assertThat(bad.json().get("errors").get(0).asText())
                    .startsWith("data.attributes.schedule.recurrences[0].rrule: FREQ must be DAILY");
        }
    }

    /**
     * Sends it.disk 97 for hosts db-1 and db-2 and expects both groups of {@code monitorId} to alert, db-1 muted
     * (no handle notified) and db-2 not.
     */
    static void alertOnDb1AndDb2ExpectDb1Muted(TestServer tocsin, ApiClient client, long monitorId) throws Exception {
        MetricsApi metrics = new MetricsApi(client);
        for (String host : List.of("db-1", "db-2")) {
            metrics.submitMetrics(new MetricPayload().series(List.of(new MetricSeries().metric("it.disk")
                    .type(MetricIntakeType.GAUGE).tags(List.of("host:" + host)).points(List.of(new MetricPoint()
                            .timestamp(System.currentTimeMillis() / 1000).value(97.0))))));
        }
        JsonNode history = tocsin.adminGet("/api/tocsin/monitors/" + monitorId + "/history").json()
                .get("transitions");
        assertThat(history).hasSize(2);
        for (JsonNode t : history) {
            assertThat(t.get("to").asText()).isEqualTo("Alert");
            assertThat(t.get("handles").size()).as(t.toString())
                    .isEqualTo(t.get("group").asText().equals("host:db-1") ? 0 : 1);
        }
    }
}
