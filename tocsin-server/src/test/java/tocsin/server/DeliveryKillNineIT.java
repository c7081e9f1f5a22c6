package tocsin.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.MessagingException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The delivery promise on the real jar and a real SMTP server (GreenMail): sixty incidents each page Alice, whose
 * notification rule e-mails her at once; the server is killed with {@code kill -9} when a random number of e-mails has
 * arrived (seed printed), its leases are moved into the past in the database file (the time a lease takes to expire),
 * and it is restarted, several times. In the end every delivery was made, each exactly once as the channel dedupes
 * it (one distinct {@code Message-ID} per delivery; a resend after a kill mid-send reuses the Message-ID, which is
 * what lets a mail system drop it), and each recorded once as delivered in its incident's timeline.
 *
 * <p>The same run holds a PagerDuty v3 webhook subscription for {@code incident.triggered} at a loopback receiver:
 * every incident's event arrives, each under one {@code X-Webhook-Id} however often a kill made it resend (the
 * receiver takes 150 ms to answer, so kills catch events in flight), and each is recorded delivered once.
 */
class DeliveryKillNineIT {
    private static final String KEY = "delivery-kill-key-0123456789abc";
    private static final int INCIDENTS = 60;
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final GreenMailExtension SMTP = new GreenMailExtension(
            new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP).dynamicPort());

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final tocsin.notify.http.HttpSink receiver = new tocsin.notify.http.HttpSink()
            .answer(tocsin.notify.http.HttpSink.Response.text(200, "ok").delayedBy(Duration.ofMillis(150)));

    @org.junit.jupiter.api.AfterEach
    void closeReceiver() {
        receiver.close();
    }

    @BeforeAll
    static void jar() {
        assumeTrue(Files.exists(Path.of("target", "tocsin.jar")), "the server jar is built in the package phase");
        LaunchIT.findJar();
    }

    /** Starts the jar on {@code data} and returns it with its port once it listens. */
    private static Map.Entry<Process, Integer> launch(Path dir, Path data, Path config) throws Exception {
        LaunchIT.Running r = LaunchIT.startServer(dir, data, KEY, "--config", config.toString());
        return Map.entry(r.process(), r.port());
    }

    private JsonNode send(int port, String method, String path, String auth, String json) throws Exception {
        HttpRequest r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(20)).header("Authorization", auth).header("From", "alice@example.com")
                .header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(json))
                .build();
        HttpResponse<String> response = http.send(r, HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isBetween(200, 299);
        return JSON.readTree(response.body());
    }

    private static long sql(Path data, String query) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + data.resolve("state/tocsin.db"));
             Statement st = c.createStatement()) {
            if (!query.startsWith("SELECT")) {
                return st.executeUpdate(query);
            }
            try (ResultSet rs = st.executeQuery(query)) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static void killMinus9(Process p) throws InterruptedException {
        p.destroyForcibly(); // SIGKILL: no shutdown hook, no flush
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
    }

    private static List<String> messageIds() {
        return java.util.Arrays.stream(SMTP.getReceivedMessages()).map(m -> {
            try {
                return m.getMessageID();
            } catch (MessagingException e) {
                throw new IllegalStateException(e);
            }
        }).toList();
    }

    @Test
    void everyDeliveryIsMadeOnceAsTheChannelDedupesAcrossKillMinus9(@TempDir Path dir) throws Exception {
        long seed = System.nanoTime();
        System.out.println("DeliveryKillNineIT seed " + seed);
        Random random = new Random(seed);
        Path data = dir.resolve("data");
        Path config = dir.resolve("tocsin.yaml");
        Files.writeString(config, """
                notify:
                  email: {smtp_host: 127.0.0.1, smtp_port: %d, starttls: false, from: "Tocsin <pager@example.com>"}
                  noise: {email: {enabled: false}}   # every page is counted as its own mail here
                """.formatted(SMTP.getSmtp().getPort()));

        Map.Entry<Process, Integer> first = launch(dir, data, config);
        int port = first.getValue();
        String pd = "Token token=" + KEY;
        String alice = send(port, "POST", "/api/tocsin/users", "Bearer " + KEY,
                "{\"email\":\"alice@example.com\",\"name\":\"Alice\"}").at("/user/id").asText();
        String cm = send(port, "POST", "/users/" + alice + "/contact_methods", pd, "{\"contact_method\":{\"type\":"
                + "\"email_contact_method\",\"label\":\"Work\",\"address\":\"alice@example.com\"}}")
                .at("/contact_method/id").asText();
        send(port, "POST", "/users/" + alice + "/notification_rules", pd, "{\"notification_rule\":{\"type\":"
                + "\"assignment_notification_rule\",\"start_delay_in_minutes\":0,\"urgency\":\"high\","
                + "\"contact_method\":{\"id\":\"" + cm + "\",\"type\":\"email_contact_method_reference\"}}}");
        String policy = send(port, "POST", "/escalation_policies", pd, "{\"escalation_policy\":{\"name\":\"p\","
                + "\"escalation_rules\":[{\"escalation_delay_in_minutes\":30,\"targets\":[{\"id\":\"" + alice
                + "\",\"type\":\"user_reference\"}]}]}}").at("/escalation_policy/id").asText();
        String service = send(port, "POST", "/services", pd, "{\"service\":{\"name\":\"s\",\"escalation_policy\":"
                + "{\"id\":\"" + policy + "\",\"type\":\"escalation_policy_reference\"}}}").at("/service/id").asText();
        String key = send(port, "POST", "/services/" + service + "/integrations", pd, "{\"integration\":"
                + "{\"type\":\"events_api_v2_inbound_integration\"}}").at("/integration/integration_key").asText();

        send(port, "POST", "/webhook_subscriptions", pd, """
                {"webhook_subscription": {"type": "webhook_subscription",
                 "delivery_method": {"type": "http_delivery_method", "url": "%s"},
                 "events": ["incident.triggered"], "filter": {"type": "account_reference"}}}"""
                .formatted(receiver.uri("/hook")));

        // Trigger everything, killing the server at a random number of e-mails received; then restart and kill
        // again at a random later count, with leases moved into the past each time, until all were delivered.
        Process server = first.getKey();
        int target = 1 + random.nextInt(INCIDENTS / 3);
        for (int i = 0; i < INCIDENTS; i++) {
            send(port, "POST", "/v2/enqueue", "", "{\"routing_key\":\"" + key + "\",\"event_action\":\"trigger\","
                    + "\"dedup_key\":\"k" + i + "\",\"payload\":{\"summary\":\"disk " + i
                    + "\",\"source\":\"h\",\"severity\":\"critical\"}}");
        }
        int kills = 0;
        int midFlight = 0;
        for (int round = 0; round < 6; round++) {
            if (round > 0) {
                server = launch(dir, data, config).getKey();
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (server.isAlive() && SMTP.getReceivedMessages().length < target && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            killMinus9(server);
            kills++;
            int received = SMTP.getReceivedMessages().length;
            long delivered = sql(data, "SELECT COUNT(*) FROM notification_delivery WHERE state = 'delivered'");
            if (received > 0 && delivered < INCIDENTS) {
                midFlight++;
            }
            System.out.println("round " + round + ": killed at " + received + " e-mails received (target " + target
                    + "), " + delivered + " recorded delivered");
            // A dead server's leases are moved into the past before anything else: when every e-mail is delivered
            // a webhook may still be in flight, and the last start below must not wait out its lease.
            sql(data, "UPDATE notification_delivery SET lease_expires_at = 0 WHERE state = 'sending'");
            sql(data, "UPDATE event_delivery SET lease_expires_at = 0 WHERE state = 'sending'");
            if (delivered == INCIDENTS) {
                break;
            }
            target = received + 1 + random.nextInt((int) (INCIDENTS - delivered));
        }
        // the last start runs to the end
        Process last = launch(dir, data, config).getKey();
        try {
            await().atMost(Duration.ofSeconds(60)).until(() -> sql(data, "SELECT COUNT(*) FROM notification_delivery "
                    + "WHERE state = 'delivered'") == INCIDENTS
                    && sql(data, "SELECT COUNT(*) FROM event_delivery WHERE state = 'delivered'") == INCIDENTS);
        } finally {
            killMinus9(last);
        }

        assertThat(midFlight).as("kills that interrupted delivery (seed " + seed + ")").isPositive();
        assertThat(sql(data, "SELECT COUNT(*) FROM notification_delivery")).isEqualTo(INCIDENTS);
        assertThat(sql(data, "SELECT COUNT(*) FROM log_entry WHERE type = 'notify_log_entry' AND summary LIKE "
                + "'Notified by email at alice@example.com, attempt %: delivered%'")).isEqualTo(INCIDENTS);
        List<String> ids = messageIds();
        Map<String, Long> perId = ids.stream().collect(Collectors.groupingBy(Function.identity(),
                HashMap::new, Collectors.counting()));
        assertThat(perId).as("one distinct Message-ID per delivery (seed " + seed + ")").hasSize(INCIDENTS);
        long resent = ids.size() - INCIDENTS;
        System.out.println("DeliveryKillNineIT: " + kills + " kills, " + ids.size() + " e-mails for " + INCIDENTS
                + " deliveries (" + resent + " resent after a kill mid-send, same Message-ID)");
        // a resend happens only for a send in flight at a kill: at most the per-channel concurrency per kill
        assertThat(resent).isBetween(0L, 4L * kills);

        assertThat(sql(data, "SELECT COUNT(*) FROM event_delivery")).isEqualTo(INCIDENTS);
        List<tocsin.notify.http.HttpSink.Request> events = receiver.requests();
        Map<String, Long> perWebhookId = events.stream().collect(Collectors.groupingBy(
                r -> r.header("X-Webhook-Id"), HashMap::new, Collectors.counting()));
        assertThat(perWebhookId).as("one X-Webhook-Id per incident's event (seed " + seed + ")").hasSize(INCIDENTS);
        assertThat(events).allSatisfy(r -> assertThat(r.body()).contains("\"event_type\":\"incident.triggered\""));
        System.out.println("DeliveryKillNineIT: " + events.size() + " webhook POSTs for " + INCIDENTS + " events");
    }
}
