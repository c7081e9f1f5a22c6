package tocsin.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Deque;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import tocsin.notify.subscription.EventQueue;
import tocsin.server.config.NotifyConfig;
import tocsin.server.config.TocsinConfig;
import tocsin.state.ManualClock;

/**
 * PagerDuty v3 webhook subscriptions and per-service chat extensions on the real server: a subscription created
 * through {@code /webhook_subscriptions} receives the trigger, acknowledgement and resolution of an incident opened
 * and closed through the Events API v2, one signed event per POST, in order, at a loopback receiver; failures are
 * retried or stop the subscription as PagerDuty does; a Slack extension posts the incident and updates the same
 * message when it is acknowledged; bad requests get PagerDuty's error naming the field.
 */
class WebhookSubscriptionIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(15);

    private final ManualClock clock = new ManualClock(Instant.now());
    private final Sink sink = new Sink();
    private TestServer server;
    private PagerDutyRest rest;
    private String serviceId;
    private String routingKey;

    @BeforeEach
    void start() {
        NotifyConfig notify = new NotifyConfig(Optional.empty(), Optional.empty(), Optional.of(new NotifyConfig.Slack(
                "xoxb-test-token", null, sink.url("/api"))), Optional.empty(), Optional.empty());
        server = TestServer.start(c -> new ServerConfig(c.dataDir(), c.httpAddr(), c.statsdAddr(), c.syslogAddr(),
                c.publicUrl(), c.databaseUrl(), c.bootstrapApiKey(), c.bootstrapAdminPassword(),
                new TocsinConfig(c.config().http(), c.config().metrics(), c.config().scrape(), notify), clock),
                r -> {
                });
        rest = new PagerDutyRest(server);
        TestServer.Reply u = server.adminPost("/api/tocsin/users", "{\"email\":\"alice@example.com\",\"name\":\"Alice\"}");
        String alice = u.json().at("/user/id").asText();
        String policy = created(rest.send("POST", "/escalation_policies", """
                {"escalation_policy": {"type": "escalation_policy", "name": "Ops", "num_loops": 0,
                 "escalation_rules": [
                   {"escalation_delay_in_minutes": 30, "targets": [{"id": "%s", "type": "user_reference"}]}]}}
                """.formatted(alice)), "/escalation_policy/id");
        serviceId = created(rest.send("POST", "/services", """
                {"service": {"type": "service", "name": "Checkout", "escalation_policy": {"id": "%s",
                 "type": "escalation_policy_reference"}}}""".formatted(policy)), "/service/id");
        routingKey = created(rest.send("POST", "/services/" + serviceId + "/integrations",
                "{\"integration\": {\"type\": \"events_api_v2_inbound_integration\", \"name\": \"events\"}}"),
                "/integration/integration_key");
    }

    @AfterEach
    void stop() {
        server.close();
        sink.close();
    }

    private static String created(TestServer.Reply r, String pointer) {
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r.json().at(pointer).asText();
    }

    private JsonNode subscribe(String path, String events) {
        TestServer.Reply r = rest.send("POST", "/webhook_subscriptions", """
                {"webhook_subscription": {"type": "webhook_subscription", "description": "ops hook",
                 "delivery_method": {"type": "http_delivery_method", "url": "%s",
                   "custom_headers": [{"name": "X-Env", "value": "prod"}]},
                 "events": [%s], "filter": {"type": "service_reference", "id": "%s"}}}"""
                .formatted(sink.url(path), events, serviceId));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r.json().path("webhook_subscription");
    }

    private void event(String action) {
        TestServer.Reply r = server.postJson("/v2/enqueue", """
                {"routing_key": "%s", "event_action": "%s", "dedup_key": "disk-db-1",
                 "payload": {"summary": "Disk full on db-1", "source": "db-1", "severity": "critical"}}"""
                .formatted(routingKey, action));
        assertThat(r.status()).as(r.body()).isEqualTo(202);
    }

    private void trigger(String dedup) {
        TestServer.Reply r = server.postJson("/v2/enqueue", """
                {"routing_key": "%s", "event_action": "trigger", "dedup_key": "%s",
                 "payload": {"summary": "Trouble %s", "source": "db-1", "severity": "critical"}}"""
                .formatted(routingKey, dedup, dedup));
        assertThat(r.status()).as(r.body()).isEqualTo(202);
    }

    private static String hmac(String secret, String body) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
    }

    private String metrics() {
        return server.adminGet("/metrics").body();
    }

    @Test
    void aSubscriptionReceivesEachIncidentChangeAsOneSignedEventPerPostInOrder() throws Exception {
        JsonNode sub = subscribe("/pd", "\"incident.triggered\", \"incident.acknowledged\", \"incident.resolved\"");
        String id = sub.path("id").asText();
        String secret = sub.at("/delivery_method/secret").asText();
        assertThat(secret).hasSizeGreaterThanOrEqualTo(32);
        assertThat(sub.path("active").asBoolean()).isTrue();
        assertThat(sub.at("/filter/type").asText()).isEqualTo("service_reference");
        JsonNode read = rest.send("GET", "/webhook_subscriptions/" + id, null).json().path("webhook_subscription");
        assertThat(read.at("/delivery_method/secret").isNull()).as("the secret is shown once").isTrue();
        assertThat(read.at("/delivery_method/custom_headers/0/value").asText()).isEqualTo("-- redacted --");
        assertThat(rest.send("GET", "/webhook_subscriptions?filter_type=service_reference&filter_id=" + serviceId,
                null).json().at("/webhook_subscriptions/0/id").asText()).isEqualTo(id);

        event("trigger");
        await().atMost(WAIT).until(() -> sink.requests.size() == 1);
        event("acknowledge");
        await().atMost(WAIT).until(() -> sink.requests.size() == 2);
        event("resolve");
        await().atMost(WAIT).until(() -> sink.requests.size() == 3);

        List<String> types = new java.util.ArrayList<>();
        java.util.Set<String> ids = new java.util.HashSet<>();
        for (Sink.Request r : sink.requests) {
            assertThat(r.path()).isEqualTo("/pd");
            assertThat(r.header("User-Agent")).isEqualTo("PagerDuty-Webhook/V3.0");
            assertThat(r.header("X-PagerDuty-Signature")).isEqualTo("v1=" + hmac(secret, r.body()));
            assertThat(r.header("X-Webhook-Subscription")).isEqualTo(id);
            assertThat(r.header("X-Env")).isEqualTo("prod");
            JsonNode body = JSON.readTree(r.body());
            assertThat(body.size()).as("one event per POST").isEqualTo(1);
            JsonNode event = body.path("event");
            assertThat(r.header("X-Webhook-Id")).isEqualTo(event.path("id").asText());
            assertThat(event.path("resource_type").asText()).isEqualTo("incident");
            assertThat(event.at("/data/service/id").asText()).isEqualTo(serviceId);
            types.add(event.path("event_type").asText());
            ids.add(event.path("id").asText());
        }
        assertThat(types).containsExactly("incident.triggered", "incident.acknowledged", "incident.resolved");
        assertThat(ids).hasSize(3);
        assertThat(JSON.readTree(sink.requests.get(1).body()).at("/event/data/status").asText())
                .isEqualTo("acknowledged");
        assertThat(metrics()).contains(
                "tocsin_webhook_deliveries_total{channel=\"pagerduty_webhook\",outcome=\"delivered\"} 3.0");
    }

    @Test
    void aServerErrorIsRetriedWithTheSameEventAndRecordedOnce() throws Exception {
        String id = subscribe("/pd", "\"incident.triggered\"").path("id").asText();
        sink.script.add(500);
        event("trigger");
        await().atMost(WAIT).until(() -> server.server().state().eventQueue().deliveries(id).stream()
                .anyMatch(d -> d.state() == EventQueue.State.PENDING && d.attempts() == 1));
        assertThat(sink.requests).hasSize(1);
        clock.advance(Duration.ofMinutes(3));
        await().atMost(WAIT).until(() -> sink.requests.size() == 2);

        assertThat(sink.requests.get(1).body()).isEqualTo(sink.requests.get(0).body());
        assertThat(sink.requests.get(1).header("X-Webhook-Id")).isEqualTo(sink.requests.get(0).header("X-Webhook-Id"));
        await().atMost(WAIT).untilAsserted(() -> assertThat(server.server().state().eventQueue().deliveries(id))
                .singleElement().satisfies(d -> {
                    assertThat(d.state()).isEqualTo(EventQueue.State.DELIVERED);
                    assertThat(d.attempts()).isEqualTo(2);
                }));
        assertThat(metrics()).contains("outcome=\"retry\"} 1.0").contains("outcome=\"delivered\"} 1.0");
        clock.advance(Duration.ofMinutes(30));
        Thread.sleep(1500);
        assertThat(sink.requests).as("never twice").hasSize(2);
    }

    @Test
    void goneDisablesAtOnceAndRepeatedClientErrorsDisableUntilEnabled() {
        String id = subscribe("/pd", "\"incident.triggered\"").path("id").asText();
        sink.script.add(410);
        trigger("a");
        await().atMost(WAIT).until(() -> rest.send("GET", "/webhook_subscriptions/" + id, null).json()
                .at("/webhook_subscription/delivery_method/temporarily_disabled").asBoolean());
        assertThat(rest.send("POST", "/webhook_subscriptions/" + id + "/enable", null).json()
                .at("/webhook_subscription/delivery_method/temporarily_disabled").asBoolean()).isFalse();

        for (int i = 0; i < 5; i++) {
            sink.script.add(400);
        }
        for (int i = 0; i < 5; i++) {
            trigger("c" + i);
        }
        await().atMost(WAIT).until(() -> rest.send("GET", "/webhook_subscriptions/" + id, null).json()
                .at("/webhook_subscription/delivery_method/temporarily_disabled").asBoolean());
        assertThat(sink.requests).as("one 410, five 400s; nothing while disabled").hasSize(6);
        assertThat(metrics()).contains("tocsin_webhook_endpoints_disabled_total 2.0")
                .contains("tocsin_webhook_deliveries_total{channel=\"pagerduty_webhook\",outcome=\"failed\"} 6.0");
    }

    @Test
    void pingSendsPageysTestEvent() throws Exception {
        JsonNode sub = subscribe("/pd", "\"incident.triggered\"");
        TestServer.Reply r = rest.send("POST", "/webhook_subscriptions/" + sub.path("id").asText() + "/ping", null);
        assertThat(r.status()).isEqualTo(202);
        await().atMost(WAIT).until(() -> sink.requests.size() == 1);
        Sink.Request ping = sink.requests.getFirst();
        assertThat(JSON.readTree(ping.body()).at("/event/event_type").asText()).isEqualTo("pagey.ping");
        assertThat(ping.header("X-PagerDuty-Signature")).isEqualTo("v1=" + hmac(sub.at("/delivery_method/secret")
                .asText(), ping.body()));
        assertThat(rest.send("POST", "/webhook_subscriptions/PNOPE00/ping", null).status()).isEqualTo(404);
    }

    @Test
    void aSlackExtensionPostsTheIncidentAndUpdatesTheSameMessage() throws Exception {
        TestServer.Reply r = rest.send("POST", "/extensions", """
                {"extension": {"name": "Checkout in #ops", "extension_schema": {"id": "PTSLACK",
                  "type": "extension_schema_reference"},
                 "extension_objects": [{"id": "%s", "type": "service_reference"}],
                 "config": {"channel": "C0123ABC"}}}""".formatted(serviceId));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        assertThat(r.json().at("/extension/extension_objects/0/id").asText()).isEqualTo(serviceId);
        sink.answer = "{\"ok\": true, \"channel\": \"C0123ABC\", \"ts\": \"1700000000.000100\"}";

        event("trigger");
        await().atMost(WAIT).until(() -> sink.requests.size() == 1);
        event("acknowledge");
        await().atMost(WAIT).until(() -> sink.requests.size() == 2);

        Sink.Request post = sink.requests.get(0);
        assertThat(post.path()).isEqualTo("/api/chat.postMessage");
        assertThat(post.header("Authorization")).isEqualTo("Bearer xoxb-test-token");
        assertThat(JSON.readTree(post.body()).path("channel").asText()).isEqualTo("C0123ABC");
        Sink.Request update = sink.requests.get(1);
        assertThat(update.path()).isEqualTo("/api/chat.update");
        JsonNode updated = JSON.readTree(update.body());
        assertThat(updated.path("ts").asText()).isEqualTo("1700000000.000100");
        assertThat(updated.path("channel").asText()).isEqualTo("C0123ABC");
        assertThat(updated.path("text").asText()).startsWith("Acknowledged");
        assertThat(metrics()).contains("tocsin_webhook_deliveries_total{channel=\"slack\",outcome=\"delivered\"} 2.0");
    }

    @Test
    void badRequestsAreRefusedNamingTheField() {
        assertThat(rest.send("POST", "/webhook_subscriptions", "{\"webhook_subscription\": {").status())
                .isEqualTo(400);
        TestServer.Reply r = rest.send("POST", "/webhook_subscriptions", """
                {"webhook_subscription": {"delivery_method": {"type": "http_delivery_method",
                  "url": "http://receiver.example.com/hook", "custom_headers": [{"name": "X-PagerDuty-Signature",
                  "value": "forged"}]},
                 "events": ["incident.triggered", "incident.exploded"],
                 "filter": {"type": "service_reference", "id": "PNOPE00"}}}""");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().at("/error/errors").toString())
                .contains("webhook_subscription.delivery_method.url: must use https")
                .contains("webhook_subscription.delivery_method.custom_headers[0].name")
                .contains("webhook_subscription.events[1]: unknown event type 'incident.exploded'")
                .contains("webhook_subscription.filter.id: no service 'PNOPE00'");
        TestServer.Reply missing = rest.send("POST", "/webhook_subscriptions", "{\"webhook_subscription\": {}}");
        assertThat(missing.json().at("/error/errors").toString()).contains("webhook_subscription.delivery_method: "
                + "is required").contains("webhook_subscription.events: is required")
                .contains("webhook_subscription.filter: is required");
        TestServer.Reply ext = rest.send("POST", "/extensions", """
                {"extension": {"name": "x", "extension_schema": {"id": "PTTEAMS"},
                 "extension_objects": [{"id": "PNOPE00", "type": "service_reference"}],
                 "endpoint_url": "ftp://teams.example/x"}}""");
        assertThat(ext.status()).isEqualTo(400);
        assertThat(ext.json().at("/error/errors").toString()).contains("extension.extension_objects[0].id: no "
                + "service 'PNOPE00'").contains("extension.endpoint_url");
        assertThat(rest.send("GET", "/webhook_subscriptions", null).json().path("webhook_subscriptions").size())
                .as("nothing was created").isZero();
    }

    /** A loopback receiver that records every request and answers scripted statuses (200 when the script is empty). */
    static final class Sink implements AutoCloseable {
        record Request(String method, String path, Map<String, List<String>> headers, String body) {
            String header(String name) {
                return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                        .map(e -> e.getValue().getFirst()).findFirst().orElse(null);
            }
        }

        final List<Request> requests = new CopyOnWriteArrayList<>();
        final Deque<Integer> script = new java.util.concurrent.ConcurrentLinkedDeque<>();
        volatile String answer = "";
        private final HttpServer http;

        Sink() {
            try {
                http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            http.createContext("/", exchange -> {
                try (InputStream in = exchange.getRequestBody(); OutputStream out = exchange.getResponseBody()) {
                    String body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                    requests.add(new Request(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                            Map.copyOf(exchange.getRequestHeaders()), body));
                    Integer status = script.poll();
                    byte[] reply = answer.getBytes(StandardCharsets.UTF_8);
                    exchange.getResponseHeaders().add("Content-Type", "application/json");
                    exchange.sendResponseHeaders(status == null ? 200 : status, reply.length == 0 ? -1 : reply.length);
                    out.write(reply);
                }
            });
            http.start();
        }

        String url(String path) {
            return "http://127.0.0.1:" + http.getAddress().getPort() + path;
        }

        @Override
        public void close() {
            http.stop(0);
        }
    }
}
