package tocsin.notify.links;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Makes and checks signed action links: {@code {public-url}/l/{token}} with the token
 * {@code {action}.{incident}.{user}.{expiry}.{mac}}, where {@code mac} is the unpadded base64url HMAC-SHA256, under
 * the server secret, of {@code tocsin-link-v1\n{action}\n{incident}\n{user}\n{expiry}} and {@code expiry} is in epoch
 * seconds. The fields stay readable (they are not secret, only unforgeable), which makes support easier.
 *
 * <p>Checking compares MACs in constant time and tells the reasons apart: malformed, tampered (checked before
 * anything else the token claims), unknown action, expired. Secrets rotate: the first secret signs, every secret
 * verifies, so links in mails already sent keep working until they expire. Immutable and thread-safe (a {@link Mac}
 * is made per call).
 */
public final class LinkSigner {

    /** The path prefix under the public URL where links are served. */
    public static final String PATH = "/l/";
    /** The shortest secret accepted: 256 bits, HMAC-SHA256's block strength. */
    public static final int MIN_SECRET_BYTES = 32;

    private static final String ALGORITHM = "HmacSHA256";
    private static final String CONTEXT = "tocsin-link-v1";
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    private static final Pattern TOKEN = Pattern.compile(
            "([a-z])\\.([A-Za-z0-9_-]{1,64})\\.([A-Za-z0-9_-]{1,64})\\.([0-9]{1,12})\\.([A-Za-z0-9_-]{43})");

    private final List<SecretKeySpec> keys;
    private final String base;
    private final InstantSource clock;

    /**
     * @param secrets   the signing secret first, then older secrets still accepted; each at least 32 bytes
     * @param publicUrl Tocsin's public URL ({@code --public-url}), links are made under it
     * @param clock     the time links are checked against
     */
    public LinkSigner(List<byte[]> secrets, URI publicUrl, InstantSource clock) {
        Objects.requireNonNull(secrets, "secrets");
        Objects.requireNonNull(publicUrl, "publicUrl");
        this.clock = Objects.requireNonNull(clock, "clock");
        if (secrets.isEmpty()) {
            throw new IllegalArgumentException("at least one link secret is required");
        }
        List<SecretKeySpec> k = new ArrayList<>();
        for (byte[] s : secrets) {
            if (s.length < MIN_SECRET_BYTES) {
                throw new IllegalArgumentException("a link secret must have at least " + MIN_SECRET_BYTES
                        + " bytes, got " + s.length);
            }
            k.add(new SecretKeySpec(s.clone(), ALGORITHM));
        }
        this.keys = List.copyOf(k);
        if (!publicUrl.isAbsolute() || publicUrl.getRawQuery() != null || publicUrl.getRawFragment() != null) {
            throw new IllegalArgumentException("publicUrl must be an absolute URL without query or fragment: "
                    + publicUrl);
        }
        String b = publicUrl.toString();
        this.base = b.endsWith("/") ? b.substring(0, b.length() - 1) : b;
    }

    /** A link letting {@code userId} perform {@code action} on {@code incidentId} for {@code ttl} from now. */
    public URI sign(LinkAction action, String incidentId, String userId, Duration ttl) {
        Objects.requireNonNull(action, "action");
        requireId(incidentId, "incidentId");
        requireId(userId, "userId");
        if (ttl.isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException("ttl must be positive: " + ttl);
        }
        long expiry = clock.instant().plus(ttl).getEpochSecond();
        String fields = action.code() + "." + incidentId + "." + userId + "." + expiry;
        return URI.create(base + PATH + fields + "." + mac(keys.get(0), action.code() + "", incidentId, userId,
                Long.toString(expiry)));
    }

    /** Checks a token (the path segment after {@link #PATH}). */
    public LinkCheck check(String token) {
        if (token == null || token.length() > 256) {
            return refused(LinkCheck.Reason.MALFORMED);
        }
        var m = TOKEN.matcher(token);
        if (!m.matches()) {
            return refused(LinkCheck.Reason.MALFORMED);
        }
        String action = m.group(1);
        String incident = m.group(2);
        String user = m.group(3);
        String expiry = m.group(4);
        byte[] given = m.group(5).getBytes(StandardCharsets.US_ASCII);
        boolean authentic = false;
        for (SecretKeySpec key : keys) {
            // every key is tried, so the time taken does not say which one matched
            authentic |= MessageDigest.isEqual(given, mac(key, action, incident, user, expiry)
                    .getBytes(StandardCharsets.US_ASCII));
        }
        if (!authentic) {
            return refused(LinkCheck.Reason.TAMPERED);
        }
        Optional<LinkAction> known = LinkAction.ofCode(action);
        if (known.isEmpty()) {
            return refused(LinkCheck.Reason.UNKNOWN_ACTION);
        }
        Instant expiresAt = Instant.ofEpochSecond(Long.parseLong(expiry));
        if (!clock.instant().isBefore(expiresAt)) {
            return refused(LinkCheck.Reason.EXPIRED);
        }
        return new LinkCheck.Valid(new LinkClaims(known.get(), incident, user, expiresAt));
    }

    /** Checks a full link URL: it must be under this signer's public URL and {@link #PATH}. */
    public LinkCheck check(URI link) {
        String s = link.toString();
        String prefix = base + PATH;
        if (!s.startsWith(prefix)) {
            return refused(LinkCheck.Reason.MALFORMED);
        }
        return check(s.substring(prefix.length()));
    }

    private static LinkCheck.Refused refused(LinkCheck.Reason reason) {
        return new LinkCheck.Refused(reason, switch (reason) {
            case MALFORMED -> "This is not a complete Tocsin link. It may have been cut off: open the incident "
                    + "from the notification's incident link instead.";
            case TAMPERED -> "This link's signature does not match. It was altered, or it was signed with a key "
                    + "that is no longer in use.";
            case UNKNOWN_ACTION -> "This link asks for an action this Tocsin server does not know.";
            case EXPIRED -> "This link has expired. Open the incident in Tocsin to act on it.";
        });
    }

    private static void requireId(String id, String field) {
        if (id == null || !ID.matcher(id).matches()) {
            throw new IllegalArgumentException(field + " must be 1-64 letters, digits, '_' or '-': " + id);
        }
    }

    private static String mac(SecretKeySpec key, String action, String incident, String user, String expiry) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            byte[] digest = mac.doFinal((CONTEXT + "\n" + action + "\n" + incident + "\n" + user + "\n" + expiry)
                    .getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is required by every JDK", e);
        }
    }
}
