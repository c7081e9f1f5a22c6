package tocsin.notify.twilio;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tocsin.notify.Delivery;
import tocsin.notify.DeliveryException;
import tocsin.notify.Notice;
import tocsin.notify.Notification;
import tocsin.notify.PermanentDeliveryException;
import tocsin.notify.RetryableDeliveryException;
import tocsin.notify.Target;
import tocsin.notify.TestNotifications;
import tocsin.notify.http.HttpSink;
import tocsin.notify.http.HttpSink.Response;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The Twilio channels against a sink that checks requests as Twilio documents them and answers as Twilio does. */
class TwilioChannelsTest {

    static final String SID = "AC" + "0123456789abcdef0123456789abcdef";
    static final String TOKEN = "test-auth-token";
    static final InstantSource CLOCK = InstantSource.fixed(TestNotifications.OCCURRED);

    /** The shape of Twilio's 201 for Messages.json (fields trimmed to the ones that matter here). */
    static final String MESSAGE_CREATED = """
            {"account_sid":"%s","api_version":"2010-04-01","body":"...","date_created":"Sat, 05 Dec 2026 07:00:05 +0000",
             "direction":"outbound-api","error_code":null,"error_message":null,"from":"+15550001111",
             "num_segments":"1","price":null,"sid":"SM1f0e8ae6ade43cb3c0ce4525424e404f","status":"queued",
             "to":"+15557654321","uri":"/2010-04-01/Accounts/%s/Messages/SM1f0e8ae6ade43cb3c0ce4525424e404f.json"}
            """.formatted(SID, SID);
    static final String CALL_CREATED = """
            {"account_sid":"%s","api_version":"2010-04-01","direction":"outbound-api","from":"+15550001111",
             "sid":"CAe1644a7eed5088b159577c5802d8be38","status":"queued","to":"+15557654321"}
            """.formatted(SID);

    final HttpSink twilio = new HttpSink();

    @AfterEach
    void close() {
        twilio.close();
    }

    TwilioSettings settings(Duration timeout) {
        return new TwilioSettings(SID, TOKEN, "+15550001111", twilio.base(), timeout);
    }

    TwilioSmsChannel sms() {
        return new TwilioSmsChannel(settings(Duration.ofSeconds(5)), CLOCK);
    }

    static Notification smsTo(String number) {
        return TestNotifications.page(Target.of(Target.Kind.SMS, number));
    }

    @Test
    void smsIsAFormPostWithBasicAuthToTheMessagesResource() throws Exception {
        twilio.answer(Response.json(201, MESSAGE_CREATED));
        Delivery d = sms().send(smsTo("+15557654321"));

        assertThat(d.providerMessageId()).isEqualTo("SM1f0e8ae6ade43cb3c0ce4525424e404f");
        assertThat(d.detail()).isEqualTo("twilio queued");
        HttpSink.Request r = twilio.only();
        assertThat(r.method()).isEqualTo("POST");
        assertThat(r.path()).isEqualTo("/2010-04-01/Accounts/" + SID + "/Messages.json");
        assertThat(r.header("Authorization")).isEqualTo("Basic " + Base64.getEncoder()
                .encodeToString((SID + ":" + TOKEN).getBytes(StandardCharsets.UTF_8)));
        assertThat(r.header("Content-Type")).startsWith("application/x-www-form-urlencoded");
        assertThat(r.form()).containsOnlyKeys("To", "From", "Body");
        assertThat(r.formValue("To")).isEqualTo("+15557654321");
        assertThat(r.formValue("From")).isEqualTo("+15550001111");
        assertThat(r.formValue("Body")).startsWith("Tocsin #42 HIGH checkout-api: Error rate above 5% on checkout")
                .contains("https://tocsin.example.com/incidents/PINC042", "Reply 4 42 to ack").hasSizeLessThanOrEqualTo(160);
    }

    @Test
    void anInvalidNumberIsPermanentAndNeverSent() {
        for (String bad : new String[]{"5557654321", "+0123456789", "+1 555 765 4321", "+1555765432109876", "tel:+1555",
                "+", "+12345"}) {
            assertThatThrownBy(() -> sms().send(smsTo(bad))).as(bad)
                    .isInstanceOfSatisfying(PermanentDeliveryException.class,
                            e -> assertThat(e.reason()).isEqualTo("invalid_phone_number"));
        }
        assertThat(twilio.requests()).isEmpty();
    }

    @Test
    void twilioErrorsAreClassifiedByCode() {
        assertFailure(Response.json(400, """
                {"code": 21211, "message": "The 'To' number +15005550001 is not a valid phone number.",
                 "more_info": "https://www.twilio.com/docs/errors/21211", "status": 400}"""),
                PermanentDeliveryException.class, "twilio_21211");
        assertFailure(Response.json(401, """
                {"code": 20003, "detail": "Your AccountSid or AuthToken was incorrect.", "message": "Authenticate",
                 "more_info": "https://www.twilio.com/docs/errors/20003", "status": 401}"""),
                PermanentDeliveryException.class, "twilio_20003");
        assertFailure(Response.json(400, """
                {"code": 21610, "message": "Attempt to send to unsubscribed recipient",
                 "more_info": "https://www.twilio.com/docs/errors/21610", "status": 400}"""),
                PermanentDeliveryException.class, "twilio_21610");
        assertFailure(Response.json(503, """
                {"code": 20503, "message": "Service unavailable", "more_info": "https://www.twilio.com/docs/errors/20503",
                 "status": 503}"""), RetryableDeliveryException.class, "twilio_20503");
        assertFailure(Response.text(502, "<html>Bad gateway</html>"), RetryableDeliveryException.class, "http_502");
        assertFailure(Response.text(404, "not found"), PermanentDeliveryException.class, "http_404");
    }

    @Test
    void tooManyRequestsIsRetryableAndHonoursRetryAfter() throws Exception {
        twilio.answer(Response.json(429, """
                {"code": 20429, "message": "Too Many Requests", "more_info": "https://www.twilio.com/docs/errors/20429",
                 "status": 429}""").withHeader("Retry-After", "7"));
        DeliveryException e = failure();
        assertThat(e).isInstanceOf(RetryableDeliveryException.class);
        assertThat(e.reason()).isEqualTo("twilio_20429");
        assertThat(((RetryableDeliveryException) e).retryAfter()).contains(Duration.ofSeconds(7));
        assertThat(e.getMessage()).contains("Too Many Requests", "https://www.twilio.com/docs/errors/20429");
    }

    @Test
    void aSlowTwilioIsARetryableTimeout() {
        twilio.answer(Response.json(201, MESSAGE_CREATED).delayedBy(Duration.ofSeconds(3)));
        TwilioSmsChannel impatient = new TwilioSmsChannel(settings(Duration.ofMillis(300)), CLOCK);
        assertThatThrownBy(() -> impatient.send(smsTo("+15557654321")))
                .isInstanceOfSatisfying(RetryableDeliveryException.class,
                        e -> assertThat(e.reason()).isEqualTo("timeout"));
    }

    @Test
    void aRefusedConnectionIsRetryable() {
        URI gone = twilio.base();
        twilio.close();
        TwilioSmsChannel channel = new TwilioSmsChannel(new TwilioSettings(SID, TOKEN, "+15550001111", gone,
                Duration.ofSeconds(2)), CLOCK);
        assertThatThrownBy(() -> channel.send(smsTo("+15557654321")))
                .isInstanceOfSatisfying(RetryableDeliveryException.class,
                        e -> assertThat(e.reason()).isEqualTo("connection_refused"));
    }

    @Test
    void aSuccessWithoutSidIsNotTakenForADelivery() {
        assertFailure(Response.json(201, "{\"status\":\"queued\"}"), RetryableDeliveryException.class,
                "twilio_bad_response");
        assertFailure(Response.json(200, "not json"), RetryableDeliveryException.class, "twilio_bad_response");
    }

    @Test
    void aMessageTwilioMarksFailedAtCreationIsPermanent() {
        assertFailure(Response.json(201, MESSAGE_CREATED.replace("\"queued\"", "\"failed\"")
                .replace("\"error_code\":null", "\"error_code\":30006")), PermanentDeliveryException.class,
                "twilio_30006");
    }

    @Test
    void aCallCarriesInlineTwimlThatGathersOneDigitToTheCallback() throws Exception {
        twilio.answer(Response.json(201, CALL_CREATED));
        TwilioVoiceChannel voice = new TwilioVoiceChannel(settings(Duration.ofSeconds(5)), CLOCK);
        Delivery d = voice.send(TestNotifications.page(Target.of(Target.Kind.VOICE, "+15557654321")));

        assertThat(d.providerMessageId()).isEqualTo("CAe1644a7eed5088b159577c5802d8be38");
        HttpSink.Request r = twilio.only();
        assertThat(r.path()).isEqualTo("/2010-04-01/Accounts/" + SID + "/Calls.json");
        assertThat(r.form()).containsOnlyKeys("To", "From", "Twiml");
        String twiml = r.formValue("Twiml");
        assertThat(twiml).startsWith("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response>")
                .contains("<Gather input=\"dtmf\" numDigits=\"1\" timeout=\"8\" "
                        + "action=\"https://tocsin.example.com/api/tocsin/twilio/voice/n-1\" method=\"POST\">")
                .contains("Press 4 to acknowledge, 6 to resolve")
                .endsWith("<Hangup/></Response>");
        // well-formed XML
        javax.xml.parsers.DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new java.io.ByteArrayInputStream(twiml.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void aCallWithAnInvalidNumberIsPermanent() {
        TwilioVoiceChannel voice = new TwilioVoiceChannel(settings(Duration.ofSeconds(5)), CLOCK);
        assertThatThrownBy(() -> voice.send(TestNotifications.page(Target.of(Target.Kind.VOICE, "0800 123"))))
                .isInstanceOf(PermanentDeliveryException.class);
        assertThat(twilio.requests()).isEmpty();
    }

    @Test
    void settingsAreValidated() {
        assertThatThrownBy(() -> new TwilioSettings("ACshort", TOKEN, "+15550001111", twilio.base(),
                Duration.ofSeconds(1))).hasMessageContaining("accountSid");
        assertThatThrownBy(() -> new TwilioSettings(SID, TOKEN, "5550001111", twilio.base(), Duration.ofSeconds(1)))
                .hasMessageContaining("fromNumber");
        assertThat(settings(Duration.ofSeconds(1)).toString()).doesNotContain(TOKEN);
    }

    private DeliveryException failure() {
        try {
            sms().send(smsTo("+15557654321"));
        } catch (DeliveryException e) {
            return e;
        }
        throw new AssertionError("the send succeeded");
    }

    private void assertFailure(Response response, Class<? extends DeliveryException> type, String reason) {
        twilio.answer(response);
        DeliveryException e = failure();
        assertThat(e).as(response.body()).isInstanceOf(type);
        assertThat(e.reason()).isEqualTo(reason);
    }

    static Notice notice(Target.Kind kind) {
        return new Notice("digest/PUSER01/PCM01/D1,D2", Target.of(kind, "+15557654321"), "[Tocsin] 2 incidents",
                "two incidents, in full",
                "Tocsin: 2 incidents (2 high): #42 checkout; #43 payments; https://t.example/i",
                "This is Tocsin. 2 incidents waiting for you & your team.");
    }

    @Test
    void aNoticeIsSentAsItsShortFormBySmsAndReadOutWithoutAKeyPromptByPhone() throws Exception {
        twilio.answer(Response.json(201, MESSAGE_CREATED));
        Delivery sent = sms().sendNotice(notice(Target.Kind.SMS));
        assertThat(sent.providerMessageId()).isEqualTo("SM1f0e8ae6ade43cb3c0ce4525424e404f");
        HttpSink.Request r = twilio.only();
        assertThat(r.path()).isEqualTo("/2010-04-01/Accounts/" + SID + "/Messages.json");
        assertThat(r.form()).containsOnlyKeys("To", "From", "Body");
        assertThat(r.formValue("Body")).isEqualTo("Tocsin: 2 incidents (2 high): #42 checkout; #43 payments; "
                + "https://t.example/i");

        twilio.answer(Response.json(201, CALL_CREATED));
        TwilioVoiceChannel voice = new TwilioVoiceChannel(settings(Duration.ofSeconds(5)), CLOCK);
        Delivery called = voice.sendNotice(notice(Target.Kind.VOICE));
        assertThat(called.providerMessageId()).isEqualTo("CAe1644a7eed5088b159577c5802d8be38");
        String twiml = twilio.requests().getLast().formValue("Twiml");
        assertThat(twiml).isEqualTo("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response>"
                + "<Say>This is Tocsin. 2 incidents waiting for you &amp; your team.</Say><Pause length=\"1\"/>"
                + "<Say>This is Tocsin. 2 incidents waiting for you &amp; your team.</Say><Say>Goodbye.</Say>"
                + "<Hangup/></Response>").doesNotContain("Gather");
        assertThatThrownBy(() -> sms().sendNotice(notice(Target.Kind.VOICE)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
