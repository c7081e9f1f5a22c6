package tocsin.server;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpRequest;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The PagerDuty REST resources around incidents, as PagerDuty's tooling uses them: services with urgency rules,
 * support hours and alert grouping (create, partial update, delete), maintenance windows, on-calls, and incident
 * actions (merge, snooze, notes, log entries), each with its bad input answered in PagerDuty's error shape.
 */
class PagingRestIT {
    private static final String TOKEN = "Token token=" + TestServer.ADMIN_KEY;

    private TestServer server;
    private String alice;
    private String policy;

    @BeforeEach
    void start() {
        server = TestServer.start();
        alice = server.adminPost("/api/tocsin/users", "{\"email\":\"alice@example.com\",\"name\":\"Alice\"}").json()
                .at("/user/id").asText();
        policy = call("POST", "/escalation_policies", "{\"escalation_policy\":{\"name\":\"Ops\",\"escalation_rules\":"
                + "[{\"escalation_delay_in_minutes\":10,\"targets\":[{\"id\":\"" + alice
                + "\",\"type\":\"user_reference\"}],\"escalation_rule_assignment_strategy\":{\"type\":"
                + "\"round_robin\"}}]}}", 201).at("/escalation_policy/id").asText();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private TestServer.Reply send(String method, String path, String json) {
        HttpRequest.Builder b = server.request(path).header("Authorization", TOKEN)
                .header("From", "alice@example.com").header("Content-Type", "application/json");
        b.method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        return server.send(b.build());
    }

    private JsonNode call(String method, String path, String json, int status) {
        TestServer.Reply r = send(method, path, json);
        assertThat(r.status()).as(r.body()).isEqualTo(status);
        return r.body().isEmpty() ? null : r.json();
    }

    private String service(String name) {
        return call("POST", "/services", "{\"service\":{\"name\":\"" + name + "\",\"escalation_policy\":{\"id\":\""
                + policy + "\",\"type\":\"escalation_policy_reference\"}}}", 201).at("/service/id").asText();
    }

    @Test
    void servicesCarryUrgencyRulesSupportHoursAndGroupingAndUpdatePartially() {
        JsonNode created = call("POST", "/services", """
                {"service": {"type": "service", "name": "Web", "description": "the site",
                 "escalation_policy": {"id": "%s", "type": "escalation_policy_reference"},
                 "acknowledgement_timeout": 1800, "auto_resolve_timeout": 14400, "status": "active",
                 "incident_urgency_rule": {"type": "use_support_hours",
                   "during_support_hours": {"type": "constant", "urgency": "high"},
                   "outside_support_hours": {"type": "constant", "urgency": "low"}},
                 "support_hours": {"type": "fixed_time_per_day", "time_zone": "America/Lima",
                   "days_of_week": [1, 2, 3, 4, 5], "start_time": "09:00:00", "end_time": "17:00:00"},
                 "alert_grouping_parameters": {"type": "content_based",
                   "config": {"aggregate": "all", "fields": ["source", "custom_details.db"], "time_window": 300}}}}
                """.formatted(policy), 201).path("service");
        String id = created.path("id").asText();
        assertThat(created.at("/incident_urgency_rule/outside_support_hours/urgency").asText()).isEqualTo("low");
        assertThat(created.at("/support_hours/days_of_week").toString()).isEqualTo("[1,2,3,4,5]");
        assertThat(created.at("/support_hours/start_time").asText()).isEqualTo("09:00:00");
        assertThat(created.at("/alert_grouping_parameters/config/fields").toString())
                .isEqualTo("[\"source\",\"custom_details.db\"]");
        assertThat(created.at("/escalation_policy/summary").asText()).isEqualTo("Ops");

        JsonNode updated = call("PUT", "/services/" + id, "{\"service\":{\"description\":\"new\","
                + "\"auto_resolve_timeout\":null}}", 200).path("service");
        assertThat(updated.path("description").asText()).isEqualTo("new");
        assertThat(updated.path("auto_resolve_timeout").isNull()).isTrue();
        assertThat(updated.path("acknowledgement_timeout").asInt()).isEqualTo(1800);
        assertThat(updated.path("name").asText()).isEqualTo("Web");
        assertThat(call("GET", "/escalation_policies/" + policy, null, 200).at("/escalation_policy/services/0/id")
                .asText()).isEqualTo(id);
        assertThat(call("DELETE", "/escalation_policies/" + policy, null, 409).at("/error/message").asText())
                .contains("used by services Web");

        JsonNode bad = call("POST", "/services", """
                {"service": {"name": "Bad", "escalation_policy": {"id": "%s"}, "acknowledgement_timeout": 5,
                 "incident_urgency_rule": {"type": "use_support_hours", "during_support_hours": {"urgency": "meh"}},
                 "support_hours": {"time_zone": "Mars/Olympus", "days_of_week": [0, 8], "start_time": "25:00"},
                 "alert_grouping_parameters": {"type": "intelligent"}}}
                """.formatted(policy), 400);
        assertThat(bad.at("/error/errors").toString()).contains("service.acknowledgement_timeout",
                "service.incident_urgency_rule.during_support_hours.urgency", "outside_support_hours",
                "service.support_hours.time_zone: unknown time zone 'Mars/Olympus'",
                "service.support_hours.days_of_week[0]", "service.support_hours.start_time",
                "service.alert_grouping_parameters.type");

        call("DELETE", "/services/" + id, null, 204);
        call("GET", "/services/" + id, null, 404);
    }

    @Test
    void maintenanceWindowsSilenceTheirServices() {
        String web = service("Web");
        String key = call("POST", "/services/" + web + "/integrations", "{\"integration\":{\"type\":"
                + "\"events_api_v2_inbound_integration\",\"name\":\"ev\"}}", 201).at("/integration/integration_key")
                .asText();
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        JsonNode window = call("POST", "/maintenance_windows", "{\"maintenance_window\":{\"type\":"
                + "\"maintenance_window\",\"start_time\":\"" + now.minusSeconds(60) + "\",\"end_time\":\""
                + now.plusSeconds(3600) + "\",\"description\":\"upgrade\",\"services\":[{\"id\":\"" + web
                + "\",\"type\":\"service_reference\"}]}}", 201).path("maintenance_window");
        assertThat(call("GET", "/maintenance_windows?filter=ongoing", null, 200).path("maintenance_windows"))
                .hasSize(1);

        assertThat(server.postJson("/v2/enqueue", "{\"routing_key\":\"" + key + "\",\"event_action\":\"trigger\","
                + "\"payload\":{\"summary\":\"s\",\"source\":\"h\",\"severity\":\"error\"}}").status()).isEqualTo(202);
        assertThat(call("GET", "/incidents", null, 200).path("incidents")).isEmpty();

        call("DELETE", "/maintenance_windows/" + window.path("id").asText(), null, 204);
        server.postJson("/v2/enqueue", "{\"routing_key\":\"" + key + "\",\"event_action\":\"trigger\","
                + "\"payload\":{\"summary\":\"s\",\"source\":\"h\",\"severity\":\"error\"}}");
        assertThat(call("GET", "/incidents", null, 200).path("incidents")).hasSize(1);

        JsonNode bad = call("POST", "/maintenance_windows", "{\"maintenance_window\":{\"start_time\":\"soon\","
                + "\"end_time\":\"" + now + "\",\"services\":[]}}", 400);
        assertThat(bad.at("/error/errors").toString()).contains("maintenance_window.start_time: must be an ISO 8601");
        JsonNode unknown = call("POST", "/maintenance_windows", "{\"maintenance_window\":{\"start_time\":\"" + now
                + "\",\"end_time\":\"" + now.plusSeconds(60) + "\",\"services\":[{\"id\":\"PNOPE\"}]}}", 400);
        assertThat(unknown.at("/error/errors").toString()).contains("services[0].id: no service 'PNOPE'");
    }

    @Test
    void onCallsListEveryLevelWithPagerDutysFilters() {
        JsonNode oncalls = call("GET", "/oncalls?time_zone=Europe/Berlin&earliest=true", null, 200);
        assertThat(oncalls.path("oncalls")).hasSize(1);
        JsonNode first = oncalls.at("/oncalls/0");
        assertThat(first.at("/user/id").asText()).isEqualTo(alice);
        assertThat(first.path("escalation_level").asInt()).isEqualTo(1);
        assertThat(first.path("start").isNull()).isTrue();
        assertThat(call("GET", "/oncalls?user_ids%5B%5D=PNOBODY", null, 200).path("oncalls")).isEmpty();
        assertThat(call("GET", "/oncalls?escalation_policy_ids%5B%5D=" + policy, null, 200).path("oncalls"))
                .hasSize(1);
        assertThat(call("GET", "/oncalls?schedule_ids%5B%5D=PSCHED", null, 200).path("oncalls")).isEmpty();
        assertThat(call("GET", "/oncalls?time_zone=Nowhere/Else", null, 400).at("/error/errors").toString())
                .contains("time_zone: unknown time zone");
    }

    @Test
    void incidentsMergeSnoozeAndTakeNotes() {
        String web = service("Web");
        String ref = "{\"id\":\"" + web + "\",\"type\":\"service_reference\"}";
        String a = call("POST", "/incidents", "{\"incident\":{\"type\":\"incident\",\"title\":\"a\",\"service\":" + ref
                + ",\"urgency\":\"low\",\"incident_key\":\"ka\"}}", 201).at("/incident/id").asText();
        String b = call("POST", "/incidents", "{\"incident\":{\"type\":\"incident\",\"title\":\"b\",\"service\":" + ref
                + "}}", 201).at("/incident/id").asText();
        assertThat(call("POST", "/incidents", "{\"incident\":{\"title\":\"dup\",\"service\":" + ref
                + ",\"incident_key\":\"ka\"}}", 400).at("/error/errors").toString())
                .contains("incident.incident_key: an open incident with matching dedup key");

        assertThat(call("POST", "/incidents/" + a + "/snooze", "{\"duration\":3600}", 400).at("/error/errors")
                .toString()).contains("only an acknowledged incident can be snoozed");
        call("PUT", "/incidents/" + a, "{\"incident\":{\"type\":\"incident_reference\",\"status\":\"acknowledged\"}}",
                200);
        assertThat(call("POST", "/incidents/" + a + "/snooze", "{\"duration\":3600}", 201).at("/incident/status")
                .asText()).isEqualTo("acknowledged");

        JsonNode merged = call("PUT", "/incidents/" + a + "/merge", "{\"source_incidents\":[{\"id\":\"" + b
                + "\",\"type\":\"incident_reference\"}]}", 200);
        assertThat(merged.at("/incident/id").asText()).isEqualTo(a);
        assertThat(call("GET", "/incidents/" + b, null, 200).at("/incident/status").asText()).isEqualTo("resolved");
        assertThat(call("PUT", "/incidents/" + a + "/merge", "{\"source_incidents\":[]}", 400).at("/error/errors")
                .toString()).contains("source_incidents");

        call("POST", "/incidents/" + a + "/notes", "{\"note\":{\"content\":\"rolling back\"}}", 201);
        assertThat(call("GET", "/incidents/" + a + "/notes", null, 200).at("/notes/0/content").asText())
                .isEqualTo("rolling back");
        assertThat(call("GET", "/incidents/" + a + "/notes", null, 200).at("/notes/0/user/id").asText())
                .isEqualTo(alice);
        assertThat(call("POST", "/incidents/" + a + "/notes", "{\"note\":{}}", 400).at("/error/errors").toString())
                .contains("note.content: is required");

        JsonNode log = call("GET", "/log_entries?limit=100", null, 200).path("log_entries");
        assertThat(log.toString()).contains("snooze_log_entry", "merge_log_entry", "annotate_log_entry",
                "acknowledge_log_entry");
        assertThat(call("GET", "/incidents?urgencies%5B%5D=low&date_range=all", null, 200).path("incidents"))
                .hasSize(1);
        assertThat(call("GET", "/incidents?statuses%5B%5D=open", null, 400).at("/error/errors").toString())
                .contains("statuses[]");
        assertThat(call("GET", "/incidents?sort_by=title", null, 400).at("/error/errors").toString())
                .contains("sort_by");
        assertThat(call("PUT", "/incidents/" + a, "{\"incident\":{\"escalation_level\":5}}", 400)
                .at("/error/errors").toString()).contains("incident.escalation_level: must be between 1 and 1");
        assertThat(call("PUT", "/incidents/" + a, "{\"incident\":{\"assignments\":[{\"assignee\":{\"id\":"
                + "\"PNOBODY\",\"type\":\"user_reference\"}}]}}", 400).at("/error/errors").toString())
                .contains("incident.assignments[0].assignee.id: no user 'PNOBODY'");
        call("GET", "/incidents/PNOSUCH", null, 404);
    }
}
