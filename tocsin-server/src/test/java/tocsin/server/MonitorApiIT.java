package tocsin.server;

import com.datadog.api.client.ApiClient;
import com.datadog.api.client.ApiException;
import com.datadog.api.client.v1.api.MonitorsApi;
import com.datadog.api.client.v1.model.Monitor;
import com.datadog.api.client.v1.model.MonitorOptions;
import com.datadog.api.client.v1.model.MonitorOverallStates;
import com.datadog.api.client.v1.model.MonitorSearchResponse;
import com.datadog.api.client.v1.model.MonitorThresholds;
import com.datadog.api.client.v1.model.MonitorType;
import com.datadog.api.client.v1.model.MonitorUpdateRequest;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;

import tocsin.server.config.NotifyConfig;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The Datadog Java API client creates, gets, updates, validates, lists, searches and deletes monitors. */
class MonitorApiIT {
    static TestServer tocsin;
    static MonitorsApi api;

    @BeforeAll
    static void start() {
        // Monitors here mail @ops@example.com, which needs an SMTP server configured; none is reached.
        tocsin = TestServer.start(TestServer.notify(new NotifyConfig(java.util.Optional.of(
                new NotifyConfig.Email("127.0.0.1", 25, false, false, null, null,
                        "pager@example.com", 5)), java.util.Optional.empty(), java.util.Optional.empty(),
                java.util.Optional.empty(), java.util.Optional.empty())), r -> {
        });
        ApiClient client = DatadogClients.forServer(tocsin);
        api = new MonitorsApi(client);
    }

    @AfterAll
    static void stop() {
        tocsin.close();
    }

    static Monitor cpu(String name) {
        return new Monitor().name(name).type(MonitorType.METRIC_ALERT)
                .query("avg(last_5m):avg:system.cpu.user{env:prod} by {host} > 80")
                .message("{{#is_alert}}CPU {{value}} on {{host.name}}{{/is_alert}} @ops@example.com")
                .tags(List.of("team:web", "env:prod")).priority(2L)
                .options(new MonitorOptions().thresholds(new MonitorThresholds().critical(80.0).warning(70.0))
                        .notifyNoData(true).noDataTimeframe(10L).evaluationDelay(60L));
    }

    @Test
    void theDatadogClientManagesAMonitorsWholeLife() throws ApiException {
        Monitor created = api.createMonitor(cpu("CPU high"));

        assertThat(created.getId()).isPositive();
        assertThat(created.getType()).isEqualTo(MonitorType.METRIC_ALERT);
        assertThat(created.getOptions().getThresholds().getWarning()).isEqualTo(70.0);
        assertThat(created.getOptions().getNotifyNoData()).isTrue();
        assertThat(created.getOverallState()).isEqualTo(MonitorOverallStates.OK);
        assertThat(created.getCreated()).isNotNull();
        assertThat(created.getPriority()).isEqualTo(2L);

        Monitor got = api.getMonitor(created.getId(), new MonitorsApi.GetMonitorOptionalParameters().groupStates("all"));
        assertThat(got.getName()).isEqualTo("CPU high");
        assertThat(got.getTags()).containsExactly("team:web", "env:prod");
        assertThat(got.getState()).isNotNull();

        Monitor updated = api.updateMonitor(created.getId(), new MonitorUpdateRequest().name("CPU very high")
                .query("avg(last_5m):avg:system.cpu.user{env:prod} by {host} > 90")
                .options(new MonitorOptions().thresholds(new MonitorThresholds().critical(90.0).warning(85.0))));
        assertThat(updated.getName()).isEqualTo("CPU very high");
        assertThat(updated.getOptions().getThresholds().getCritical()).isEqualTo(90.0);
        assertThat(updated.getMessage()).contains("@ops@example.com");

        assertThat(api.validateMonitor(cpu("valid"))).isNotNull();
        assertThat(api.validateExistingMonitor(created.getId(), cpu("still valid"))).isNotNull();

        List<Monitor> listed = api.listMonitors(new MonitorsApi.ListMonitorsOptionalParameters()
                .monitorTags("team:web"));
        assertThat(listed).extracting(Monitor::getId).contains(created.getId());

        MonitorSearchResponse found = api.searchMonitors(new MonitorsApi.SearchMonitorsOptionalParameters()
                .query("title:\"very high\" tag:team:web"));
        assertThat(found.getMonitors()).extracting(r -> r.getId()).containsExactly(created.getId());
        assertThat(found.getMetadata().getTotalCount()).isEqualTo(1L);

        assertThat(api.deleteMonitor(created.getId()).getDeletedMonitorId()).isEqualTo(created.getId());
        assertThatThrownBy(() -> api.getMonitor(created.getId()))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.getCode()).isEqualTo(404));
    }

    @Test
    void validateAnswersDatadogErrorsWithTheColumn() throws Exception {
        ApiException e = org.junit.jupiter.api.Assertions.assertThrows(ApiException.class, () -> api.validateMonitor(
                cpu("bad").query("avg(last_5m):avg:system.cpu.user{env:prod} by {host} >")));
        assertThat(e.getCode()).isEqualTo(400);
        JsonNode body = new com.fasterxml.jackson.databind.ObjectMapper().readTree(e.getResponseBody());
        assertThat(body.get("errors").get(0).asText())
                .startsWith("query: expected a threshold number after > at column 55, found end of query");
    }

    @Test
    void badInputIsRefusedNamingTheField() {
        var wrongOrder = tocsin.postJson("/api/v1/monitor", """
                {"name":"x","type":"metric alert","query":"avg(last_5m):cpu{*} > 80",
                 "options":{"thresholds":{"critical":80,"warning":95}}}""", "DD-API-KEY", TestServer.ADMIN_KEY);
        assertThat(wrongOrder.status()).isEqualTo(400);
        assertThat(wrongOrder.json().get("errors").get(0).asText())
                .isEqualTo("options.thresholds.warning: 95 must be below the critical threshold (80) for '>'");

        var wrongTypes = tocsin.postJson("/api/v1/monitor", "{\"name\":[1],\"type\":\"metric alert\",\"query\":7}",
                "DD-API-KEY", TestServer.ADMIN_KEY);
        assertThat(wrongTypes.status()).isEqualTo(400);
        assertThat(wrongTypes.json().get("errors").toString()).contains("name: must be a string, got an array")
                .contains("query: must be a string, got a number");

        var missing = tocsin.postJson("/api/v1/monitor", "{\"name\":\"c\",\"type\":\"composite\",\"query\":\"1 && 2\"}",
                "DD-API-KEY", TestServer.ADMIN_KEY);
        assertThat(missing.status()).isEqualTo(400);
        assertThat(missing.json().get("errors").toString()).contains("query: monitor 1 does not exist");

        var malformed = tocsin.postJson("/api/v1/monitor", "{\"name\":", "DD-API-KEY", TestServer.ADMIN_KEY);
        assertThat(malformed.status()).isEqualTo(400);
        assertThat(malformed.json().get("errors").get(0).asText()).contains("malformed JSON");

        var oversized = tocsin.postJson("/api/v1/monitor", "{\"name\":\"" + "x".repeat(300_000) + "\"}",
                "DD-API-KEY", TestServer.ADMIN_KEY);
        assertThat(oversized.status()).isEqualTo(413);

        var unknownMetric = tocsin.postJson("/api/v1/monitor/validate", """
                {"name":"x","type":"query alert","query":"avg(last_5m):no.such.metric{*} > 1",
                 "message":"{{colour}} @ops@example.com"}""", "DD-API-KEY", TestServer.ADMIN_KEY);
        assertThat(unknownMetric.status()).isEqualTo(200);
        assertThat(unknownMetric.json().get("warnings").get(0).asText())
                .isEqualTo("message: unknown template variable '{{colour}}'");

        var badHandle = tocsin.postJson("/api/v1/monitor/validate", """
                {"name":"x","type":"query alert","query":"avg(last_5m):m{*} > 1","message":"@nobody"}""",
                "DD-API-KEY", TestServer.ADMIN_KEY);
        assertThat(badHandle.status()).isEqualTo(400);
        assertThat(badHandle.json().get("errors").get(0).asText()).startsWith("message: @nobody: unknown handle");

        assertThat(tocsin.get("/api/v1/monitor/abc", "DD-API-KEY", TestServer.ADMIN_KEY).status()).isEqualTo(400);
        assertThat(tocsin.get("/api/v1/monitor?page_size=0", "DD-API-KEY", TestServer.ADMIN_KEY).json()
                .get("errors").get(0).asText()).isEqualTo("page_size: must be between 1 and 1000, got 0");
        assertThat(tocsin.get("/api/v1/monitor/search?query=colour:red", "DD-API-KEY", TestServer.ADMIN_KEY).json()
                .get("errors").get(0).asText()).startsWith("query: unknown search key 'colour'");
    }

    @Test
    void aMonitorReferencedByACompositeCannotBeDeleted() throws ApiException {
        Monitor a = api.createMonitor(cpu("a"));
        Monitor c = api.createMonitor(new Monitor().name("c").type(MonitorType.COMPOSITE)
                .query(a.getId() + " && !" + a.getId()).message("x"));

        ApiException e = org.junit.jupiter.api.Assertions.assertThrows(ApiException.class,
                () -> api.deleteMonitor(a.getId()));
        assertThat(e.getCode()).isEqualTo(400);
        assertThat(e.getResponseBody()).contains("is referenced in composite monitors with ids [" + c.getId() + "]");

        api.deleteMonitor(c.getId());
        api.deleteMonitor(a.getId());
    }
}
