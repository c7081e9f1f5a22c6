package tocsin.notify.twilio;

import com.fasterxml.jackson.databind.JsonNode;
import tocsin.notify.Channel;
import tocsin.notify.Delivery;
import tocsin.notify.DeliveryException;
import tocsin.notify.Notice;
import tocsin.notify.Notification;
import tocsin.notify.PhoneNumbers;
import tocsin.notify.Target;
import tocsin.notify.http.HttpExchange;

import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Phone calls through Twilio: {@code POST {base}/2010-04-01/Accounts/{sid}/Calls.json} with {@code To},
 * {@code From} and the call's {@code Twiml} inline ({@link Twiml#call}), so what is read is fixed when the page is
 * sent and no extra request is needed before the phone rings. The keypress goes to the notification's voice
 * callback. The provider message id is the call SID ({@code CA...}). Thread-safe.
 */
public final class TwilioVoiceChannel implements Channel {

    /** Twilio's limit on the {@code Twiml} parameter. */
    static final int MAX_TWIML = 4000;

    private final TwilioApi api;

    public TwilioVoiceChannel(TwilioSettings settings, InstantSource clock) {
        this.api = new TwilioApi(settings, HttpExchange.create(settings.timeout(), clock));
    }

    @Override
    public Target.Kind kind() {
        return Target.Kind.VOICE;
    }

    @Override
    public Delivery send(Notification n) throws DeliveryException {
        requireOwnKind(n);
        return call(n.target(), Twiml.call(n));
    }

    /**
     * Calls and reads the notice's spoken form, with no key prompt: a notice is about several incidents or none, so
     * no single keypress could mean one acknowledgement.
     */
    @Override
    public Delivery sendNotice(Notice n) throws DeliveryException {
        requireOwnKind(n.target());
        return call(n.target(), Twiml.announce(n.spoken()));
    }

    private Delivery call(Target target, String twiml) throws DeliveryException {
        String to = PhoneNumbers.requireE164(target.address(), "To");
        if (twiml.length() > MAX_TWIML) {
            // titles are cut by the voice script, so only a pathological callback URL gets here
            throw new IllegalStateException("TwiML of " + twiml.length() + " characters exceeds Twilio's "
                    + MAX_TWIML);
        }
        Map<String, String> form = new LinkedHashMap<>();
        form.put("To", to);
        form.put("From", api.settings().fromNumber());
        form.put("Twiml", twiml);
        JsonNode call = api.create("Calls", form);
        return new Delivery(call.get("sid").asText(), "twilio call " + call.path("status").asText(""));
    }
}
