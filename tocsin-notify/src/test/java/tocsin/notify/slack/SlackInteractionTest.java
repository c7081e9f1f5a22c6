package tocsin.notify.slack;

import org.junit.jupiter.api.Test;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SlackInteractionTest {

    /** A block_actions payload in the shape Slack documents, for a click on our Acknowledge button. */
    static final String PAYLOAD = """
            {"type":"block_actions","user":{"id":"U0CA5","username":"amy","name":"amy","team_id":"T0CA5"},
             "api_app_id":"A0CA5","token":"Shh_its_a_seekrit",
             "container":{"type":"message","message_ts":"1548261231.000200","channel_id":"C0CA5","is_ephemeral":false},
             "trigger_id":"12466734323.1395872398","team":{"id":"T0CA5","domain":"pocket-calculator"},
             "channel":{"id":"C0CA5","name":"general"},
             "response_url":"https://hooks.slack.com/actions/T0CA5/12466734323/abc",
             "actions":[{"action_id":"tocsin_acknowledge","block_id":"tocsin_incident_actions",
               "text":{"type":"plain_text","text":"Acknowledge","emoji":true},"value":"PINC042","style":"primary",
               "type":"button","action_ts":"1548426417.840180"}]}""";

    static String form(String payload) {
        return "payload=" + URLEncoder.encode(payload, StandardCharsets.UTF_8);
    }

    @Test
    void parsesAClickOnAcknowledge() {
        SlackInteraction i = SlackInteraction.parse(form(PAYLOAD));
        assertThat(i.action()).isEqualTo(SlackInteraction.Action.ACKNOWLEDGE);
        assertThat(i.incidentId()).isEqualTo("PINC042");
        assertThat(i.slackUserId()).isEqualTo("U0CA5");
        assertThat(i.slackTeamId()).isEqualTo("T0CA5");
        assertThat(i.message()).contains(new SlackMessageRef("C0CA5", "1548261231.000200"));
        assertThat(i.responseUrl()).contains("https://hooks.slack.com/actions/T0CA5/12466734323/abc");
        assertThat(SlackInteraction.parse(form(PAYLOAD.replace("tocsin_acknowledge", "tocsin_resolve"))).action())
                .isEqualTo(SlackInteraction.Action.RESOLVE);
    }

    @Test
    void badPayloadsAreRefusedNamingTheField() {
        assertThatThrownBy(() -> SlackInteraction.parse("token=x")).hasMessageStartingWith("payload: missing");
        assertThatThrownBy(() -> SlackInteraction.parse(form("{not json"))).hasMessageStartingWith("payload: not JSON");
        assertThatThrownBy(() -> SlackInteraction.parse(form(PAYLOAD.replace("block_actions", "view_submission"))))
                .hasMessageStartingWith("payload.type");
        assertThatThrownBy(() -> SlackInteraction.parse(form(PAYLOAD.replace("tocsin_acknowledge", "other_app"))))
                .hasMessageStartingWith("payload.actions[0].action_id");
        assertThatThrownBy(() -> SlackInteraction.parse(form(PAYLOAD.replace("\"value\":\"PINC042\",", ""))))
                .hasMessageStartingWith("payload.actions[0].value");
        assertThatThrownBy(() -> SlackInteraction.parse(form(PAYLOAD.replace("\"id\":\"U0CA5\",", ""))))
                .hasMessageStartingWith("payload.user.id");
        assertThatThrownBy(() -> SlackInteraction.parse(form("[]"))).hasMessageStartingWith("payload.type");
        assertThatThrownBy(() -> SlackInteraction.parse("payload=" + "x".repeat(SlackInteraction.MAX_BODY)))
                .hasMessageStartingWith("body:");
    }
}
