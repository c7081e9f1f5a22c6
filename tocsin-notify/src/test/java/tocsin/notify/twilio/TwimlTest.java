package tocsin.notify.twilio;

import org.junit.jupiter.api.Test;
import tocsin.notify.IncidentSnapshot;
import tocsin.notify.Links;
import tocsin.notify.Notification;
import tocsin.notify.Target;
import tocsin.notify.TestNotifications;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class TwimlTest {

    static Notification call() {
        return TestNotifications.page(Target.of(Target.Kind.VOICE, "+15557654321"));
    }

    @Test
    void theCallReadsTheIncidentAndGathersOneDigitTwiceThenHangsUp() throws Exception {
        String twiml = Twiml.call(call());
        var doc = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new ByteArrayInputStream(twiml.getBytes(StandardCharsets.UTF_8)));
        var gathers = doc.getElementsByTagName("Gather");
        assertThat(gathers.getLength()).isEqualTo(2);
        var g = (org.w3c.dom.Element) gathers.item(0);
        assertThat(g.getAttribute("numDigits")).isEqualTo("1");
        assertThat(g.getAttribute("input")).isEqualTo("dtmf");
        assertThat(g.getAttribute("method")).isEqualTo("POST");
        assertThat(g.getAttribute("action")).isEqualTo("https://tocsin.example.com/api/tocsin/twilio/voice/n-1");
        assertThat(g.getTextContent()).contains("This is Tocsin. High urgency incident number 42, triggered, "
                + "on service checkout-api: Error rate above 5% on checkout. The value is 5.2 %.",
                "Press 4 to acknowledge, 6 to resolve, or 9 to repeat this message.");
        assertThat(doc.getElementsByTagName("Hangup").getLength()).isEqualTo(1);
    }

    @Test
    void hostileTitlesCannotInjectVerbs() throws Exception {
        String twiml = Twiml.call(TestNotifications.withTitle(call(),
                "</Say><Dial>+19005550000</Dial><Say> & \"q\" \u0001"));
        var doc = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new ByteArrayInputStream(twiml.getBytes(StandardCharsets.UTF_8)));
        assertThat(doc.getElementsByTagName("Dial").getLength()).isZero();
        assertThat(doc.getElementsByTagName("Gather").item(0).getTextContent()).contains("</Say><Dial>");
    }

    @Test
    void withoutACallbackOrAnythingToDoTheCallOnlyAnnounces() {
        Notification n = call();
        Notification noCallback = new Notification(n.key(), n.target(), n.event(), n.incident(),
                new Links(n.links().incident(), Optional.empty(), Optional.empty(), Optional.empty()),
                n.occurredAt(), Optional.empty());
        assertThat(Twiml.call(noCallback)).doesNotContain("<Gather").contains("Goodbye").endsWith("</Response>");
        Notification resolved = TestNotifications.withEvent(n, Notification.Event.RESOLVED,
                IncidentSnapshot.Status.RESOLVED);
        assertThat(Twiml.call(resolved)).doesNotContain("<Gather");
        Notification acked = TestNotifications.withEvent(n, Notification.Event.ACKNOWLEDGED,
                IncidentSnapshot.Status.ACKNOWLEDGED);
        assertThat(Twiml.call(acked)).contains("Press 6 to resolve").doesNotContain("Press 4");
    }

    @Test
    void keypressesMapToActions() {
        assertThat(Twiml.Keypress.of("4")).isEqualTo(Twiml.Keypress.ACKNOWLEDGE);
        assertThat(Twiml.Keypress.of("6")).isEqualTo(Twiml.Keypress.RESOLVE);
        assertThat(Twiml.Keypress.of("9")).isEqualTo(Twiml.Keypress.REPEAT);
        for (String other : new String[]{null, "", "1", "44", "#", "*"}) {
            assertThat(Twiml.Keypress.of(other)).as(String.valueOf(other)).isEqualTo(Twiml.Keypress.UNKNOWN);
        }
        assertThat(Twiml.outcome(TestNotifications.incident(), Twiml.Keypress.ACKNOWLEDGE))
                .isEqualTo("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response><Say>Incident number 42 "
                        + "acknowledged. Goodbye.</Say><Hangup/></Response>");
    }
}
