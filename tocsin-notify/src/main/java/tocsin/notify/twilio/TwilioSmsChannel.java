package tocsin.notify.twilio;

import com.fasterxml.jackson.databind.JsonNode;
import tocsin.notify.Delivery;
import tocsin.notify.DeliveryException;
import tocsin.notify.PermanentDeliveryException;
import tocsin.notify.PhoneNumbers;
import tocsin.notify.Target;
import tocsin.notify.http.HttpExchange;
import tocsin.notify.template.SmsChannel;

import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * SMS through Twilio: {@code POST {base}/2010-04-01/Accounts/{sid}/Messages.json} with {@code To}, {@code From} and
 * {@code Body}. The provider message id is the message SID ({@code SM...}). Twilio cannot dedupe a create, so a
 * timeout after Twilio accepted may mean a second SMS; the dispatcher's record keeps that to the rare timeout.
 * Thread-safe.
 */
public final class TwilioSmsChannel implements SmsChannel {

    private final TwilioApi api;

    public TwilioSmsChannel(TwilioSettings settings, InstantSource clock) {
        this.api = new TwilioApi(settings, HttpExchange.create(settings.timeout(), clock));
    }

    @Override
    public Target.Kind kind() {
        return Target.Kind.SMS;
    }

    @Override
    public Delivery text(Target target, String body) throws DeliveryException {
        String to = PhoneNumbers.requireE164(target.address(), "To");
        Map<String, String> form = new LinkedHashMap<>();
        form.put("To", to);
        form.put("From", api.settings().fromNumber());
        form.put("Body", body);
        JsonNode message = api.create("Messages", form);
        String status = message.path("status").asText("");
        if (status.equals("failed") || status.equals("undelivered")) {
            throw new PermanentDeliveryException("twilio_" + message.path("error_code").asText("failed"),
                    "Twilio accepted the message but marked it " + status + ": "
                            + message.path("error_message").asText(""));
        }
        return new Delivery(message.get("sid").asText(), "twilio " + status);
    }
}
