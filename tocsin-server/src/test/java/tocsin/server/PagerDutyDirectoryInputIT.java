package tocsin.server;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpRequest;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bad input to the directory's PagerDuty REST routes: every refusal is a 400 (or 403, 404, 413) in PagerDuty's
 * {@code {"error": {"message", "code", "errors"}}} shape naming the field by its path, and nothing is stored.
 * Explicit JSON nulls, as real clients send them, read as absent.
 */
class PagerDutyDirectoryInputIT {
    static PagerDutyRest rest;
    static String ada;

    @BeforeAll
    static void start() {
        rest = PagerDutyRest.startAt(PagerDutyDirectoryIT.NOW);
        ada = rest.createUser("Ada Input", "ada.input@example.com", "Europe/Berlin");
    }

    @AfterAll
    static void stop() {
        rest.close();
    }

    static TestServer.Reply pd(String method, String path, String body) {
        return rest.send(method, path, body);
    }

    static TestServer.Reply pd(String method, String path, String body, String key) {
        return rest.send(method, path, body, key);
    }

    static List<String> errors(TestServer.Reply r, int status) {
        assertThat(r.status()).as(r.toString()).isEqualTo(status);
        JsonNode error = r.json().get("error");
        assertThat(error.get("code").asInt()).isEqualTo(status == 404 ? 2100 : status == 403 ? 2010 : 2001);
        return error.get("errors").findValuesAsText("x").isEmpty()
                ? java.util.stream.StreamSupport.stream(error.get("errors").spliterator(), false)
                .map(JsonNode::asText).toList() : List.of();
    }

    static String layer(String extra) {
        return """
                {"start": "2027-01-01T00:00:00Z", "rotation_virtual_start": "2027-01-01T00:00:00Z",
                 "rotation_turn_length_seconds": 86400, "users": [{"user": {"id": "%s", "type": "user_reference"}}]%s}"""
                .formatted(ada, extra);
    }

    static String schedule(String zone, String... layers) {
        return "{\"schedule\": {\"name\": \"bad\", \"time_zone\": " + zone + ", \"schedule_layers\": ["
                + String.join(",", layers) + "]}}";
    }

    static int scheduleCount() {
        return pd("GET", "/schedules?total=true", null).json().get("total").asInt();
    }

    @Test
    void scheduleProblemsAreAllNamedByTheirPath() {
        int before = scheduleCount();
        TestServer.Reply r = pd("POST", "/schedules", schedule("\"Mars/Olympus\"",
                layer(""),
                layer(", \"rotation_turn_length_seconds\": 0, \"time_zone\": \"+02:00\"")
                        .replace("\"rotation_turn_length_seconds\": 86400, ", ""),
                layer(", \"restrictions\": [{\"type\": \"daily_restriction\", \"start_time_of_day\": \"25:00\","
                        + " \"duration_seconds\": 90000}, {\"type\": \"weekly_restriction\", \"start_day_of_week\": 8,"
                        + " \"start_time_of_day\": \"09:00:00\", \"duration_seconds\": 3600}, {\"type\": \"hourly\"}]"),
                layer("").replace(ada, "PNOSUCH"),
                layer("").replace("\"rotation_turn_length_seconds\": 86400", "\"rotation_turn_length_seconds\": -5")
                        .replace("\"2027-01-01T00:00:00Z\", \"rotation", "\"yesterday\", \"rotation")));

        assertThat(errors(r, 400)).containsExactlyInAnyOrder(
                "schedule.time_zone: must be an IANA time zone such as Europe/Berlin or America/New_York, got "
                        + "'Mars/Olympus'",
                "schedule.schedule_layers[1].time_zone: must be an IANA time zone such as Europe/Berlin or "
                        + "America/New_York, got '+02:00'",
                "schedule.schedule_layers[1].rotation_turn_length_seconds: must be positive, got 0",
                "schedule.schedule_layers[2].restrictions[0].start_time_of_day: must be a local time HH:MM:SS such "
                        + "as 09:00:00, got '25:00'",
                "schedule.schedule_layers[2].restrictions[0].duration_seconds: must be at most 86400 (one day), "
                        + "got 90000",
                "schedule.schedule_layers[2].restrictions[1].start_day_of_week: must be between 1 and 7, got 8",
                "schedule.schedule_layers[2].restrictions[2].type: must be one of daily_restriction, "
                        + "weekly_restriction, got 'hourly'",
                "schedule.schedule_layers[3].users[0].user.id: no user with id PNOSUCH",
                "schedule.schedule_layers[4].start: must be an ISO 8601 date-time, got 'yesterday'",
                "schedule.schedule_layers[4].rotation_turn_length_seconds: must be positive, got -5");
        assertThat(scheduleCount()).isEqualTo(before);
    }

    @Test
    void missingAndWronglyTypedFieldsAreNamed() {
        assertThat(errors(pd("POST", "/schedules", "{\"schedule\": {\"name\": 5, \"schedule_layers\": {}}}"), 400))
                .containsExactlyInAnyOrder("schedule.name: must be a string, got number",
                        "schedule.time_zone: is required (an IANA time zone such as Europe/Berlin)",
                        "schedule.schedule_layers: must be an array, got object");
        assertThat(errors(pd("POST", "/schedules", schedule("\"UTC\"")), 400))
                .containsExactly("schedule.schedule_layers: must contain at least one layer");
        assertThat(errors(pd("POST", "/schedules", schedule("\"UTC\"", "{\"users\": [{\"user\": 7}, \"x\"]}")), 400))
                .containsExactlyInAnyOrder(
                        "schedule.schedule_layers[0].users[0].user: must be an object, got number",
                        "schedule.schedule_layers[0].users[1]: must be an object, got string",
                        "schedule.schedule_layers[0].start: is required",
                        "schedule.schedule_layers[0].rotation_virtual_start: is required",
                        "schedule.schedule_layers[0].rotation_turn_length_seconds: is required");
        assertThat(errors(pd("POST", "/schedules", "[1, 2]"), 400))
                .containsExactly("schedule: is required (the request body is {\"schedule\": {...}})");
        assertThat(errors(pd("POST", "/schedules", "{\"schedule\": "), 400).getFirst()).startsWith("body: malformed JSON");
    }

    @Test
    void explicitNullsReadAsAbsent() {
        TestServer.Reply r = pd("POST", "/schedules", """
                {"schedule": {"name": "nulls", "description": null, "time_zone": "UTC", "escalation_policies": null,
                  "teams": null, "schedule_layers": [
                  {"id": null, "name": null, "start": "2027-01-01T00:00:00Z", "end": null, "time_zone": null,
                   "rotation_virtual_start": "2027-01-01T00:00:00Z", "rotation_turn_length_seconds": "86400",
                   "users": [{"user": {"id": "%s", "type": "user_reference", "summary": null}}],
                   "restrictions": null}]}}""".formatted(ada));
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        assertThat(r.json().at("/schedule/schedule_layers/0/end").isNull()).isTrue();
        assertThat(r.json().at("/schedule/schedule_layers/0/restrictions")).isEmpty();
        assertThat(r.json().at("/schedule/schedule_layers/0/name").asText()).isEqualTo("Layer 1");
    }

    @Test
    void oversizedBodiesAreRefusedWith413() {
        String huge = "{\"schedule\": {\"name\": \"" + "x".repeat(600 * 1024) + "\"}}";
        TestServer.Reply r = pd("POST", "/schedules", huge);
        assertThat(r.status()).isEqualTo(413);
        assertThat(r.json().at("/error/code").asInt()).isEqualTo(2001);
        assertThat(pd("POST", "/users", "{\"user\": {\"name\": \"" + "y".repeat(100 * 1024) + "\"}}").status())
                .isEqualTo(413);
        // too many layers, too long a window
        String many = String.join(",", java.util.Collections.nCopies(51, layer("")));
        assertThat(errors(pd("POST", "/schedules", schedule("\"UTC\"", many)), 400))
                .containsExactly("schedule.schedule_layers: has 51 layers; at most 50");
        assertThat(errors(pd("POST", "/schedules/preview?since=2027-01-01T00:00:00Z&until=2030-01-01T00:00:00Z",
                schedule("\"UTC\"", layer(""))), 400))
                .containsExactly("until: is more than 366 days after since; ask for a shorter window");
        // hourly handoffs between two people in two layers over most of a year: too many entries for one answer
        String bea = rest.createUser("Bea Input", "bea.input@example.com", "UTC");
        String hourly = layer("").replace("86400", "3600").replace("}]}", "}, {\"user\": {\"id\": \"" + bea
                + "\"}}]}");
        assertThat(errors(pd("POST", "/schedules/preview?since=2027-01-01T00:00:00Z&until=2027-12-31T00:00:00Z",
                schedule("\"UTC\"", hourly, hourly)), 400)).containsExactly("until: the window holds 26208 rendered "
                + "entries, more than 20000; ask for a shorter window");
        assertThat(errors(pd("GET", "/users?query=" + "q".repeat(201), null), 400))
                .containsExactly("query: is longer than 200 characters");
    }

    @Test
    void previewRendersWithoutSaving() {
        int before = scheduleCount();
        TestServer.Reply r = pd("POST", "/schedules/preview?since=2027-01-01T00:00:00Z&until=2027-01-03T00:00:00Z",
                schedule("\"UTC\"", layer("")));
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(PagerDutyDirectoryIT.entries(r.json().at("/schedule/final_schedule")))
                .containsExactly(ada + " 2027-01-01T00:00:00Z 2027-01-03T00:00:00Z");
        assertThat(r.json().at("/schedule/id").isMissingNode()).isTrue();
        assertThat(scheduleCount()).isEqualTo(before);
    }

    @Test
    void usersAreValidated() {
        assertThat(errors(pd("POST", "/users", """
                {"user": {"name": "", "email": "not-an-email", "time_zone": "Berlin", "role": "god",
                          "color": "Not A Color"}}"""), 400)).containsExactlyInAnyOrder(
                "user.name: is required",
                "user.email: must be an e-mail address such as ops@example.com",
                "user.time_zone: must be an IANA time zone such as Europe/Berlin or America/New_York, got 'Berlin'",
                "user.role: must be one of admin, user, limited_user, observer, got 'god'",
                "user.color: must be a PagerDuty color name such as green or dark-slate-blue, got 'Not A Color'");
        assertThat(errors(pd("POST", "/users", """
                {"user": {"name": "Ada Again", "email": "ADA.INPUT@example.com"}}"""), 400))
                .containsExactly("user.email: 'ada.input@example.com' is already taken by another user");
        assertThat(errors(pd("POST", "/users", "{\"user\": {\"name\": \"O\", \"email\": \"o@example.com\","
                + " \"role\": \"owner\"}}"), 400)).containsExactly("user.role: there is one owner, created with the "
                + "data directory; choose one of admin, user, limited_user, observer");
        assertThat(errors(pd("GET", "/users/PNOSUCH", null), 404)).isEmpty();
        assertThat(errors(pd("GET", "/users?include%5B%5D=everything", null), 400).getFirst())
                .startsWith("include[]: unknown include 'everything'");
    }

    @Test
    void contactMethodsAreValidatedAsE164AndEmail() {
        String base = "/users/" + ada + "/contact_methods";
        assertThat(errors(pd("POST", base, cm("sms_contact_method", "0151 234", null)), 400)).containsExactlyInAnyOrder(
                "contact_method.country_code: is required for phone and SMS (e.g. 1 for the US, 49 for Germany)",
                "contact_method.address: must contain digits only, got '0151 234'");
        assertThat(errors(pd("POST", base, cm("phone_contact_method", "015123456789", "49")), 400))
                .containsExactly("contact_method.address: drop the national trunk prefix 0 (e.g. 15123456789, not "
                        + "015123456789)");
        assertThat(errors(pd("POST", base, cm("phone_contact_method", "1234567890123456", "49")), 400))
                .containsExactly("contact_method.address: +49 1234567890123456 has 18 digits; E.164 allows at most "
                        + "15 including the country code");
        assertThat(errors(pd("POST", base, cm("sms_contact_method", "1555123456", "1")), 400))
                .containsExactly("contact_method.address: a North American number is 10 digits, area code and "
                        + "exchange not starting with 0 or 1, got '1555123456'");
        assertThat(errors(pd("POST", base, cm("sms_contact_method", "+14155550123", "1")), 400))
                .containsExactly("contact_method.address: must be the national number without '+' and country code "
                        + "(put that in country_code)");
        assertThat(errors(pd("POST", base, cm("phone_contact_method", "4155550123", "1000")), 400))
                .containsExactly("contact_method.country_code: must be between 1 and 999, got 1000");
        assertThat(errors(pd("POST", base, cm("email_contact_method", "ada at example", null)), 400))
                .containsExactly("contact_method.address: must be an e-mail address such as ops@example.com");
        assertThat(errors(pd("POST", base, cm("fax_contact_method", "1", null)), 400).getFirst())
                .startsWith("contact_method.type: must be one of email_contact_method, phone_contact_method");
        TestServer.Reply ok = pd("POST", base, cm("phone_contact_method", "4155550123", "1"));
        assertThat(ok.status()).as(ok.toString()).isEqualTo(201);
        assertThat(ok.json().at("/contact_method/country_code").asInt()).isEqualTo(1);
        // Italy keeps its leading zero
        assertThat(pd("POST", base, cm("phone_contact_method", "0612345678", "39")).status()).isEqualTo(201);
    }

    private static String cm(String type, String address, String countryCode) {
        return "{\"contact_method\": {\"type\": \"" + type + "\", \"label\": \"L\", \"address\": \"" + address + "\""
                + (countryCode == null ? "" : ", \"country_code\": " + countryCode) + "}}";
    }

    @Test
    void notificationRulesNeedTheUsersOwnContactMethod() {
        String bob = rest.createUser("Bob Input", "bob.input@example.com", "UTC");
        String bobs = pd("POST", "/users/" + bob + "/contact_methods", cm("email_contact_method", "bob@example.com",
                null)).json().at("/contact_method/id").asText();
        String base = "/users/" + ada + "/notification_rules";
        assertThat(errors(pd("POST", base, """
                {"notification_rule": {"start_delay_in_minutes": -1, "urgency": "urgent"}}"""), 400))
                .containsExactlyInAnyOrder(
                        "notification_rule.start_delay_in_minutes: must be between 0 and 10080, got -1",
                        "notification_rule.contact_method: is required ({\"id\": \"...\", \"type\": "
                                + "\"email_contact_method_reference\"})",
                        "notification_rule.urgency: must be one of any, high, low, got 'urgent'");
        assertThat(errors(pd("POST", base, """
                {"notification_rule": {"start_delay_in_minutes": 0, "contact_method": {"id": "%s"}}}"""
                .formatted(bobs)), 400)).containsExactly("notification_rule.contact_method.id: user " + ada + " has no contact method "
                + bobs);
        assertThat(errors(pd("GET", base + "?urgency=urgent", null), 400))
                .containsExactly("urgency: must be one of any, high, low, got 'urgent'");
    }

    @Test
    void scopesLimitWhoMayChangeWhat() {
        String reader = tocsin().createKey("read");
        String writer = tocsin().createKey("read", "write");
        assertThat(pd("GET", "/users", null, reader).status()).isEqualTo(200);
        assertThat(pd("POST", "/teams", "{\"team\": {\"name\": \"T\"}}", reader).status()).isEqualTo(403);
        assertThat(pd("POST", "/users", "{\"user\": {\"name\": \"W\", \"email\": \"w@example.com\"}}", writer)
                .status()).isEqualTo(403);
        assertThat(pd("PUT", "/users/" + ada, "{\"user\": {\"job_title\": \"SRE\"}}", writer).status())
                .isEqualTo(200);
        assertThat(errors(pd("PUT", "/users/" + ada, "{\"user\": {\"role\": \"admin\"}}", writer), 403)).isEmpty();
        assertThat(pd("GET", "/users/" + ada, null).json().at("/user/role").asText()).isEqualTo("limited_user");
        assertThat(pd("GET", "/users", null, "no-such-key-0123456789").status()).isEqualTo(401);
        assertThat(tocsin().get("/schedules").status()).isEqualTo(401);
    }

    @Test
    void usersMeNeedsAUserSession() {
        assertThat(pd("GET", "/users/me", null).status()).isEqualTo(400);
        TestServer.Reply login = tocsin().postJson("/api/tocsin/session",
                "{\"email\": \"admin@localhost\", \"password\": \"" + TestServer.ADMIN_PASSWORD + "\"}");
        assertThat(login.status()).as(login.toString()).isEqualTo(201);
        String cookie = login.header("Set-Cookie").split(";", 2)[0];
        TestServer.Reply me = tocsin().get("/users/me", "Cookie", cookie);
        assertThat(me.status()).as(me.toString()).isEqualTo(200);
        assertThat(me.json().at("/user/email").asText()).isEqualTo("admin@localhost");
        assertThat(me.json().at("/user/type").asText()).isEqualTo("user");
    }

    private static TestServer tocsin() {
        return rest.tocsin();
    }

    @Test
    void unknownIdsAre404InPagerDutyShape() {
        for (String path : List.of("/schedules/PNOSUCH", "/teams/PNOSUCH", "/users/PNOSUCH/contact_methods",
                "/users/" + ada + "/contact_methods/PNOSUCH", "/users/" + ada + "/notification_rules/PNOSUCH",
                "/schedules/PNOSUCH/overrides?since=2027-01-01T00:00:00Z&until=2027-01-02T00:00:00Z")) {
            TestServer.Reply r = pd("GET", path, null);
            assertThat(r.status()).as(path).isEqualTo(404);
            assertThat(r.json().at("/error/code").asInt()).as(path).isEqualTo(2100);
        }
        HttpRequest delete = tocsin().request("/teams/PNOSUCH/users/" + ada)
                .header("Authorization", "Token token=" + TestServer.ADMIN_KEY).DELETE().build();
        assertThat(tocsin().send(delete).status()).isEqualTo(404);
    }

    @Test
    void manyOverridesAreCreatedOneByOneWithTheirOwnStatus() {
        String id = pd("POST", "/schedules", schedule("\"UTC\"", layer(""))).json().at("/schedule/id").asText();
        TestServer.Reply r = pd("POST", "/schedules/" + id + "/overrides", """
                {"overrides": [
                  {"start": "2027-02-01T00:00:00Z", "end": "2027-02-01T06:00:00Z", "user": {"id": "%s"}},
                  {"start": "2027-02-01T06:00:00Z", "end": "2027-02-01T05:00:00Z", "user": {"id": "PNOSUCH"}},
                  7]}""".formatted(ada));
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        JsonNode results = r.json();
        assertThat(results.get(0).get("status").asInt()).isEqualTo(201);
        assertThat(results.at("/0/override/user/id").asText()).isEqualTo(ada);
        assertThat(results.get(1).get("status").asInt()).isEqualTo(400);
        assertThat(results.get(1).get("errors").findValuesAsText("x")).isEmpty();
        assertThat(results.at("/1/errors").toString())
                .contains("overrides[1].end: must be after start (2027-02-01T06:00:00Z), got 2027-02-01T05:00:00Z")
                .contains("overrides[1].user.id: no user with id PNOSUCH");
        assertThat(results.at("/2/errors/0").asText()).isEqualTo("overrides[2]: must be an override object");

        JsonNode listed = pd("GET", "/schedules/" + id + "/overrides?since=2027-02-01T03:00:00Z"
                + "&until=2027-02-02T00:00:00Z", null).json();
        assertThat(listed.get("overrides")).hasSize(1);
        assertThat(listed.at("/overrides/0/start").asText()).isEqualTo("2027-02-01T03:00:00Z");
        assertThat(errors(pd("GET", "/schedules/" + id + "/overrides", null), 400)).containsExactly("since: is required");
        String overrideId = results.at("/0/override/id").asText();
        assertThat(pd("DELETE", "/schedules/" + id + "/overrides/" + overrideId, null).status()).isEqualTo(204);
        assertThat(pd("DELETE", "/schedules/" + id + "/overrides/" + overrideId, null).status()).isEqualTo(404);
    }
}
