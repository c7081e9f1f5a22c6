package tocsin.oncall.directory;

import java.time.Instant;
import java.util.Objects;

/**
 * One way to reach a person, PagerDuty's {@code contact_method}. Immutable, thread-safe.
 *
 * @param id          object id
 * @param userId      whose it is
 * @param type        e-mail, phone, SMS or push
 * @param label       e.g. {@code Work}, {@code Mobile}
 * @param address     an e-mail address, a national phone number (digits only, without the country code), or a
 *                    push device token
 * @param countryCode the phone number's country calling code ({@code 1}, {@code 49}); null for e-mail and push
 * @param createdAt   when it was added
 */
public record ContactMethod(String id, String userId, Type type, String label, String address, Integer countryCode,
                            Instant createdAt) {
    public ContactMethod {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(label, "label");
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(createdAt, "createdAt");
    }

    /** The number in E.164 form ({@code +4915123456789}); only for phone and SMS. */
    public String e164() {
        if (!type.isPhone()) {
            throw new IllegalStateException(type.wireName() + " has no phone number");
        }
        return "+" + countryCode + address;
    }

    /** PagerDuty's contact method types. */
    public enum Type {
        EMAIL("email_contact_method"),
        PHONE("phone_contact_method"),
        SMS("sms_contact_method"),
        PUSH_NOTIFICATION("push_notification_contact_method");

        private final String wireName;

        Type(String wireName) {
            this.wireName = wireName;
        }

        /** PagerDuty's {@code type}, e.g. {@code sms_contact_method}. */
        public String wireName() {
            return wireName;
        }

        public boolean isPhone() {
            return this == PHONE || this == SMS;
        }

        /** The type named {@code s}, also in its reference form ({@code sms_contact_method_reference}). */
        public static java.util.Optional<Type> parse(String s) {
            if (s == null) {
                return java.util.Optional.empty();
            }
            String v = s.endsWith("_reference") ? s.substring(0, s.length() - "_reference".length()) : s;
            for (Type t : values()) {
                if (t.wireName.equals(v)) {
                    return java.util.Optional.of(t);
                }
            }
            return java.util.Optional.empty();
        }
    }

    /** What a contact method is made of when created or replaced, already validated ({@link ContactAddresses}). */
    public record Draft(Type type, String label, String address, Integer countryCode) {
        public Draft {
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(label, "label");
            Objects.requireNonNull(address, "address");
        }
    }
}
