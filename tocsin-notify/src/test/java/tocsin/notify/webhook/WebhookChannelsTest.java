package tocsin.notify.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tocsin.notify.Delivery;
import tocsin.notify.IdempotencyKey;
import tocsin.notify.Notification;
import tocsin.notify.PermanentDeliveryException;
import tocsin.notify.RetryableDeliveryException;
import tocsin.notify.Target;
import tocsin.notify.TestNotifications;
import tocsin.notify.http.HttpSink;
import tocsin.notify.http.HttpSink.Response;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.HexFormat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WebhookChannelsTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final Instant NOW = Instant.parse("2026-12-05T07:00:06Z");
    static final InstantSource CLOCK = InstantSource.fixed(NOW);
    static final URI API = URI.create("https://tocsin.example.com");

    final HttpSink receiver = new HttpSink();
    final PagerDutyWebhookChannel pagerDuty = new PagerDutyWebhookChannel(API, Duration.ofSeconds(5), CLOCK);
    final GenericWebhookChannel generic = new GenericWebhookChannel(API, Duration.ofSeconds(5), CLOCK);

    @AfterEach
    void close() {
        receiver.close();
    }

    Notification pd() {
        Notification n = TestNotifications.page(Target.signed(Target.Kind.PAGERDUTY_WEBHOOK,
                receiver.uri("/pd-hook").toString(), "pd-secret"));
        return new Notification(new IdempotencyKey("PINC042", 0, "PWHUSER", "PSUB123"), n.target(), n.event(),
                n.incident(), n.links(), n.occurredAt(), n.supersedes());
    }

    /** An independent HMAC, so the test checks the scheme rather than echoing the code under test. */
    static String hmacHex(String secret, String data) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return HexFormat.of().formatHex(mac.doFinal(data.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void pagerDutyV3DeliveryHasPagerDutysEnvelopeHeadersAndSignature() throws Exception {
        receiver.answer(Response.text(200, ""));
        Delivery d = pagerDuty.send(pd());

        HttpSink.Request r = receiver.only();
        assertThat(r.method()).isEqualTo("POST");
        assertThat(r.header("Content-Type")).isEqualTo("application/json; charset=utf-8");
        assertThat(r.header("User-Agent")).isEqualTo("PagerDuty-Webhook/V3.0");
        assertThat(r.header("X-PagerDuty-Signature")).isEqualTo("v1=" + hmacHex("pd-secret", r.body()));
        assertThat(r.header("X-Webhook-Subscription")).isEqualTo("PSUB123");
        JsonNode event = JSON.readTree(r.body()).path("event");
        assertThat(JSON.readTree(r.body()).size()).isEqualTo(1);
        assertThat(r.header("X-Webhook-Id")).isEqualTo(event.path("id").asText()).isEqualTo(d.providerMessageId());
        assertThat(event.path("event_type").asText()).isEqualTo("incident.triggered");
        assertThat(event.path("resource_type").asText()).isEqualTo("incident");
        assertThat(event.path("occurred_at").asText()).isEqualTo("2026-12-05T07:00:05.000Z");
        assertThat(event.has("agent")).isTrue();
        JsonNode data = event.path("data");
        assertThat(data.path("id").asText()).isEqualTo("PINC042");
        assertThat(data.path("type").asText()).isEqualTo("incident");
        assertThat(data.path("self").asText()).isEqualTo("https://tocsin.example.com/incidents/PINC042");
        assertThat(data.path("html_url").asText()).isEqualTo("https://tocsin.example.com/incidents/PINC042");
        assertThat(data.path("number").asLong()).isEqualTo(42);
        assertThat(data.path("status").asText()).isEqualTo("triggered");
        assertThat(data.path("urgency").asText()).isEqualTo("high");
        assertThat(data.path("title").asText()).isEqualTo("Error rate above 5% on checkout");
        assertThat(data.path("created_at").asText()).isEqualTo("2026-12-05T07:00:00.000Z");
        assertThat(data.path("service").path("id").asText()).isEqualTo("PSVC001");
        assertThat(data.path("service").path("summary").asText()).isEqualTo("checkout-api");
        assertThat(data.path("service").path("type").asText()).isEqualTo("service_reference");
    }

    @Test
    void aRetryCarriesTheSameEventIdAndAnotherStepAnother() {
        receiver.answer(Response.text(204, ""));
        String first = assertDelivered(pd());
        String retry = assertDelivered(pd());
        Notification n = pd();
        Notification nextStep = new Notification(new IdempotencyKey("PINC042", 1, "PWHUSER", "PSUB123"),
                n.target(), Notification.Event.ESCALATED, n.incident(), n.links(), n.occurredAt(), n.supersedes());
        String next = assertDelivered(nextStep);
        assertThat(retry).isEqualTo(first);
        assertThat(next).isNotEqualTo(first);
        assertThat(receiver.requests().get(2).body()).contains("\"event_type\":\"incident.escalated\"");
    }

    private String assertDelivered(Notification n) {
        try {
            return pagerDuty.send(n).providerMessageId();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void pingIsPageysTestEvent() throws Exception {
        receiver.answer(Response.text(200, ""));
        pagerDuty.ping(pd().target(), "PSUB123");
        HttpSink.Request r = receiver.only();
        JsonNode event = JSON.readTree(r.body()).path("event");
        assertThat(event.path("event_type").asText()).isEqualTo("pagey.ping");
        assertThat(event.path("resource_type").asText()).isEqualTo("pagey");
        assertThat(event.path("occurred_at").asText()).isEqualTo("2026-12-05T07:00:06.000Z");
        assertThat(event.path("data").path("message").asText()).isEqualTo("Hello from your friend Pagey!");
        assertThat(event.path("data").path("type").asText()).isEqualTo("ping");
        assertThat(r.header("X-PagerDuty-Signature")).isEqualTo("v1=" + hmacHex("pd-secret", r.body()));
    }

    @Test
    void receiverFailuresAreClassified() {
        receiver.answer(Response.text(500, "boom"));
        assertThatThrownBy(() -> pagerDuty.send(pd())).isInstanceOfSatisfying(RetryableDeliveryException.class,
                e -> assertThat(e.reason()).isEqualTo("http_500"));
        receiver.answer(Response.text(408, ""));
        assertThatThrownBy(() -> pagerDuty.send(pd())).isInstanceOf(RetryableDeliveryException.class);
        receiver.answer(Response.text(410, "gone"));
        assertThatThrownBy(() -> pagerDuty.send(pd())).isInstanceOfSatisfying(PermanentDeliveryException.class,
                e -> assertThat(e.reason()).isEqualTo("http_410"));
        receiver.answer(Response.text(200, "").delayedBy(Duration.ofSeconds(3)));
        PagerDutyWebhookChannel impatient = new PagerDutyWebhookChannel(API, Duration.ofMillis(300), CLOCK);
        assertThatThrownBy(() -> impatient.send(pd())).isInstanceOfSatisfying(RetryableDeliveryException.class,
                e -> assertThat(e.reason()).isEqualTo("timeout"));
        Notification unsigned = pd().withTarget(Target.of(Target.Kind.PAGERDUTY_WEBHOOK, receiver.uri("/x").toString()));
        assertThatThrownBy(() -> pagerDuty.send(unsigned)).isInstanceOfSatisfying(PermanentDeliveryException.class,
                e -> assertThat(e.reason()).isEqualTo("no_secret"));
    }

    @Test
    void genericWebhookIsSignedWithTimestampedHmac() throws Exception {
        receiver.answer(Response.text(202, ""));
        Notification n = TestNotifications.page(Target.signed(Target.Kind.WEBHOOK, receiver.uri("/hook").toString(),
                "whsec-123"));
        Delivery d = generic.send(n);

        HttpSink.Request r = receiver.only();
        assertThat(r.header("User-Agent")).isEqualTo("Tocsin-Webhook/1");
        assertThat(r.header("X-Tocsin-Event")).isEqualTo("incident.triggered");
        assertThat(r.header("X-Tocsin-Delivery")).isEqualTo(n.key().uuid().toString()).isEqualTo(d.providerMessageId());
        long t = NOW.getEpochSecond();
        assertThat(r.header("X-Tocsin-Signature")).isEqualTo("t=" + t + ",v1=" + hmacHex("whsec-123", t + "." + r.body()));
        assertThat(WebhookSignature.verify("whsec-123", r.header("X-Tocsin-Signature"),
                r.body().getBytes(StandardCharsets.UTF_8), NOW, Duration.ofMinutes(5)))
                .isEqualTo(WebhookSignature.Result.VALID);
        JsonNode body = JSON.readTree(r.body());
        assertThat(body.path("type").asText()).isEqualTo("incident.triggered");
        assertThat(body.path("incident").path("summary").asText()).startsWith("The 5-minute error rate");
        assertThat(body.path("incident").path("triggering_value").asText()).isEqualTo("5.2 %");
    }

    @Test
    void unsignedGenericWebhooksCarryNoSignature() throws Exception {
        receiver.answer(Response.text(200, "ok"));
        generic.send(TestNotifications.page(Target.of(Target.Kind.WEBHOOK, receiver.uri("/hook").toString())));
        assertThat(receiver.only().header("X-Tocsin-Signature")).isNull();
    }

    @Test
    void signatureVerificationRefusesForgeriesStaleAndMalformedHeaders() {
        byte[] body = "{\"id\":1}".getBytes(StandardCharsets.UTF_8);
        String header = WebhookSignature.header("s", NOW, body);
        Duration tolerance = Duration.ofMinutes(5);
        assertThat(WebhookSignature.verify("s", header, body, NOW.plusSeconds(299), tolerance))
                .isEqualTo(WebhookSignature.Result.VALID);
        assertThat(WebhookSignature.verify("s", header, body, NOW.plusSeconds(301), tolerance))
                .as("replayed after the tolerance").isEqualTo(WebhookSignature.Result.STALE);
        assertThat(WebhookSignature.verify("other", header, body, NOW, tolerance))
                .isEqualTo(WebhookSignature.Result.INVALID);
        assertThat(WebhookSignature.verify("s", header, "{\"id\":2}".getBytes(StandardCharsets.UTF_8), NOW,
                tolerance)).isEqualTo(WebhookSignature.Result.INVALID);
        String moved = header.replace("t=" + NOW.getEpochSecond(), "t=" + (NOW.getEpochSecond() + 1));
        assertThat(WebhookSignature.verify("s", moved, body, NOW, tolerance)).as("timestamp changed")
                .isEqualTo(WebhookSignature.Result.INVALID);
        assertThat(WebhookSignature.verify("s", "v1=abc,v1=" + header.substring(header.indexOf("v1=") + 3) + ",t="
                + NOW.getEpochSecond(), body, NOW, tolerance)).as("rotation: any v1 may match")
                .isEqualTo(WebhookSignature.Result.VALID);
        for (String bad : new String[]{null, "", "v1=abc", "t=abc,v1=x", "t=1", "x".repeat(2000)}) {
            assertThat(WebhookSignature.verify("s", bad, body, NOW, tolerance)).as(String.valueOf(bad))
                    .isEqualTo(WebhookSignature.Result.MALFORMED);
        }
    }
}
