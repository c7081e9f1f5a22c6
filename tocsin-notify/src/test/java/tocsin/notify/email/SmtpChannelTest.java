package tocsin.notify.email;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.Multipart;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tocsin.notify.Delivery;
import tocsin.notify.Notice;
import tocsin.notify.DeliveryException;
import tocsin.notify.IdempotencyKey;
import tocsin.notify.Notification;
import tocsin.notify.PermanentDeliveryException;
import tocsin.notify.RetryableDeliveryException;
import tocsin.notify.Target;
import tocsin.notify.TestNotifications;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SmtpChannelTest {

    @RegisterExtension
    static final GreenMailExtension GREENMAIL = new GreenMailExtension(
            new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP).dynamicPort())
            .withConfiguration(GreenMailConfiguration.aConfig().withUser("pager@example.com", "pager", "s3cret"))
            .withPerMethodLifecycle(true);

    private static final InstantSource CLOCK = InstantSource.fixed(TestNotifications.OCCURRED);

    private static SmtpChannel channel(int port, String user, String password) {
        return new SmtpChannel(new SmtpSettings("127.0.0.1", port, false, false, user, password,
                "Tocsin <pager@example.com>", Duration.ofSeconds(3)), CLOCK);
    }

    private static SmtpChannel greenmail(String password) {
        return channel(GREENMAIL.getSmtp().getPort(), "pager", password);
    }

    private static Notification toAlice() {
        return TestNotifications.page(Target.of(Target.Kind.EMAIL, "alice@example.com"));
    }

    @Test
    void deliversMultipartAlternativeWithStableMessageIdAndThreadHeaders() throws Exception {
        SmtpChannel channel = greenmail("s3cret");
        Delivery delivery = channel.send(toAlice());

        MimeMessage[] received = GREENMAIL.getReceivedMessages();
        assertThat(received).hasSize(1);
        MimeMessage m = received[0];
        assertThat(m.getSubject()).isEqualTo("[Tocsin] Triggered: #42 Error rate above 5% on checkout (checkout-api)");
        assertThat(m.getHeader("From", null)).isEqualTo("Tocsin <pager@example.com>");
        assertThat(m.getHeader("To", null)).isEqualTo("alice@example.com");
        String messageId = m.getMessageID();
        assertThat(messageId).isEqualTo(channel.messageId(toAlice().key())).matches("<n-[0-9a-f]{32}@example\\.com>");
        assertThat(delivery.providerMessageId()).isEqualTo(messageId);
        assertThat(delivery.detail()).startsWith("250");
        assertThat(m.getHeader("In-Reply-To", null)).isEqualTo("<incident-PINC042@example.com>");
        assertThat(m.getHeader("References", null)).isEqualTo("<incident-PINC042@example.com>");
        assertThat(m.getHeader("Auto-Submitted", null)).isEqualTo("auto-generated");

        assertThat(m.getContentType()).startsWith("multipart/alternative");
        Multipart parts = (Multipart) m.getContent();
        assertThat(parts.getCount()).isEqualTo(2);
        assertThat(parts.getBodyPart(0).getContentType()).startsWith("text/plain").contains("UTF-8");
        assertThat(parts.getBodyPart(1).getContentType()).startsWith("text/html").contains("UTF-8");
        String text = (String) parts.getBodyPart(0).getContent();
        String html = (String) parts.getBodyPart(1).getContent();
        assertThat(text).contains("https://tocsin.example.com/incidents/PINC042", "checkout-api", "5.2 %",
                "Acknowledge:", "https://tocsin.example.com/l/a.PINC042.PUSER01.1796000000.sig");
        assertThat(html).contains("href=\"https://tocsin.example.com/l/a.PINC042.PUSER01.1796000000.sig\"",
                ">Acknowledge</a>", ">Resolve</a>", "5.2 %");
    }

    @Test
    void aNoticeIsMailedWithAMessageIdFromItsKeySoAResendIsTheSameMail() throws Exception {
        SmtpChannel channel = greenmail("s3cret");
        Notice notice = new Notice("digest/PUSER01/PCM01/D1,D2", Target.of(Target.Kind.EMAIL, "alice@example.com"),
                "[Tocsin] 2 incidents held back: checkout", "#42 high checkout: <b>down</b>\n", "short", "spoken");
        Delivery first = channel.sendNotice(notice);
        Delivery again = channel.sendNotice(notice);

        assertThat(first.providerMessageId()).isEqualTo(again.providerMessageId())
                .isEqualTo(channel.messageId(notice)).matches("<notice-[0-9a-f]{32}@example\\.com>");
        MimeMessage m = GREENMAIL.getReceivedMessages()[0];
        assertThat(m.getMessageID()).isEqualTo(first.providerMessageId());
        assertThat(m.getSubject()).isEqualTo("[Tocsin] 2 incidents held back: checkout");
        assertThat(m.getHeader("Auto-Submitted", null)).isEqualTo("auto-generated");
        Multipart parts = (Multipart) m.getContent();
        assertThat((String) parts.getBodyPart(0).getContent())
                .isEqualToNormalizingNewlines("#42 high checkout: <b>down</b>\n");
        assertThat((String) parts.getBodyPart(1).getContent()).contains("#42 high checkout: &lt;b&gt;down&lt;/b&gt;");
        assertThat(channel.messageId(new Notice("digest/PUSER01/PCM01/D1,D3", notice.target(), "s", "t", "s", "s")))
                .as("another set of deliveries is another mail").isNotEqualTo(first.providerMessageId());
    }

    @Test
    void aRetryCarriesTheSameMessageIdAndAnotherStepAnother() throws Exception {
        SmtpChannel channel = greenmail("s3cret");
        Notification n = toAlice();
        channel.send(n);
        channel.send(n);
        Notification nextStep = new Notification(new IdempotencyKey("PINC042", 1, "PUSER01", "PCM0001"),
                n.target(), Notification.Event.ESCALATED, n.incident(), n.links(), n.occurredAt(), n.supersedes());
        channel.send(nextStep);
        MimeMessage[] received = GREENMAIL.getReceivedMessages();
        assertThat(received).hasSize(3);
        assertThat(received[0].getMessageID()).isEqualTo(received[1].getMessageID());
        assertThat(received[2].getMessageID()).isNotEqualTo(received[0].getMessageID());
        assertThat(received[2].getHeader("References", null)).isEqualTo(received[0].getHeader("References", null));
    }

    @Test
    void userTextIsEscapedInTheHtmlPart() throws Exception {
        greenmail("s3cret").send(TestNotifications.withTitle(toAlice(), "<script>alert(1)</script> & \"x\""));
        Multipart parts = (Multipart) GREENMAIL.getReceivedMessages()[0].getContent();
        String html = (String) parts.getBodyPart(1).getContent();
        assertThat(html).doesNotContain("<script>").contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;x&quot;");
    }

    @Test
    void rejectedCredentialsArePermanent() {
        assertThatThrownBy(() -> greenmail("wrong").send(toAlice()))
                .isInstanceOfSatisfying(PermanentDeliveryException.class,
                        e -> assertThat(e.reason()).isEqualTo("smtp_auth"));
        assertThat(GREENMAIL.getReceivedMessages()).isEmpty();
    }

    @Test
    void anUnreachableServerIsRetryable() throws IOException {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        assertThatThrownBy(() -> channel(closedPort, null, null).send(toAlice()))
                .isInstanceOfSatisfying(RetryableDeliveryException.class,
                        e -> assertThat(e.reason()).isEqualTo("connection_refused"));
    }

    @Test
    void aServerThatNeverAnswersTimesOutRetryably() throws IOException {
        try (ServerSocket silent = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            SmtpChannel channel = new SmtpChannel(new SmtpSettings("127.0.0.1", silent.getLocalPort(), false, false,
                    null, null, "pager@example.com", Duration.ofMillis(300)), CLOCK);
            assertThatThrownBy(() -> channel.send(toAlice()))
                    .isInstanceOfSatisfying(RetryableDeliveryException.class,
                            e -> assertThat(e.reason()).isEqualTo("timeout"));
        }
    }

    @Test
    void anInvalidAddressIsPermanentWithoutConnecting() {
        SmtpChannel channel = channel(1, null, null);
        for (String bad : new String[]{"not an address", "alice@", "<alice@example.com", "a@b@c"}) {
            Notification n = TestNotifications.page(Target.of(Target.Kind.EMAIL, bad));
            assertThatThrownBy(() -> channel.send(n)).as(bad)
                    .isInstanceOfSatisfying(PermanentDeliveryException.class,
                            e -> assertThat(e.reason()).isEqualTo("invalid_address"));
        }
    }

    @Test
    void smtpRepliesAreClassifiedByClass() throws Exception {
        assertReply(Map.of("RCPT", "451 4.3.0 Mailbox temporarily unavailable"), RetryableDeliveryException.class,
                "smtp_451");
        assertReply(Map.of("RCPT", "550 5.1.1 No such user"), PermanentDeliveryException.class, "smtp_550");
        assertReply(Map.of("MAIL", "452 4.3.1 Insufficient system storage"), RetryableDeliveryException.class,
                "smtp_452");
        assertReply(Map.of("DATA-END", "554 5.7.1 Message rejected as spam"), PermanentDeliveryException.class,
                "smtp_554");
        assertReply(Map.of("DATA-END", "421 4.7.0 Try again later, closing connection"),
                RetryableDeliveryException.class, "smtp_421");
    }

    @Test
    void theScriptedServerAcceptsByDefault() throws Exception {
        try (var server = new ScriptedSmtpServer(Map.of())) {
            Delivery d = channel(server.port(), null, null).send(toAlice());
            assertThat(d.detail()).isEqualTo("250 2.0.0 queued as SCRIPTED1");
        }
    }

    private static void assertReply(Map<String, String> script, Class<? extends DeliveryException> type,
                                    String reason) throws IOException {
        try (var server = new ScriptedSmtpServer(script)) {
            assertThatThrownBy(() -> channel(server.port(), null, null).send(toAlice())).as(script.toString())
                    .isInstanceOfSatisfying(type, e -> assertThat(e.reason()).isEqualTo(reason));
        }
    }

    @Test
    void starttlsIsRequiredWhenConfigured() throws Exception {
        // GreenMail's plain SMTP does not offer STARTTLS: a channel that requires it must not fall back to clear text
        SmtpChannel channel = new SmtpChannel(new SmtpSettings("127.0.0.1", GREENMAIL.getSmtp().getPort(), true,
                false, "pager", "s3cret", "pager@example.com", Duration.ofSeconds(3)), CLOCK);
        assertThatThrownBy(() -> channel.send(toAlice()))
                .isInstanceOfSatisfying(PermanentDeliveryException.class,
                        e -> assertThat(e.reason()).isEqualTo("starttls_unavailable"));
        assertThat(GREENMAIL.getReceivedMessages()).isEmpty();
    }

    @Test
    void aServerWhoseCertificateIsNotTrustedIsRefusedPermanently() throws Exception {
        // GreenMail's SMTPS presents a self-signed certificate: implicit TLS must verify it and refuse, not send
        var smtps = new com.icegreen.greenmail.util.GreenMail(
                new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTPS).dynamicPort());
        smtps.start();
        try {
            SmtpChannel channel = new SmtpChannel(new SmtpSettings("127.0.0.1", smtps.getSmtps().getPort(), false,
                    true, null, null, "pager@example.com", Duration.ofSeconds(3)), CLOCK);
            assertThatThrownBy(() -> channel.send(toAlice()))
                    .isInstanceOfSatisfying(PermanentDeliveryException.class,
                            e -> assertThat(e.reason()).isEqualTo("tls_error"));
            assertThat(smtps.getReceivedMessages()).isEmpty();
        } finally {
            smtps.stop();
        }
    }

    @Test
    void aTargetOfAnotherKindIsAProgrammingError() {
        Notification sms = TestNotifications.page(Target.of(Target.Kind.SMS, "+15550001111"));
        assertThatThrownBy(() -> greenmail("s3cret").send(sms)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void settingsRejectContradictions() {
        assertThatThrownBy(() -> new SmtpSettings("h", 587, true, true, null, null, "a@b.c", Duration.ofSeconds(1)))
                .hasMessageContaining("starttls");
        assertThatThrownBy(() -> new SmtpSettings("h", 587, true, false, "u", null, "a@b.c", Duration.ofSeconds(1)))
                .hasMessageContaining("username and password");
        assertThatThrownBy(() -> new SmtpChannel(new SmtpSettings("h", 25, false, false, null, null,
                "not an address", Duration.ofSeconds(1)), CLOCK)).hasMessageContaining("from");
        assertThat(new SmtpSettings("h", 587, true, false, "u", "p", "a@b.c", Duration.ofSeconds(1)).toString())
                .doesNotContain("=p,").contains("password=***");
    }

    @Test
    void tlsPropertiesAreSetAsConfigured() {
        var starttls = SmtpChannel.properties(new SmtpSettings("h", 587, true, false, "u", "p", "a@b.c",
                Duration.ofSeconds(7)), "a@b.c");
        assertThat(starttls).containsEntry("mail.smtp.starttls.required", "true")
                .containsEntry("mail.smtp.ssl.checkserveridentity", "true")
                .containsEntry("mail.smtp.auth", "true").containsEntry("mail.smtp.timeout", "7000")
                .doesNotContainKey("mail.smtp.ssl.enable");
        var tls = SmtpChannel.properties(new SmtpSettings("h", 465, false, true, null, null, "a@b.c",
                Duration.ofSeconds(7)), "a@b.c");
        assertThat(tls).containsEntry("mail.smtp.ssl.enable", "true").containsEntry("mail.smtp.auth", "false")
                .doesNotContainKey("mail.smtp.starttls.enable");
    }
}
