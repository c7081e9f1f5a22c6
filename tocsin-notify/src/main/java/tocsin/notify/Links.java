package tocsin.notify;

import java.net.URI;
import java.util.Objects;
import java.util.Optional;

/**
 * The links a notification carries, all absolute under Tocsin's public URL. The acknowledge and resolve links are
 * signed for the notified user ({@code tocsin.notify.links.LinkSigner}); they lead to a confirmation page, never
 * straight to the action. Immutable.
 *
 * @param incident    the incident's page
 * @param acknowledge the signed acknowledge link, absent when the incident can no longer be acknowledged
 * @param resolve     the signed resolve link, absent when the incident is resolved
 * @param voiceCallback where Twilio posts the keypress of a voice call about this notification (the Gather action),
 *                      if Tocsin serves one; without it a call only announces the incident
 */
public record Links(URI incident, Optional<URI> acknowledge, Optional<URI> resolve, Optional<URI> voiceCallback) {

    public Links {
        Objects.requireNonNull(incident, "incident");
        Objects.requireNonNull(acknowledge, "acknowledge");
        Objects.requireNonNull(resolve, "resolve");
        Objects.requireNonNull(voiceCallback, "voiceCallback");
        requireAbsolute(incident, "incident");
        acknowledge.ifPresent(u -> requireAbsolute(u, "acknowledge"));
        resolve.ifPresent(u -> requireAbsolute(u, "resolve"));
        voiceCallback.ifPresent(u -> requireAbsolute(u, "voiceCallback"));
    }

    private static void requireAbsolute(URI uri, String field) {
        if (!uri.isAbsolute() || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))) {
            throw new IllegalArgumentException(field + " link must be an absolute http(s) URL: " + uri);
        }
    }

    public static Links incidentOnly(URI incident) {
        return new Links(incident, Optional.empty(), Optional.empty(), Optional.empty());
    }
}
