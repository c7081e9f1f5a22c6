package tocsin.server;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A real Prometheus Alertmanager (Debian's {@code prometheus-alertmanager}) notifying Tocsin twice for one alert
 * group: through a {@code pagerduty_configs} receiver whose {@code url} is Tocsin's {@code /v2/enqueue}, and through
 * a {@code webhook_configs} receiver at Tocsin's Alertmanager endpoint. Each opens one incident on its service; when
 * the alert ends, both resolve ({@code send_resolved}).
 */
class AlertmanagerIT {
    private static final String TOKEN = "Token token=" + TestServer.ADMIN_KEY;

    @Test
    void bothAlertmanagerReceiversOpenAndResolveIncidents(@TempDir Path dir) throws Exception {
        Path alertmanager = Peers.require("prometheus-alertmanager", "prometheus-alertmanager");
        try (TestServer server = TestServer.start()) {
            String alice = server.adminPost("/api/tocsin/users", "{\"email\":\"a@example.com\",\"name\":\"A\"}")
                    .json().at("/user/id").asText();
            String policy = post(server, "/escalation_policies", "{\"escalation_policy\":{\"name\":\"p\","
                    + "\"escalation_rules\":[{\"escalation_delay_in_minutes\":5,\"targets\":[{\"id\":\"" + alice
                    + "\",\"type\":\"user_reference\"}]}]}}").at("/escalation_policy/id").asText();
            String viaEvents = service(server, "via-events", policy);
            String viaWebhook = service(server, "via-webhook", policy);
            String routingKey = integration(server, viaEvents, "events_api_v2_inbound_integration");
            String webhookKey = integration(server, viaWebhook, "alertmanager_inbound_integration");

            int amPort = RemoteWriteIT.freePort();
            String base = "http://127.0.0.1:" + server.port();
            Path config = dir.resolve("alertmanager.yml");
            Files.writeString(config, """
                    route:
                      receiver: tocsin
                      group_by: [alertname]
                      group_wait: 100ms
                      group_interval: 1s
                      repeat_interval: 1h
                    receivers:
                    - name: tocsin
                      pagerduty_configs:
                      - routing_key: %s
                        url: %s/v2/enqueue
                        send_resolved: true
                      webhook_configs:
                      - url: %s/api/tocsin/alertmanager/%s
                        send_resolved: true
                    """.formatted(routingKey, base, base, webhookKey));
            Process am = new ProcessBuilder(alertmanager.toString(), "--config.file=" + config,
                    "--storage.path=" + dir.resolve("data"), "--web.listen-address=127.0.0.1:" + amPort,
                    "--cluster.listen-address=").redirectErrorStream(true)
                    .redirectOutput(dir.resolve("alertmanager.log").toFile()).start();
            try {
                HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
                URI alerts = URI.create("http://127.0.0.1:" + amPort + "/api/v2/alerts");
                await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> http.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + amPort + "/-/ready")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200);
                String alert = """
                        [{"labels":{"alertname":"DiskFull","instance":"db-1","severity":"critical"},
                          "annotations":{"summary":"disk 97%% full on db-1"},"startsAt":"%s","endsAt":"%s",
                          "generatorURL":"http://prometheus/graph"}]""";
                Instant now = Instant.now();
                send(http, alerts, alert.formatted(now.minusSeconds(10), now.plus(Duration.ofHours(1))));

                await().atMost(Duration.ofSeconds(30)).until(() -> open(server, viaEvents) == 1
                        && open(server, viaWebhook) == 1);
                JsonNode incident = get(server, "/incidents?service_ids%5B%5D=" + viaWebhook).at("/incidents/0");
                assertThat(incident.path("title").asText()).isEqualTo("disk 97% full on db-1");
                assertThat(incident.at("/assignments/0/assignee/id").asText()).isEqualTo(alice);
                assertThat(get(server, "/incidents?service_ids%5B%5D=" + viaEvents).at("/incidents/0/title").asText())
                        .contains("DiskFull");

                send(http, alerts, alert.formatted(now.minusSeconds(10), Instant.now()));
                await().atMost(Duration.ofSeconds(30)).until(() -> open(server, viaEvents) == 0
                        && open(server, viaWebhook) == 0);
                assertThat(get(server, "/incidents?statuses%5B%5D=resolved").path("incidents")).hasSize(2);
            } finally {
                am.destroy();
                am.waitFor(10, TimeUnit.SECONDS);
                am.destroyForcibly();
            }
        }
    }

    private static void send(HttpClient http, URI alerts, String json) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(alerts).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    }

    private static int open(TestServer server, String serviceId) {
        return get(server, "/incidents?statuses%5B%5D=triggered&statuses%5B%5D=acknowledged&service_ids%5B%5D="
                + serviceId).path("incidents").size();
    }

    private static String service(TestServer server, String name, String policy) {
        return post(server, "/services", "{\"service\":{\"name\":\"" + name + "\",\"escalation_policy\":{\"id\":\""
                + policy + "\",\"type\":\"escalation_policy_reference\"}}}").at("/service/id").asText();
    }

    private static String integration(TestServer server, String service, String type) {
        return post(server, "/services/" + service + "/integrations", "{\"integration\":{\"type\":\"" + type
                + "\"}}").at("/integration/integration_key").asText();
    }

    private static JsonNode get(TestServer server, String path) {
        return server.get(path, "Authorization", TOKEN).json();
    }

    private static JsonNode post(TestServer server, String path, String json) {
        TestServer.Reply r = server.postJson(path, json, "Authorization", TOKEN);
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r.json();
    }
}
