package tocsin.notify.links;

import org.junit.jupiter.api.Test;
import tocsin.notify.TestNotifications;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LinkSignerTest {

    static final byte[] SECRET = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    static final byte[] OLD = "ffffffffffffffffffffffffffffffff".getBytes(StandardCharsets.US_ASCII);
    static final URI PUBLIC = URI.create("https://tocsin.example.com/");
    static final Instant T0 = Instant.parse("2026-12-05T07:00:00Z");

    /** A clock the test moves. */
    static final class ManualClock implements InstantSource {
        Instant now = T0;

        @Override
        public Instant instant() {
            return now;
        }
    }

    final ManualClock clock = new ManualClock();
    final LinkSigner signer = new LinkSigner(List.of(SECRET), PUBLIC, clock);

    @Test
    void aSignedLinkVerifiesUntilItExpires() {
        URI link = signer.sign(LinkAction.ACKNOWLEDGE, "PINC042", "PUSER01", Duration.ofHours(24));
        assertThat(link.toString()).startsWith("https://tocsin.example.com/l/a.PINC042.PUSER01."
                + T0.plus(Duration.ofHours(24)).getEpochSecond() + ".");
        assertThat(signer.check(link)).isEqualTo(new LinkCheck.Valid(new LinkClaims(LinkAction.ACKNOWLEDGE, "PINC042",
                "PUSER01", T0.plus(Duration.ofHours(24)))));
        clock.now = T0.plus(Duration.ofHours(24)).minusSeconds(1);
        assertThat(signer.check(link)).isInstanceOf(LinkCheck.Valid.class);
        clock.now = T0.plus(Duration.ofHours(24));
        assertThat(reason(signer.check(link))).isEqualTo(LinkCheck.Reason.EXPIRED);
    }

    @Test
    void everyChangedFieldIsTampering() {
        String token = token(signer.sign(LinkAction.ACKNOWLEDGE, "PINC042", "PUSER01", Duration.ofHours(1)));
        String[] f = token.split("\\.");
        assertThat(reason(signer.check("r." + f[1] + "." + f[2] + "." + f[3] + "." + f[4])))
                .as("acknowledge turned into resolve").isEqualTo(LinkCheck.Reason.TAMPERED);
        assertThat(reason(signer.check(f[0] + ".PINC043." + f[2] + "." + f[3] + "." + f[4])))
                .as("other incident").isEqualTo(LinkCheck.Reason.TAMPERED);
        assertThat(reason(signer.check(f[0] + "." + f[1] + ".PADMIN1." + f[3] + "." + f[4])))
                .as("other user").isEqualTo(LinkCheck.Reason.TAMPERED);
        assertThat(reason(signer.check(f[0] + "." + f[1] + "." + f[2] + ".9999999999." + f[4])))
                .as("extended expiry").isEqualTo(LinkCheck.Reason.TAMPERED);
        char last = f[4].charAt(f[4].length() - 1);
        String flipped = f[4].substring(0, f[4].length() - 1) + (last == 'A' ? 'B' : 'A');
        assertThat(reason(signer.check(f[0] + "." + f[1] + "." + f[2] + "." + f[3] + "." + flipped)))
                .as("changed mac").isEqualTo(LinkCheck.Reason.TAMPERED);
        LinkSigner otherServer = new LinkSigner(List.of(OLD), PUBLIC, clock);
        assertThat(reason(otherServer.check(token))).as("other secret").isEqualTo(LinkCheck.Reason.TAMPERED);
    }

    @Test
    void anExpiredForgeryIsReportedAsTampered() {
        String token = token(signer.sign(LinkAction.RESOLVE, "PINC042", "PUSER01", Duration.ofMinutes(1)));
        clock.now = T0.plus(Duration.ofDays(2));
        assertThat(reason(signer.check(token.replace("PINC042", "PINC099")))).isEqualTo(LinkCheck.Reason.TAMPERED);
        assertThat(reason(signer.check(token))).isEqualTo(LinkCheck.Reason.EXPIRED);
    }

    @Test
    void anAuthenticLinkForAnUnknownActionIsRefusedAsSuch() {
        // as a newer server would sign an action this one does not know
        String token = token(signer.sign(LinkAction.ACKNOWLEDGE, "PINC042", "PUSER01", Duration.ofHours(1)));
        String[] f = token.split("\\.");
        String forged = "z." + f[1] + "." + f[2] + "." + f[3];
        // recompute the MAC the way the signer does, for action z
        var mac = new LinkSigner(List.of(SECRET), PUBLIC, clock);
        assertThat(reason(mac.check(forged + "." + f[4]))).isEqualTo(LinkCheck.Reason.TAMPERED);
        assertThat(reason(mac.check(forged + "." + macFor("z", f[1], f[2], f[3])))).isEqualTo(
                LinkCheck.Reason.UNKNOWN_ACTION);
    }

    static String macFor(String action, String incident, String user, String expiry) {
        try {
            var m = javax.crypto.Mac.getInstance("HmacSHA256");
            m.init(new javax.crypto.spec.SecretKeySpec(SECRET, "HmacSHA256"));
            byte[] d = m.doFinal(("tocsin-link-v1\n" + action + "\n" + incident + "\n" + user + "\n" + expiry)
                    .getBytes(StandardCharsets.UTF_8));
            return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(d);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void malformedLinksAreRefused() {
        for (String bad : new String[]{"", "a", "a.PINC042.PUSER01.123", "a.PINC042.PUSER01.abc.x",
                "a.PINC042.PUSER01.123." + "x".repeat(42), "a.PINC 42.PUSER01.123." + "x".repeat(43),
                "a.P/../x.PUSER01.123." + "x".repeat(43), "x".repeat(300)}) {
            assertThat(reason(signer.check(bad))).as(bad).isEqualTo(LinkCheck.Reason.MALFORMED);
        }
        assertThat(reason(signer.check((String) null))).isEqualTo(LinkCheck.Reason.MALFORMED);
        URI foreign = URI.create("https://evil.example.com/l/" + token(signer.sign(LinkAction.ACKNOWLEDGE, "PINC042",
                "PUSER01", Duration.ofHours(1))));
        assertThat(reason(signer.check(foreign))).as("another host").isEqualTo(LinkCheck.Reason.MALFORMED);
    }

    @Test
    void rotatedSecretsStillVerifyOldLinks() {
        LinkSigner before = new LinkSigner(List.of(OLD), PUBLIC, clock);
        URI old = before.sign(LinkAction.ACKNOWLEDGE, "PINC042", "PUSER01", Duration.ofHours(1));
        LinkSigner after = new LinkSigner(List.of(SECRET, OLD), PUBLIC, clock);
        assertThat(after.check(old)).isInstanceOf(LinkCheck.Valid.class);
        URI fresh = after.sign(LinkAction.ACKNOWLEDGE, "PINC042", "PUSER01", Duration.ofHours(1));
        assertThat(token(fresh)).isNotEqualTo(token(old));
        assertThat(signer.check(fresh)).isInstanceOf(LinkCheck.Valid.class);
    }

    @Test
    void badConfigurationAndArgumentsAreRefused() {
        assertThatThrownBy(() -> new LinkSigner(List.of(), PUBLIC, clock)).hasMessageContaining("at least one");
        assertThatThrownBy(() -> new LinkSigner(List.of(new byte[16]), PUBLIC, clock)).hasMessageContaining("32");
        assertThatThrownBy(() -> new LinkSigner(List.of(SECRET), URI.create("/relative"), clock))
                .hasMessageContaining("publicUrl");
        assertThatThrownBy(() -> signer.sign(LinkAction.ACKNOWLEDGE, "P.1", "PUSER01", Duration.ofHours(1)))
                .hasMessageContaining("incidentId");
        assertThatThrownBy(() -> signer.sign(LinkAction.ACKNOWLEDGE, "PINC042", "PUSER01", Duration.ZERO))
                .hasMessageContaining("ttl");
    }

    @Test
    void confirmationPageShowsAFormThatPostsAndEscapes() {
        URI link = signer.sign(LinkAction.ACKNOWLEDGE, "PINC042", "PUSER01", Duration.ofHours(1));
        var claims = ((LinkCheck.Valid) signer.check(link)).claims();
        var incident = TestNotifications.withTitle(TestNotifications.page(tocsin.notify.Target.of(
                tocsin.notify.Target.Kind.EMAIL, "a@example.com")), "<script>x</script>").incident();
        String page = ConfirmationPage.confirm(claims, incident, link,
                URI.create("https://tocsin.example.com/incidents/PINC042"));
        assertThat(page).contains("<form method=\"post\" action=\"" + link + "\">",
                "<button type=\"submit\">Acknowledge incident #42</button>", "noindex", "no-referrer",
                "&lt;script&gt;x&lt;/script&gt;").doesNotContain("<script>");
        assertThat(page.toLowerCase()).doesNotContain("<script", "http-equiv=\"refresh\"");
    }

    @Test
    void refusalPagesSayWhyWithAFittingStatus() {
        clock.now = T0;
        URI link = signer.sign(LinkAction.ACKNOWLEDGE, "PINC042", "PUSER01", Duration.ofMinutes(5));
        clock.now = T0.plus(Duration.ofHours(1));
        LinkCheck.Refused refused = (LinkCheck.Refused) signer.check(link);
        assertThat(ConfirmationPage.refused(refused)).contains("This link has expired");
        assertThat(ConfirmationPage.status(LinkCheck.Reason.EXPIRED)).isEqualTo(410);
        assertThat(ConfirmationPage.status(LinkCheck.Reason.TAMPERED)).isEqualTo(403);
        assertThat(ConfirmationPage.status(LinkCheck.Reason.MALFORMED)).isEqualTo(404);
        assertThat(ConfirmationPage.outcome("Acknowledged", TestNotifications.incident(),
                URI.create("https://tocsin.example.com/incidents/PINC042"))).contains("<h1>Acknowledged</h1>");
    }

    static String token(URI link) {
        return link.toString().substring((PUBLIC + "l/").length());
    }

    static LinkCheck.Reason reason(LinkCheck check) {
        assertThat(check).isInstanceOf(LinkCheck.Refused.class);
        return ((LinkCheck.Refused) check).reason();
    }
}
