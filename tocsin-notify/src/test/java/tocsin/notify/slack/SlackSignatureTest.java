package tocsin.notify.slack;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.InstantSource;

import static org.assertj.core.api.Assertions.assertThat;

class SlackSignatureTest {

    /** Slack's worked example in "Verifying requests from Slack". */
    static final String SECRET = "8f742231b10e8888abcd99yyyzzz85a5";
    static final String TIMESTAMP = "1531420618";
    static final byte[] BODY = ("token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow"
            + "&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner"
            + "&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J"
            + "%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN"
            + "&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c").getBytes(StandardCharsets.UTF_8);
    static final String SIGNATURE = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503";

    static SlackSignature at(long epochSecond) {
        return new SlackSignature(SECRET, InstantSource.fixed(Instant.ofEpochSecond(epochSecond)));
    }

    @Test
    void slacksDocumentedExampleVerifies() {
        SlackSignature s = at(1531420618L + 30);
        assertThat(s.sign(TIMESTAMP, BODY)).isEqualTo(SIGNATURE);
        assertThat(s.verify(TIMESTAMP, BODY, SIGNATURE)).isEqualTo(SlackSignature.Result.VALID);
    }

    @Test
    void timestampsMoreThanFiveMinutesAwayAreStaleEitherWay() {
        assertThat(at(1531420618L + 300).verify(TIMESTAMP, BODY, SIGNATURE)).isEqualTo(SlackSignature.Result.VALID);
        assertThat(at(1531420618L + 301).verify(TIMESTAMP, BODY, SIGNATURE)).isEqualTo(SlackSignature.Result.STALE);
        assertThat(at(1531420618L - 301).verify(TIMESTAMP, BODY, SIGNATURE)).isEqualTo(SlackSignature.Result.STALE);
    }

    @Test
    void forgeriesAndReplaysWithANewTimestampAreInvalid() {
        SlackSignature s = at(1531420618L);
        byte[] changed = BODY.clone();
        changed[6] = 'X';
        assertThat(s.verify(TIMESTAMP, changed, SIGNATURE)).isEqualTo(SlackSignature.Result.INVALID);
        // a replay that refreshes the timestamp to get past the window no longer matches the signature
        assertThat(s.verify("1531420619", BODY, SIGNATURE)).isEqualTo(SlackSignature.Result.INVALID);
        assertThat(s.verify(TIMESTAMP, BODY, SIGNATURE.toUpperCase())).isEqualTo(SlackSignature.Result.INVALID);
        assertThat(s.verify(TIMESTAMP, BODY, "v1=" + SIGNATURE.substring(3))).isEqualTo(SlackSignature.Result.INVALID);
        assertThat(new SlackSignature("other-secret", InstantSource.fixed(Instant.ofEpochSecond(1531420618L)))
                .verify(TIMESTAMP, BODY, SIGNATURE)).isEqualTo(SlackSignature.Result.INVALID);
    }

    @Test
    void malformedHeadersAreRefused() {
        SlackSignature s = at(1531420618L);
        assertThat(s.verify(null, BODY, SIGNATURE)).isEqualTo(SlackSignature.Result.MISSING);
        assertThat(s.verify(TIMESTAMP, BODY, null)).isEqualTo(SlackSignature.Result.MISSING);
        assertThat(s.verify("", BODY, SIGNATURE)).isEqualTo(SlackSignature.Result.INVALID);
        assertThat(s.verify("15314206l8", BODY, SIGNATURE)).isEqualTo(SlackSignature.Result.INVALID);
        assertThat(s.verify("99999999999999999999", BODY, SIGNATURE)).isEqualTo(SlackSignature.Result.INVALID);
        assertThat(s.verify("-1531420618", BODY, SIGNATURE)).isEqualTo(SlackSignature.Result.STALE);
    }
}
