package tocsin.server.notify;

import tocsin.monitor.template.Handle;
import tocsin.monitor.template.HandleResolver;
import tocsin.notify.direct.DirectMessage;
import tocsin.notify.direct.DirectTargets;

import java.util.Optional;

/**
 * Validates monitors' direct handles against the configuration: {@code @slack-<channel>} needs
 * {@code notify.slack.bot_token}, {@code @teams-<name>} a channel under {@code notify.teams.channels},
 * {@code @webhook-<name>} a webhook under {@code notify.webhooks}, and {@code @user@example.com} an SMTP server under
 * {@code notify.email}; a word after {@code @} that is none of these is refused as {@link HandleResolver#wellFormed}
 * refuses it. The handles that open incidents are not this resolver's. Immutable and thread-safe.
 */
public final class DirectHandles implements HandleResolver {
    private final DirectTargets targets;

    public DirectHandles(DirectTargets targets) {
        this.targets = targets;
    }

    @Override
    public Optional<String> problem(Handle handle) {
        Optional<String> form = HandleResolver.wellFormed().problem(handle);
        if (form.isPresent()) {
            return form;
        }
        return switch (handle.kind()) {
            case SLACK -> targets.problem(DirectMessage.Kind.SLACK, handle.target());
            case TEAMS -> targets.problem(DirectMessage.Kind.TEAMS, handle.target());
            case WEBHOOK -> targets.problem(DirectMessage.Kind.WEBHOOK, handle.target());
            case EMAIL -> targets.problem(DirectMessage.Kind.EMAIL, handle.target());
            case PAGERDUTY, ONCALL -> Optional.empty();
        };
    }
}
