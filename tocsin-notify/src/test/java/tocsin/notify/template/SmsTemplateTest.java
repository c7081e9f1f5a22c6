package tocsin.notify.template;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;
import tocsin.notify.IncidentSnapshot;
import tocsin.notify.Notification;
import tocsin.notify.Target;
import tocsin.notify.TestNotifications;

import static org.assertj.core.api.Assertions.assertThat;

class SmsTemplateTest {

    static Notification sms() {
        return TestNotifications.page(Target.of(Target.Kind.SMS, "+15557654321"));
    }

    @Test
    void aPageFitsOneGsmSegmentWithLinkValueAndReplyCodes() {
        SmsTemplate.Sms s = SmsTemplate.render(sms());
        assertThat(s.text()).isEqualTo("Tocsin #42 HIGH checkout-api: Error rate above 5% on checkout (value 5.2 %) "
                + "https://tocsin.example.com/incidents/PINC042 Reply 4 42 to ack, 6 42 to resolve");
        assertThat(s.unicode()).isFalse();
        assertThat(s.segments()).isEqualTo(1);
        assertThat(Gsm7.septets(s.text())).isLessThanOrEqualTo(160);
    }

    @Test
    void aLongTitleIsCutNeverTheLinkOrTheCodes() {
        SmsTemplate.Sms s = SmsTemplate.render(TestNotifications.withTitle(sms(), "Disk usage above 95% on "
                + "/var/lib/postgresql on db-primary-eu-west-1a, db-replica-eu-west-1b and db-replica-eu-west-1c"));
        assertThat(s.segments()).isEqualTo(1);
        assertThat(Gsm7.septets(s.text())).isLessThanOrEqualTo(160);
        assertThat(s.text()).contains("Disk usage above 95%", "...", "(value 5.2 %)",
                "https://tocsin.example.com/incidents/PINC042", "Reply 4 42 to ack, 6 42 to resolve");
    }

    @Test
    void typographicCharactersAreMadeGsmRatherThanHalvingTheMessage() {
        SmsTemplate.Sms s = SmsTemplate.render(TestNotifications.withTitle(sms(), "“Checkout” – latency… high"));
        assertThat(s.unicode()).isFalse();
        assertThat(s.text()).contains("\"Checkout\" - latency... high");
    }

    @Test
    void textGsmCannotCarryGoesUcs2AndMayTakeTwoSegments() {
        SmsTemplate.Sms s = SmsTemplate.render(TestNotifications.withTitle(sms(), "決済APIのエラー率が5%を超えました"
                + "（本番環境、東京リージョン）"));
        assertThat(s.unicode()).isTrue();
        assertThat(s.text()).contains("決済API", "https://tocsin.example.com/incidents/PINC042", "Reply 4 42");
        assertThat(s.segments()).isLessThanOrEqualTo(3);
    }

    @Test
    void extensionCharactersCountDouble() {
        assertThat(Gsm7.septets("a{b}")).isEqualTo(6);
        assertThat(Gsm7.encodable("€[]")).isTrue();
        assertThat(Gsm7.encodable("ç")).isFalse();
        assertThat(Gsm7.encodable("Ç")).isTrue();
        assertThat(Gsm7.encodable("\u001B")).isFalse();
    }

    @Test
    void cuttingNeverSplitsSurrogatePairs() {
        String cut = SmsTemplate.cut("😀😀😀😀😀", 6, true);
        assertThat(cut).isEqualTo("😀😀…");
        assertThat(Character.isHighSurrogate(cut.charAt(cut.length() - 2))).isFalse();
    }

    @Test
    void acknowledgedAndResolvedNotificationsSayWhatHappened() {
        Notification acked = TestNotifications.withEvent(sms(), Notification.Event.ACKNOWLEDGED,
                IncidentSnapshot.Status.ACKNOWLEDGED);
        assertThat(SmsTemplate.render(acked).text()).startsWith("Tocsin #42 ACKNOWLEDGED checkout-api:")
                .endsWith("Reply 6 42 to resolve");
        Notification resolved = TestNotifications.withEvent(sms(), Notification.Event.RESOLVED,
                IncidentSnapshot.Status.RESOLVED);
        assertThat(SmsTemplate.render(resolved).text()).startsWith("Tocsin #42 RESOLVED").doesNotContain("Reply");
    }

    @Property(tries = 300)
    void anyTitleKeepsTheLinkAndCodesInOneGsmOrThreeUcs2Segments(@ForAll @StringLength(max = 400) String title) {
        SmsTemplate.Sms s = SmsTemplate.render(TestNotifications.withTitle(sms(), title));
        assertThat(s.text()).contains("https://tocsin.example.com/incidents/PINC042",
                "Reply 4 42 to ack, 6 42 to resolve");
        assertThat(s.segments()).isLessThanOrEqualTo(s.unicode() ? 3 : 1);
    }
}
