package tocsin.notify.http;

import tocsin.notify.PermanentDeliveryException;

import java.net.URI;
import java.net.URISyntaxException;

/** Validation of a webhook URL from a target: absolute http(s), a host, no user info. Stateless. */
public final class WebhookUrls {

    private static final java.util.regex.Pattern LOOPBACK_V4 =
            java.util.regex.Pattern.compile("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}");

    private WebhookUrls() {
    }

    /**
     * The URL, if usable.
     *
     * @throws PermanentDeliveryException reason {@code invalid_url}
     */
    public static URI require(String address) throws PermanentDeliveryException {
        URI uri;
        try {
            uri = new URI(address);
        } catch (URISyntaxException e) {
            throw new PermanentDeliveryException("invalid_url", "not a URL: " + address);
        }
        String scheme = uri.getScheme();
        if (!uri.isAbsolute() || !("https".equalsIgnoreCase(scheme) || "http".equalsIgnoreCase(scheme))
                || uri.getHost() == null || uri.getRawUserInfo() != null) {
            throw new PermanentDeliveryException("invalid_url", "a webhook URL must be an absolute http(s) URL "
                    + "with a host and without credentials: " + address);
        }
        return uri;
    }

    /**
     * Whether a URL may receive incident events: https, or plain http to this machine ({@code localhost}, a
     * loopback address literal), where nothing crosses a network. The host is not resolved, so a name that points
     * at a loopback address still needs https.
     */
    public static boolean secureOrLoopback(URI uri) {
        if ("https".equalsIgnoreCase(uri.getScheme())) {
            return true;
        }
        String host = uri.getHost();
        if (host == null) {
            return false;
        }
        if (host.equalsIgnoreCase("localhost")) {
            return true;
        }
        String literal = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        return LOOPBACK_V4.matcher(literal).matches() || literal.equals("::1")
                || literal.equalsIgnoreCase("0:0:0:0:0:0:0:1");
    }
}
