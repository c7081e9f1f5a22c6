package tocsin.server;

import com.datadog.api.client.ApiClient;
import com.datadog.api.client.ApiException;
import com.datadog.api.client.v1.api.MonitorsApi;
import com.datadog.api.client.v1.model.Monitor;
import com.datadog.api.client.v1.model.MonitorType;
import com.datadog.api.client.v2.api.DowntimesApi;
import com.datadog.api.client.v2.api.MetricsApi;
import com.datadog.api.client.v2.model.DowntimeCreateRequest;
import com.datadog.api.client.v2.model.DowntimeCreateRequestAttributes;
import com.datadog.api.client.v2.model.DowntimeCreateRequestData;
import com.datadog.api.client.v2.model.DowntimeMonitorIdentifier;
import com.datadog.api.client.v2.model.DowntimeMonitorIdentifierId;
import com.datadog.api.client.v2.model.DowntimeResourceType;
import com.datadog.api.client.v2.model.MetricIntakeType;
import com.datadog.api.client.v2.model.MetricPayload;
import com.datadog.api.client.v2.model.MetricPoint;
import com.datadog.api.client.v2.model.MetricSeries;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tocsin.notify.http.HttpSink;
import tocsin.notify.http.HttpSink.Response;
import tocsin.notify.webhook.WebhookSignature;
import tocsin.server.config.NotifyConfig;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Monitors notify @-handles directly, end to end on the real server: a Datadog-client series crosses a threshold and
 * the named webhook (a loopback receiver) gets the rendered payload exactly once, Slack's {@code chat.postMessage}
 * and a Teams Workflows webhook (loopback stand-ins) get their exact requests, the e-mail reaches a real SMTP server
 * (GreenMail); the recovery sends the recovery text; a group muted by a downtime sends nothing; a receiver that
 * answers 500 gets the same event again; handles that name nothing are refused when the monitor is saved.
 */
class MonitorNotifiesDirectlyIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PAYLOAD = """
            {"title": "$ALERT_TITLE", "text": "$EVENT_MSG", "transition": "$ALERT_TRANSITION", "host": "$HOSTNAME",
             "monitor": "$ALERT_ID", "scope": "$ALERT_SCOPE", "date": $DATE, "link": "$LINK"}""";

    @RegisterExtension
    static final GreenMailExtension SMTP = new GreenMailExtension(
            new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP).dynamicPort()).withPerMethodLifecycle(true);

    private final HttpSink hook = new HttpSink().answer(Response.text(200, "ok"));
    private final HttpSink flaky = new HttpSink().answer(Response.text(500, "busy"), Response.text(200, "ok"));
    private final HttpSink slack = new HttpSink().answer(Response.json(200,
            "{\"ok\":true,\"channel\":\"C0OPS\",\"ts\":\"1700000000.000100\"}"));
    private final HttpSink teams = new HttpSink().answer(Response.text(202, ""));

    @AfterEach
    void close() {
        List.of(hook, flaky, slack, teams).forEach(HttpSink::close);
    }

    private TestServer start() {
        NotifyConfig notify = new NotifyConfig(Optional.of(new NotifyConfig.Email("127.0.0.1",
                SMTP.getSmtp().getPort(), false, false, null, null, "Tocsin <pager@example.com>", 5)),
                Optional.empty(), Optional.of(new NotifyConfig.Slack("xoxb-1-2-abc", null, slack.uri("/api")
                .toString(), "acme")), Optional.of(new NotifyConfig.Teams(Map.of("sre",
                teams.uri("/workflows/sre").toString()))), Optional.empty(), List.of(
                new NotifyConfig.Webhook("ops", hook.uri("/hook").toString(), PAYLOAD, Map.of("X-Host", "$HOSTNAME"),
                        "s3cret", false),
                new NotifyConfig.Webhook("flaky", flaky.uri("/flaky").toString(), null, Map.of(), null, false)));
        return TestServer.start(TestServer.notify(notify), r -> {
        });
    }

    private static void submit(MetricsApi metrics, String host, double value) throws Exception {
        submit(metrics, host, System.currentTimeMillis() / 1000, value);
    }

    private static void submit(MetricsApi metrics, String host, long epochSecond, double value) throws Exception {
        metrics.submitMetrics(new MetricPayload().series(List.of(new MetricSeries().metric("it.queue.depth")
                .type(MetricIntakeType.GAUGE).tags(List.of("env:it", "host:" + host))
                .points(List.of(new MetricPoint().timestamp(epochSecond).value(value))))));
    }

    private static Monitor monitor(String message) {
        return new Monitor().name("Queue depth").type(MonitorType.METRIC_ALERT)
                .query("max(last_1m):avg:it.queue.depth{env:it} by {host} > 90").message(message);
    }

    @Test
    void anAlertReachesEachHandleOnceAndTheRecoverySendsTheRecoveryText() throws Exception {
        try (TestServer tocsin = start()) {
            ApiClient client = DatadogClients.forServer(tocsin);
            MetricsApi metrics = new MetricsApi(client);
            Monitor m = new MonitorsApi(client).createMonitor(monitor("{{#is_alert}}Queue {{value}} on "
                    + "{{host.name}} @webhook-ops @slack-acme-ops @teams-sre @oncall@example.com{{/is_alert}}"
                    + "{{#is_recovery}}Queue back to {{value}} @webhook-ops{{/is_recovery}}"));

            // Both points carry one timestamp, so the second replaces the first (last write wins) and max(last_1m)
            // drops below the threshold at once; a later timestamp would keep 97 in the window for a minute.
            long at = System.currentTimeMillis() / 1000;
            submit(metrics, "web-1", at, 97);
            await().atMost(Duration.ofSeconds(15)).until(() -> hook.requests().size() == 1
                    && slack.requests().size() == 1 && teams.requests().size() == 1
                    && SMTP.getReceivedMessages().length == 1);

            String alertText = "Queue 97 on web-1 @webhook-ops @slack-acme-ops @teams-sre @oncall@example.com";
            HttpSink.Request r = hook.only();
            JsonNode body = JSON.readTree(r.body());
            assertThat(body.path("title").asText()).isEqualTo("[Triggered on {host:web-1}] Queue depth");
            assertThat(body.path("text").asText()).isEqualTo(alertText);
            assertThat(body.path("transition").asText()).isEqualTo("Triggered");
            assertThat(body.path("host").asText()).isEqualTo("web-1");
            assertThat(body.path("monitor").asText()).isEqualTo(Long.toString(m.getId()));
            assertThat(body.path("scope").asText()).isEqualTo("host:web-1");
            assertThat(Instant.ofEpochMilli(body.path("date").asLong())).isBetween(Instant.now().minusSeconds(60),
                    Instant.now());
            assertThat(body.path("link").asText()).isEqualTo(tocsin.server().publicUrl() + "/ui/monitors/" + m.getId());
            assertThat(r.header("X-Host")).isEqualTo("web-1");
            assertThat(WebhookSignature.verify("s3cret", r.header(WebhookSignature.HEADER),
                    r.body().getBytes(StandardCharsets.UTF_8), Instant.now(), Duration.ofMinutes(5)))
                    .isEqualTo(WebhookSignature.Result.VALID);

            HttpSink.Request post = slack.only();
            assertThat(post.path()).isEqualTo("/api/chat.postMessage");
            assertThat(post.header("Authorization")).isEqualTo("Bearer xoxb-1-2-abc");
            JsonNode slackBody = JSON.readTree(post.body());
            assertThat(slackBody.path("channel").asText()).isEqualTo("#ops");
            assertThat(slackBody.path("text").asText()).isEqualTo("[Triggered on {host:web-1}] Queue depth");
            assertThat(slackBody.at("/blocks/1/text/text").asText()).isEqualTo(alertText);

            HttpSink.Request card = teams.only();
            assertThat(card.path()).isEqualTo("/workflows/sre");
            assertThat(JSON.readTree(card.body()).at("/attachments/0/content/body/2/text").asText())
                    .isEqualTo(alertText);

            MimeMessage mail = SMTP.getReceivedMessages()[0];
            assertThat(mail.getAllRecipients()[0].toString()).isEqualTo("oncall@example.com");
            assertThat(mail.getSubject()).isEqualTo("[Triggered on {host:web-1}] Queue depth");
            assertThat((String) mail.getContent()).startsWith(alertText);

            submit(metrics, "web-1", at, 40);
            await().atMost(Duration.ofSeconds(15)).until(() -> hook.requests().size() == 2);
            JsonNode recovery = JSON.readTree(hook.requests().get(1).body());
            assertThat(recovery.path("text").asText()).isEqualTo("Queue back to 40 @webhook-ops");
            assertThat(recovery.path("transition").asText()).isEqualTo("Recovered");
            Thread.sleep(1500); // long enough for a duplicate to show up, if there were one
            assertThat(hook.requests()).hasSize(2);
            assertThat(slack.requests()).hasSize(1);
            assertThat(teams.requests()).hasSize(1);
            assertThat(SMTP.getReceivedMessages()).hasSize(1);
            assertThat(tocsin.server().state().directQueue().recent(10)).hasSize(5)
                    .allSatisfy(d -> assertThat(d.state().name()).isEqualTo("DELIVERED"));
        }
    }

    @Test
    void aMutedGroupSendsNothingAndAFailingReceiverGetsTheSameEventAgain() throws Exception {
        try (TestServer tocsin = start()) {
            ApiClient client = DatadogClients.forServer(tocsin);
            MetricsApi metrics = new MetricsApi(client);
            Monitor m = new MonitorsApi(client).createMonitor(monitor("{{#is_alert}}Queue on {{host.name}} "
                    + "@webhook-flaky{{/is_alert}}"));
            new DowntimesApi(client).createDowntime(new DowntimeCreateRequest().data(new DowntimeCreateRequestData()
                    .type(DowntimeResourceType.DOWNTIME).attributes(new DowntimeCreateRequestAttributes()
                            .scope("host:web-1").monitorIdentifier(new DowntimeMonitorIdentifier(
                                    new DowntimeMonitorIdentifierId().monitorId(m.getId()))))));

            submit(metrics, "web-1", 97);
            submit(metrics, "web-2", 97);
            await().atMost(Duration.ofSeconds(20)).until(() -> flaky.requests().size() == 2);
            Thread.sleep(1500);

            List<HttpSink.Request> got = flaky.requests();
            assertThat(got).hasSize(2);
            assertThat(got).extracting(q -> JSON.readTree(q.body()).path("body").asText())
                    .containsOnly("Queue on web-2 @webhook-flaky");
            assertThat(got.get(1).header("X-Tocsin-Delivery")).isEqualTo(got.get(0).header("X-Tocsin-Delivery"));
            assertThat(tocsin.server().state().directQueue().recent(10)).singleElement().satisfies(d -> {
                assertThat(d.state().name()).isEqualTo("DELIVERED");
                assertThat(d.attempts()).isEqualTo(2);
            });
        }
    }

    @Test
    void handlesThatNameNothingAreRefusedWithDatadogsErrorShape() {
        try (TestServer tocsin = TestServer.start()) {
            MonitorsApi monitors = new MonitorsApi(DatadogClients.forServer(tocsin));
            assertThatThrownBy(() -> monitors.createMonitor(monitor("@webhook-nope @teams-nope @slack-ops "
                    + "@ops@example.com @nobody")))
                    .isInstanceOfSatisfying(ApiException.class, e -> {
                        assertThat(e.getCode()).isEqualTo(400);
                        JsonNode errors = json(e.getResponseBody()).path("errors");
                        assertThat(errors).extracting(JsonNode::asText).containsExactly(
                                "message: @webhook-nope: no webhook named 'nope' under notify.webhooks (none are "
                                        + "configured)",
                                "message: @teams-nope: no Teams channel named 'nope' under notify.teams.channels "
                                        + "(none are configured)",
                                "message: @slack-ops: Slack is not configured: set notify.slack.bot_token (a bot "
                                        + "with the chat:write scope) to post to channels",
                                "message: @ops@example.com: e-mail is not configured: set notify.email (an SMTP "
                                        + "server) to mail addresses named in monitors",
                                "message: @nobody: unknown handle: expected @pagerduty-<service>, @oncall-<team>, "
                                        + "@slack-<channel>, @teams-<channel>, @webhook-<name> or an e-mail address "
                                        + "such as @ops@example.com");
                    });
            TestServer.Reply validate = tocsin.postJson("/api/v1/monitor/validate", """
                    {"name": "x", "type": "metric alert", "query": "avg(last_1m):avg:x{*} > 1", "message": "@webhook-nope"}""",
                    "DD-API-KEY", TestServer.ADMIN_KEY);
            assertThat(validate.status()).isEqualTo(400);
            assertThat(validate.json().path("errors")).extracting(JsonNode::asText)
                    .containsExactly("message: @webhook-nope: no webhook named 'nope' under notify.webhooks (none are "
                            + "configured)");
        }
    }

    private static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (Exception e) {
            throw new IllegalStateException(text, e);
        }
    }
}
