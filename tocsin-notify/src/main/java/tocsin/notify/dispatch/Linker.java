package tocsin.notify.dispatch;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

import tocsin.notify.IncidentSnapshot;
import tocsin.notify.Links;
import tocsin.notify.links.LinkAction;
import tocsin.notify.links.LinkSigner;
import tocsin.notify.twilio.Twiml;

/**
 * The links a notification carries for its recipient. Implementations are thread-safe.
 */
@FunctionalInterface
public interface Linker {

    Links links(IncidentSnapshot incident, String userId);

    /**
     * The page listing incidents, for messages about several ({@code /incidents} beside the incident pages): derived
     * from the link of {@code any} incident.
     */
    default URI incidentList(IncidentSnapshot any, String userId) {
        String s = links(any, userId).incident().resolve(".").toString();
        return URI.create(s.endsWith("/") ? s.substring(0, s.length() - 1) : s);
    }

    /**
     * The incident page under {@code publicUrl} ({@code /incidents/{id}}), signed acknowledge and resolve links,
     * good for {@code ttl}, and the voice keypress callback ({@link Twiml#VOICE_CALLBACK_PATH}) for the user.
     */
    static Linker signed(LinkSigner signer, URI publicUrl, Duration ttl) {
        Objects.requireNonNull(signer, "signer");
        Objects.requireNonNull(ttl, "ttl");
        String base = publicUrl.toString().endsWith("/") ? publicUrl.toString().substring(0,
                publicUrl.toString().length() - 1) : publicUrl.toString();
        return (incident, userId) -> new Links(URI.create(base + "/incidents/" + incident.id()),
                Optional.of(signer.sign(LinkAction.ACKNOWLEDGE, incident.id(), userId, ttl)),
                Optional.of(signer.sign(LinkAction.RESOLVE, incident.id(), userId, ttl)),
                Optional.of(URI.create(base + Twiml.VOICE_CALLBACK_PATH + "?incident="
                        + URLEncoder.encode(incident.id(), StandardCharsets.UTF_8) + "&user="
                        + URLEncoder.encode(userId, StandardCharsets.UTF_8))));
    }
}
