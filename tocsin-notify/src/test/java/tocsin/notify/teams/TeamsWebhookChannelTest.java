package tocsin.notify.teams;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tocsin.notify.Delivery;
import tocsin.notify.IncidentSnapshot;
import tocsin.notify.Notification;
import tocsin.notify.PermanentDeliveryException;
import tocsin.notify.RetryableDeliveryException;
import tocsin.notify.Target;
import tocsin.notify.TestNotifications;
import tocsin.notify.http.HttpSink;
import tocsin.notify.http.HttpSink.Response;

import java.time.Duration;
import java.time.InstantSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TeamsWebhookChannelTest {

    final HttpSink teams = new HttpSink();
    final TeamsWebhookChannel channel = new TeamsWebhookChannel(Duration.ofSeconds(5),
            InstantSource.fixed(TestNotifications.OCCURRED));

    @AfterEach
    void close() {
        teams.close();
    }

    Notification toWorkflow() {
        return TestNotifications.page(Target.of(Target.Kind.TEAMS,
                teams.uri("/workflows/abc/triggers/manual/paths/invoke?api-version=1&sig=xyz").toString()));
    }

    @Test
    void postsAnAdaptiveCardMessageAsWorkflowsExpect() throws Exception {
        teams.answer(Response.text(202, ""));
        Delivery d = channel.send(toWorkflow());
        assertThat(d.detail()).isEqualTo("teams 202");
        HttpSink.Request r = teams.only();
        assertThat(r.path()).isEqualTo("/workflows/abc/triggers/manual/paths/invoke");
        assertThat(r.rawQuery()).isEqualTo("api-version=1&sig=xyz");
        assertThat(r.header("Content-Type")).isEqualTo("application/json; charset=utf-8");
        JsonNode body = new ObjectMapper().readTree(r.body());
        assertThat(body.path("type").asText()).isEqualTo("message");
        JsonNode attachment = body.path("attachments").get(0);
        assertThat(attachment.path("contentType").asText()).isEqualTo("application/vnd.microsoft.card.adaptive");
        assertThat(attachment.has("contentUrl")).isTrue();
        JsonNode card = attachment.path("content");
        assertThat(card.path("type").asText()).isEqualTo("AdaptiveCard");
        assertThat(card.path("$schema").asText()).isEqualTo("http://adaptivecards.io/schemas/adaptive-card.json");
        assertThat(card.path("version").asText()).isEqualTo("1.4");
        assertThat(card.path("body").get(1).path("text").asText()).isEqualTo("#42 Error rate above 5% on checkout");
        assertThat(card.path("body").get(2).path("text").asText())
                .isEqualTo("The 5-minute error rate of POST /checkout is 5.2%, above the 5% threshold.");
        assertThat(card.path("actions")).extracting(a -> a.path("title").asText())
                .containsExactly("Open incident", "Acknowledge", "Resolve");
        assertThat(card.path("actions").get(1).path("url").asText())
                .isEqualTo("https://tocsin.example.com/l/a.PINC042.PUSER01.1796000000.sig");
    }

    @Test
    void aResolvedIncidentHasNoActionButtons() throws Exception {
        teams.answer(Response.text(200, "1"));
        channel.send(TestNotifications.withEvent(toWorkflow(), Notification.Event.RESOLVED,
                IncidentSnapshot.Status.RESOLVED));
        JsonNode card = new ObjectMapper().readTree(teams.only().body()).path("attachments").get(0).path("content");
        assertThat(card.path("actions")).extracting(a -> a.path("title").asText()).containsExactly("Open incident");
    }

    @Test
    void markdownInUserTextCannotMakeLinks() throws Exception {
        teams.answer(Response.text(202, ""));
        channel.send(TestNotifications.withTitle(toWorkflow(), "[Reset your password](https://evil.example) **now**"));
        JsonNode card = new ObjectMapper().readTree(teams.only().body()).path("attachments").get(0).path("content");
        assertThat(card.path("body").get(1).path("text").asText())
                .isEqualTo("#42 \\[Reset your password\\](https://evil.example) \\*\\*now\\*\\*");
    }

    @Test
    void errorsAreClassified() {
        teams.answer(Response.json(400, "{\"error\":{\"code\":\"InvalidRequestContent\",\"message\":\"bad\"}}"));
        assertThatThrownBy(() -> channel.send(toWorkflow())).isInstanceOf(PermanentDeliveryException.class)
                .hasMessageContaining("InvalidRequestContent");
        teams.answer(Response.json(429, "{}").withHeader("Retry-After", "12"));
        assertThatThrownBy(() -> channel.send(toWorkflow())).isInstanceOfSatisfying(RetryableDeliveryException.class,
                e -> assertThat(e.retryAfter()).contains(Duration.ofSeconds(12)));
        teams.answer(Response.text(502, "bad gateway"));
        assertThatThrownBy(() -> channel.send(toWorkflow())).isInstanceOf(RetryableDeliveryException.class);
        teams.answer(Response.text(301, "").withHeader("Location", "https://elsewhere.example.com/"));
        assertThatThrownBy(() -> channel.send(toWorkflow())).as("redirects are not followed")
                .isInstanceOf(PermanentDeliveryException.class);
        assertThatThrownBy(() -> channel.send(TestNotifications.page(Target.of(Target.Kind.TEAMS,
                "https://user:pw@example.com/hook")))).isInstanceOfSatisfying(PermanentDeliveryException.class,
                e -> assertThat(e.reason()).isEqualTo("invalid_url"));
    }
}
