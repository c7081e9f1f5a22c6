package tocsin.server;

import com.datadog.api.client.ApiClient;
import com.datadog.api.client.ApiException;
import com.datadog.api.client.v1.api.MonitorsApi;
import com.datadog.api.client.v1.model.Monitor;
import com.datadog.api.client.v1.model.MonitorOverallStates;
import com.datadog.api.client.v1.model.MonitorType;
import com.datadog.api.client.v1.model.MonitorUpdateRequest;
import com.datadog.api.client.v2.api.MetricsApi;
import com.datadog.api.client.v2.model.MetricIntakeType;
import com.datadog.api.client.v2.model.MetricPayload;
import com.datadog.api.client.v2.model.MetricPoint;
import com.datadog.api.client.v2.model.MetricResource;
import com.datadog.api.client.v2.model.MetricSeries;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tocsin.server.config.ConfigException;
import tocsin.server.config.ConfigLoader;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Monitors declared in the configuration file: created at the first start, refused to the API's PUT and DELETE,
 * reconciled on a restart with a changed file (one changed in place with its group states and history, one removed,
 * one added), left alone by a file without a {@code monitors:} section; monitors created through the API are never
 * touched.
 */
class MonitorsFromConfigIT {
    private static final String NOTIFY = """
            notify:
              webhooks:
                - {name: ops, url: "http://127.0.0.1:9/hook"}
            """;

    @TempDir
    Path dir;

    @Test
    void declaredMonitorsAreCreatedProtectedAndReconciledAcrossRestarts() throws Exception {
        Path data = Files.createDirectories(dir.resolve("data"));
        long queue;
        long disk;
        long api;
        try (TestServer tocsin = TestServer.startOn(data, config(NOTIFY + """
                monitors:
                  - key: queue
                    name: Queue deep
                    type: metric alert
                    query: "min(last_1m):avg:it.queue.depth{env:it} by {host} > 80"
                    message: "{{#is_alert}}Queue {{value}} on {{host.name}} @webhook-ops{{/is_alert}}"
                    tags: [team:it]
                    options: {thresholds: {critical: 80}, notify_no_data: false}
                  - name: Disk full
                    type: query alert
                    query: "max(last_5m):max:it.disk.used{*} > 0.9"
                    priority: 2
                """))) {
            MonitorsApi monitors = new MonitorsApi(DatadogClients.forServer(tocsin));
            List<Monitor> listed = monitors.listMonitors();
            assertThat(listed).extracting(Monitor::getName).containsExactly("Queue deep", "Disk full");
            Monitor q = listed.getFirst();
            queue = q.getId();
            disk = listed.get(1).getId();
            assertThat(q.getTags()).containsExactly("team:it");
            assertThat(q.getCreator().getHandle()).isEqualTo("tocsin-config");
            assertThat(listed.get(1).getPriority()).isEqualTo(2L);
            assertThat(listed.get(1).getOptions().getThresholds().getCritical()).isEqualTo(0.9);

            api = monitors.createMonitor(new Monitor().name("From the API").type(MonitorType.METRIC_ALERT)
                    .query("avg(last_5m):avg:it.api{*} > 1").message("api")).getId();

            // The API may not change or delete what the file declares, and says where it comes from.
            ApiException put = catchThrowableOfType(ApiException.class, () -> monitors.updateMonitor(queue,
                    new MonitorUpdateRequest().name("renamed")));
            assertThat(put.getCode()).isEqualTo(409);
            assertThat(put.getResponseBody()).contains("\"errors\"").contains("managed by the configuration file")
                    .contains("key 'queue'");
            ApiException del = catchThrowableOfType(ApiException.class, () -> monitors.deleteMonitor(disk));
            assertThat(del.getCode()).isEqualTo(409);
            assertThat(del.getResponseBody()).contains("name 'Disk full'");
            assertThat(monitors.getMonitor(queue).getName()).isEqualTo("Queue deep");
            // ... while downtimes still mute it
            assertThat(tocsin.postJson("/api/v2/downtime", """
                    {"data":{"type":"downtime","attributes":{"scope":"env:it","monitor_identifier":{"monitor_id":%d}}}}
                    """.formatted(queue), "DD-API-KEY", TestServer.ADMIN_KEY).status()).isEqualTo(200);

            submit(new MetricsApi(DatadogClients.forServer(tocsin)), 95.0);
            assertThat(monitors.getMonitor(queue).getOverallState()).isEqualTo(MonitorOverallStates.ALERT);
        }

        long latency;
        try (TestServer tocsin = TestServer.startOn(data, config(NOTIFY + """
                monitors:
                  - key: queue
                    name: Queue deep
                    type: metric alert
                    query: "min(last_1m):avg:it.queue.depth{env:it} by {host} > 85"
                    message: "{{#is_alert}}Queue {{value}} on {{host.name}} is over {{threshold}} @webhook-ops{{/is_alert}}"
                    tags: [team:it]
                  - name: Latency
                    type: metric alert
                    query: "avg(last_5m):avg:it.latency{*} > 2"
                """))) {
            MonitorsApi monitors = new MonitorsApi(DatadogClients.forServer(tocsin));
            List<Monitor> listed = monitors.listMonitors();
            assertThat(listed).extracting(Monitor::getName).containsExactly("Queue deep", "From the API", "Latency");
            Monitor q = monitors.getMonitor(queue, new MonitorsApi.GetMonitorOptionalParameters().groupStates("all"));
            assertThat(q.getQuery()).endsWith("> 85");
            assertThat(q.getMessage()).contains("is over {{threshold}}");
            // changed in place: the same id, its group state and its history kept
            assertThat(q.getOverallState()).isEqualTo(MonitorOverallStates.ALERT);
            assertThat(q.getState().getGroups()).containsKey("host:web-1");
            JsonNode history = tocsin.adminGet("/api/tocsin/monitors/" + queue + "/history").json().get("transitions");
            assertThat(history).extracting(t -> t.get("to").asText()).containsExactly("Alert");
            assertThat(catchThrowableOfType(ApiException.class, () -> monitors.getMonitor(disk)).getCode())
                    .isEqualTo(404);
            latency = listed.get(2).getId();
            assertThat(latency).isGreaterThan(api);
            Monitor untouched = monitors.getMonitor(api);
            assertThat(untouched.getName()).isEqualTo("From the API");
            assertThat(untouched.getCreator().getHandle()).isNotEqualTo("tocsin-config");
            assertThat(catchThrowableOfType(ApiException.class, () -> monitors.deleteMonitor(latency)).getCode())
                    .isEqualTo(409);
            // API monitors stay the API's
            assertThat(monitors.updateMonitor(api, new MonitorUpdateRequest().name("Still the API's")).getName())
                    .isEqualTo("Still the API's");
        }

        // A file without a monitors: section leaves the declared monitors (and their protection) as they are.
        try (TestServer tocsin = TestServer.startOn(data, config(NOTIFY))) {
            MonitorsApi monitors = new MonitorsApi(DatadogClients.forServer(tocsin));
            assertThat(monitors.listMonitors()).extracting(Monitor::getId).containsExactly(queue, api, latency);
            assertThat(catchThrowableOfType(ApiException.class, () -> monitors.deleteMonitor(queue)).getCode())
                    .isEqualTo(409);
        }

        // An empty section deletes them; the API's monitor stays.
        try (TestServer tocsin = TestServer.startOn(data, config(NOTIFY + "monitors: []\n"))) {
            MonitorsApi monitors = new MonitorsApi(DatadogClients.forServer(tocsin));
            assertThat(monitors.listMonitors()).extracting(Monitor::getId).containsExactly(api);
        }
    }

    @Test
    void aDeclaredMonitorNamingNothingStopsTheStartWithItsPath() throws Exception {
        Path data = Files.createDirectories(dir.resolve("data"));
        UnaryOperator<ServerConfig> bad = config("""
                monitors:
                  - name: ok
                    type: metric alert
                    query: "avg(last_5m):avg:it.a{*} > 1"
                  - name: pages nobody
                    type: metric alert
                    query: "avg(last_5m):avg:it.b{*} > 1"
                    message: "@pagerduty-Nowhere @webhook-missing"
                  - name: composite of nothing
                    type: composite
                    query: "4242 && 4343"
                """);
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> TestServer.startOn(data, bad));
        assertThat(e.problems()).containsExactly(
                "monitors[1].message: @pagerduty-Nowhere: @pagerduty-Nowhere: no service named 'Nowhere'",
                "monitors[1].message: @webhook-missing: " + e.problems().get(1).substring(
                        "monitors[1].message: @webhook-missing: ".length()),
                "monitors[2].query: monitor 4242 does not exist",
                "monitors[2].query: monitor 4343 does not exist");
        assertThat(e.problems().get(1)).contains("missing");
        // nothing was created: the next start with a good file begins from an empty store
        try (TestServer tocsin = TestServer.startOn(data, config("monitors: [{name: ok, type: metric alert, "
                + "query: \"avg(last_5m):avg:it.a{*} > 1\"}]\n"))) {
            assertThat(new MonitorsApi(DatadogClients.forServer(tocsin)).listMonitors()).hasSize(1);
        }
        assertThatThrownBy(() -> config("monitors: [{name: x, type: metric alert, query: \"avg(last_5m):avg:a{*} >\"}]"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("monitors[0].query: ");
    }

    /** The configuration loaded from {@code yaml} through the real loader, as {@code --config} does. */
    private UnaryOperator<ServerConfig> config(String yaml) throws Exception {
        Path file = Files.writeString(dir.resolve("tocsin.yaml"), yaml);
        var loaded = ConfigLoader.load(file, Map.of());
        return c -> new ServerConfig(c.dataDir(), c.httpAddr(), c.statsdAddr(), c.syslogAddr(), c.publicUrl(),
                c.databaseUrl(), c.bootstrapApiKey(), c.bootstrapAdminPassword(), loaded, c.clock());
    }

    private static void submit(MetricsApi metrics, double value) throws Exception {
        metrics.submitMetrics(new MetricPayload().series(List.of(new MetricSeries().metric("it.queue.depth")
                .type(MetricIntakeType.GAUGE).tags(List.of("env:it"))
                .resources(List.of(new MetricResource().type("host").name("web-1")))
                .points(List.of(new MetricPoint().timestamp(System.currentTimeMillis() / 1000).value(value))))));
    }
}
