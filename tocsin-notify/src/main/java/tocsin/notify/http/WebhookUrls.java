package tocsin.notify.http;

import tocsin.notify.PermanentDeliveryException;

import java.net.URI;
import java.net.URISyntaxException;

/** Validation of a webhook URL from a target: absolute http(s), a host, no user info. Stateless. */
public final class WebhookUrls {

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
}
