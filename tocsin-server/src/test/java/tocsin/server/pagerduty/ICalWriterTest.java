package tocsin.server.pagerduty;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class ICalWriterTest {
    private static final Instant STAMP = Instant.parse("2027-03-20T12:00:00Z");

    @Test
    void writesACalendarOfUtcEventsWithCrlfLineEnds() {
        String doc = new ICalWriter("Primary", STAMP)
                .event("S1-U1-1@tocsin", Instant.parse("2027-03-27T20:00:00Z"), Instant.parse("2027-03-28T12:00:00Z"),
                        "On call: Carol", null, "http://tocsin/ui/schedules/S1")
                .finish();

        assertThat(doc).isEqualTo(String.join("\r\n",
                "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Tocsin//On-call schedules//EN", "CALSCALE:GREGORIAN",
                "METHOD:PUBLISH", "X-WR-CALNAME:Primary",
                "BEGIN:VEVENT", "UID:S1-U1-1@tocsin", "DTSTAMP:20270320T120000Z", "DTSTART:20270327T200000Z",
                "DTEND:20270328T120000Z", "SUMMARY:On call: Carol", "URL:http://tocsin/ui/schedules/S1",
                "TRANSP:OPAQUE", "END:VEVENT", "END:VCALENDAR", ""));
    }

    @Test
    void textIsEscapedAndControlsDropped() {
        assertThat(ICalWriter.text("a,b;c\\d\r\ne\u0007f\tg")).isEqualTo("a\\,b\\;c\\\\d\\ne" + "f\tg");
    }

    @Test
    void longLinesFoldAt75OctetsWithoutSplittingCharacters() {
        // 3-byte and 4-byte UTF-8 characters straddle every possible fold position
        String name = "Bereitschaft für das Team ☎☎☎ " + "日本語".repeat(20) + " 🚨🚨🚨 " + "x".repeat(100);
        String doc = new ICalWriter(name, STAMP).finish();

        for (String line : doc.split("\r\n")) {
            assertThat(line.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(75);
            assertThat(line).doesNotContain("\uFFFD");
        }
        String unfolded = doc.replace("\r\n ", "");
        assertThat(unfolded).contains("X-WR-CALNAME:" + name + "\r\n");
        assertThat(doc.split("\r\n")[6]).startsWith(" "); // a continuation line
    }
}
