package tocsin.server;

import com.datadog.api.client.ApiClient;
import com.datadog.api.client.ApiException;
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
import tocsin.monitor.eval.IncidentOutbox;

import java.net.http.HttpRequest;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The whole loop, as a team would set it up: a weekly schedule with Alice on call, an escalation policy paging the
 * schedule, a service "Checkout API"; a Datadog monitor (made with the Datadog client) whose message says
 * {@code @pagerduty-Checkout-API}. A sample over the threshold, sent with the Datadog client, opens an incident on the
 * service that pages Alice; a sample back under it resolves the incident.
 */
class MonitorPagesOnCallIT {
    private static final String TOKEN = "Token token=" + TestServer.ADMIN_KEY;

    @Test
    void aMonitorAlertPagesWhoeverIsOnCallAndItsRecoveryResolvesTheIncident() throws Exception {
        try (TestServer tocsin = TestServer.start()) {
            String alice = tocsin.adminPost("/api/tocsin/users",
                    "{\"email\":\"alice@example.com\",\"name\":\"Alice\"}").json().at("/user/id").asText();
            Instant start = Instant.now().minus(1, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS);
            TestServer.Reply schedule = rest(tocsin, "POST", "/schedules", """
                    {"schedule": {"type": "schedule", "name": "Checkout primary", "time_zone": "UTC",
                     "schedule_layers": [{"name": "Weekly", "start": "%s", "rotation_virtual_start": "%s",
                       "rotation_turn_length_seconds": 604800,
                       "users": [{"user": {"id": "%s", "type": "user_reference"}}]}]}}
                    """.formatted(start, start, alice));
            assertThat(schedule.status()).as(schedule.body()).isEqualTo(201);
            TestServer.Reply policy = rest(tocsin, "POST", "/escalation_policies", """
                    {"escalation_policy": {"type": "escalation_policy", "name": "Checkout", "num_loops": 0,
                     "escalation_rules": [{"escalation_delay_in_minutes": 10,
                       "targets": [{"id": "%s", "type": "schedule_reference"}]}]}}
                    """.formatted(schedule.json().at("/schedule/id").asText()));
            assertThat(policy.status()).as(policy.body()).isEqualTo(201);
            TestServer.Reply service = rest(tocsin, "POST", "/services", """
                    {"service": {"type": "service", "name": "Checkout API", "escalation_policy": {"id": "%s",
                     "type": "escalation_policy_reference"}}}
                    """.formatted(policy.json().at("/escalation_policy/id").asText()));
            assertThat(service.status()).as(service.body()).isEqualTo(201);
            String serviceId = service.json().at("/service/id").asText();

            // The directory knows the policy pages the schedule and Alice, and will not let them be deleted.
            String scheduleId = schedule.json().at("/schedule/id").asText();
            String policyId = policy.json().at("/escalation_policy/id").asText();
            assertThat(rest(tocsin, "GET", "/schedules/" + scheduleId, null).json()
                    .at("/schedule/escalation_policies/0/id").asText()).isEqualTo(policyId);
            TestServer.Reply deleteSchedule = rest(tocsin, "DELETE", "/schedules/" + scheduleId, null);
            assertThat(deleteSchedule.status()).isEqualTo(400);
            assertThat(deleteSchedule.json().at("/error/errors/0").asText())
                    .contains("used by escalation policy 'Checkout' (" + policyId + ")");
            assertThat(rest(tocsin, "DELETE", "/users/" + alice, null).status()).isEqualTo(400);

            ApiClient client = DatadogClients.forServer(tocsin);
            MonitorsApi monitors = new MonitorsApi(client);
            MetricsApi metrics = new MetricsApi(client);

            // A handle that names no service is refused when the monitor is saved, not discovered at 3 a.m.
            assertThatThrownBy(() -> monitors.createMonitor(monitor("@pagerduty-Checkout-Web")))
                    .isInstanceOfSatisfying(ApiException.class, e -> {
                        assertThat(e.getCode()).isEqualTo(400);
                        assertThat(e.getResponseBody()).contains("no service named 'Checkout-Web'");
                    });
            Monitor m = monitors.createMonitor(monitor("@pagerduty-Checkout-API"));

            submit(metrics, 97.5);
            assertThat(monitors.getMonitor(m.getId()).getOverallState()).isEqualTo(MonitorOverallStates.ALERT);
            JsonNode open = await().atMost(Duration.ofSeconds(10)).until(
                    () -> rest(tocsin, "GET", "/incidents?service_ids%5B%5D=" + serviceId, null).json()
                            .path("incidents"), list -> list.size() == 1).get(0);
            String incident = open.path("id").asText();
            assertThat(open.path("status").asText()).isEqualTo("triggered");
            assertThat(open.path("title").asText()).contains("Checkout latency").contains("host:web-1");
            assertThat(open.at("/assignments/0/assignee/id").asText()).isEqualTo(alice);
            assertThat(notified(tocsin, incident)).containsExactly(alice);

            submit(metrics, 40.0);
            assertThat(monitors.getMonitor(m.getId()).getOverallState()).isEqualTo(MonitorOverallStates.OK);
            await().atMost(Duration.ofSeconds(10)).until(() -> rest(tocsin, "GET", "/incidents/" + incident, null)
                    .json().at("/incident/status").asText().equals("resolved"));
            assertThat(notified(tocsin, incident)).as("recovery pages nobody").containsExactly(alice);

            String exported = tocsin.adminGet("/metrics").body();
            assertThat(exported).contains("tocsin_monitors 1.0")
                    .contains("tocsin_monitor_transitions_total{to=\"Alert\"} 1.0")
                    .contains("tocsin_monitor_transitions_total{to=\"OK\"} 1.0")
                    .contains("tocsin_monitor_points_evaluated_total 2.0");
        }
    }

    @Test
    void anOncallHandlePagesTheTeamThroughTheServiceNamedLikeTheTeam() throws Exception {
        try (TestServer tocsin = TestServer.start()) {
            String alice = tocsin.adminPost("/api/tocsin/users",
                    "{\"email\":\"alice@example.com\",\"name\":\"Alice\"}").json().at("/user/id").asText();
            assertThat(rest(tocsin, "POST", "/teams", "{\"team\": {\"type\": \"team\", \"name\": \"Checkout API\"}}")
                    .status()).isEqualTo(201);
            MonitorsApi monitors = new MonitorsApi(DatadogClients.forServer(tocsin));

            assertThatThrownBy(() -> monitors.createMonitor(monitor("@oncall-payments")))
                    .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.getResponseBody())
                            .contains("@oncall-payments: no team named 'payments': create it (POST /teams) or page a "
                                    + "service with @pagerduty-<service>"));
            assertThatThrownBy(() -> monitors.createMonitor(monitor("@oncall-checkout-api")))
                    .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.getResponseBody())
                            .contains("@oncall-checkout-api: team 'Checkout API' has no service of its own: "
                                    + "@oncall-<team> pages through the service named like the team, so create a "
                                    + "service named 'Checkout API' with the team's escalation policy"));

            TestServer.Reply policy = rest(tocsin, "POST", "/escalation_policies", """
                    {"escalation_policy": {"type": "escalation_policy", "name": "Checkout team", "num_loops": 0,
                     "escalation_rules": [{"escalation_delay_in_minutes": 10,
                       "targets": [{"id": "%s", "type": "user_reference"}]}]}}
                    """.formatted(alice));
            TestServer.Reply service = rest(tocsin, "POST", "/services", """
                    {"service": {"type": "service", "name": "Checkout API", "escalation_policy": {"id": "%s",
                     "type": "escalation_policy_reference"}}}
                    """.formatted(policy.json().at("/escalation_policy/id").asText()));
            assertThat(service.status()).as(service.body()).isEqualTo(201);
            String serviceId = service.json().at("/service/id").asText();
            monitors.createMonitor(monitor("@oncall-checkout-api"));

            submit(new MetricsApi(DatadogClients.forServer(tocsin)), 97.5);
            JsonNode open = await().atMost(Duration.ofSeconds(10)).until(
                    () -> rest(tocsin, "GET", "/incidents?service_ids%5B%5D=" + serviceId, null).json()
                            .path("incidents"), list -> list.size() == 1).get(0);
            assertThat(open.at("/assignments/0/assignee/id").asText()).isEqualTo(alice);
            assertThat(notified(tocsin, open.path("id").asText())).containsExactly(alice);
            submit(new MetricsApi(DatadogClients.forServer(tocsin)), 40.0);
            await().atMost(Duration.ofSeconds(10)).until(() -> rest(tocsin, "GET", "/incidents/"
                    + open.path("id").asText(), null).json().at("/incident/status").asText().equals("resolved"));
        }
    }

    /**
     * The incident side fails when the alert's incident is opened (the service was renamed after the monitor was
     * saved, so the handle names nothing for a moment): the transition has stored the action in its outbox, the
     * worker retries it, and once the service is back the incident opens and pages, once.
     */
    @Test
    void anAlertStillOpensItsIncidentWhenTheIncidentSideFailsFirst() throws Exception {
        try (TestServer tocsin = TestServer.start()) {
            String alice = tocsin.adminPost("/api/tocsin/users",
                    "{\"email\":\"alice@example.com\",\"name\":\"Alice\"}").json().at("/user/id").asText();
            TestServer.Reply policy = rest(tocsin, "POST", "/escalation_policies", """
                    {"escalation_policy": {"type": "escalation_policy", "name": "Checkout", "num_loops": 0,
                     "escalation_rules": [{"escalation_delay_in_minutes": 10,
                       "targets": [{"id": "%s", "type": "user_reference"}]}]}}
                    """.formatted(alice));
            String serviceId = rest(tocsin, "POST", "/services", """
                    {"service": {"type": "service", "name": "Checkout API", "escalation_policy": {"id": "%s",
                     "type": "escalation_policy_reference"}}}
                    """.formatted(policy.json().at("/escalation_policy/id").asText())).json().at("/service/id")
                    .asText();
            MonitorsApi monitors = new MonitorsApi(DatadogClients.forServer(tocsin));
            Monitor m = monitors.createMonitor(monitor("@pagerduty-Checkout-API"));
            assertThat(rest(tocsin, "PUT", "/services/" + serviceId,
                    "{\"service\": {\"name\": \"Checkout API (old)\"}}").status()).isEqualTo(200);

            submit(new MetricsApi(DatadogClients.forServer(tocsin)), 97.5);
            assertThat(monitors.getMonitor(m.getId()).getOverallState()).isEqualTo(MonitorOverallStates.ALERT);
            var outbox = tocsin.server().state().monitorIncidentOutbox();
            var failed = await().atMost(Duration.ofSeconds(10)).until(() -> outbox.recent(10),
                    list -> list.size() == 1 && list.getFirst().lastError().isPresent()).getFirst();
            assertThat(failed.lastError().orElseThrow()).contains("no service named 'Checkout-API'");
            assertThat(failed.state()).isIn(IncidentOutbox.State.PENDING,
                    IncidentOutbox.State.APPLYING);
            assertThat(rest(tocsin, "GET", "/incidents?service_ids%5B%5D=" + serviceId, null).json()
                    .path("incidents")).isEmpty();

            assertThat(rest(tocsin, "PUT", "/services/" + serviceId,
                    "{\"service\": {\"name\": \"Checkout API\"}}").status()).isEqualTo(200);
            JsonNode open = await().atMost(Duration.ofSeconds(20)).until(
                    () -> rest(tocsin, "GET", "/incidents?service_ids%5B%5D=" + serviceId, null).json()
                            .path("incidents"), list -> list.size() == 1).get(0);
            assertThat(open.path("title").asText()).contains("Checkout latency").contains("host:web-1");
            assertThat(notified(tocsin, open.path("id").asText())).containsExactly(alice);
            assertThat(outbox.recent(10)).singleElement().satisfies(e -> {
                assertThat(e.state()).isEqualTo(IncidentOutbox.State.APPLIED);
                assertThat(e.attempts()).isGreaterThanOrEqualTo(2);
            });
            assertThat(tocsin.adminGet("/metrics").body())
                    .contains("tocsin_monitor_incident_actions_total{outcome=\"applied\"} 1.0")
                    .containsPattern("tocsin_monitor_incident_actions_total\\{outcome=\"failed\"} [1-9]");

            submit(new MetricsApi(DatadogClients.forServer(tocsin)), 40.0);
            await().atMost(Duration.ofSeconds(10)).until(() -> rest(tocsin, "GET", "/incidents/"
                    + open.path("id").asText(), null).json().at("/incident/status").asText().equals("resolved"));
        }
    }

    private static Monitor monitor(String handle) {
        return new Monitor().name("Checkout latency").type(MonitorType.METRIC_ALERT)
                .query("min(last_1m):avg:it.checkout.latency{env:it} by {host} > 90")
                .message("{{#is_alert}}Latency {{value}} on {{host.name}} " + handle + "{{/is_alert}}"
                        + "{{#is_recovery}}Latency back to {{value}} " + handle + "{{/is_recovery}}");
    }

    private static void submit(MetricsApi metrics, double value) throws Exception {
        metrics.submitMetrics(new MetricPayload().series(List.of(new MetricSeries().metric("it.checkout.latency")
                .type(MetricIntakeType.GAUGE).tags(List.of("env:it"))
                .resources(List.of(new MetricResource().type("host").name("web-1")))
                .points(List.of(new MetricPoint().timestamp(System.currentTimeMillis() / 1000).value(value))))));
    }

    private static TestServer.Reply rest(TestServer server, String method, String path, String json) {
        HttpRequest.Builder b = server.request(path).header("Authorization", TOKEN)
                .header("Accept", "application/vnd.pagerduty+json;version=2").header("Content-Type", "application/json");
        b.method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        return server.send(b.build());
    }

    private static List<String> notified(TestServer server, String incidentId) {
        List<String> users = new ArrayList<>();
        for (JsonNode e : rest(server, "GET", "/incidents/" + incidentId + "/log_entries?limit=100", null).json()
                .path("log_entries")) {
            if (e.path("type").asText().equals("notify_log_entry")) {
                users.add(e.at("/user/id").asText());
            }
        }
        return users;
    }
}
