package tocsin.server;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The on-call directory through PagerDuty's REST API, as a team lead sets it up: people with contact methods and
 * notification rules, a team, a follow-the-sun schedule whose layers count in Sydney's and Berlin's own hours, an
 * override across Europe's spring-forward night, the rendered final schedule checked entry by entry, and the iCal
 * feed fetched without credentials and parsed. Requests carry what PagerDuty's clients send: {@code Authorization:
 * Token token=...}, {@code Accept: application/vnd.pagerduty+json;version=2}, {@code From:}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PagerDutyDirectoryIT {
    /** The server's clock: inside the iCal feed's window (30 days back, 90 ahead) of the schedule below. */
    static final Instant NOW = Instant.parse("2027-03-20T12:00:00Z");
    PagerDutyRest pd;
    TestServer tocsin;

    /** The server under test; {@link PostgresPagerDutyDirectoryIT} runs the same scenarios on PostgreSQL. */
    PagerDutyRest startServer() {
        return PagerDutyRest.startAt(NOW);
    }

    @BeforeAll
    void start() {
        pd = startServer();
        tocsin = pd.tocsin();
    }

    @AfterAll
    void stop() {
        pd.close();
    }

    TestServer.Reply pd(String method, String path, String body) {
        return pd.send(method, path, body);
    }

    String createUser(String name, String email, String zone) {
        return pd.createUser(name, email, zone);
    }

    @Test
    void followTheSunScheduleWithAnOverrideAcrossDstRendersExactlyAndFeedsACalendar() {
        String ada = createUser("Ada Lovelace", "ada@example.com", "Europe/Berlin");
        String bob = createUser("Bob Smith", "bob@example.com", "Australia/Sydney");
        String carol = createUser("Carol Jones", "carol@example.com", "America/New_York");

        // contact methods and notification rules
        TestServer.Reply sms = pd("POST", "/users/" + ada + "/contact_methods", """
                {"contact_method": {"type": "sms_contact_method", "label": "Mobile", "address": "15123456789",
                                    "country_code": 49}}""");
        assertThat(sms.status()).as(sms.toString()).isEqualTo(201);
        assertThat(sms.json().at("/contact_method/type").asText()).isEqualTo("sms_contact_method");
        String smsId = sms.json().at("/contact_method/id").asText();
        TestServer.Reply mail = pd("POST", "/users/" + ada + "/contact_methods", """
                {"contact_method": {"type": "email_contact_method", "label": "Work", "address": "ada@example.com"}}""");
        assertThat(mail.status()).isEqualTo(201);
        TestServer.Reply rule = pd("POST", "/users/" + ada + "/notification_rules", """
                {"notification_rule": {"type": "assignment_notification_rule", "start_delay_in_minutes": 0,
                 "contact_method": {"id": "%s", "type": "sms_contact_method_reference"}, "urgency": "high"}}"""
                .formatted(smsId));
        assertThat(rule.status()).as(rule.toString()).isEqualTo(201);
        assertThat(rule.json().at("/notification_rule/contact_method/type").asText())
                .isEqualTo("sms_contact_method_reference");

        // a team
        TestServer.Reply team = pd("POST", "/teams", "{\"team\": {\"name\": \"SRE\", \"description\": \"on call\"}}");
        assertThat(team.status()).isEqualTo(201);
        String teamId = team.json().at("/team/id").asText();
        assertThat(pd("PUT", "/teams/" + teamId + "/users/" + ada, "{\"role\": \"manager\"}").status()).isEqualTo(204);
        assertThat(pd("PUT", "/teams/" + teamId + "/users/" + bob, null).status()).isEqualTo(204);
        JsonNode members = pd("GET", "/teams/" + teamId + "/members?limit=1&total=true", null).json();
        assertThat(members.at("/members/0/user/id").asText()).isEqualTo(ada);
        assertThat(members.at("/members/0/role").asText()).isEqualTo("manager");
        assertThat(members.get("more").asBoolean()).isTrue();
        assertThat(members.get("total").asInt()).isEqualTo(2);

        TestServer.Reply full = pd("GET", "/users/" + ada + "?include%5B%5D=contact_methods"
                + "&include%5B%5D=notification_rules&include%5B%5D=teams", null);
        assertThat(full.status()).as(full.toString()).isEqualTo(200);
        JsonNode user = full.json().get("user");
        assertThat(user.get("role").asText()).isEqualTo("limited_user");
        assertThat(user.get("contact_methods").findValuesAsText("address"))
                .containsExactlyInAnyOrder("15123456789", "ada@example.com");
        assertThat(user.at("/notification_rules/0/contact_method/country_code").asInt()).isEqualTo(49);
        assertThat(user.at("/notification_rules/0/urgency").asText()).isEqualTo("high");
        assertThat(user.at("/teams/0/name").asText()).isEqualTo("SRE");

        // follow the sun: Bob 09:00-21:00 Sydney time, Ada 09:00-21:00 Berlin time (Layer 2 wins the overlap)
        TestServer.Reply created = pd("POST", "/schedules", """
                {"schedule": {"type": "schedule", "name": "SRE follow the sun", "time_zone": "UTC",
                  "description": null,
                  "schedule_layers": [
                    {"name": "Sydney", "time_zone": "Australia/Sydney", "start": "2027-03-01T00:00:00Z", "end": null,
                     "rotation_virtual_start": "2027-03-01T09:00:00+11:00", "rotation_turn_length_seconds": 604800,
                     "users": [{"user": {"id": "%s", "type": "user_reference"}}],
                     "restrictions": [{"type": "daily_restriction", "start_time_of_day": "09:00:00",
                                       "duration_seconds": 43200}]},
                    {"name": "Berlin", "time_zone": "Europe/Berlin", "start": "2027-03-01T00:00:00Z",
                     "rotation_virtual_start": "2027-03-01T09:00:00+01:00", "rotation_turn_length_seconds": 604800,
                     "users": [{"user": {"id": "%s", "type": "user_reference"}}],
                     "restrictions": [{"type": "daily_restriction", "start_time_of_day": "09:00:00",
                                       "duration_seconds": 43200}]}]}}""".formatted(bob, ada));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        String schedule = created.json().at("/schedule/id").asText();

        // Carol covers Europe's spring-forward night (01:00 UTC on 28 March)
        TestServer.Reply override = pd("POST", "/schedules/" + schedule + "/overrides", """
                {"override": {"start": "2027-03-27T21:00:00+01:00", "end": "2027-03-28T14:00:00+02:00",
                              "user": {"id": "%s", "type": "user_reference"}}}""".formatted(carol));
        assertThat(override.status()).as(override.toString()).isEqualTo(201);

        JsonNode rendered = pd("GET", "/schedules/" + schedule
                + "?since=2027-03-27T00:00:00Z&until=2027-03-29T00:00:00Z&time_zone=UTC", null).json().get("schedule");
        assertThat(entries(rendered.at("/final_schedule"))).containsExactly(
                bob + " 2027-03-27T00:00:00Z 2027-03-27T08:00:00Z",
                ada + " 2027-03-27T08:00:00Z 2027-03-27T20:00:00Z",
                carol + " 2027-03-27T20:00:00Z 2027-03-28T12:00:00Z",
                ada + " 2027-03-28T12:00:00Z 2027-03-28T19:00:00Z",
                bob + " 2027-03-28T22:00:00Z 2027-03-29T00:00:00Z");
        assertThat(rendered.at("/final_schedule/name").asText()).isEqualTo("Final Schedule");
        // 45 of 48 hours covered: the gaps between Berlin's evening and Sydney's morning show
        assertThat(rendered.at("/final_schedule/rendered_coverage_percentage").asDouble()).isEqualTo(93.75);
        // Ada's 09:00 stays 09:00 in Berlin across the change: 08:00Z on the 27th, 07:00Z on the 28th
        assertThat(entries(rendered.at("/schedule_layers/1"))).containsExactly(
                ada + " 2027-03-27T08:00:00Z 2027-03-27T20:00:00Z",
                ada + " 2027-03-28T07:00:00Z 2027-03-28T19:00:00Z");
        assertThat(rendered.at("/schedule_layers/1/rendered_coverage_percentage").asDouble()).isEqualTo(50.0);
        assertThat(rendered.at("/schedule_layers/1/time_zone").asText()).isEqualTo("Europe/Berlin");
        assertThat(entries(rendered.at("/overrides_subschedule"))).containsExactly(
                carol + " 2027-03-27T20:00:00Z 2027-03-28T12:00:00Z");
        assertThat(rendered.at("/final_schedule/rendered_schedule_entries/2/user/summary").asText())
                .isEqualTo("Carol Jones");

        // overflow=true shows the entries crossing the window's ends whole; coverage stays the window's
        String narrow = "/schedules/" + schedule + "?since=2027-03-27T10:00:00Z&until=2027-03-28T10:00:00Z&time_zone=UTC";
        JsonNode cut = pd("GET", narrow, null).json().get("schedule");
        assertThat(entries(cut.get("final_schedule"))).containsExactly(
                ada + " 2027-03-27T10:00:00Z 2027-03-27T20:00:00Z",
                carol + " 2027-03-27T20:00:00Z 2027-03-28T10:00:00Z");
        JsonNode whole = pd("GET", narrow + "&overflow=true", null).json().get("schedule");
        assertThat(entries(whole.get("final_schedule"))).containsExactly(
                ada + " 2027-03-27T08:00:00Z 2027-03-27T20:00:00Z",
                carol + " 2027-03-27T20:00:00Z 2027-03-28T12:00:00Z");
        assertThat(whole.at("/final_schedule/rendered_coverage_percentage").asDouble()).isEqualTo(100.0);

        // the same in Berlin time: offsets change with the clocks
        JsonNode berlin = pd("GET", "/schedules/" + schedule
                + "?since=2027-03-27T00:00:00Z&until=2027-03-29T00:00:00Z&time_zone=Europe/Berlin", null).json();
        assertThat(berlin.at("/schedule/final_schedule/rendered_schedule_entries/2/start").asText())
                .isEqualTo("2027-03-27T21:00:00+01:00");
        assertThat(berlin.at("/schedule/final_schedule/rendered_schedule_entries/2/end").asText())
                .isEqualTo("2027-03-28T14:00:00+02:00");

        JsonNode onCall = pd("GET", "/schedules/" + schedule
                + "/users?since=2027-03-27T00:00:00Z&until=2027-03-29T00:00:00Z", null).json();
        assertThat(onCall.get("users").findValuesAsText("name"))
                .containsExactly("Ada Lovelace", "Bob Smith", "Carol Jones");

        // deleting someone still on the schedule is refused, naming it
        TestServer.Reply refused = pd("DELETE", "/users/" + bob, null);
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.json().at("/error/errors/0").asText())
                .isEqualTo("schedules: SRE follow the sun (" + schedule + ")");

        // the calendar feed: public, RFC 5545
        String feedUrl = rendered.get("http_cal_url").asText();
        assertThat(rendered.get("web_cal_url").asText()).startsWith("webcal://");
        String path = URI.create(feedUrl).getPath();
        assertThat(path).matches("/ical/[A-Za-z0-9_-]{43}\\.ics");
        TestServer.Reply cal = tocsin.get(path);
        assertThat(cal.status()).isEqualTo(200);
        assertThat(cal.header("Content-Type")).startsWith("text/calendar");
        List<String> events = ICalFeed.parse(cal.bytes()).events();
        // within 20 February to 18 June: every shift of the schedule; on the 27th and 28th exactly the five above
        assertThat(events).contains(
                "On call: Carol Jones 20270327T200000Z 20270328T120000Z",
                "On call: Ada Lovelace 20270328T120000Z 20270328T190000Z");
        assertThat(ICalFeed.parse(tocsin.get(path).bytes()).uids()).isEqualTo(ICalFeed.parse(cal.bytes()).uids());
        assertThat(tocsin.get("/ical/" + "A".repeat(43) + ".ics").status()).isEqualTo(404);
        assertThat(tocsin.get(path.replace(".ics", "")).status()).isEqualTo(404);

        // a person's own feed lists only their shifts
        String userFeed = URI.create(pd("GET", "/users/" + carol, null).json().at("/user/http_cal_url").asText())
                .getPath();
        assertThat(ICalFeed.parse(tocsin.get(userFeed).bytes()).events())
                .containsExactly("On call: SRE follow the sun 20270327T200000Z 20270328T120000Z");
    }

    @Test
    void listsPageAndFilterAsPagerDutyDoes() {
        createUser("Zed Filter", "zed.filter@example.com", "UTC");
        createUser("Zara Filter", "zara.filter@example.com", "UTC");

        JsonNode page = pd("GET", "/users?query=filter&limit=1&total=true", null).json();
        assertThat(page.get("users")).hasSize(1);
        assertThat(page.at("/users/0/name").asText()).isEqualTo("Zara Filter");
        assertThat(page.get("limit").asInt()).isEqualTo(1);
        assertThat(page.get("offset").asInt()).isZero();
        assertThat(page.get("more").asBoolean()).isTrue();
        assertThat(page.get("total").asInt()).isEqualTo(2);
        JsonNode next = pd("GET", "/users?query=filter&limit=1&offset=1", null).json();
        assertThat(next.at("/users/0/name").asText()).isEqualTo("Zed Filter");
        assertThat(next.get("more").asBoolean()).isFalse();
        assertThat(next.get("total").isNull()).isTrue();
    }

    @Test
    void concurrentPutsOfOneScheduleLeaveOneWholeVersionAndAnswerTheLosersWithConflicts() throws Exception {
        String u1 = createUser("Race One", "race.one@example.com", "UTC");
        String u2 = createUser("Race Two", "race.two@example.com", "UTC");
        String body = """
                {"schedule": {"name": "%s", "time_zone": "UTC", "schedule_layers": [
                  {"start": "2027-01-01T00:00:00Z", "rotation_virtual_start": "2027-01-01T00:00:00Z",
                   "rotation_turn_length_seconds": 86400, "users": [{"user": {"id": "%s"}}]},
                  {"start": "2027-01-01T00:00:00Z", "rotation_virtual_start": "2027-01-01T00:00:00Z",
                   "rotation_turn_length_seconds": 86400, "users": [{"user": {"id": "%s"}}]}]}}""";
        String id = pd("POST", "/schedules", body.formatted("race", u1, u1)).json().at("/schedule/id").asText();
        int writers = 8;
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<TestServer.Reply>> replies = new ArrayList<>();
            for (int i = 0; i < writers; i++) {
                String user = i % 2 == 0 ? u1 : u2;
                String name = "writer " + i;
                replies.add(pool.submit(() -> {
                    go.await();
                    return pd("PUT", "/schedules/" + id, body.formatted(name, user, user));
                }));
            }
            go.countDown();
            int ok = 0;
            for (Future<TestServer.Reply> f : replies) {
                TestServer.Reply r = f.get();
                assertThat(r.status()).as(r.toString()).isIn(200, 409);
                if (r.status() == 409) {
                    assertThat(r.json().at("/error/code").asInt()).isEqualTo(2001);
                    assertThat(r.json().at("/error/message").asText()).contains("changed by another request");
                } else {
                    ok++;
                }
            }
            assertThat(ok).isGreaterThanOrEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
        // whichever won, its two layers name the same user: no mix of two requests
        JsonNode s = pd("GET", "/schedules/" + id, null).json().get("schedule");
        String name = s.get("name").asText();
        String expected = Integer.parseInt(name.substring("writer ".length())) % 2 == 0 ? u1 : u2;
        assertThat(s.get("schedule_layers")).hasSize(2);
        assertThat(s.at("/schedule_layers/0/users/0/user/id").asText()).isEqualTo(expected);
        assertThat(s.at("/schedule_layers/1/users/0/user/id").asText()).isEqualTo(expected);
    }

    static List<String> entries(JsonNode subschedule) {
        List<String> out = new ArrayList<>();
        for (JsonNode e : subschedule.get("rendered_schedule_entries")) {
            out.add(e.at("/user/id").asText() + " " + e.get("start").asText() + " " + e.get("end").asText());
        }
        return out;
    }

    /** A strict reader of the feed: CRLF line ends, 75-octet lines, folding undone, events as "summary start end". */
    record ICalFeed(List<String> events, List<String> uids) {
        static ICalFeed parse(byte[] body) {
            String text = new String(body, StandardCharsets.UTF_8);
            assertThat(text).startsWith("BEGIN:VCALENDAR\r\n").endsWith("END:VCALENDAR\r\n");
            for (String physical : text.split("\r\n")) {
                assertThat(physical.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(75);
                assertThat(physical).doesNotContain("\n").doesNotContain("\r");
            }
            String unfolded = text.replace("\r\n ", "");
            List<String> events = new ArrayList<>();
            List<String> uids = new ArrayList<>();
            String summary = null;
            String start = null;
            String end = null;
            for (String line : unfolded.split("\r\n")) {
                if (line.equals("BEGIN:VEVENT")) {
                    summary = start = end = null;
                } else if (line.startsWith("SUMMARY:")) {
                    summary = line.substring(8);
                } else if (line.startsWith("DTSTART:")) {
                    start = line.substring(8);
                } else if (line.startsWith("DTEND:")) {
                    end = line.substring(6);
                } else if (line.startsWith("UID:")) {
                    uids.add(line.substring(4));
                } else if (line.equals("END:VEVENT")) {
                    assertThat(start).matches("\\d{8}T\\d{6}Z");
                    assertThat(end).matches("\\d{8}T\\d{6}Z");
                    events.add(summary + " " + start + " " + end);
                }
            }
            assertThat(uids).doesNotHaveDuplicates().hasSameSizeAs(events);
            return new ICalFeed(events, uids);
        }
    }
}
