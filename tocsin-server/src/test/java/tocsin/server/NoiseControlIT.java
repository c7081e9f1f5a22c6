package tocsin.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import tocsin.notify.dispatch.DeliveryQueue;
import tocsin.notify.http.HttpSink;
import tocsin.server.config.NotifyConfig;
import tocsin.state.ManualClock;

/**
 * An incident storm through the real server with a loopback sink standing in for Twilio: 60 incidents page Alice by
 * SMS within seconds. With the default limit (5 SMS per 10 minutes, one more earned every 2 minutes) she gets 5 pages
 * at once, then ONE digest SMS once the limit allows; an incident acknowledged while its page is held is cancelled,
 * not digested; every incident's timeline says what happened to its page, and nothing is lost.
 */
class NoiseControlIT {
    private static final int STORM = 60;

    private final ManualClock clock = new ManualClock(Instant.now());
    private final HttpSink twilio = new HttpSink().answer(HttpSink.Response.json(201,
            "{\"sid\":\"SM0123456789abcdef0123456789abcdef\",\"status\":\"queued\"}"));
    private TestServer server;
    private String alice;

    @BeforeEach
    void start() {
        NotifyConfig notify = new NotifyConfig(Optional.empty(), Optional.of(new NotifyConfig.Twilio(
                "AC0123456789abcdef0123456789abcdef", "twilio-auth-token", "+15550001111", twilio.base().toString())),
                Optional.empty(), Optional.empty(), Optional.empty());
        server = PagingFixture.start(notify, clock);
        alice = PagingFixture.user(server, "alice@example.com", "Alice");
        PagingFixture.user(server, "admin@example.com", "Admin"); // the REST client's From:
    }

    @AfterEach
    void stop() {
        server.close();
        twilio.close();
    }

    @Test
    void aStormOfSixtyPagesBecomesFiveSmsAndOneDigestAndEveryTimelineSaysSo() {
        smsRule();
        String key = PagingFixture.integrationKey(server, alice);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < STORM; i++) {
            TestServer.Reply r = server.postJson("/v2/enqueue", """
                    {"routing_key": "%s", "event_action": "trigger", "dedup_key": "host-%d",
                     "payload": {"summary": "Host %d down", "source": "host-%d", "severity": "critical"}}"""
                    .formatted(key, i, i, i));
            assertThat(r.status()).as(r.body()).isEqualTo(202);
            ids.add(rest("GET", "/incidents?incident_key=host-" + i, null).json().at("/incidents/0/id").asText());
        }
        // The server's time moves a little while we wait, as it would: a send that fails on a loaded machine is
        // retried after a backoff measured on this clock. 250 ms per poll stays well below the 2 minutes that earn
        // one more SMS, so the counts below hold.
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            clock.advance(Duration.ofMillis(250));
            return ids.stream().allMatch(id -> state(id).filter(s -> s != DeliveryQueue.State.PENDING
                    && s != DeliveryQueue.State.SENDING).isPresent());
        });
        assertThat(messages()).hasSize(5);
        List<String> held = ids.stream().filter(id -> state(id).orElseThrow() == DeliveryQueue.State.HELD).toList();
        assertThat(held).hasSize(STORM - 5);
        assertThat(summaries(held.getFirst())).anyMatch(s -> s.startsWith("Held sms to +14155550123 for a digest: "
                + "over the rate limit of 5 per 10m sms messages"));

        // acknowledged while held: cancelled, never digested
        String acked = held.getFirst();
        TestServer.Reply ack = rest("PUT", "/incidents/" + acked,
                "{\"incident\":{\"type\":\"incident_reference\",\"status\":\"acknowledged\"}}");
        assertThat(ack.status()).as(ack.body()).isEqualTo(200);

        clock.advance(Duration.ofMinutes(2)); // one more SMS earned
        await().atMost(Duration.ofSeconds(20)).until(() -> messages().size() == 6);
        String digest = messages().getLast().formValue("Body");
        assertThat(digest).startsWith("Tocsin: " + (STORM - 6) + " incidents (" + (STORM - 6) + " high): #")
                .endsWith("more " + server.server().publicUrl() + "/incidents");
        assertThat(digest.length()).isLessThanOrEqualTo(160);
        await().atMost(Duration.ofSeconds(10)).until(() -> held.stream().skip(1)
                .allMatch(id -> state(id).orElseThrow() == DeliveryQueue.State.DELIVERED));

        // every page is accounted for on its incident, and nothing more goes out
        assertThat(state(acked)).contains(DeliveryQueue.State.CANCELLED);
        assertThat(summaries(acked)).anyMatch(s -> s.equals("A notification held back for a digest was cancelled: "
                + "the incident is acknowledged."));
        for (String id : ids) {
            if (held.contains(id) && !id.equals(acked)) {
                assertThat(summaries(id)).anyMatch(s -> s.startsWith("Notified by sms at +14155550123 in a digest "
                        + "of " + (STORM - 6) + " incidents, attempt 1: delivered (message id SM0123456789abcdef"));
            } else if (!id.equals(acked)) {
                assertThat(summaries(id)).anyMatch(s -> s.startsWith("Notified by sms at +14155550123, attempt 1: "
                        + "delivered"));
            }
        }
        clock.advance(Duration.ofMinutes(20));
        assertThat(messages()).hasSize(6);
        assertThat(server.adminGet("/metrics").body())
                .contains("tocsin_notifications_total{channel=\"sms\",outcome=\"delivered\"} 5.0")
                .contains("tocsin_notifications_held_total{channel=\"sms\"} " + (STORM - 5) + ".0")
                .contains("tocsin_notification_digests_total{channel=\"sms\",outcome=\"delivered\"} 1.0")
                .contains("tocsin_notifications_digested_total{channel=\"sms\"} " + (STORM - 6) + ".0");
    }

    // ---- helpers

    private TestServer.Reply rest(String method, String path, String json) {
        return new PagerDutyRest(server).send(method, path, json);
    }

    private void smsRule() {
        String cm = PagingFixture.created(rest("POST", "/users/" + alice + "/contact_methods", """
                {"contact_method": {"type": "sms_contact_method", "label": "Mobile", "address": "4155550123",
                 "country_code": 1}}"""), "/contact_method/id");
        PagingFixture.created(rest("POST", "/users/" + alice + "/notification_rules", """
                {"notification_rule": {"type": "assignment_notification_rule", "start_delay_in_minutes": 0,
                 "contact_method": {"id": "%s", "type": "sms_contact_method_reference"}, "urgency": "high"}}"""
                .formatted(cm)), "/notification_rule/id");
    }

    /** The state of the incident's one delivery, once planned. */
    private Optional<DeliveryQueue.State> state(String incidentId) {
        return server.server().state().deliveryQueue().deliveries(incidentId).stream().findFirst()
                .map(DeliveryQueue.Delivery::state);
    }

    private List<String> summaries(String incidentId) {
        JsonNode log = rest("GET", "/incidents/" + incidentId + "/log_entries?limit=100", null).json()
                .path("log_entries");
        return log.findValuesAsText("summary");
    }

    private List<HttpSink.Request> messages() {
        return twilio.requests().stream().filter(r -> r.path().endsWith("/Messages.json")).toList();
    }
}
