package tocsin.notify.slack;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.InstantSource;
import java.util.HexFormat;
import java.util.Objects;

/**
 * Verifies Slack's request signatures (interactive callbacks, slash commands, events) as Slack documents them:
 * {@code X-Slack-Signature} is {@code v0=} and the hex HMAC-SHA256, keyed with the app's signing secret, of
 * {@code v0:{X-Slack-Request-Timestamp}:{raw body}}; a timestamp more than five minutes from now (either way) is
 * refused, which bounds replays to that window (the actions they trigger are idempotent). Comparison is
 * constant-time. Immutable and thread-safe.
 */
public final class SlackSignature {

    public static final String SIGNATURE_HEADER = "X-Slack-Signature";
    public static final String TIMESTAMP_HEADER = "X-Slack-Request-Timestamp";
    public static final Duration TOLERANCE = Duration.ofMinutes(5);

    /** The outcome of a check; only {@link #VALID} may be acted on. */
    public enum Result {
        VALID, MISSING, STALE, INVALID
    }

    private final SecretKeySpec key;
    private final InstantSource clock;

    public SlackSignature(String signingSecret, InstantSource clock) {
        Objects.requireNonNull(signingSecret, "signingSecret");
        if (signingSecret.isEmpty()) {
            throw new IllegalArgumentException("signingSecret must not be empty");
        }
        this.key = new SecretKeySpec(signingSecret.getBytes(StandardCharsets.UTF_8), "HmacSHA256");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Checks a request.
     *
     * @param timestamp the {@code X-Slack-Request-Timestamp} header (epoch seconds), or null
     * @param body      the raw body, exactly as received
     * @param signature the {@code X-Slack-Signature} header, or null
     */
    public Result verify(String timestamp, byte[] body, String signature) {
        if (timestamp == null || signature == null || body == null) {
            return Result.MISSING;
        }
        long ts;
        try {
            if (timestamp.isEmpty() || timestamp.length() > 12) {
                return Result.INVALID;
            }
            ts = Long.parseLong(timestamp);
        } catch (NumberFormatException e) {
            return Result.INVALID;
        }
        long now = clock.instant().getEpochSecond();
        if (Math.abs(now - ts) > TOLERANCE.toSeconds()) {
            return Result.STALE;
        }
        boolean ok = MessageDigest.isEqual(signature.getBytes(StandardCharsets.UTF_8),
                sign(timestamp, body).getBytes(StandardCharsets.UTF_8));
        return ok ? Result.VALID : Result.INVALID;
    }

    /** {@code v0=} and the hex HMAC of {@code v0:{timestamp}:{body}}. */
    public String sign(String timestamp, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            mac.update(("v0:" + timestamp + ":").getBytes(StandardCharsets.UTF_8));
            return "v0=" + HexFormat.of().formatHex(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is required by every JDK", e);
        }
    }
}
