package tocsin.notify.template;

import org.junit.jupiter.api.Test;
import tocsin.notify.IncidentSnapshot;
import tocsin.notify.Notification;
import tocsin.notify.Target;
import tocsin.notify.TestNotifications;

import java.util.SplittableRandom;

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
    void aMonitorIncidentCarriesTheValueThatCrossedTheThresholdInOneSegment() {
        IncidentSnapshot i = sms().incident();
        String details = "{\"monitor_id\":\"7\",\"group\":\"env:prod\",\"status\":\"Alert\","
                + "\"value\":\"3.5000000000000004\",\"message\":\"Checkout is slow\"}";
        IncidentSnapshot monitor = new IncidentSnapshot(i.id(), 1042, "[Alert] Checkout latency", i.summary(),
                i.serviceId(), "Checkout", IncidentSnapshot.Urgency.HIGH, i.status(), TriggeringValue.of(details),
                i.createdAt());
        SmsTemplate.Sms s = SmsTemplate.render(TestNotifications.withIncident(sms(), monitor));
        assertThat(s.text()).isEqualTo("Tocsin #1042 HIGH Checkout: [Alert] Checkout latency (value 3.5) "
                + "https://tocsin.example.com/incidents/PINC042 Reply 4 1042 to ack, 6 1042 to resolve");
        assertThat(s.segments()).isEqualTo(1);
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

    /** Characters from every class the template treats differently: GSM basic and extension, typographic, CJK,
     *  astral (surrogate pairs), controls and whitespace. */
    static final String ALPHABET = "aZ09 %@£$¥èÇ_ΔΩ{}[]~^|\\€“”‘’–—…\u00A0\t\n\r\u0000\u001B決済😀🚨ç";

    @Test
    void anyTitleKeepsTheLinkAndCodesInOneGsmOrThreeUcs2Segments() {
        long seed = 20261205L;
        SplittableRandom random = new SplittableRandom(seed);
        int[] everything = ALPHABET.codePoints().toArray();
        int[] gsm = ALPHABET.codePoints().filter(c -> c < 0x10000 && Gsm7.septets((char) c) > 0).toArray();
        for (int run = 0; run < 600; run++) {
            int[] codePoints = run % 2 == 0 ? everything : gsm;
            StringBuilder title = new StringBuilder();
            int length = random.nextInt(400);
            for (int i = 0; i < length; i++) {
                title.appendCodePoint(codePoints[random.nextInt(codePoints.length)]);
            }
            SmsTemplate.Sms s = SmsTemplate.render(TestNotifications.withTitle(sms(), title.toString()));
            assertThat(s.text()).as("seed %d run %d", seed, run).contains(
                    "https://tocsin.example.com/incidents/PINC042", "Reply 4 42 to ack, 6 42 to resolve");
            assertThat(s.segments()).as("seed %d run %d", seed, run).isLessThanOrEqualTo(s.unicode() ? 3 : 1);
        }
    }
}
