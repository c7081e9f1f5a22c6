package tocsin.notify.slack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tocsin.notify.Delivery;
import tocsin.notify.DeliveryException;
import tocsin.notify.IncidentSnapshot;
import tocsin.notify.Notification;
import tocsin.notify.PermanentDeliveryException;
import tocsin.notify.RetryableDeliveryException;
import tocsin.notify.Target;
import tocsin.notify.TestNotifications;
import tocsin.notify.http.HttpSink;
import tocsin.notify.http.HttpSink.Response;

import java.time.Duration;
import java.time.InstantSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SlackChannelsTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final InstantSource CLOCK = InstantSource.fixed(TestNotifications.OCCURRED);
    static final String TOKEN = "xoxb-1234-5678-abcdef";
    /** The shape of Slack's chat.postMessage success. */
    static final String POSTED = """
            {"ok":true,"channel":"C123ABC456","ts":"1503435956.000247",
             "message":{"text":"...","username":"tocsin","bot_id":"B123ABC456","type":"message","subtype":"bot_message",
                        "ts":"1503435956.000247"}}""";

    final HttpSink slack = new HttpSink();

    @AfterEach
    void close() {
        slack.close();
    }

    SlackWebApiChannel api() {
        return new SlackWebApiChannel(new SlackSettings(TOKEN, slack.uri("/api"), Duration.ofSeconds(5)), CLOCK);
    }

    static Notification toChannel(String channel) {
        return TestNotifications.page(Target.of(Target.Kind.SLACK, channel));
    }

    @Test
    void postsBlockKitWithButtonsAsSlackDocuments() throws Exception {
        slack.answer(Response.json(200, POSTED));
        Delivery d = api().send(toChannel("C123ABC456"));

        assertThat(d.providerMessageId()).isEqualTo("C123ABC456/1503435956.000247");
        HttpSink.Request r = slack.only();
        assertThat(r.path()).isEqualTo("/api/chat.postMessage");
        assertThat(r.header("Authorization")).isEqualTo("Bearer " + TOKEN);
        assertThat(r.header("Content-Type")).isEqualTo("application/json; charset=utf-8");
        JsonNode body = JSON.readTree(r.body());
        assertThat(body.path("channel").asText()).isEqualTo("C123ABC456");
        assertThat(body.path("text").asText()).isEqualTo("Triggered: #42 Error rate above 5% on checkout "
                + "(checkout-api, high urgency)");
        JsonNode blocks = body.path("blocks");
        assertThat(blocks.get(0).path("type").asText()).isEqualTo("header");
        assertThat(blocks.get(1).path("text").path("text").asText())
                .startsWith("*<https://tocsin.example.com/incidents/PINC042|#42 Error rate above 5% on checkout>*");
        JsonNode buttons = blocks.get(2).path("elements");
        assertThat(blocks.get(2).path("type").asText()).isEqualTo("actions");
        assertThat(buttons).hasSize(2);
        assertThat(buttons.get(0).path("action_id").asText()).isEqualTo("tocsin_acknowledge");
        assertThat(buttons.get(0).path("value").asText()).isEqualTo("PINC042");
        assertThat(buttons.get(1).path("action_id").asText()).isEqualTo("tocsin_resolve");
    }

    @Test
    void aLaterNotificationUpdatesTheMessageInPlace() throws Exception {
        slack.answer(Response.json(200, """
                {"ok":true,"channel":"C123ABC456","ts":"1503435956.000247","text":"Updated"}"""));
        Notification acked = TestNotifications.superseding(TestNotifications.withEvent(toChannel("C123ABC456"),
                Notification.Event.ACKNOWLEDGED, IncidentSnapshot.Status.ACKNOWLEDGED), "C123ABC456/1503435956.000247");
        Delivery d = api().send(acked);

        assertThat(d.providerMessageId()).isEqualTo("C123ABC456/1503435956.000247");
        HttpSink.Request r = slack.only();
        assertThat(r.path()).isEqualTo("/api/chat.update");
        JsonNode body = JSON.readTree(r.body());
        assertThat(body.path("ts").asText()).isEqualTo("1503435956.000247");
        assertThat(body.path("channel").asText()).isEqualTo("C123ABC456");
        JsonNode buttons = body.path("blocks").get(2).path("elements");
        assertThat(buttons).hasSize(1);
        assertThat(buttons.get(0).path("action_id").asText()).isEqualTo("tocsin_resolve");
    }

    @Test
    void aDeletedMessageIsRepostedInsteadOfUpdated() throws Exception {
        slack.answer(Response.json(200, "{\"ok\":false,\"error\":\"message_not_found\"}"), Response.json(200, POSTED));
        Notification n = TestNotifications.superseding(toChannel("C123ABC456"), "C123ABC456/1400000000.000001");
        Delivery d = api().send(n);
        assertThat(slack.requests()).extracting(HttpSink.Request::path)
                .containsExactly("/api/chat.update", "/api/chat.postMessage");
        assertThat(d.providerMessageId()).isEqualTo("C123ABC456/1503435956.000247");
    }

    @Test
    void okFalseErrorsAreClassified() {
        assertFailure(Response.json(200, "{\"ok\":false,\"error\":\"channel_not_found\"}"),
                PermanentDeliveryException.class, "slack_channel_not_found");
        assertFailure(Response.json(200, "{\"ok\":false,\"error\":\"invalid_auth\"}"),
                PermanentDeliveryException.class, "slack_invalid_auth");
        assertFailure(Response.json(200, "{\"ok\":false,\"error\":\"not_in_channel\"}"),
                PermanentDeliveryException.class, "slack_not_in_channel");
        assertFailure(Response.json(200, "{\"ok\":false,\"error\":\"internal_error\"}"),
                RetryableDeliveryException.class, "slack_internal_error");
        assertFailure(Response.text(503, "upstream unavailable"), RetryableDeliveryException.class, "http_503");
        assertFailure(Response.text(200, "<html>captive portal</html>"), RetryableDeliveryException.class,
                "slack_bad_response");
    }

    @Test
    void rateLimitingHonoursRetryAfter() {
        slack.answer(Response.json(429, "{\"ok\":false,\"error\":\"ratelimited\"}").withHeader("Retry-After", "30"));
        DeliveryException e = failure(api(), toChannel("C123ABC456"));
        assertThat(e).isInstanceOf(RetryableDeliveryException.class);
        assertThat(e.reason()).isEqualTo("slack_ratelimited");
        assertThat(((RetryableDeliveryException) e).retryAfter()).contains(Duration.ofSeconds(30));
    }

    @Test
    void aChannelThatIsNotAnIdIsPermanentWithoutARequest() {
        for (String bad : new String[]{"#general", "general", "c123", "C123/../../x"}) {
            assertThatThrownBy(() -> api().send(toChannel(bad))).as(bad)
                    .isInstanceOfSatisfying(PermanentDeliveryException.class,
                            e -> assertThat(e.reason()).isEqualTo("invalid_channel"));
        }
        assertThat(slack.requests()).isEmpty();
    }

    @Test
    void aSlowSlackTimesOutRetryably() {
        slack.answer(Response.json(200, POSTED).delayedBy(Duration.ofSeconds(3)));
        SlackWebApiChannel impatient = new SlackWebApiChannel(new SlackSettings(TOKEN, slack.uri("/api"),
                Duration.ofMillis(300)), CLOCK);
        assertThat(failure(impatient, toChannel("C123ABC456")).reason()).isEqualTo("timeout");
    }

    @Test
    void incomingWebhookPostsTheSameMessage() throws Exception {
        slack.answer(Response.text(200, "ok"));
        SlackWebhookChannel hook = new SlackWebhookChannel(Duration.ofSeconds(5), CLOCK);
        Notification n = TestNotifications.page(Target.of(Target.Kind.SLACK_WEBHOOK,
                slack.uri("/services/T000/B000/XXXX").toString()));
        Delivery d = hook.send(n);
        assertThat(d.providerMessageId()).isEqualTo(n.key().digest());
        HttpSink.Request r = slack.only();
        assertThat(r.path()).isEqualTo("/services/T000/B000/XXXX");
        assertThat(r.header("Authorization")).isNull();
        JsonNode body = JSON.readTree(r.body());
        assertThat(body.has("channel")).isFalse();
        assertThat(body.path("blocks").get(2).path("elements")).hasSize(2);
    }

    @Test
    void incomingWebhookErrorsAreClassified() {
        SlackWebhookChannel hook = new SlackWebhookChannel(Duration.ofSeconds(5), CLOCK);
        Notification n = TestNotifications.page(Target.of(Target.Kind.SLACK_WEBHOOK,
                slack.uri("/services/T000/B000/XXXX").toString()));
        slack.answer(Response.text(404, "no_service"));
        assertThat(failure(hook, n)).isInstanceOf(PermanentDeliveryException.class)
                .hasMessageContaining("no_service");
        slack.answer(Response.text(410, "channel_is_archived"));
        assertThat(failure(hook, n).reason()).isEqualTo("http_410");
        slack.answer(Response.text(500, "rollup_error"));
        assertThat(failure(hook, n)).isInstanceOf(RetryableDeliveryException.class);
        Notification bad = TestNotifications.page(Target.of(Target.Kind.SLACK_WEBHOOK, "ftp://example.com/x"));
        assertThat(failure(hook, bad).reason()).isEqualTo("invalid_url");
    }

    @Test
    void mrkdwnControlCharactersInUserTextAreEscaped() throws Exception {
        slack.answer(Response.json(200, POSTED));
        api().send(TestNotifications.withTitle(toChannel("C123ABC456"), "<!channel> & <https://evil|click>"));
        JsonNode body = JSON.readTree(slack.only().body());
        assertThat(body.path("text").asText()).contains("&lt;!channel&gt; &amp; &lt;https://evil|click&gt;")
                .doesNotContain("<!channel>");
        assertThat(body.path("blocks").get(1).path("text").path("text").asText()).doesNotContain("<!channel>");
    }

    private static DeliveryException failure(tocsin.notify.Channel channel, Notification n) {
        try {
            channel.send(n);
        } catch (DeliveryException e) {
            return e;
        }
        throw new AssertionError("the send succeeded");
    }

    private void assertFailure(Response response, Class<? extends DeliveryException> type, String reason) {
        slack.answer(response);
        DeliveryException e = failure(api(), toChannel("C123ABC456"));
        assertThat(e).as(response.body()).isInstanceOf(type);
        assertThat(e.reason()).isEqualTo(reason);
    }
}
