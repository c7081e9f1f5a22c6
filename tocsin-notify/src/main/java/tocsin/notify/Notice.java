package tocsin.notify;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;

/**
 * A message to one person that is about no single incident event: the digest of pages a rate limit held back, or an
 * on-call handoff. It carries its text in each medium's form, so a channel only picks the one it speaks: e-mail the
 * subject and the text, SMS the short form, a phone call the spoken form. Immutable.
 *
 * @param key     the idempotency key, the same on every attempt of this message (a digest's is derived from the
 *                set of deliveries it carries, a handoff's from the handoff); channels derive provider dedupe ids
 *                from it ({@link #digest()})
 * @param target  where it goes
 * @param subject one line (an e-mail subject)
 * @param text    the full plain text (an e-mail body)
 * @param sms     the short form, within one SMS segment where possible
 * @param spoken  what a phone call reads
 */
public record Notice(String key, Target target, String subject, String text, String sms, String spoken) {

    public Notice {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(sms, "sms");
        Objects.requireNonNull(spoken, "spoken");
        if (key.isBlank()) {
            throw new IllegalArgumentException("key must not be blank");
        }
    }

    /** A hex SHA-256 of the key, 32 characters: for {@code Message-ID}s and idempotency headers. */
    public String digest() {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every JDK", e);
        }
    }
}
