package tocsin.notify.webhook;

import java.net.URI;
import java.util.Map;
import java.util.Objects;

/**
 * A webhook named in the configuration, as Datadog's Webhooks integration defines one: a URL, an optional payload
 * template using {@code $VARIABLES}, custom headers, and whether the payload is sent as JSON or as a form. Tocsin adds
 * an optional secret that signs each body ({@code X-Tocsin-Signature}). Immutable; {@link #toString()} hides the
 * secret and header values.
 *
 * @param payload the payload template, or null for {@link TemplatedWebhook#DEFAULT_PAYLOAD}
 * @param secret  the HMAC key, or null to send unsigned
 */
public record NamedWebhook(String name, URI url, String payload, Map<String, String> headers, String secret,
                           boolean encodeAsForm) {
    public NamedWebhook {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(url, "url");
        headers = Map.copyOf(headers);
    }

    @Override
    public String toString() {
        return "NamedWebhook[" + name + ", " + url + ", headers=" + headers.keySet() + ", signed=" + (secret != null)
                + ", form=" + encodeAsForm + "]";
    }
}
