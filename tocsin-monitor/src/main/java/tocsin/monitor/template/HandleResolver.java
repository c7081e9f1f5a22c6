package tocsin.monitor.template;

import java.util.Optional;

/**
 * Says whether a handle names something Tocsin can notify: a service, team, channel, webhook or person. The server
 * wires one that knows the configured services, teams and channels. Implementations are thread-safe.
 */
@FunctionalInterface
public interface HandleResolver {

    /** Empty when the handle resolves; otherwise why not ({@code no service named 'Web'}). */
    Optional<String> problem(Handle handle);

    /**
     * Accepts every well-formed handle of a known kind: e-mail addresses, and the other kinds with a non-empty
     * target. For embedding and tests; the server wires a resolver that checks targets exist.
     */
    static HandleResolver wellFormed() {
        return h -> h.kind() == Handle.Kind.EMAIL && !h.isAddress()
                ? Optional.of("unknown handle: expected @pagerduty-<service>, @oncall-<team>, @slack-<channel>, "
                + "@teams-<channel>, @webhook-<name> or an e-mail address such as @ops@example.com")
                : Optional.empty();
    }
}
