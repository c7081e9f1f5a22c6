package tocsin.state;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * High-entropy secrets: API keys and session tokens, and the hash they are stored and looked up by.
 *
 * <p>A fast hash is enough here: with 128 bits of randomness or more, a stolen table cannot be brute-forced, and
 * lookups stay an indexed equality match. (Passwords are low-entropy and go through {@link PasswordHasher}.)
 * Thread-safe.
 */
final class Secrets {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final HexFormat HEX = HexFormat.of();

    private Secrets() {
    }

    /** 32 lower-case hex characters (128 bits), the shape of a Datadog API key, so agents accept it. */
    static String newApiKeySecret() {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return HEX.formatHex(bytes);
    }

    /** 32 random bytes, base64url without padding (43 characters): safe in cookies and headers. */
    static String newSessionToken() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** SHA-256 of the UTF-8 bytes, lower-case hex. */
    static String sha256Hex(String secret) {
        try {
            return HEX.formatHex(MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError("every JDK has SHA-256", e);
        }
    }
}
