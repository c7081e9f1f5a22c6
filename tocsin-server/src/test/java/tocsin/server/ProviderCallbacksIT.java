package tocsin.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import tocsin.notify.dispatch.DeliveryQueue;
import tocsin.notify.http.HttpSink;
import tocsin.notify.slack.SlackSignature;
import tocsin.notify.twilio.TwilioSignature;
import tocsin.server.config.NotifyConfig;
import tocsin.state.ManualClock;

/**
 * Acknowledging and resolving from the notification itself, through the real server, with loopback sinks standing in
 * for Twilio and Slack: an SMS reply ("4 42"), a keypress during the phone call (the TwiML Gather action), a Slack
 * button. Each callback is signed as the vendor documents it; forged, stale, malformed and oversized ones are refused
 * and change nothing; replays answer "already"; the timeline names the person and the channel; the acknowledgement
 * cancels the person's pending deliveries.
 */
class ProviderCallbacksIT {
    private static final String AUTH_TOKEN = "twilio-auth-token-for-tests";
    private static final String SIGNING_SECRET = "slack-signing-secret-for-tests";
    private static final String ALICE_PHONE = "+14155550123";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern GATHER = Pattern.compile("<Gather [^>]*action=\"([^\"]+)\"");

    private final ManualClock clock = new ManualClock(Instant.now());
    private final HttpSink twilio = new HttpSink().answer(HttpSink.Response.json(201,
            "{\"sid\":\"SM0123456789abcdef0123456789abcdef\",\"status\":\"queued\"}"));
    private final HttpSink slack = new HttpSink().answer(HttpSink.Response.json(200,
            "{\"ok\":true,\"user\":{\"id\":\"U0ALICE\",\"profile\":{\"email\":\"Alice@Example.com\"}}}"));
    private TestServer server;
    private String alice;

    @BeforeEach
    void start() {
        NotifyConfig notify = new NotifyConfig(Optional.empty(), Optional.of(new NotifyConfig.Twilio(
                "AC0123456789abcdef0123456789abcdef", AUTH_TOKEN, "+15550001111", twilio.base().toString())),
                Optional.of(new NotifyConfig.Slack("xoxb-test-token", SIGNING_SECRET, slack.base() + "/api")),
                Optional.empty(), Optional.empty());
        server = PagingFixture.start(notify, clock);
        alice = PagingFixture.user(server, "alice@example.com", "Alice");
    }

    @AfterEach
    void stop() {
        server.close();
        twilio.close();
        slack.close();
    }

    // ---- SMS

    @Test
    void anSmsReplyAcknowledgesTheIncidentItNamesAndCancelsTheCall() {
        rule("sms_contact_method", 0);
        rule("phone_contact_method", 1);
        String key = PagingFixture.integrationKey(server, alice);
        String id = trigger(key, "disk-db-1");
        long number = number(id);
        HttpSink.Request sms = await().atMost(Duration.ofSeconds(20)).until(() -> twilioRequests("/Messages.json"),
                l -> !l.isEmpty()).getFirst();
        assertThat(sms.formValue("To")).isEqualTo(ALICE_PHONE);
        assertThat(sms.formValue("Body")).as("the triggering value from custom_details")
                .contains("Disk full on disk-db-1 (value 97 %)").contains("Reply 4 " + number + " to ack");

        Map<String, String> reply = smsForm(ALICE_PHONE, "4 " + number);
        TestServer.Reply forged = postForm(smsUrl(), reply, "bm90IHRoZSBzaWduYXR1cmU=");
        assertThat(forged.status()).as(forged.body()).isEqualTo(403);
        assertThat(status(id)).isEqualTo("triggered");

        TestServer.Reply acked = postTwilio(smsUrl(), reply);
        assertThat(acked.status()).as(acked.body()).isEqualTo(200);
        assertThat(acked.header("Content-Type")).startsWith("text/xml");
        assertThat(acked.body()).isEqualTo("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response><Message>Tocsin: "
                + "incident #" + number + " acknowledged.</Message></Response>");
        assertThat(status(id)).isEqualTo("acknowledged");
        assertThat(postTwilio(smsUrl(), reply).body()).as("a replay changes nothing")
                .contains("incident #" + number + " was already acknowledged.");

        JsonNode ack = onlyEntry(id, "acknowledge_log_entry");
        assertThat(ack.at("/channel/type").asText()).isEqualTo("sms");
        assertThat(ack.at("/agent/id").asText()).isEqualTo(alice);

        // the call planned for a minute later is cancelled, never placed
        await().atMost(Duration.ofSeconds(10)).until(() -> deliveries(id).stream()
                .anyMatch(d -> d.state() == DeliveryQueue.State.CANCELLED));
        clock.advance(Duration.ofMinutes(2));
        assertThat(twilioRequests("/Calls.json")).isEmpty();
        assertThat(server.adminGet("/metrics").body())
                .contains("tocsin_callbacks_total{outcome=\"acted\",provider=\"twilio_sms\"} 1.0")
                .contains("tocsin_callbacks_total{outcome=\"already\",provider=\"twilio_sms\"} 1.0")
                .contains("tocsin_callbacks_total{outcome=\"forged\",provider=\"twilio_sms\"} 1.0");
    }

    @Test
    void smsRepliesThatCannotActAreAnsweredInTwimlAndChangeNothing() {
        rule("sms_contact_method", 0);
        String key = PagingFixture.integrationKey(server, alice);
        String first = trigger(key, "disk-db-1");
        String second = trigger(key, "disk-db-2");

        assertThat(postTwilio(smsUrl(), smsForm("+14155550199", "4 " + number(first))).body())
                .contains("this number is not a contact method of any Tocsin user");
        assertThat(postTwilio(smsUrl(), smsForm(ALICE_PHONE, "4 99999")).body())
                .contains("incident #99999 was not paged to this number");
        assertThat(postTwilio(smsUrl(), smsForm(ALICE_PHONE, "what is this?")).body())
                .contains("reply 4 &lt;incident number&gt; to acknowledge");
        // a bare "4" with two open incidents is ambiguous: the answer lists them
        assertThat(postTwilio(smsUrl(), smsForm(ALICE_PHONE, "4")).body())
                .contains("several open incidents (#" + number(second) + ", #" + number(first) + ")")
                .contains("Nothing was changed");

        TestServer.Reply malformed = postSigned(smsUrl(), "From=%2B14155550123&Body=4%zz", "irrelevant");
        assertThat(malformed.status()).isEqualTo(400);
        assertThat(malformed.body()).contains("malformed form encoding");
        TestServer.Reply missingFrom = postTwilio(smsUrl(), Map.of("Body", "4 " + number(first)));
        assertThat(missingFrom.status()).isEqualTo(400);
        TestServer.Reply oversized = postSigned(smsUrl(), "Body=" + "4".repeat(20_000), "irrelevant");
        assertThat(oversized.status()).isEqualTo(413);
        assertThat(List.of(status(first), status(second))).containsOnly("triggered");

        // with one left, a bare "6" resolves it
        assertThat(postTwilio(smsUrl(), smsForm(ALICE_PHONE, "6 " + number(first))).body())
                .contains("#" + number(first) + " resolved.");
        assertThat(postTwilio(smsUrl(), smsForm(ALICE_PHONE, "6")).body())
                .contains("#" + number(second) + " resolved.");
        assertThat(List.of(status(first), status(second))).containsOnly("resolved");
    }

    // ---- voice

    @Test
    void aKeypressDuringTheCallResolvesTheIncidentTheCallWasAbout() {
        rule("phone_contact_method", 0);
        String id = trigger(PagingFixture.integrationKey(server, alice), "disk-db-1");
        long number = number(id);
        HttpSink.Request call = await().atMost(Duration.ofSeconds(20)).until(() -> twilioRequests("/Calls.json"),
                l -> !l.isEmpty()).getFirst();
        Matcher m = GATHER.matcher(call.formValue("Twiml"));
        assertThat(m.find()).as(call.formValue("Twiml")).isTrue();
        String action = m.group(1).replace("&amp;", "&");
        assertThat(action).startsWith(server.server().publicUrl() + "/api/tocsin/callbacks/twilio/voice?incident="
                + id + "&user=" + alice);

        assertThat(call.formValue("Twiml")).contains("The value is 97 %.");
        Map<String, String> repeat = voiceForm("9");
        TestServer.Reply again = postTwilio(action, repeat);
        assertThat(again.status()).as(again.body()).isEqualTo(200);
        assertThat(again.body()).contains("<Gather").contains("incident number " + number);

        Map<String, String> resolve = voiceForm("6");
        assertThat(postForm(action, resolve, new TwilioSignature("another-token").sign(action,
                multi(resolve))).status()).isEqualTo(403);
        String otherIncident = action.replace("incident=" + id, "incident=PNOSUCH1");
        assertThat(postForm(otherIncident, resolve, new TwilioSignature(AUTH_TOKEN).sign(action, multi(resolve)))
                .status()).as("the signature covers the query").isEqualTo(403);
        assertThat(status(id)).isEqualTo("triggered");

        TestServer.Reply resolved = postTwilio(action, resolve);
        assertThat(resolved.body()).isEqualTo("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response><Say>Incident "
                + "number " + number + " resolved. Goodbye.</Say><Hangup/></Response>");
        assertThat(status(id)).isEqualTo("resolved");
        assertThat(postTwilio(action, resolve).body()).contains("was already resolved");
        assertThat(postTwilio(otherIncident, resolve).body()).contains("no longer exists");

        JsonNode entry = onlyEntry(id, "resolve_log_entry");
        assertThat(entry.at("/channel/type").asText()).isEqualTo("phone");
        assertThat(entry.at("/agent/id").asText()).isEqualTo(alice);
    }

    // ---- Slack

    @Test
    void aSlackButtonAcknowledgesAsTheTocsinUserWithTheClickersEmail() throws Exception {
        String id = trigger(PagingFixture.integrationKey(server, alice), "disk-db-1");
        long number = number(id);
        String body = slackBody("tocsin_acknowledge", id, "U0ALICE");
        long now = clock.instant().getEpochSecond();

        assertThat(postSlack(body, now, "v0=" + "0".repeat(64)).status()).isEqualTo(403);
        assertThat(postSlack(body, now - 301, null).status()).as("stale").isEqualTo(403);
        assertThat(postSlack(body, now, "").status()).isEqualTo(403);
        assertThat(status(id)).isEqualTo("triggered");

        TestServer.Reply acked = postSlack(body, now, null);
        assertThat(acked.status()).as(acked.body()).isEqualTo(200);
        assertThat(acked.json().path("text").asText()).isEqualTo("Incident #" + number + " acknowledged.");
        assertThat(status(id)).isEqualTo("acknowledged");
        HttpSink.Request lookup = slack.requests().getFirst();
        assertThat(lookup.method()).isEqualTo("GET");
        assertThat(lookup.path()).isEqualTo("/api/users.info");
        assertThat(lookup.rawQuery()).isEqualTo("user=U0ALICE");
        assertThat(lookup.header("Authorization")).isEqualTo("Bearer xoxb-test-token");

        // the message is replaced by its new state through the response_url: no Acknowledge button any more
        HttpSink.Request replaced = await().atMost(Duration.ofSeconds(10)).until(() -> slack.requests().stream()
                .filter(r -> r.path().equals("/actions/T0/1/xyz")).toList(), l -> !l.isEmpty()).getFirst();
        assertThat(replaced.header("Content-Type")).startsWith("application/json");
        JsonNode update = JSON.readTree(replaced.body());
        assertThat(update.path("replace_original").asBoolean()).isTrue();
        assertThat(update.toString()).contains("tocsin_resolve").doesNotContain("tocsin_acknowledge");

        TestServer.Reply replay = postSlack(body, now, null);
        assertThat(replay.json().path("text").asText()).contains("was already acknowledged");
        JsonNode ack = onlyEntry(id, "acknowledge_log_entry");
        assertThat(ack.at("/channel/type").asText()).isEqualTo("slack");
        assertThat(ack.at("/agent/id").asText()).isEqualTo(alice);

        // someone whose Slack address is no Tocsin user's cannot act
        slack.answer(HttpSink.Response.json(200,
                "{\"ok\":true,\"user\":{\"id\":\"U0MALLORY\",\"profile\":{\"email\":\"mallory@example.com\"}}}"));
        TestServer.Reply stranger = postSlack(slackBody("tocsin_resolve", id, "U0MALLORY"), now, null);
        assertThat(stranger.json().path("text").asText()).contains("no Tocsin user has the e-mail address")
                .contains("mallory@example.com");
        assertThat(status(id)).isEqualTo("acknowledged");

        TestServer.Reply notJson = postSlack("payload=%7Bnot%20json", now, null);
        assertThat(notJson.status()).isEqualTo(400);
        assertThat(notJson.body()).contains("payload: not JSON");
        TestServer.Reply huge = postSlack("payload=" + "x".repeat(70_000), now, null);
        assertThat(huge.status()).isEqualTo(413);
    }

    // ---- helpers

    private TestServer.Reply rest(String method, String path, String json) {
        return new PagerDutyRest(server).send(method, path, json);
    }


    private void rule(String type, int delayMinutes) {
        String cm = PagingFixture.created(rest("POST", "/users/" + alice + "/contact_methods", """
                {"contact_method": {"type": "%s", "label": "Mobile %s", "address": "4155550123",
                 "country_code": 1}}""".formatted(type, type)), "/contact_method/id");
        PagingFixture.created(rest("POST", "/users/" + alice + "/notification_rules", """
                {"notification_rule": {"type": "assignment_notification_rule", "start_delay_in_minutes": %d,
                 "contact_method": {"id": "%s", "type": "%s_reference"}, "urgency": "high"}}"""
                .formatted(delayMinutes, cm, type)), "/notification_rule/id");
    }

    private String trigger(String key, String dedupKey) {
        TestServer.Reply r = server.postJson("/v2/enqueue", """
                {"routing_key": "%s", "event_action": "trigger", "dedup_key": "%s",
                 "payload": {"summary": "Disk full on %s", "source": "db-1", "severity": "critical",
                             "custom_details": {"value": "97 %%"}}}"""
                .formatted(key, dedupKey, dedupKey));
        assertThat(r.status()).as(r.body()).isEqualTo(202);
        JsonNode list = rest("GET", "/incidents?incident_key=" + dedupKey, null).json();
        return list.at("/incidents/0/id").asText();
    }

    private long number(String incidentId) {
        return rest("GET", "/incidents/" + incidentId, null).json().at("/incident/incident_number").asLong();
    }

    private String status(String incidentId) {
        return rest("GET", "/incidents/" + incidentId, null).json().at("/incident/status").asText();
    }

    private JsonNode onlyEntry(String incidentId, String type) {
        JsonNode log = rest("GET", "/incidents/" + incidentId + "/log_entries?limit=100", null).json()
                .path("log_entries");
        List<JsonNode> found = log.findParents("type").stream().filter(e -> e.path("type").asText().equals(type))
                .toList();
        assertThat(found).as(log.toString()).hasSize(1);
        return found.getFirst();
    }

    private List<DeliveryQueue.Delivery> deliveries(String incidentId) {
        return server.server().state().deliveryQueue().deliveries(incidentId);
    }

    private List<HttpSink.Request> twilioRequests(String suffix) {
        return twilio.requests().stream().filter(r -> r.path().endsWith(suffix)).toList();
    }

    private String smsUrl() {
        return server.server().publicUrl() + "/api/tocsin/callbacks/twilio/sms";
    }

    /** The parameters of Twilio's inbound-message webhook. */
    private static Map<String, String> smsForm(String from, String body) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("ToCountry", "US");
        form.put("SmsMessageSid", "SM11111111111111111111111111111111");
        form.put("NumMedia", "0");
        form.put("SmsSid", "SM11111111111111111111111111111111");
        form.put("SmsStatus", "received");
        form.put("Body", body);
        form.put("To", "+15550001111");
        form.put("NumSegments", "1");
        form.put("MessageSid", "SM11111111111111111111111111111111");
        form.put("AccountSid", "AC0123456789abcdef0123456789abcdef");
        form.put("From", from);
        form.put("ApiVersion", "2010-04-01");
        return form;
    }

    /** The parameters Twilio posts to a Gather action. */
    private static Map<String, String> voiceForm(String digits) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("AccountSid", "AC0123456789abcdef0123456789abcdef");
        form.put("ApiVersion", "2010-04-01");
        form.put("CallSid", "CA22222222222222222222222222222222");
        form.put("CallStatus", "in-progress");
        form.put("Called", ALICE_PHONE);
        form.put("Caller", "+15550001111");
        form.put("Digits", digits);
        form.put("Direction", "outbound-api");
        form.put("FinishedOnKey", "");
        form.put("From", "+15550001111");
        form.put("To", ALICE_PHONE);
        return form;
    }

    private static Map<String, List<String>> multi(Map<String, String> form) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        form.forEach((k, v) -> out.put(k, List.of(v)));
        return out;
    }

    private static String encode(Map<String, String> form) {
        StringBuilder sb = new StringBuilder();
        form.forEach((k, v) -> sb.append(sb.isEmpty() ? "" : "&").append(URLEncoder.encode(k, StandardCharsets.UTF_8))
                .append('=').append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
        return sb.toString();
    }

    /** POSTs as Twilio does: form-encoded, signed with the auth token over the URL and the sorted parameters. */
    private TestServer.Reply postTwilio(String url, Map<String, String> form) {
        return postForm(url, form, new TwilioSignature(AUTH_TOKEN).sign(url, multi(form)));
    }

    private TestServer.Reply postForm(String url, Map<String, String> form, String signature) {
        return postSigned(url, encode(form), signature);
    }

    private TestServer.Reply postSigned(String url, String body, String signature) {
        return server.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
                .header("User-Agent", "TwilioProxy/1.1")
                .header(TwilioSignature.HEADER, signature)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    /** Slack's block_actions payload for a click on a Tocsin button, form-encoded as Slack posts it. */
    private String slackBody(String actionId, String incidentId, String userId) {
        String payload = """
                {"type":"block_actions","user":{"id":"%s","username":"someone","team_id":"T0"},
                 "api_app_id":"A0","token":"deprecated","container":{"type":"message","message_ts":"1700000000.000100",
                 "channel_id":"C0123ABC","is_ephemeral":false},"trigger_id":"1.2.3","team":{"id":"T0","domain":"acme"},
                 "channel":{"id":"C0123ABC","name":"ops"},"message":{"type":"message","ts":"1700000000.000100"},
                 "response_url":"%s",
                 "actions":[{"action_id":"%s","block_id":"tocsin_incident_actions","text":{"type":"plain_text",
                 "text":"Acknowledge"},"value":"%s","style":"primary","type":"button","action_ts":"1700000001.1"}]}
                """.formatted(userId, slack.uri("/actions/T0/1/xyz"), actionId, incidentId);
        return "payload=" + URLEncoder.encode(payload, StandardCharsets.UTF_8);
    }

    /** POSTs as Slack does; {@code signature} null means the right one for the body and timestamp. */
    private TestServer.Reply postSlack(String body, long timestamp, String signature) {
        String ts = Long.toString(timestamp);
        String sig = signature != null ? signature : new SlackSignature(SIGNING_SECRET, clock).sign(ts,
                body.getBytes(StandardCharsets.UTF_8));
        HttpRequest.Builder b = HttpRequest.newBuilder(server.uri("/api/tocsin/callbacks/slack/interactions"))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("User-Agent", "Slackbot 1.0 (+https://api.slack.com/robots)")
                .header(SlackSignature.TIMESTAMP_HEADER, ts);
        if (!sig.isEmpty()) {
            b.header(SlackSignature.SIGNATURE_HEADER, sig);
        }
        return server.send(b.POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }
}
