package tocsin.notify.twilio;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Twilio account and endpoint; the shape of {@code notify.twilio} in the configuration file. Immutable;
 * {@link #toString()} hides the auth token.
 *
 * @param accountSid  the account SID ({@code AC} and 32 hex digits), also the basic-auth user
 * @param authToken   the auth token, the basic-auth password and the key of callback signatures
 * @param fromNumber  the sending number, E.164
 * @param baseUrl     {@code https://api.twilio.com}, or a compatible API
 * @param timeout     bound of each request
 */
public record TwilioSettings(String accountSid, String authToken, String fromNumber, URI baseUrl, Duration timeout) {

    private static final Pattern SID = Pattern.compile("AC[0-9a-fA-F]{32}");

    public TwilioSettings {
        Objects.requireNonNull(authToken, "authToken");
        Objects.requireNonNull(baseUrl, "baseUrl");
        Objects.requireNonNull(timeout, "timeout");
        if (accountSid == null || !SID.matcher(accountSid).matches()) {
            throw new IllegalArgumentException("accountSid must be AC followed by 32 hex digits: " + accountSid);
        }
        if (!tocsin.notify.PhoneNumbers.isE164(fromNumber)) {
            throw new IllegalArgumentException("fromNumber must be an E.164 number: " + fromNumber);
        }
        if (!baseUrl.isAbsolute()) {
            throw new IllegalArgumentException("baseUrl must be absolute: " + baseUrl);
        }
    }

    /** {@code {base}/2010-04-01/Accounts/{sid}/{resource}.json}. */
    URI resource(String resource) {
        String b = baseUrl.toString();
        return URI.create((b.endsWith("/") ? b.substring(0, b.length() - 1) : b) + "/2010-04-01/Accounts/"
                + accountSid + "/" + resource + ".json");
    }

    @Override
    public String toString() {
        return "TwilioSettings[" + accountSid + ", from=" + fromNumber + ", " + baseUrl + ", authToken=***]";
    }
}
