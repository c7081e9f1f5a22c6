package tocsin.notify.twilio;

import org.junit.jupiter.api.Test;

import java.util.Optional;
import java.util.OptionalLong;

import static org.assertj.core.api.Assertions.assertThat;

class SmsReplyTest {

    @Test
    void repliesFromTheSmsTemplateAreUnderstood() {
        assertThat(SmsReply.parse("4 42")).contains(new SmsReply(SmsReply.Action.ACKNOWLEDGE, OptionalLong.of(42)));
        assertThat(SmsReply.parse("6 42")).contains(new SmsReply(SmsReply.Action.RESOLVE, OptionalLong.of(42)));
        assertThat(SmsReply.parse(" 4 #42 ")).contains(new SmsReply(SmsReply.Action.ACKNOWLEDGE, OptionalLong.of(42)));
        assertThat(SmsReply.parse("4")).contains(new SmsReply(SmsReply.Action.ACKNOWLEDGE, OptionalLong.empty()));
        assertThat(SmsReply.parse("ACK 7.")).contains(new SmsReply(SmsReply.Action.ACKNOWLEDGE, OptionalLong.of(7)));
        assertThat(SmsReply.parse("Resolve 7")).contains(new SmsReply(SmsReply.Action.RESOLVE, OptionalLong.of(7)));
        assertThat(SmsReply.parse("442")).as("no space is still action 4, incident 42")
                .contains(new SmsReply(SmsReply.Action.ACKNOWLEDGE, OptionalLong.of(42)));
    }

    @Test
    void anythingElseIsNotAReply() {
        for (String other : new String[]{null, "", "5 42", "yes", "4 42 please", "4 0", "STOP", "4 -1",
                "4 " + "9".repeat(13), "4".repeat(200)}) {
            assertThat(SmsReply.parse(other)).as(String.valueOf(other)).isEqualTo(Optional.empty());
        }
        assertThat(Twiml.message(SmsReply.help())).isEqualTo("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response>"
                + "<Message>Tocsin: reply 4 &lt;incident number&gt; to acknowledge, 6 &lt;incident number&gt; to "
                + "resolve.</Message></Response>");
    }
}
