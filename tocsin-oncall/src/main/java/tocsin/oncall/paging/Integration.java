package tocsin.oncall.paging;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A way events reach a service, with the key that proves the sender may post them: PagerDuty's service integration.
 * The {@code integrationKey} is the Events API's {@code routing_key} (v2) or {@code service_key} (v1), or the last
 * path segment of the Alertmanager webhook URL; 32 lower-case hex characters from a secure random source, as
 * PagerDuty issues them. Immutable.
 *
 * @param id        null until stored
 * @param serviceId the service its events open incidents on
 * @param name      at most 255 characters; may be null
 * @param type      the kind of integration
 * @param key       the integration key
 * @param createdAt null until stored
 */
public record Integration(String id, String serviceId, String name, Type type, String key, Instant createdAt) {

    /** Integration types, by their PagerDuty wire names (Alertmanager's is Tocsin's own). */
    public enum Type {
        EVENTS_API_V2("events_api_v2_inbound_integration"),
        EVENTS_API_V1("generic_events_api_inbound_integration"),
        ALERTMANAGER("alertmanager_inbound_integration");

        private final String wireName;

        Type(String wireName) {
            this.wireName = wireName;
        }

        public String wireName() {
            return wireName;
        }

        /** Accepts the wire name, and PagerDuty's {@code *_reference} forms. */
        public static Optional<Type> parse(String s) {
            for (Type t : values()) {
                if (t.wireName.equals(s) || (t.wireName + "_reference").equals(s)) {
                    return Optional.of(t);
                }
            }
            return Optional.empty();
        }
    }

    private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();

    public Integration {
        Objects.requireNonNull(serviceId, "serviceId");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(key, "key");
        if (!isWellFormedKey(key)) {
            throw new IllegalArgumentException("integration key must be 32 lower-case hex characters");
        }
        Checks checks = new Checks();
        checks.maxLength("name", name, 255);
        checks.throwIfAny();
    }

    /** Whether {@code s} could be an integration key at all: 32 lower-case hex characters. */
    public static boolean isWellFormedKey(String s) {
        return s != null && s.length() == 32 && s.chars().allMatch(c -> c >= '0' && c <= '9' || c >= 'a' && c <= 'f');
    }

    /** A new unguessable key: 128 bits from a secure random source, as 32 lower-case hex characters. */
    public static String newKey() {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return java.util.HexFormat.of().formatHex(bytes);
    }

    public Integration stored(String newId, Instant created) {
        return new Integration(newId, serviceId, name, type, key, created);
    }
}
