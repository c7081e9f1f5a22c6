package tocsin.ingest.datadog;

import org.junit.jupiter.api.Test;
import tocsin.core.event.Event;
import tocsin.ingest.IngestLimits;
import tocsin.ingest.MalformedPayloadException;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EventDecoderTest {
    static final Instant NOW = Instant.parse("2026-12-06T12:00:00Z");
    static final InstantSource CLOCK = InstantSource.fixed(NOW);

    static EventDecoder.Result decode(String json) throws MalformedPayloadException {
        return EventDecoder.decode(json.getBytes(StandardCharsets.UTF_8), CLOCK, IngestLimits.datadog());
    }

    @Test
    void everyFieldTheClientsSendIsKept() throws Exception {
        long at = NOW.getEpochSecond() - 3600;
        Event e = decode("""
                {"title":"Deployed checkout 1.4","text":"%%%%%%\\nrolled out by **ci**","date_happened":%d,
                 "priority":"low","alert_type":"user_update","host":"web-1","aggregation_key":"deploy-14",
                 "source_type_name":"jenkins","tags":["Service:Checkout","env:prod","env:prod"],
                 "device_name":"eth0","related_event_id":12,"unknown":{"nested":[1,2]}}
                """.formatted(at)).event();
        assertThat(e).isEqualTo(new Event("Deployed checkout 1.4", "%%%\nrolled out by **ci**",
                Instant.ofEpochSecond(at), "web-1", "deploy-14", Event.Priority.LOW, "jenkins",
                Event.AlertType.USER_UPDATE, List.of("env:prod", "service:checkout")));
    }

    @Test
    void defaultsAreNowNormalAndInfo() throws Exception {
        Event e = decode("{\"title\":\"t\",\"text\":\"\",\"priority\":null,\"tags\":null,\"host\":null}").event();
        assertThat(e.timestamp()).isEqualTo(NOW);
        assertThat(e.priority()).isEqualTo(Event.Priority.NORMAL);
        assertThat(e.alertType()).isEqualTo(Event.AlertType.INFO);
        assertThat(e.host()).isEmpty();
        assertThat(e.tags()).isEmpty();
    }

    @Test
    void aLongTextIsKeptToWhatDatadogShows() throws Exception {
        String text = "é".repeat(EventDecoder.MAX_TEXT + 10);
        Event e = decode("{\"title\":\"t\",\"text\":\"" + text + "\"}").event();
        assertThat(e.text()).hasSize(EventDecoder.MAX_TEXT).isEqualTo(text.substring(0, EventDecoder.MAX_TEXT));
    }

    @Test
    void everyProblemIsNamedByItsField() throws Exception {
        long old = NOW.getEpochSecond() - 19 * 3600;
        EventDecoder.Result r = decode("""
                {"text":5,"date_happened":%d,"priority":"urgent","alert_type":"fatal","tags":["ok",7,"%s"]}
                """.formatted(old, "x".repeat(300)));
        assertThat(r.event()).isNull();
        assertThat(r.errors()).satisfiesExactlyInAnyOrder(
                e -> assertThat(e).startsWith("text: expected a string"),
                e -> assertThat(e).startsWith("date_happened: ").contains("18 hours"),
                e -> assertThat(e).startsWith("priority: \"urgent\" is not normal or low"),
                e -> assertThat(e).startsWith("alert_type: \"fatal\" is not one of"),
                e -> assertThat(e).startsWith("tags[1]: expected a string"),
                e -> assertThat(e).startsWith("tags[2]: ").contains("longer than the limit"),
                e -> assertThat(e).isEqualTo("title: required"));
        assertThat(decode("{\"title\":\"  \",\"text\":\"x\"}").errors()).containsExactly("title: must not be empty");
        assertThat(decode("{\"title\":\"" + "t".repeat(EventDecoder.MAX_TITLE + 1) + "\",\"text\":\"x\"}").errors())
                .singleElement().asString().startsWith("title: longer than the limit");
        assertThat(decode("{\"title\":\"t\",\"text\":\"x\",\"date_happened\":" + (NOW.getEpochSecond() + 3 * 3600)
                + "}").errors()).singleElement().asString().contains("2 hours in the future");
        assertThat(decode("{\"title\":\"t\",\"text\":\"x\",\"date_happened\":\"now\"}").errors())
                .singleElement().asString().startsWith("date_happened: expected an integer");
        assertThat(decode("{\"title\":\"t\",\"text\":\"x\",\"date_happened\":-5}").errors())
                .singleElement().asString().contains("not a positive number");
    }

    /** Hostile bodies: bytes, and JSON with fields of every wrong type; an answer or MalformedPayloadException. */
    @net.jqwik.api.Property(tries = 500)
    void neverFailsOtherwiseOnAnyBody(@net.jqwik.api.ForAll byte[] bytes,
                                      @net.jqwik.api.ForAll("fields") String field,
                                      @net.jqwik.api.ForAll("jsonValues") String value) {
        for (String body : List.of(new String(bytes, StandardCharsets.ISO_8859_1),
                "{\"title\":\"t\",\"text\":\"x\",\"" + field + "\":" + value + "}")) {
            try {
                EventDecoder.Result r = decode(body);
                assertThat(r.event() == null).isNotEqualTo(r.errors().isEmpty());
            } catch (MalformedPayloadException expected) {
                assertThat(expected.getMessage()).isNotBlank();
            }
        }
    }

    @net.jqwik.api.Provide
    net.jqwik.api.Arbitrary<String> fields() {
        return net.jqwik.api.Arbitraries.of("title", "text", "date_happened", "priority", "alert_type", "host",
                "aggregation_key", "source_type_name", "tags", "device_name", "related_event_id", "x");
    }

    @net.jqwik.api.Provide
    net.jqwik.api.Arbitrary<String> jsonValues() {
        return net.jqwik.api.Arbitraries.of("null", "true", "0", "-1", "1e400", "9223372036854775807",
                "99999999999999999999", "\"\"", "\"low\"", "\"ERROR\"", "[]", "[1,{}]", "[\"a:b\",null]", "{}",
                "{\"a\":[1,2]}", "\"\\u0000\"", "1.5");
    }

    @Test
    void aBodyThatIsNotOneObjectIsMalformed() {
        for (String bad : List.of("[]", "{\"title\":", "\"t\"", "{\"title\":\"t\",\"text\":\"x\"} {}", "")) {
            assertThatThrownBy(() -> decode(bad)).as(bad).isInstanceOf(MalformedPayloadException.class);
        }
    }
}
