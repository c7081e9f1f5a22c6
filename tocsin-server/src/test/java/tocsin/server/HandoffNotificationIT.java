package tocsin.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import tocsin.server.config.NotifyConfig;
import tocsin.state.ManualClock;

/**
 * On-call handoff notifications end to end on the real server and a real SMTP server (GreenMail): a daily rotation
 * hands over from Alice to Bob within the test clock's window; the schedule is paged by a policy a service uses
 * ({@code on_call_handoff_notifications: if_has_services}, PagerDuty's default); Alice is told by e-mail that her
 * shift ended and Bob that his began, each once.
 */
class HandoffNotificationIT {

    @RegisterExtension
    static final GreenMailExtension SMTP = new GreenMailExtension(
            new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP).dynamicPort()).withPerMethodLifecycle(true);

    private final Instant start = Instant.now().truncatedTo(ChronoUnit.HOURS);
    private final ManualClock clock = new ManualClock(start);
    private TestServer server;

    @BeforeEach
    void start() {
        server = PagingFixture.start(new NotifyConfig(Optional.of(new NotifyConfig.Email("127.0.0.1",
                SMTP.getSmtp().getPort(), false, false, null, null, "Tocsin <pager@example.com>", 5)),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty()), clock);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private TestServer.Reply rest(String method, String path, String json) {
        return new PagerDutyRest(server).send(method, path, json);
    }

    private String person(String email, String name) {
        String id = PagingFixture.user(server, email, name);
        PagingFixture.created(rest("POST", "/users/" + id + "/contact_methods", """
                {"contact_method": {"type": "email_contact_method", "label": "Work", "address": "%s"}}"""
                .formatted(email)), "/contact_method/id");
        return id;
    }

    @Test
    void theOutgoingAndTheIncomingPersonAreEachMailedOnceWhenTheShiftChanges() throws Exception {
        PagingFixture.user(server, "admin@example.com", "Admin"); // the REST client's From:
        String alice = person("alice@example.com", "Alice");
        String bob = person("bob@example.com", "Bob");
        Instant handoff = start.plus(Duration.ofHours(1));
        String schedule = PagingFixture.created(rest("POST", "/schedules", """
                {"schedule": {"type": "schedule", "name": "Checkout primary", "time_zone": "UTC",
                 "schedule_layers": [{"name": "Daily", "start": "%s", "rotation_virtual_start": "%s",
                   "rotation_turn_length_seconds": 86400, "users": [{"user": {"id": "%s", "type": "user_reference"}},
                             {"user": {"id": "%s", "type": "user_reference"}}]}]}}"""
                .formatted(start.minus(Duration.ofDays(2)), handoff.minus(Duration.ofDays(1)), alice, bob)),
                "/schedule/id");
        String policy = PagingFixture.created(rest("POST", "/escalation_policies", """
                {"escalation_policy": {"type": "escalation_policy", "name": "Checkout", "num_loops": 0,
                 "escalation_rules": [{"escalation_delay_in_minutes": 30,
                   "targets": [{"id": "%s", "type": "schedule_reference"}]}]}}""".formatted(schedule)),
                "/escalation_policy/id");
        PagingFixture.created(rest("POST", "/services", """
                {"service": {"type": "service", "name": "Checkout", "escalation_policy": {"id": "%s",
                 "type": "escalation_policy_reference"}}}""".formatted(policy)), "/service/id");
        assertThat(rest("GET", "/oncalls?schedule_ids%5B%5D=" + schedule, null).json().at("/oncalls/0/user/id")
                .asText()).isEqualTo(alice);
        // the first scan only sets the cursor, at the standing clock's time: past handoffs are never announced
        await().atMost(Duration.ofSeconds(20)).until(() -> server.server().state().incidentStore().handoffCursor()
                .isPresent());
        Thread.sleep(1500); // a tick with nothing to announce
        assertThat(SMTP.getReceivedMessages()).isEmpty();

        clock.advance(Duration.ofHours(2));
        await().atMost(Duration.ofSeconds(20)).until(() -> SMTP.getReceivedMessages().length == 2);
        Map<String, MimeMessage> byRecipient = Arrays.stream(SMTP.getReceivedMessages()).collect(Collectors.toMap(
                HandoffNotificationIT::recipient, Function.identity()));
        assertThat(byRecipient.get("alice@example.com").getSubject())
                .startsWith("[Tocsin] Your on-call shift for Checkout primary ended at ");
        assertThat(byRecipient.get("bob@example.com").getSubject())
                .startsWith("[Tocsin] You are on call for Checkout primary from ");
        assertThat((String) ((jakarta.mail.Multipart) byRecipient.get("bob@example.com").getContent()).getBodyPart(0)
                .getContent()).contains(server.server().publicUrl() + "/schedules/" + schedule);

        Thread.sleep(2000); // several rounds: nothing is sent twice
        clock.advance(Duration.ofMinutes(10));
        Thread.sleep(1500);
        assertThat(SMTP.getReceivedMessages()).hasSize(2);
        assertThat(server.adminGet("/metrics").body())
                .contains("tocsin_handoff_notifications_total{channel=\"email\",outcome=\"delivered\"} 2.0");
    }

    private static String recipient(MimeMessage m) {
        try {
            return m.getAllRecipients()[0].toString();
        } catch (MessagingException e) {
            throw new IllegalStateException(e);
        }
    }
}
