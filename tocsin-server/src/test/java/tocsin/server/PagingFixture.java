package tocsin.server;

import static org.assertj.core.api.Assertions.assertThat;

import tocsin.server.config.NotifyConfig;
import tocsin.server.config.TocsinConfig;
import tocsin.state.ManualClock;

/**
 * The paging set-up the notification scenarios share, made as a client would through the REST APIs: a server with
 * the given providers and clock, a user, and a one-level escalation policy paging that user from a "Checkout"
 * service with an Events API v2 integration.
 */
final class PagingFixture {

    private PagingFixture() {
    }

    /** A server delivering through {@code notify}, on {@code clock}. */
    static TestServer start(NotifyConfig notify, ManualClock clock) {
        return TestServer.start(c -> new ServerConfig(c.dataDir(), c.httpAddr(), c.statsdAddr(), c.syslogAddr(),
                c.publicUrl(), c.databaseUrl(), c.bootstrapApiKey(), c.bootstrapAdminPassword(),
                new TocsinConfig(c.config().http(), c.config().metrics(), c.config().scrape(), notify), clock),
                r -> {
                });
    }

    /** Creates a user; returns the id. */
    static String user(TestServer server, String email, String name) {
        TestServer.Reply u = server.adminPost("/api/tocsin/users",
                "{\"email\":\"" + email + "\",\"name\":\"" + name + "\"}");
        assertThat(u.status()).as(u.body()).isEqualTo(201);
        return u.json().path("user").path("id").asText();
    }

    static String created(TestServer.Reply r, String pointer) {
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r.json().at(pointer).asText();
    }

    /** {@code userId} on a one-level policy of a Checkout service; returns the Events v2 integration key. */
    static String integrationKey(TestServer server, String userId) {
        PagerDutyRest rest = new PagerDutyRest(server);
        String policy = created(rest.send("POST", "/escalation_policies", """
                {"escalation_policy": {"type": "escalation_policy", "name": "Ops", "num_loops": 0,
                 "escalation_rules": [
                   {"escalation_delay_in_minutes": 30, "targets": [{"id": "%s", "type": "user_reference"}]}]}}
                """.formatted(userId)), "/escalation_policy/id");
        String service = created(rest.send("POST", "/services", """
                {"service": {"type": "service", "name": "Checkout", "escalation_policy": {"id": "%s",
                 "type": "escalation_policy_reference"},
                 "incident_urgency_rule": {"type": "constant", "urgency": "high"}}}
                """.formatted(policy)), "/service/id");
        return created(rest.send("POST", "/services/" + service + "/integrations",
                "{\"integration\": {\"type\": \"events_api_v2_inbound_integration\", \"name\": \"events\"}}"),
                "/integration/integration_key");
    }
}
