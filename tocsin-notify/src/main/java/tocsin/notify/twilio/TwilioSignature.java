package tocsin.notify.twilio;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Verifies {@code X-Twilio-Signature} on Twilio's callbacks (SMS replies, call keypresses, status callbacks), as
 * Twilio documents it: the base64 HMAC-SHA1, keyed with the auth token, of the full URL Twilio requested (query
 * included) followed by every POST parameter, sorted by name, as name then value (a repeated name once per distinct
 * value, values sorted, as Twilio's libraries do). Twilio's own libraries also accept the URL with the default port added or removed, because a proxy
 * in front may change it; so does this. Comparison is constant-time. Immutable and thread-safe.
 *
 * <p>The signature has no timestamp, so a captured callback can be replayed: the actions it triggers must be
 * idempotent (acknowledging an acknowledged incident changes nothing).
 */
public final class TwilioSignature {

    public static final String HEADER = "X-Twilio-Signature";

    private final SecretKeySpec key;

    public TwilioSignature(String authToken) {
        Objects.requireNonNull(authToken, "authToken");
        if (authToken.isEmpty()) {
            throw new IllegalArgumentException("authToken must not be empty");
        }
        this.key = new SecretKeySpec(authToken.getBytes(StandardCharsets.UTF_8), "HmacSHA1");
    }

    /**
     * Whether {@code signature} is Twilio's for this request.
     *
     * @param url       the full URL as Twilio requested it (scheme, host, path, query), as configured at Twilio
     * @param params    the POST parameters (form body); empty for GET
     * @param signature the {@code X-Twilio-Signature} header, or null when absent
     */
    public boolean verify(String url, Map<String, List<String>> params, String signature) {
        if (signature == null || signature.isEmpty() || url == null) {
            return false;
        }
        byte[] given = signature.getBytes(StandardCharsets.UTF_8);
        boolean ok = false;
        for (String candidate : urlVariants(url)) {
            ok |= MessageDigest.isEqual(given, sign(candidate, params).getBytes(StandardCharsets.UTF_8));
        }
        return ok;
    }

    /** The signature Twilio would send for this URL and these parameters. */
    public String sign(String url, Map<String, List<String>> params) {
        StringBuilder data = new StringBuilder(url);
        for (var e : new TreeMap<>(params).entrySet()) {
            for (String v : new TreeSet<>(e.getValue())) {
                data.append(e.getKey()).append(v);
            }
        }
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(key);
            return Base64.getEncoder().encodeToString(mac.doFinal(data.toString().getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA1 is required by every JDK", e);
        }
    }

    /** The URL as given, and with its scheme's default port toggled (added when absent, removed when present). */
    static List<String> urlVariants(String url) {
        List<String> out = new ArrayList<>(2);
        out.add(url);
        try {
            URI u = new URI(url);
            int defaultPort = "https".equalsIgnoreCase(u.getScheme()) ? 443
                    : "http".equalsIgnoreCase(u.getScheme()) ? 80 : -1;
            if (defaultPort < 0 || u.getRawAuthority() == null) {
                return out;
            }
            String userInfo = u.getRawUserInfo() == null ? "" : u.getRawUserInfo() + "@";
            String rest = url.substring(url.indexOf(u.getRawAuthority()) + u.getRawAuthority().length());
            String prefix = u.getScheme() + "://" + userInfo + u.getHost();
            if (u.getPort() == -1) {
                out.add(prefix + ":" + defaultPort + rest);
            } else if (u.getPort() == defaultPort) {
                out.add(prefix + rest);
            }
        } catch (URISyntaxException e) {
            // verify the URL as given only
        }
        return out;
    }
}
