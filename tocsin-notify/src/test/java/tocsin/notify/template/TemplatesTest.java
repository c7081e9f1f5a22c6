package tocsin.notify.template;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import tocsin.notify.IncidentSnapshot;
import tocsin.notify.Notification;
import tocsin.notify.Target;
import tocsin.notify.TestNotifications;

import static org.assertj.core.api.Assertions.assertThat;

class TemplatesTest {

    static Notification page() {
        return TestNotifications.page(Target.of(Target.Kind.EMAIL, "alice@example.com"));
    }

    @Test
    void emailCarriesLinkSummaryServiceUrgencyAndValue() {
        EmailTemplate.Email e = EmailTemplate.render(page());
        assertThat(e.subject()).isEqualTo("[Tocsin] Triggered: #42 Error rate above 5% on checkout (checkout-api)");
        assertThat(e.text()).contains("Service:  checkout-api", "Urgency:  High", "Value:    5.2 %",
                "The 5-minute error rate", "Open incident: https://tocsin.example.com/incidents/PINC042",
                "Acknowledge:", "Resolve:");
        assertThat(e.html()).contains("<a href=\"https://tocsin.example.com/incidents/PINC042\"",
                ">checkout-api<", ">High<", ">5.2 %<", "The 5-minute error rate");
    }

    @Test
    void resolvedMailOffersNoActions() {
        EmailTemplate.Email e = EmailTemplate.render(TestNotifications.withEvent(page(), Notification.Event.RESOLVED,
                IncidentSnapshot.Status.RESOLVED));
        assertThat(e.subject()).startsWith("[Tocsin] Resolved: #42");
        assertThat(e.html()).doesNotContain(">Acknowledge<", ">Resolve<");
        assertThat(e.text()).doesNotContain("Acknowledge:");
    }

    @Test
    void subjectsAreOneLineAndBounded() {
        String s = EmailTemplate.subject(TestNotifications.withTitle(page(), "line one\r\nBcc: victim@example.com "
                + "x".repeat(500)));
        assertThat(s).doesNotContain("\n", "\r").hasSizeLessThanOrEqualTo(EmailTemplate.MAX_SUBJECT);
    }

    @Test
    void htmlEscapesEveryUserString() {
        IncidentSnapshot i = TestNotifications.incident();
        Notification hostile = TestNotifications.withIncident(page(), new IncidentSnapshot(i.id(), i.number(),
                "<img src=x onerror=alert(1)>", "<b>bold</b>", i.serviceId(), "svc\"><script>", i.urgency(),
                i.status(), java.util.Optional.of("<i>5</i>"), i.createdAt()));
        String html = EmailTemplate.render(hostile).html();
        assertThat(html).doesNotContain("<img", "<b>", "<script>", "<i>")
                .contains("&lt;img src=x onerror=alert(1)&gt;", "svc&quot;&gt;&lt;script&gt;");
    }

    @Test
    void slackMessageFollowsBlockKitLimits() {
        JsonNode msg = SlackBlocks.message(TestNotifications.withTitle(page(), "t".repeat(500)));
        assertThat(msg.path("blocks").get(0).path("text").path("text").asText()).hasSizeLessThanOrEqualTo(150);
        assertThat(msg.path("blocks").get(0).path("text").path("type").asText()).isEqualTo("plain_text");
        assertThat(msg.path("blocks").get(1).path("fields")).hasSize(4);
    }

    @Test
    void voiceScriptHasNoLinksAndEndsSentences() {
        String a = VoiceScript.announcement(page());
        assertThat(a).doesNotContain("http").endsWith("The value is 5.2 %.");
        assertThat(VoiceScript.prompt(IncidentSnapshot.Status.RESOLVED)).isEmpty();
    }
}
