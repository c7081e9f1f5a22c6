package tocsin.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.dikhan.pagerduty.client.events.PagerDutyEventsClient;
import com.github.dikhan.pagerduty.client.events.domain.AcknowledgeIncident;
import com.github.dikhan.pagerduty.client.events.domain.EventResult;
import com.github.dikhan.pagerduty.client.events.domain.Payload;
import com.github.dikhan.pagerduty.client.events.domain.ResolveIncident;
import com.github.dikhan.pagerduty.client.events.domain.Severity;
import com.github.dikhan.pagerduty.client.events.domain.TriggerIncident;
import org.json.JSONObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tocsin.state.ManualClock;

import java.net.http.HttpRequest;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Paging end to end on the real server, driven by PagerDuty's Events client and plain REST calls as PagerDuty's
 * tooling makes them: a trigger opens an incident and pages the first level, nobody acknowledges, the engine's
 * ticker escalates to level 2 when the (manual) clock passes the delay, an acknowledge stops it, a resolve closes it.
 * Bad input answers in PagerDuty's shapes.
 */
class PagingIT {
    private static final String TOKEN = "Token token=" + TestServer.ADMIN_KEY;

    private final ManualClock clock = new ManualClock(Instant.now());
    private TestServer server;
    private String alice;
    private String bob;

    @BeforeEach
    void start() {
        server = TestServer.start(c -> new ServerConfig(c.dataDir(), c.httpAddr(), c.statsdAddr(), c.syslogAddr(),
                c.publicUrl(), c.databaseUrl(), c.bootstrapApiKey(), c.bootstrapAdminPassword(), c.config(), clock),
                r -> {
                });
        alice = user("alice@example.com", "Alice");
        bob = user("bob@example.com", "Bob");
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private String user(String email, String name) {
        TestServer.Reply r = server.adminPost("/api/tocsin/users", "{\"email\":\"" + email + "\",\"name\":\"" + name
                + "\"}");
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r.json().path("user").path("id").asText();
    }

    private TestServer.Reply rest(String method, String path, String json) {
        HttpRequest.Builder b = server.request(path).header("Authorization", TOKEN)
                .header("Accept", "application/vnd.pagerduty+json;version=2")
                .header("From", "alice@example.com").header("Content-Type", "application/json");
        b.method(method, json == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(json));
        return server.send(b.build());
    }

    /** A policy (alice, then bob after 5 minutes), a service on it, and an integration; returns its key. */
    private String setUp(String integrationType) {
        TestServer.Reply p = rest("POST", "/escalation_policies", """
                {"escalation_policy": {"type": "escalation_policy", "name": "Ops", "num_loops": 0,
                 "description": null, "teams": null,
                 "escalation_rules": [
                   {"escalation_delay_in_minutes": 5, "targets": [{"id": "%s", "type": "user_reference"}]},
                   {"escalation_delay_in_minutes": 5, "targets": [{"id": "%s", "type": "user_reference"}]}]}}
                """.formatted(alice, bob));
        assertThat(p.status()).as(p.body()).isEqualTo(201);
        String policy = p.json().at("/escalation_policy/id").asText();
        TestServer.Reply s = rest("POST", "/services", """
                {"service": {"type": "service", "name": "Checkout", "escalation_policy": {"id": "%s",
                 "type": "escalation_policy_reference"}, "acknowledgement_timeout": null, "auto_resolve_timeout": null,
                 "incident_urgency_rule": {"type": "constant", "urgency": "high"}, "alert_grouping_parameters": null}}
                """.formatted(policy));
        assertThat(s.status()).as(s.body()).isEqualTo(201);
        String service = s.json().at("/service/id").asText();
        TestServer.Reply i = rest("POST", "/services/" + service + "/integrations",
                "{\"integration\": {\"type\": \"" + integrationType + "\", \"name\": \"events\"}}");
        assertThat(i.status()).as(i.body()).isEqualTo(201);
        String key = i.json().at("/integration/integration_key").asText();
        assertThat(key).matches("[0-9a-f]{32}");
        return key;
    }

    private List<String> notified(String incidentId) {
        List<String> users = new ArrayList<>();
        for (JsonNode e : rest("GET", "/incidents/" + incidentId + "/log_entries?limit=100", null).json()
                .path("log_entries")) {
            if (e.path("type").asText().equals("notify_log_entry")) {
                users.add(e.at("/user/id").asText());
            }
        }
        return users;
    }

    @Test
    void triggerPagesLevelOneEscalatesToLevelTwoAndAcknowledgeStopsIt() throws Exception {
        String key = setUp("events_api_v2_inbound_integration");
        String base = "http://127.0.0.1:" + server.port();
        PagerDutyEventsClient pd = PagerDutyEventsClient.create(base + "/v2/enqueue", base + "/v2/change/enqueue");
        Payload payload = Payload.Builder.newBuilder().setSummary("disk full").setSource("host-1")
                .setSeverity(Severity.CRITICAL).setTimestamp(OffsetDateTime.now()).build();

        EventResult first = pd.trigger(TriggerIncident.TriggerIncidentBuilder.newBuilder(key, payload)
                .setDedupKey("dk-1").build());
        EventResult again = pd.trigger(TriggerIncident.TriggerIncidentBuilder.newBuilder(key, payload)
                .setDedupKey("dk-1").build());

        assertThat(first.getStatus()).isEqualTo("success");
        assertThat(first.getDedupKey()).isEqualTo("dk-1");
        assertThat(again.getDedupKey()).isEqualTo("dk-1");
        JsonNode list = rest("GET", "/incidents?statuses%5B%5D=triggered&total=true", null).json();
        assertThat(list.path("incidents")).as(list.toString()).hasSize(1);
        assertThat(list.path("total").asInt()).isEqualTo(1);
        JsonNode incident = list.path("incidents").get(0);
        String id = incident.path("id").asText();
        assertThat(incident.path("incident_key").asText()).isEqualTo("dk-1");
        assertThat(incident.at("/assignments/0/assignee/id").asText()).isEqualTo(alice);
        assertThat(notified(id)).containsExactly(alice);
        assertThat(rest("GET", "/incidents/" + id + "/alerts", null).json().at("/alerts/0/event_count").asInt())
                .isEqualTo(2);

        clock.advance(Duration.ofMinutes(5));
        await().atMost(Duration.ofSeconds(10)).until(() -> notified(id).size() == 2);
        assertThat(notified(id)).containsExactly(alice, bob);
        assertThat(rest("GET", "/incidents/" + id, null).json().at("/incident/escalation_level").asInt())
                .isEqualTo(2);

        EventResult ack = pd.acknowledge(AcknowledgeIncident.AcknowledgeIncidentBuilder.newBuilder(key, "dk-1")
                .build());
        assertThat(ack.getStatus()).isEqualTo("success");
        assertThat(rest("GET", "/incidents/" + id, null).json().at("/incident/status").asText())
                .isEqualTo("acknowledged");
        clock.advance(Duration.ofHours(1));
        Thread.sleep(1500); // more than one tick of the engine
        assertThat(notified(id)).containsExactly(alice, bob);

        pd.resolve(ResolveIncident.ResolveIncidentBuilder.newBuilder(key, "dk-1").build());
        assertThat(rest("GET", "/incidents/" + id, null).json().at("/incident/status").asText())
                .isEqualTo("resolved");
        assertThat(server.adminGet("/metrics").body()).contains("tocsin_escalation_notifications_total 2.0",
                "tocsin_escalation_timers_fired_total{kind=\"escalate\"} 1.0",
                "tocsin_escalation_nobody_paged_total 0.0");
    }

    @Test
    void eventsWithBadInputAnswerInPagerDutysShape() {
        String key = setUp("events_api_v2_inbound_integration");

        TestServer.Reply unknown = server.postJson("/v2/enqueue", "{\"routing_key\":\"" + "f".repeat(32)
                + "\",\"event_action\":\"trigger\",\"payload\":{\"summary\":\"s\",\"source\":\"h\",\"severity\":\"info\"}}");
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.json().path("status").asText()).isEqualTo("invalid event");
        assertThat(unknown.json().path("errors").toString()).contains("'routing_key' is not the key");

        TestServer.Reply missing = server.postJson("/v2/enqueue", "{\"routing_key\":\"" + key
                + "\",\"event_action\":\"trigger\",\"payload\":{\"summary\":null,\"custom_details\":null}}");
        assertThat(missing.status()).isEqualTo(400);
        assertThat(missing.json().path("message").asText()).isEqualTo("Event object is invalid");
        assertThat(missing.json().path("errors").toString()).contains("'payload.summary' is missing or blank",
                "'payload.source' is missing or blank", "'payload.severity' is missing or blank");

        TestServer.Reply badSeverity = server.postJson("/v2/enqueue", "{\"routing_key\":\"" + key
                + "\",\"event_action\":\"trigger\",\"payload\":{\"summary\":\"s\",\"source\":\"h\",\"severity\":\"meh\"}}");
        assertThat(badSeverity.json().path("errors").toString()).contains("'payload.severity' is invalid");

        TestServer.Reply shortKey = server.postJson("/v2/enqueue", "{\"routing_key\":\"abc\",\"event_action\":\"x\"}");
        assertThat(shortKey.json().path("errors").toString()).contains(
                "Length of 'routing_key' is incorrect (should be 32 characters)", "'event_action' is invalid");

        String huge = "x".repeat(600 * 1024);
        TestServer.Reply oversized = server.postJson("/v2/enqueue", "{\"routing_key\":\"" + key
                + "\",\"event_action\":\"trigger\",\"payload\":{\"summary\":\"s\",\"source\":\"h\",\"severity\":\"info\","
                + "\"custom_details\":{\"blob\":\"" + huge + "\"}}}");
        assertThat(oversized.status()).isEqualTo(413);
        assertThat(oversized.json().path("status").asText()).isEqualTo("invalid event");

        // What the PagerDuty client sends to acknowledge: a placeholder payload and explicit nulls.
        TestServer.Reply blank = server.postJson("/v2/enqueue", "{\"routing_key\":\"" + key
                + "\",\"event_action\":\"acknowledge\",\"dedup_key\":\"nothing-open\",\"payload\":{\"summary\":\"BLANK\","
                + "\"source\":\"BLANK\",\"severity\":\"info\",\"timestamp\":null,\"component\":null,\"group\":null,"
                + "\"class\":null,\"custom_details\":null},\"images\":null,\"links\":null}");
        assertThat(blank.status()).as(blank.body()).isEqualTo(202);
        assertThat(blank.json().path("dedup_key").asText()).isEqualTo("nothing-open");

        TestServer.Reply notJson = server.postJson("/v2/enqueue", "{\"routing_key\":");
        assertThat(notJson.status()).isEqualTo(400);
        assertThat(notJson.json().path("status").asText()).isEqualTo("invalid event");
    }

    @Test
    void aBurstPastTheRateLimitIsThrottledAsPagerDutyThrottles() {
        String key = setUp("events_api_v2_inbound_integration");
        String ack = "{\"routing_key\":\"" + key + "\",\"event_action\":\"resolve\",\"dedup_key\":\"k\"}";
        int accepted = 0;
        TestServer.Reply last = null;
        for (int i = 0; i < 125; i++) {
            last = server.postJson("/v2/enqueue", ack);
            if (last.status() == 202) {
                accepted++;
            }
        }
        assertThat(accepted).isEqualTo(120);
        assertThat(last.status()).isEqualTo(429);
        assertThat(last.json().path("status").asText()).isEqualTo("throttle event");
        clock.advance(Duration.ofSeconds(1));
        assertThat(server.postJson("/v2/enqueue", ack).status()).isEqualTo(202);
    }

    @Test
    void legacyV1EventsChangeEventsAndAlertmanagerGroups() {
        String v1 = setUp("generic_events_api_inbound_integration");
        TestServer.Reply t = server.postJson("/generic/2010-04-15/create_event.json", "{\"service_key\":\"" + v1
                + "\",\"event_type\":\"trigger\",\"incident_key\":\"srv01/HTTP\",\"description\":\"HTTP down\","
                + "\"details\":{\"ping\":\"timeout\"}}");
        assertThat(t.status()).as(t.body()).isEqualTo(200);
        assertThat(t.json().path("incident_key").asText()).isEqualTo("srv01/HTTP");
        assertThat(server.postJson("/generic/2010-04-15/create_event.json", "{\"service_key\":\"" + v1
                + "\",\"event_type\":\"resolve\"}").json().path("errors").toString())
                .contains("'incident_key' is missing or blank");
        server.postJson("/generic/2010-04-15/create_event.json", "{\"service_key\":\"" + v1
                + "\",\"event_type\":\"resolve\",\"incident_key\":\"srv01/HTTP\"}");
        assertThat(rest("GET", "/incidents?incident_key=srv01/HTTP", null).json().at("/incidents/0/status")
                .asText()).isEqualTo("resolved");

        String service = rest("GET", "/services", null).json().at("/services/0/id").asText();
        String v2 = rest("POST", "/services/" + service + "/integrations",
                "{\"integration\":{\"type\":\"events_api_v2_inbound_integration\"}}").json()
                .at("/integration/integration_key").asText();
        TestServer.Reply change = server.postJson("/v2/change/enqueue", "{\"routing_key\":\"" + v2
                + "\",\"payload\":{\"summary\":\"deployed v2\",\"source\":\"ci\",\"timestamp\":null,"
                + "\"custom_details\":null},\"links\":[{\"href\":\"https://ci/1\",\"text\":\"build\"}]}");
        assertThat(change.status()).as(change.body()).isEqualTo(202);
        assertThat(rest("GET", "/change_events", null).json().at("/change_events/0/summary").asText())
                .as(rest("GET", "/change_events", null).body())
                .isEqualTo("deployed v2");

        String am = rest("POST", "/services/" + service + "/integrations",
                "{\"integration\":{\"type\":\"alertmanager_inbound_integration\"}}").json()
                .at("/integration/integration_key").asText();
        String firing = """
                {"version":"4","groupKey":"{}:{alertname=\\"HighLatency\\"}","truncatedAlerts":0,"status":"%s",
                 "receiver":"tocsin","groupLabels":{"alertname":"HighLatency"},
                 "commonLabels":{"alertname":"HighLatency","severity":"warning"},
                 "commonAnnotations":{"summary":"p99 above 1s"},"externalURL":"http://am:9093",
                 "alerts":[{"status":"%s","labels":{"alertname":"HighLatency","instance":"web-1"},"annotations":{},
                 "startsAt":"2026-12-05T08:00:00Z","endsAt":"0001-01-01T00:00:00Z","generatorURL":"http://p",
                 "fingerprint":"abc"}]}""";
        assertThat(server.postJson("/api/tocsin/alertmanager/" + am, firing.formatted("firing", "firing")).status())
                .isEqualTo(200);
        assertThat(server.postJson("/api/tocsin/alertmanager/" + am, firing.formatted("firing", "firing")).status())
                .isEqualTo(200);
        JsonNode open = rest("GET", "/incidents?statuses%5B%5D=triggered", null).json().path("incidents");
        assertThat(open).hasSize(1);
        assertThat(open.get(0).path("title").asText()).isEqualTo("p99 above 1s");
        server.postJson("/api/tocsin/alertmanager/" + am, firing.formatted("resolved", "resolved"));
        assertThat(rest("GET", "/incidents?statuses%5B%5D=triggered", null).json().path("incidents")).isEmpty();
        assertThat(server.postJson("/api/tocsin/alertmanager/" + "0".repeat(32), firing.formatted("firing", "firing"))
                .status()).isEqualTo(404);
    }

    @Test
    void restRejectsPoliciesWithoutTargetsOrWithMissingPeople() {
        TestServer.Reply noTargets = rest("POST", "/escalation_policies", """
                {"escalation_policy":{"name":"x","escalation_rules":[{"escalation_delay_in_minutes":0,"targets":[]}]}}
                """);
        assertThat(noTargets.status()).isEqualTo(400);
        assertThat(noTargets.json().at("/error/code").asInt()).isEqualTo(2001);
        assertThat(noTargets.json().at("/error/errors").toString()).contains(
                "escalation_policy.escalation_rules[0].escalation_delay_in_minutes: must be between 1",
                "escalation_policy.escalation_rules[0].targets: must name at least one user or schedule");

        TestServer.Reply missing = rest("POST", "/escalation_policies", """
                {"escalation_policy":{"name":"x","escalation_rules":[{"escalation_delay_in_minutes":5,
                 "targets":[{"id":"PNOUSER","type":"user_reference"},{"id":"PNOSCHD","type":"schedule_reference"}]}]}}
                """);
        assertThat(missing.status()).isEqualTo(400);
        assertThat(missing.json().at("/error/errors").toString()).contains(
                "escalation_policy.escalation_rules[0].targets[0].id: no user 'PNOUSER'",
                "escalation_policy.escalation_rules[0].targets[1].id: no schedule 'PNOSCHD'");

        TestServer.Reply noService = rest("POST", "/services", "{\"service\":{\"name\":\"s\",\"escalation_policy\":"
                + "{\"id\":\"PNOPE\",\"type\":\"escalation_policy_reference\"}}}");
        assertThat(noService.status()).isEqualTo(400);
        assertThat(noService.json().at("/error/errors").toString()).contains("escalation_policy.id");
    }

    @Test
    void racingPutsOnOneIncidentLeaveItConsistent() throws Exception {
        setUp("events_api_v2_inbound_integration");
        String service = rest("GET", "/services", null).json().at("/services/0/id").asText();
        TestServer.Reply created = rest("POST", "/incidents", "{\"incident\":{\"type\":\"incident\",\"title\":\"db\","
                + "\"service\":{\"id\":\"" + service + "\",\"type\":\"service_reference\"}}}");
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        String id = created.json().at("/incident/id").asText();
        assertThat(server.send(server.request("/incidents").header("Authorization", TOKEN)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
                        "{\"incident\":{\"title\":\"x\",\"service\":{\"id\":\"" + service + "\"}}}")).build())
                .json().at("/error/errors").toString()).contains("From:");

        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<TestServer.Reply>> replies = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                String status = i % 2 == 0 ? "acknowledged" : "resolved";
                replies.add(pool.submit(() -> rest("PUT", "/incidents/" + id, "{\"incident\":{\"type\":"
                        + "\"incident_reference\",\"status\":\"" + status + "\"}}")));
            }
            for (Future<TestServer.Reply> r : replies) {
                assertThat(r.get().status()).as(r.get().body()).isIn(200, 400, 409);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(rest("GET", "/incidents/" + id, null).json().at("/incident/status").asText())
                .isEqualTo("resolved");
        long resolves = 0;
        for (JsonNode e : rest("GET", "/incidents/" + id + "/log_entries?limit=100", null).json()
                .path("log_entries")) {
            if (e.path("type").asText().equals("resolve_log_entry")) {
                resolves++;
            }
        }
        assertThat(resolves).isEqualTo(1);
        TestServer.Reply bulk = rest("PUT", "/incidents", "{\"incidents\":[{\"id\":\"" + id
                + "\",\"type\":\"incident_reference\",\"status\":\"nope\"}]}");
        assertThat(bulk.status()).isEqualTo(400);
        assertThat(bulk.json().at("/error/errors").toString()).contains("incidents[0].status");
    }
}
