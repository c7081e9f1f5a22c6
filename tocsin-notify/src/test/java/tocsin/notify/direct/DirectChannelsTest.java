package tocsin.notify.direct;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tocsin.notify.Delivery;
import tocsin.notify.PermanentDeliveryException;
import tocsin.notify.RetryableDeliveryException;
import tocsin.notify.email.SmtpSettings;
import tocsin.notify.http.HttpSink;
import tocsin.notify.http.HttpSink.Response;
import tocsin.notify.slack.SlackSettings;
import tocsin.notify.webhook.NamedWebhook;
import tocsin.notify.webhook.TemplatedWebhook;
import tocsin.notify.webhook.WebhookSignature;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Each direct channel against a loopback stand-in (GreenMail for SMTP), checking the exact request. */
class DirectChannelsTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final Instant AT = Instant.parse("2026-03-01T09:00:00Z");
    static final InstantSource CLOCK = InstantSource.fixed(AT);
    static final URI PUBLIC = URI.create("https://tocsin.example.com");

    @RegisterExtension
    static final GreenMailExtension SMTP = new GreenMailExtension(
            new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP).dynamicPort());

    final HttpSink sink = new HttpSink();

    @AfterEach
    void close() {
        sink.close();
    }

    static DirectMessage message(DirectMessage.Kind kind, String target) {
        return new DirectMessage("0123456789abcdef0123456789abcdef", kind, target, "[Triggered on {host:db-1}] Disk",
                "Disk \"97%\" on db-1\nsee runbook", Map.of("ALERT_TITLE", "[Triggered on {host:db-1}] Disk",
                "EVENT_MSG", "Disk \"97%\" on db-1\nsee runbook", "ALERT_TRANSITION", "Triggered", "ALERT_TYPE",
                "error", "DATE", "1772355600000", "ID", "0123456789abcdef0123456789abcdef", "HOSTNAME", "db-1"),
                "/ui/monitors/7", "agg-1", AT);
    }

    DirectChannels channels(Map<String, NamedWebhook> hooks) {
        return new DirectChannels(new DirectTargets(Optional.of(new SlackSettings("xoxb-1-2-abc", sink.uri("/api"),
                Duration.ofSeconds(5))), "acme", Map.of("sre", sink.uri("/teams/sre").toString()), hooks,
                Optional.of(new SmtpSettings("127.0.0.1", SMTP.getSmtp().getPort(), false, false, null, null,
                        "Tocsin <pager@example.com>", Duration.ofSeconds(5)))), PUBLIC, Duration.ofSeconds(5),
                CLOCK);
    }

    @Test
    void aNamedWebhookGetsItsPayloadWithEscapedVariablesHeadersAndSignature() throws Exception {
        sink.answer(Response.text(200, "ok"));
        NamedWebhook hook = new NamedWebhook("ops", sink.uri("/hook"), """
                {"title": "$ALERT_TITLE", "text": "$EVENT_MSG", "date": $DATE, "host": "$HOSTNAME",
                 "link": "$LINK", "unknown": "$NOT_A_VARIABLE", "ids": "$IDS"}""",
                Map.of("X-Team", "storage-$HOSTNAME"), "s3cret", false);
        Delivery d = channels(Map.of("ops", hook)).send(message(DirectMessage.Kind.WEBHOOK, "ops"));

        HttpSink.Request r = sink.only();
        assertThat(d.providerMessageId()).isEqualTo("0123456789abcdef0123456789abcdef");
        assertThat(r.path()).isEqualTo("/hook");
        assertThat(r.header("Content-Type")).isEqualTo("application/json; charset=utf-8");
        assertThat(r.header("X-Team")).isEqualTo("storage-db-1");
        assertThat(r.header("X-Tocsin-Delivery")).isEqualTo("0123456789abcdef0123456789abcdef");
        assertThat(WebhookSignature.verify("s3cret", r.header(WebhookSignature.HEADER),
                r.body().getBytes(StandardCharsets.UTF_8), AT, Duration.ofMinutes(5)))
                .isEqualTo(WebhookSignature.Result.VALID);
        JsonNode body = JSON.readTree(r.body());
        assertThat(body.path("title").asText()).isEqualTo("[Triggered on {host:db-1}] Disk");
        assertThat(body.path("text").asText()).isEqualTo("Disk \"97%\" on db-1\nsee runbook");
        assertThat(body.path("date").asLong()).isEqualTo(1772355600000L);
        assertThat(body.path("link").asText()).isEqualTo("https://tocsin.example.com/ui/monitors/7");
        assertThat(body.path("unknown").asText()).isEqualTo("$NOT_A_VARIABLE");
        assertThat(body.path("ids").asText()).isEqualTo("0123456789abcdef0123456789abcdefS");
    }

    @Test
    void withoutAPayloadDatadogsDefaultIsSentAndFormEncodingSendsFields() throws Exception {
        sink.answer(Response.text(200, "ok"));
        Map<String, NamedWebhook> hooks = Map.of(
                "plain", new NamedWebhook("plain", sink.uri("/plain"), null, Map.of(), null, false),
                "form", new NamedWebhook("form", sink.uri("/form"), "{\"title\": \"$ALERT_TITLE\", \"n\": 3}",
                        Map.of(), null, true));
        DirectChannels c = channels(hooks);
        c.send(message(DirectMessage.Kind.WEBHOOK, "plain"));
        c.send(message(DirectMessage.Kind.WEBHOOK, "form"));

        JsonNode plain = JSON.readTree(sink.requests().get(0).body());
        assertThat(plain.path("body").asText()).isEqualTo("Disk \"97%\" on db-1\nsee runbook");
        assertThat(plain.path("id").asText()).isEqualTo("0123456789abcdef0123456789abcdef");
        assertThat(plain.path("date").asText()).isEqualTo("1772355600000");
        assertThat(sink.requests().get(0).header(WebhookSignature.HEADER)).isNull();
        HttpSink.Request form = sink.requests().get(1);
        assertThat(form.header("Content-Type")).isEqualTo("application/x-www-form-urlencoded");
        assertThat(form.formValue("title")).isEqualTo("[Triggered on {host:db-1}] Disk");
        assertThat(form.formValue("n")).isEqualTo("3");
    }

    @Test
    void payloadTemplatesAreCheckedAsJsonAndUnknownNamesListed() {
        assertThat(TemplatedWebhook.problem("{\"a\": \"$EVENT_MSG\", \"d\": $DATE}")).isEmpty();
        assertThat(TemplatedWebhook.problem("{\"a\": $EVENT_MSG")).get().asString()
                .startsWith("is not valid JSON once its variables are filled in (line 1, column");
        assertThat(TemplatedWebhook.problem("[\"$ID\"]")).get().asString().startsWith("must be a JSON object");
        assertThat(TemplatedWebhook.unknownVariables("$ALERT_TITLE $FOO $BAR_X $ALERT_IDX"))
                .containsExactly("$FOO", "$BAR_X");
    }

    @Test
    void slackPostsToTheChannelNameWithTheAccountPrefixDropped() throws Exception {
        sink.answer(Response.json(200, "{\"ok\":true,\"channel\":\"C0OPS\",\"ts\":\"1700000000.000100\"}"));
        Delivery d = channels(Map.of()).send(message(DirectMessage.Kind.SLACK, "acme-ops-alerts"));

        HttpSink.Request r = sink.only();
        assertThat(d.providerMessageId()).isEqualTo("C0OPS/1700000000.000100");
        assertThat(r.path()).isEqualTo("/api/chat.postMessage");
        assertThat(r.header("Authorization")).isEqualTo("Bearer xoxb-1-2-abc");
        JsonNode body = JSON.readTree(r.body());
        assertThat(body.path("channel").asText()).isEqualTo("#ops-alerts");
        assertThat(body.path("text").asText()).isEqualTo("[Triggered on {host:db-1}] Disk");
        assertThat(body.at("/blocks/0/text/text").asText()).isEqualTo("[Triggered on {host:db-1}] Disk");
        assertThat(body.at("/blocks/1/text/text").asText()).isEqualTo("Disk \"97%\" on db-1\nsee runbook");
        assertThat(body.at("/blocks/2/elements/0/text").asText())
                .isEqualTo("<https://tocsin.example.com/ui/monitors/7|Open in Tocsin>");
        assertThat(new DirectTargets(Optional.empty(), null, Map.of(), Map.of(), Optional.empty())
                .slackChannel("C0123ABCD")).isEqualTo("C0123ABCD");
    }

    @Test
    void teamsGetsAnAdaptiveCardAtTheNamedChannelsUrl() throws Exception {
        sink.answer(Response.text(202, ""));
        channels(Map.of()).send(message(DirectMessage.Kind.TEAMS, "sre"));

        HttpSink.Request r = sink.only();
        assertThat(r.path()).isEqualTo("/teams/sre");
        JsonNode body = JSON.readTree(r.body());
        assertThat(body.path("type").asText()).isEqualTo("message");
        JsonNode card = body.at("/attachments/0/content");
        assertThat(body.at("/attachments/0/contentType").asText()).isEqualTo("application/vnd.microsoft.card.adaptive");
        assertThat(card.at("/body/0/text").asText()).isEqualTo("TRIGGERED");
        assertThat(card.at("/body/0/color").asText()).isEqualTo("Attention");
        assertThat(card.at("/body/1/text").asText()).isEqualTo("[Triggered on {host:db-1}] Disk");
        assertThat(card.at("/body/2/text").asText()).isEqualTo("Disk \"97%\" on db-1\nsee runbook");
        assertThat(card.at("/actions/0/url").asText()).isEqualTo("https://tocsin.example.com/ui/monitors/7");
    }

    @Test
    void eMailIsPlainTextWithAStableMessageIdAndThread() throws Exception {
        channels(Map.of()).send(message(DirectMessage.Kind.EMAIL, "ops@example.com"));

        MimeMessage mail = SMTP.getReceivedMessages()[0];
        assertThat(mail.getSubject()).isEqualTo("[Triggered on {host:db-1}] Disk");
        assertThat(mail.getAllRecipients()[0].toString()).isEqualTo("ops@example.com");
        assertThat(mail.getMessageID()).isEqualTo("<m-0123456789abcdef0123456789abcdef@example.com>");
        assertThat(mail.getHeader("References")[0]).isEqualTo("<thread-agg-1@example.com>");
        assertThat(((String) mail.getContent()).replace("\r\n", "\n"))
                .isEqualTo("Disk \"97%\" on db-1\nsee runbook\n\nhttps://tocsin.example.com/ui/monitors/7");
    }

    @Test
    void failuresAreClassifiedAndUnknownNamesArePermanent() {
        sink.answer(Response.text(503, "down"));
        NamedWebhook hook = new NamedWebhook("ops", sink.uri("/hook"), null, Map.of(), null, false);
        assertThatThrownBy(() -> channels(Map.of("ops", hook)).send(message(DirectMessage.Kind.WEBHOOK, "ops")))
                .isInstanceOf(RetryableDeliveryException.class);
        assertThatThrownBy(() -> channels(Map.of()).send(message(DirectMessage.Kind.WEBHOOK, "gone")))
                .isInstanceOf(PermanentDeliveryException.class)
                .hasMessage("no webhook named 'gone' under notify.webhooks (none are configured)");
        assertThat(DirectTargets.none().problem(DirectMessage.Kind.SLACK, "ops")).get().asString()
                .startsWith("Slack is not configured");
        assertThat(DirectTargets.none().problem(DirectMessage.Kind.EMAIL, "a@b.c")).get().asString()
                .startsWith("e-mail is not configured");
    }
}
