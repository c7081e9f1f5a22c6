package tocsin.server.notify;

import java.net.URI;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Optional;
import java.util.function.Supplier;

import io.prometheus.metrics.model.registry.PrometheusRegistry;

import tocsin.notify.dispatch.Linker;
import tocsin.notify.slack.SlackSettings;
import tocsin.notify.slack.SlackSignature;
import tocsin.notify.slack.SlackUsers;
import tocsin.oncall.directory.PeopleStore;
import tocsin.oncall.escalation.UserLookup;
import tocsin.server.config.NotifyConfig;
import tocsin.server.http.RouteTable;

/**
 * The provider callback routes under {@code /api/tocsin/callbacks/}, built from the {@code notify:} configuration:
 * Twilio's SMS and voice callbacks ({@link TwilioCallbackRoutes}, keyed by {@code notify.twilio.auth_token}) and
 * Slack's interactivity callback ({@link SlackCallbackRoutes}, {@code notify.slack.signing_secret}, with the bot
 * token to look up who clicked). A provider that is not configured still has its routes, answering 404 with the
 * setting to add. Used during startup only.
 */
public final class Callbacks {

    private Callbacks() {
    }

    public static void register(RouteTable routes, NotifyConfig config, IncidentActions actions, PeopleStore people,
                                UserLookup users, Supplier<Optional<Linker>> linker, Supplier<String> publicUrl,
                                PrometheusRegistry registry, InstantSource clock) {
        CallbackMetrics metrics = new CallbackMetrics(registry);
        new TwilioCallbackRoutes(config.twilio().map(NotifyConfig.Twilio::authToken), actions, people, linker,
                publicUrl, metrics).register(routes);
        Optional<NotifyConfig.Slack> slack = config.slack();
        Optional<SlackSignature> signature = slack.map(NotifyConfig.Slack::signingSecret)
                .filter(s -> !s.isEmpty()).map(s -> new SlackSignature(s, clock));
        Optional<SlackUsers> slackUsers = slack.filter(s -> s.botToken() != null).map(s -> new SlackUsers(
                new SlackSettings(s.botToken(), URI.create(s.baseUrl()), Duration.ofSeconds(2)), clock));
        new SlackCallbackRoutes(signature, slackUsers, actions, users, linker, metrics, clock).register(routes);
    }
}
