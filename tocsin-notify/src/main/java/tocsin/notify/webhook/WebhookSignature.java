package tocsin.notify.webhook;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Objects;

/**
 * Tocsin's webhook signature, {@code X-Tocsin-Signature: t=1733382005,v1=5257a869...}: {@code t} is the send time
 * in epoch seconds and {@code v1} the hex HMAC-SHA256, keyed with the subscription's secret, of
 * {@code {t}.{raw body}}. Binding the time into the MAC lets receivers refuse replays older than a tolerance; several
 * {@code v1} entries may appear while a secret rotates, and one match suffices. Receivers verify with
 * {@link #verify}; the format is documented in the module README. Stateless.
 */
public final class WebhookSignature {

    public static final String HEADER = "X-Tocsin-Signature";

    /** The outcome of a check. */
    public enum Result {
        VALID, MALFORMED, STALE, INVALID
    }

    private WebhookSignature() {
    }

    /** The header value for {@code body} sent at {@code at}. */
    public static String header(String secret, Instant at, byte[] body) {
        long t = at.getEpochSecond();
        return "t=" + t + ",v1=" + hmac(secret, t, body);
    }

    /**
     * Checks a header against a body as a receiver would.
     *
     * @param tolerance how far {@code t} may be from {@code now}, either way
     */
    public static Result verify(String secret, String header, byte[] body, Instant now, Duration tolerance) {
        Objects.requireNonNull(secret, "secret");
        if (header == null || header.length() > 1024) {
            return Result.MALFORMED;
        }
        Long t = null;
        java.util.List<String> v1 = new java.util.ArrayList<>();
        for (String part : header.split(",")) {
            String p = part.trim();
            if (p.startsWith("t=")) {
                try {
                    t = Long.parseLong(p.substring(2));
                } catch (NumberFormatException e) {
                    return Result.MALFORMED;
                }
            } else if (p.startsWith("v1=")) {
                v1.add(p.substring(3));
            }
        }
        if (t == null || v1.isEmpty()) {
            return Result.MALFORMED;
        }
        if (Math.abs(now.getEpochSecond() - t) > tolerance.toSeconds()) {
            return Result.STALE;
        }
        byte[] expected = hmac(secret, t, body).getBytes(StandardCharsets.US_ASCII);
        boolean ok = false;
        for (String candidate : v1) {
            ok |= MessageDigest.isEqual(expected, candidate.getBytes(StandardCharsets.US_ASCII));
        }
        return ok ? Result.VALID : Result.INVALID;
    }

    static String hmac(String secret, long t, byte[] body) {
        return hex(secret, (t + ".").getBytes(StandardCharsets.US_ASCII), body);
    }

    /** Hex HMAC-SHA256 of the concatenated parts. */
    static String hex(String secret, byte[]... parts) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            for (byte[] p : parts) {
                mac.update(p);
            }
            return HexFormat.of().formatHex(mac.doFinal());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is required by every JDK", e);
        }
    }
}
