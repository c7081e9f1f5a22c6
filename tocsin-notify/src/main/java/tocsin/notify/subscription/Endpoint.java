package tocsin.notify.subscription;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

import tocsin.notify.Target;

/**
 * Somewhere incident events go: a PagerDuty v3 webhook subscription ({@code /webhook_subscriptions}) or a service
 * extension that posts to chat ({@code /extensions}). Immutable; {@link #toString()} hides the secret.
 *
 * @param id                  null until stored
 * @param kind                which API manages it
 * @param channel             how events are delivered: {@link Target.Kind#PAGERDUTY_WEBHOOK}, {@link Target.Kind#SLACK}
 *                            (Web API, address = channel id), {@link Target.Kind#SLACK_WEBHOOK} or
 *                            {@link Target.Kind#TEAMS} (address = webhook URL)
 * @param name                the subscription's description or the extension's name
 * @param address             the URL, or the Slack channel id
 * @param secret              the signing secret of a webhook subscription
 * @param customHeaders       extra request headers of a webhook subscription, in order
 * @param events              the event types delivered ({@code incident.triggered}, ...)
 * @param scope               which incidents: the whole account, some services, or a team
 * @param schemaId            the extension schema of an extension; null for subscriptions
 * @param config              an extension's {@code config} object as JSON text, or null
 * @param active              the owner's switch ({@code active})
 * @param temporarilyDisabled set by Tocsin after repeated failed deliveries; {@code POST .../enable} clears it
 * @param consecutiveFailures deliveries that failed for good since the last success
 * @param lastError           why the last delivery failed, if it did
 * @param createdAt           null until stored
 */
public record Endpoint(String id, Kind kind, Target.Kind channel, String name, String address,
                       Optional<String> secret, List<Header> customHeaders, Set<String> events, Scope scope,
                       String schemaId, String config, boolean active, boolean temporarilyDisabled,
                       int consecutiveFailures, Optional<String> lastError, Instant createdAt) {

    /** Which API manages an endpoint. */
    public enum Kind {
        WEBHOOK_SUBSCRIPTION, EXTENSION;

        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** One custom request header. */
    public record Header(String name, String value) {
        public Header {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(value, "value");
        }
    }

    /**
     * Which incidents an endpoint hears of: every incident ({@link Type#ACCOUNT}), the incidents of the listed
     * services, or those assigned to a member of the listed teams (Tocsin's services have no owning team).
     */
    public record Scope(Type type, List<String> ids) {
        public enum Type {
            ACCOUNT("account_reference"), SERVICE("service_reference"), TEAM("team_reference");

            private final String wireName;

            Type(String wireName) {
                this.wireName = wireName;
            }

            public String wireName() {
                return wireName;
            }

            public static Optional<Type> parse(String s) {
                for (Type t : values()) {
                    if (t.wireName.equals(s)) {
                        return Optional.of(t);
                    }
                }
                return Optional.empty();
            }
        }

        public Scope {
            Objects.requireNonNull(type, "type");
            ids = List.copyOf(ids);
        }

        public static final Scope ACCOUNT = new Scope(Type.ACCOUNT, List.of());

        /** Whether an incident of {@code serviceId}, assigned to members of {@code teamIds}, is in scope. */
        public boolean covers(String serviceId, Set<String> teamIds) {
            return switch (type) {
                case ACCOUNT -> true;
                case SERVICE -> ids.contains(serviceId);
                case TEAM -> ids.stream().anyMatch(teamIds::contains);
            };
        }
    }

    public Endpoint {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(secret, "secret");
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(lastError, "lastError");
        customHeaders = List.copyOf(customHeaders);
        events = Set.copyOf(events);
    }

    /** Whether events are recorded for it now. */
    public boolean receiving() {
        return active && !temporarilyDisabled;
    }

    /** Where the channel delivers. */
    public Target target() {
        return new Target(channel, address, secret);
    }

    public Endpoint stored(String newId, Instant created) {
        return new Endpoint(newId, kind, channel, name, address, secret, customHeaders, events, scope, schemaId,
                config, active, temporarilyDisabled, consecutiveFailures, lastError, created);
    }

    @Override
    public String toString() {
        return "Endpoint[" + id + ", " + kind.wireName() + ", " + channel + ":" + address + "]";
    }
}
