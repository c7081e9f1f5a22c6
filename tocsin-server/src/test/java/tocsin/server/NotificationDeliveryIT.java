package tocsin.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.BodyPart;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import tocsin.server.config.NotifyConfig;
import tocsin.state.ManualClock;

/**
 * The delivery pipeline end to end on the real server and a real SMTP server (GreenMail): an Events API v2 trigger
 * opens an incident, escalation pages Alice, her notification rules (work e-mail now, home e-mail after 2 minutes)
 * become deliveries, the first e-mail arrives with the incident summary and a signed acknowledge link, a GET of the
 * link only shows a confirmation page, the POST acknowledges the incident as Alice, and the pending second e-mail is
 * cancelled. Forged and expired links are refused with a page.
 */
class NotificationDeliveryIT {
    private static final Pattern ACK = Pattern.compile("Acknowledge:\\s+(\\S+)");

    @RegisterExtension
    static final GreenMailExtension SMTP = new GreenMailExtension(
            new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP).dynamicPort()).withPerMethodLifecycle(true);

    private final ManualClock clock = new ManualClock(Instant.now());
    private TestServer server;
    private String alice;

    @BeforeEach
    void start() {
        NotifyConfig notify = new NotifyConfig(Optional.of(new NotifyConfig.Email("127.0.0.1",
                SMTP.getSmtp().getPort(), false, false, null, null, "Tocsin <pager@example.com>", 5)),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
        server = PagingFixture.start(notify, clock);
        alice = PagingFixture.user(server, "alice@example.com", "Alice");
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private TestServer.Reply rest(String method, String path, String json) {
        return new PagerDutyRest(server).send(method, path, json);
    }


    private void emailRule(String address, int delayMinutes) {
        String cm = PagingFixture.created(rest("POST", "/users/" + alice + "/contact_methods", """
                {"contact_method": {"type": "email_contact_method", "label": "%s", "address": "%s"}}"""
                .formatted(address, address)), "/contact_method/id");
        PagingFixture.created(rest("POST", "/users/" + alice + "/notification_rules", """
                {"notification_rule": {"type": "assignment_notification_rule", "start_delay_in_minutes": %d,
                 "contact_method": {"id": "%s", "type": "email_contact_method_reference"}, "urgency": "high"}}"""
                .formatted(delayMinutes, cm)), "/notification_rule/id");
    }

    private String trigger(String key) {
        TestServer.Reply r = server.postJson("/v2/enqueue", """
                {"routing_key": "%s", "event_action": "trigger", "dedup_key": "disk-db-1",
                 "payload": {"summary": "Disk full on db-1", "source": "db-1", "severity": "critical"}}"""
                .formatted(key));
        assertThat(r.status()).as(r.body()).isEqualTo(202);
        JsonNode list = rest("GET", "/incidents?statuses%5B%5D=triggered", null).json();
        return list.at("/incidents/0/id").asText();
    }

    private String status(String incidentId) {
        return rest("GET", "/incidents/" + incidentId, null).json().at("/incident/status").asText();
    }

    private static String text(Part part) throws Exception {
        if (part.isMimeType("text/plain")) {
            return (String) part.getContent();
        }
        if (part.getContent() instanceof Multipart mp) {
            for (int i = 0; i < mp.getCount(); i++) {
                BodyPart p = mp.getBodyPart(i);
                String t = text(p);
                if (t != null) {
                    return t;
                }
            }
        }
        return null;
    }

    private TestServer.Reply postLink(String link) {
        return server.send(HttpRequest.newBuilder(java.net.URI.create(link)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.noBody()).build());
    }

    private TestServer.Reply getLink(String link) {
        return server.send(HttpRequest.newBuilder(java.net.URI.create(link)).timeout(Duration.ofSeconds(30)).GET()
                .build());
    }

    @Test
    void aTriggerIsMailedWithASignedLinkWhosePostAcknowledgesAndCancelsTheRest() throws Exception {
        emailRule("alice@example.com", 0);
        emailRule("alice.home@example.com", 2);
        String id = trigger(PagingFixture.integrationKey(server, alice));

        await().atMost(Duration.ofSeconds(20)).until(() -> SMTP.getReceivedMessages().length == 1);
        MimeMessage mail = SMTP.getReceivedMessages()[0];
        assertThat(mail.getAllRecipients()[0].toString()).isEqualTo("alice@example.com");
        assertThat(mail.getSubject()).contains("Disk full on db-1");
        assertThat(mail.getMessageID()).isNotBlank();
        String body = text(mail);
        assertThat(body).contains("Disk full on db-1").contains("Checkout");
        Matcher m = ACK.matcher(body);
        assertThat(m.find()).as(body).isTrue();
        String link = m.group(1);
        assertThat(link).startsWith(server.server().publicUrl() + "/l/");

        // a GET (a mail scanner prefetching, or the person) only shows what the link will do
        TestServer.Reply page = getLink(link);
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.header("Content-Type")).startsWith("text/html");
        assertThat(page.header("Cache-Control")).isEqualTo("no-store");
        assertThat(page.body()).contains("Acknowledge incident #").contains("Disk full on db-1")
                .contains("method=\"post\"");
        assertThat(status(id)).isEqualTo("triggered");

        // a tampered link is refused with a page, and changes nothing
        String forged = link.substring(0, link.length() - 2) + (link.endsWith("AA") ? "BB" : "AA");
        TestServer.Reply refused = postLink(forged);
        assertThat(refused.status()).as(refused.body()).isIn(403, 404);
        assertThat(refused.body()).contains("This link cannot be used");
        assertThat(status(id)).isEqualTo("triggered");

        TestServer.Reply acted = postLink(link);
        assertThat(acted.status()).as(acted.body()).isEqualTo(200);
        assertThat(acted.body()).contains("Acknowledged");
        assertThat(status(id)).isEqualTo("acknowledged");
        assertThat(postLink(link).body()).as("acting twice is harmless").contains("Already acknowledged");

        JsonNode log = rest("GET", "/incidents/" + id + "/log_entries?limit=100", null).json().path("log_entries");
        List<JsonNode> acks = log.findParents("type").stream()
                .filter(e -> e.path("type").asText().equals("acknowledge_log_entry")).toList();
        assertThat(acks).hasSize(1);
        assertThat(acks.getFirst().at("/channel/type").asText()).isEqualTo("link");
        assertThat(acks.getFirst().at("/agent/id").asText()).isEqualTo(alice);
        assertThat(log.findValuesAsText("summary")).anyMatch(s -> s.startsWith(
                "Notified by email at alice@example.com, attempt 1: delivered"));

        // the home e-mail was due 2 minutes later: the acknowledgement cancelled it
        clock.advance(Duration.ofMinutes(5));
        Thread.sleep(2000); // several dispatcher rounds
        assertThat(SMTP.getReceivedMessages()).hasSize(1);
        assertThat(server.adminGet("/metrics").body())
                .contains("tocsin_notifications_total{channel=\"email\",outcome=\"delivered\"} 1.0")
                .contains("tocsin_notifications_unreachable_total 0.0");

        // a link past its expiry is refused as expired
        clock.advance(Duration.ofDays(2));
        TestServer.Reply expired = getLink(link);
        assertThat(expired.status()).isEqualTo(410);
        assertThat(expired.body()).contains("This link cannot be used");
    }

    @Test
    void malformedAndHostileLinksAreRefusedWithAPageAndChangeNothing() {
        String id = trigger(PagingFixture.integrationKey(server, alice));
        for (String path : List.of("/l/garbage", "/l/" + "A".repeat(1500), "/l/%3Cscript%3Ealert(1)%3C",
                "/l/x.y.z")) {
            for (TestServer.Reply r : List.of(server.get(path), postLink(server.uri(path).toString()))) {
                assertThat(r.status()).as(path).isEqualTo(404);
                assertThat(r.header("Content-Type")).startsWith("text/html");
                assertThat(r.body()).contains("This link cannot be used").doesNotContain("<script>");
            }
        }
        // a token never holds a slash: such a path is no link route at all
        assertThat(server.get("/l/..%2F..%2Fetc%2Fpasswd").status()).isEqualTo(404);
        assertThat(status(id)).isEqualTo("triggered");
    }

    @Test
    void aPersonWithoutNotificationRulesIsCountedAndLoggedOnTheIncident() {
        String id = trigger(PagingFixture.integrationKey(server, alice));

        await().atMost(Duration.ofSeconds(20)).until(() -> server.adminGet("/metrics").body()
                .contains("tocsin_notifications_unreachable_total 1.0"));
        JsonNode log = rest("GET", "/incidents/" + id + "/log_entries?limit=100", null).json().path("log_entries");
        assertThat(log.findValuesAsText("summary")).anyMatch(s -> s.contains("no notification rule for "
                + "high-urgency incidents"));
        assertThat(SMTP.getReceivedMessages()).isEmpty();
    }
}
