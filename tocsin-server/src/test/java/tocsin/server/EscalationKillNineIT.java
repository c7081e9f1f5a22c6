package tocsin.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The escalation promise on the real jar: a due timer fires exactly once even when the server is killed with
 * {@code kill -9} while it is firing timers, and restarted. Sixty incidents page level 1; the server is killed, their
 * timers are moved into the past in the database file, and the server is restarted and killed again when a random number of
 * notifications has been written (seed printed), several times while it escalates them. In the end every incident paged level 1 once and level
 * 2 once, with one escalation and one exhaustion in its timeline: nothing lost, nothing doubled.
 */
class EscalationKillNineIT {
    private static final String KEY = "escalation-kill-key-0123456789";
    private static final int INCIDENTS = 60;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Timer effects committed so far: notification rows (level 1 and 2) plus exhausted escalation paths. */
    private static final String PROGRESS = "SELECT (SELECT COUNT(*) FROM notification_outbox) + (SELECT COUNT(*) FROM "
            + "log_entry WHERE type = 'exhaust_escalation_path_log_entry')";

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void jar() {
        assumeTrue(Files.exists(Path.of("target", "tocsin.jar")), "the server jar is built in the package phase");
        LaunchIT.findJar();
    }

    private static Process start(Path dir, Path data, int[] port) throws Exception {
        LaunchIT.Running r = LaunchIT.startServer(dir, data, KEY);
        port[0] = r.port();
        return r.process();
    }

    private JsonNode call(int port, String method, String path, String json) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(20)).header("Authorization", "Token token=" + KEY)
                .header("Content-Type", "application/json");
        b.method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isBetween(200, 299);
        return JSON.readTree(r.body());
    }

    private static void kill(Process p) throws InterruptedException {
        p.destroyForcibly(); // SIGKILL: no shutdown hook, no flush
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
    }

    /** Moves every timer two minutes into the past, so they are due at once when the server starts. */
    private static int backdateTimers(Path data) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + data.resolve("state/tocsin.db"));
             Statement st = c.createStatement()) {
            return st.executeUpdate("UPDATE escalation_timer SET due_at = due_at - 120000");
        }
    }

    private static long count(Path data, String sql) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + data.resolve("state/tocsin.db"));
             Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void dueTimersFireExactlyOnceAcrossKillMinus9(@TempDir Path dir) throws Exception {
        long seed = System.nanoTime();
        System.out.println("EscalationKillNineIT seed " + seed);
        Random random = new Random(seed);
        Path data = dir.resolve("data");
        int[] port = new int[1];
        Process server = start(dir, data, port);
        Map<String, String> users = new HashMap<>();
        try {
            for (String name : new String[]{"alice", "bob"}) {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port[0]
                        + "/api/tocsin/users")).header("Authorization", "Bearer " + KEY)
                        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
                                "{\"email\":\"" + name + "@example.com\",\"name\":\"" + name + "\"}")).build(),
                        HttpResponse.BodyHandlers.ofString());
                users.put(name, JSON.readTree(r.body()).at("/user/id").asText());
            }
            String policy = call(port[0], "POST", "/escalation_policies", "{\"escalation_policy\":{\"name\":\"p\","
                    + "\"escalation_rules\":[{\"escalation_delay_in_minutes\":1,\"targets\":[{\"id\":\""
                    + users.get("alice") + "\",\"type\":\"user_reference\"}]},{\"escalation_delay_in_minutes\":1,"
                    + "\"targets\":[{\"id\":\"" + users.get("bob") + "\",\"type\":\"user_reference\"}]}]}}")
                    .at("/escalation_policy/id").asText();
            String service = call(port[0], "POST", "/services", "{\"service\":{\"name\":\"s\",\"escalation_policy\":"
                    + "{\"id\":\"" + policy + "\",\"type\":\"escalation_policy_reference\"}}}").at("/service/id")
                    .asText();
            String key = call(port[0], "POST", "/services/" + service + "/integrations", "{\"integration\":"
                    + "{\"type\":\"events_api_v2_inbound_integration\"}}").at("/integration/integration_key").asText();
            for (int i = 0; i < INCIDENTS; i++) {
                call(port[0], "POST", "/v2/enqueue", "{\"routing_key\":\"" + key + "\",\"event_action\":\"trigger\","
                        + "\"dedup_key\":\"k" + i + "\",\"payload\":{\"summary\":\"s" + i
                        + "\",\"source\":\"h\",\"severity\":\"critical\"}}");
            }
        } finally {
            kill(server);
        }
        assertThat(count(data, "SELECT COUNT(*) FROM notification_outbox")).isEqualTo(INCIDENTS);

        // Restart and kill -9 while the ticker escalates: at a random number of timer effects committed, read from
        // the database file as the server writes it, until no timer is left.
        int midFlight = 0;
        for (int round = 0; round < 12 && count(data, "SELECT COUNT(*) FROM escalation_timer") > 0; round++) {
            backdateTimers(data);
            long before = count(data, PROGRESS);
            long target = before + 1 + random.nextInt((int) (3L * INCIDENTS - before));
            Process p = LaunchIT.launch(dir, Map.of(), "server", "--data-dir", data.toString(), "--http-addr",
                    "127.0.0.1:0", "--statsd-addr", "off");
            Thread.ofVirtual().start(() -> new BufferedReader(new InputStreamReader(p.getInputStream(),
                    StandardCharsets.UTF_8)).lines().forEach(l -> { }));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            long now = before;
            long lastChange = System.nanoTime();
            while (p.isAlive() && System.nanoTime() < deadline) {
                long seen = count(data, PROGRESS);
                if (seen != now) {
                    now = seen;
                    lastChange = System.nanoTime();
                }
                // Timers set in this round are due in a minute: once nothing moves for 3 s, the round is done.
                if (now >= target || now > before && System.nanoTime() - lastChange > 3_000_000_000L) {
                    break;
                }
                Thread.sleep(1);
            }
            kill(p);
            long after = count(data, PROGRESS);
            if (after > before && after < 3L * INCIDENTS) {
                midFlight++;
            }
            System.out.println("round " + round + ": killed at " + now + " of " + 3 * INCIDENTS + " timer effects (target "
                    + target + "), " + after + " committed, " + count(data, "SELECT COUNT(*) FROM escalation_timer")
                    + " timers left");
        }
        System.out.println(midFlight + " kills landed while escalations were in flight");
        assertThat(midFlight).as("kills that interrupted escalation (seed " + seed + ")").isPositive();
        backdateTimers(data);
        server = start(dir, data, port);
        try {
            await().atMost(Duration.ofSeconds(60)).until(() -> count(data,
                    "SELECT COUNT(*) FROM escalation_timer") == 0);
            assertThat(count(data, "SELECT COUNT(*) FROM notification_outbox")).isEqualTo(2L * INCIDENTS);
            assertThat(count(data, "SELECT COUNT(DISTINCT idempotency_key) FROM notification_outbox"))
                    .isEqualTo(2L * INCIDENTS);
            assertThat(count(data, "SELECT COUNT(*) FROM notification_outbox WHERE level = 2 AND user_id = '"
                    + users.get("bob") + "'")).isEqualTo(INCIDENTS);
            assertThat(count(data, "SELECT COUNT(*) FROM log_entry WHERE type = 'notify_log_entry'"))
                    .isEqualTo(2L * INCIDENTS);
            assertThat(count(data, "SELECT COUNT(*) FROM (SELECT incident_id FROM log_entry WHERE type = "
                    + "'escalate_log_entry' GROUP BY incident_id HAVING COUNT(*) = 1) x")).isEqualTo(INCIDENTS);
            assertThat(count(data, "SELECT COUNT(*) FROM log_entry WHERE type = 'exhaust_escalation_path_log_entry'"))
                    .isEqualTo(INCIDENTS);
            JsonNode incidents = call(port[0], "GET", "/incidents?limit=100", null).path("incidents");
            assertThat(incidents).hasSize(INCIDENTS);
            incidents.forEach(i -> assertThat(i.path("escalation_level").asInt()).isEqualTo(2));
        } finally {
            server.destroy();
            server.waitFor(20, TimeUnit.SECONDS);
            server.destroyForcibly();
        }
    }
}
