package tocsin.notify.direct;

import tocsin.notify.Delivery;
import tocsin.notify.DeliveryException;
import tocsin.notify.PermanentDeliveryException;
import tocsin.notify.email.SmtpChannel;
import tocsin.notify.slack.SlackWebApiChannel;
import tocsin.notify.teams.TeamsWebhookChannel;
import tocsin.notify.template.DirectTemplates;
import tocsin.notify.webhook.NamedWebhook;
import tocsin.notify.webhook.TemplatedWebhook;

import java.net.URI;
import java.time.Duration;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Sends a {@link DirectMessage} through the channel of its kind, resolving its target by the
 * {@link DirectTargets}: Slack's {@code chat.postMessage}, a Teams Workflows webhook, a named webhook with its payload
 * template, or SMTP. A target the configuration no longer has fails permanently, saying what to configure. Failures
 * are classified by the channels (retryable or permanent). Thread-safe.
 */
public final class DirectChannels {
    private final DirectTargets targets;
    private final URI publicUrl;
    private final SlackWebApiChannel slack;
    private final TeamsWebhookChannel teams;
    private final TemplatedWebhook webhooks;
    private final SmtpChannel email;

    /** @param publicUrl Tocsin's public URL: messages link to {@code publicUrl + message.link()} */
    public DirectChannels(DirectTargets targets, URI publicUrl, Duration timeout, InstantSource clock) {
        this.targets = Objects.requireNonNull(targets, "targets");
        this.publicUrl = Objects.requireNonNull(publicUrl, "publicUrl");
        this.slack = targets.slack().map(s -> new SlackWebApiChannel(s, clock)).orElse(null);
        this.teams = new TeamsWebhookChannel(timeout, clock);
        this.webhooks = new TemplatedWebhook(timeout, clock);
        this.email = targets.email().map(s -> new SmtpChannel(s, clock)).orElse(null);
    }

    public Delivery send(DirectMessage m) throws DeliveryException {
        var problem = targets.problem(m.kind(), m.target());
        if (problem.isPresent()) {
            throw new PermanentDeliveryException("target_not_configured", problem.get());
        }
        URI link = link(m);
        return switch (m.kind()) {
            case SLACK -> slack.post(targets.slackChannel(m.target()), DirectTemplates.slack(m, link));
            case TEAMS -> teams.post(targets.teams().get(m.target()), DirectTemplates.teams(m, link), m.key());
            case WEBHOOK -> {
                NamedWebhook hook = targets.webhooks().get(m.target());
                Map<String, String> vars = new HashMap<>(m.variables());
                vars.put("LINK", link.toString());
                yield webhooks.send(hook, m.key(), vars);
            }
            case EMAIL -> email.sendText(m.target(), m.title(), DirectTemplates.email(m, link), m.key(), m.thread());
        };
    }

    private URI link(DirectMessage m) {
        String base = publicUrl.toString();
        return URI.create((base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + m.link());
    }
}
