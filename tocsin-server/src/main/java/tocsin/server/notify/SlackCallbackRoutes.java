package tocsin.server.notify;

import java.net.URI;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import tocsin.notify.Target;
import tocsin.notify.dispatch.Linker;
import tocsin.notify.slack.SlackInteraction;
import tocsin.notify.slack.SlackResponder;
import tocsin.notify.slack.SlackSignature;
import tocsin.notify.slack.SlackUsers;
import tocsin.notify.template.SlackBlocks;
import tocsin.oncall.escalation.UserLookup;
import tocsin.oncall.paging.Incident;
import tocsin.server.http.Access;
import tocsin.server.http.ApiProblem;
import tocsin.server.http.Dialect;
import tocsin.server.http.Exchange;
import tocsin.server.http.RouteTable;

/**
 * Slack's interactivity callback, {@value #PATH} (the app's Interactivity Request URL): a click on a page's
 * Acknowledge or Resolve button. The proof is {@code X-Slack-Signature} over the raw body with the signing secret and
 * {@code X-Slack-Request-Timestamp} within five minutes ({@link SlackSignature}); otherwise 403 and nothing changes.
 *
 * <p><b>Who clicked.</b> Slack sends the clicker's Slack user id; Tocsin asks Slack for that user's e-mail address
 * ({@code users.info} with the bot token; the app needs {@code users:read.email}) and acts as the Tocsin user with
 * that login e-mail. Nobody links accounts by hand, and someone whose Slack address is not a Tocsin user's cannot act.
 *
 * <p><b>Answer.</b> Slack wants a 200 within three seconds: the action is taken before answering (the e-mail lookup
 * is cached), the answer's body is Slack's ephemeral message shape, and the visible answer goes to the interaction's
 * {@code response_url} on a virtual thread: on success the message is replaced by its new state (its buttons follow
 * the incident), otherwise the clicker alone reads why. A replayed or repeated click is idempotent. Thread-safe.
 */
public final class SlackCallbackRoutes {
    private static final Logger LOG = LoggerFactory.getLogger(SlackCallbackRoutes.class);
    public static final String PATH = "/api/tocsin/callbacks/slack/interactions";
    static final String CHANNEL = "slack";

    private final Optional<SlackSignature> signature;
    private final Optional<SlackUsers> users;
    private final SlackResponder responder;
    private final IncidentActions actions;
    private final UserLookup lookup;
    private final Supplier<Optional<Linker>> linker;
    private final CallbackMetrics metrics;

    /**
     * @param signature empty when no signing secret is configured (the route then answers 404)
     * @param users     empty when no bot token is configured (clicks then cannot be attributed and are refused)
     */
    public SlackCallbackRoutes(Optional<SlackSignature> signature, Optional<SlackUsers> users, IncidentActions actions,
                               UserLookup lookup, Supplier<Optional<Linker>> linker, CallbackMetrics metrics,
                               InstantSource clock) {
        this.signature = signature;
        this.users = users;
        this.responder = new SlackResponder(Duration.ofSeconds(10), clock);
        this.actions = actions;
        this.lookup = lookup;
        this.linker = linker;
        this.metrics = metrics;
    }

    public void register(RouteTable routes) {
        routes.family(Dialect.TOCSIN).post(PATH, Access.PUBLIC, SlackInteraction.MAX_BODY, this::interaction);
    }

    private void interaction(Exchange ex) {
        if (signature.isEmpty()) {
            throw ApiProblem.notFound("Slack interactions need notify.slack.signing_secret in the configuration file");
        }
        byte[] body = ex.body();
        SlackSignature.Result check = signature.get().verify(ex.header(SlackSignature.TIMESTAMP_HEADER).orElse(null),
                body, ex.header(SlackSignature.SIGNATURE_HEADER).orElse(null));
        if (check != SlackSignature.Result.VALID) {
            metrics.count("slack", "forged");
            throw ApiProblem.forbidden(switch (check) {
                case MISSING -> SlackSignature.SIGNATURE_HEADER + " and " + SlackSignature.TIMESTAMP_HEADER
                        + " are required";
                case STALE -> SlackSignature.TIMESTAMP_HEADER + " is more than five minutes away from now";
                default -> SlackSignature.SIGNATURE_HEADER + " does not match the body";
            });
        }
        SlackInteraction click;
        try {
            click = SlackInteraction.parse(new String(body, java.nio.charset.StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            metrics.count("slack", "invalid");
            throw ApiProblem.badRequest("Not a Tocsin button click", List.of(e.getMessage()));
        }
        Optional<String> responseUrl = click.responseUrl();
        String userId;
        try {
            userId = user(click);
        } catch (SlackUsers.LookupException e) {
            ephemeral(ex, responseUrl, "unknown_user", "Tocsin cannot tell who you are, so nothing was changed: "
                    + e.getMessage() + ".");
            return;
        }
        Optional<Incident> incident = actions.incident(click.incidentId());
        if (incident.isEmpty()) {
            ephemeral(ex, responseUrl, "unknown_incident", "This incident no longer exists in Tocsin.");
            return;
        }
        IncidentActions.Action action = click.action() == SlackInteraction.Action.ACKNOWLEDGE
                ? IncidentActions.Action.ACKNOWLEDGE : IncidentActions.Action.RESOLVE;
        IncidentActions.Result r = actions.act(incident.get().id(), userId, action, CHANNEL);
        if (r.outcome() != IncidentActions.Outcome.DONE) {
            ephemeral(ex, responseUrl, "already", "Incident #" + r.incident().number() + " "
                    + TwilioCallbackRoutes.outcome(r, action) + "; nothing was changed.");
            return;
        }
        metrics.count("slack", "acted");
        Optional<Linker> links = linker.get();
        if (responseUrl.isPresent() && links.isPresent()) {
            String channel = click.message().map(m -> m.channel()).orElse("unknown");
            ObjectNode updated = SlackBlocks.message(actions.describe(r.incident(), userId,
                    Target.of(Target.Kind.SLACK, channel), links.get()));
            later(() -> responder.replace(URI.create(responseUrl.get()), updated));
        }
        ex.json(200, message("Incident #" + r.incident().number() + " " + action.pastTense() + "."));
    }

    /** The Tocsin user the clicker is, by the e-mail address Slack has for them. */
    private String user(SlackInteraction click) throws SlackUsers.LookupException {
        if (users.isEmpty()) {
            throw new SlackUsers.LookupException("notify.slack.bot_token is not set, so Tocsin cannot look up Slack "
                    + "users");
        }
        String email = users.get().email(click.slackUserId());
        return lookup.idByEmail(email).orElseThrow(() -> new SlackUsers.LookupException("no Tocsin user has the "
                + "e-mail address of your Slack account (" + email + ")"));
    }

    private void ephemeral(Exchange ex, Optional<String> responseUrl, String outcome, String text) {
        metrics.count("slack", outcome);
        responseUrl.ifPresent(url -> later(() -> responder.ephemeral(URI.create(url), text)));
        ex.json(200, message(text));
    }

    private static ObjectNode message(String text) {
        return JsonNodeFactory.instance.objectNode().put("response_type", "ephemeral").put("replace_original", false)
                .put("text", text);
    }

    private static void later(java.util.function.BooleanSupplier post) {
        Thread.ofVirtual().name("tocsin-slack-response").start(() -> {
            try {
                if (!post.getAsBoolean()) {
                    LOG.warn("Slack did not take the answer to an interaction at its response_url");
                }
            } catch (IllegalArgumentException e) {
                LOG.warn("The interaction's response_url is not a URL; the clicker sees no answer: {}",
                        e.getMessage());
            }
        });
    }
}
