package tocsin.oncall.paging;

import java.util.Objects;

/**
 * Who or what changed an incident, as its log entries show it: PagerDuty's {@code agent} and {@code channel}.
 * Immutable.
 *
 * @param agentType {@code user_reference}, {@code service_reference}, an integration's reference type, or null when
 *                  Tocsin itself acted (a timer)
 * @param agentId   the agent's id, or null
 * @param channel   {@code api}, {@code web_trigger}, {@code timeout}, {@code auto}, ...
 */
public record Actor(String agentType, String agentId, String channel) {

    /** Tocsin's escalation engine, acting on a timer. */
    public static final Actor TIMEOUT = new Actor(null, null, "timeout");
    /** Tocsin acting on its own (merges, auto escalation). */
    public static final Actor AUTO = new Actor(null, null, "auto");

    public Actor {
        Objects.requireNonNull(channel, "channel");
    }

    /** A user acting through the REST API. */
    public static Actor user(String userId) {
        return new Actor("user_reference", userId, "api");
    }

    /** An API key acting through the REST API (no person behind it). */
    public static Actor apiKey(String keyId) {
        return new Actor("api_key_reference", keyId, "api");
    }

    /** An event arriving through an integration. */
    public static Actor integration(Integration integration) {
        return new Actor(integration.type().wireName() + "_reference", integration.id(), "api");
    }

    /** How acknowledgements record this actor: a user id, or {@code kind:id}. */
    public String acknowledger() {
        if ("user_reference".equals(agentType)) {
            return agentId;
        }
        return (agentType == null ? "tocsin" : agentType.replace("_reference", "")) + ":" + (agentId == null ? "-"
                : agentId);
    }
}
