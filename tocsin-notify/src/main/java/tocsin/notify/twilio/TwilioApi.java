package tocsin.notify.twilio;

import com.fasterxml.jackson.databind.JsonNode;
import tocsin.notify.DeliveryException;
import tocsin.notify.PermanentDeliveryException;
import tocsin.notify.RetryableDeliveryException;
import tocsin.notify.http.HttpExchange;

import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;

/**
 * The part of Twilio's REST API that creates messages and calls: a form POST with basic auth, a JSON answer, and
 * Twilio's error body ({@code code}, {@code message}, {@code more_info}, {@code status}) classified. Thread-safe.
 */
final class TwilioApi {

    /**
     * Twilio error codes that no retry will fix, though some come with statuses that look transient. The rest are
     * decided by HTTP status. See twilio.com/docs/api/errors.
     */
    static final Set<Integer> PERMANENT_CODES = Set.of(
            20003, // authentication failed
            20404, // resource not found (wrong account)
            21211, // invalid 'To' phone number
            21212, // invalid 'From' phone number
            21214, // 'To' number cannot be reached
            21217, // phone number does not appear to be valid
            21401, // invalid phone number (calls)
            21408, // permission to send to this region not enabled
            21606, // 'From' number is not an SMS-capable number
            21610, // recipient unsubscribed (replied STOP)
            21612, // cannot route to this number
            21614, // 'To' is not a valid mobile number
            13224, // invalid phone number for calls
            13227  // no international calling permission
    );

    /** Error codes that say "later": too many requests, internal errors, queue overflow. */
    static final Set<Integer> RETRYABLE_CODES = Set.of(20429, 20500, 20503, 14107, 30001);

    private final TwilioSettings settings;
    private final HttpExchange http;
    private final String authorization;

    TwilioApi(TwilioSettings settings, HttpExchange http) {
        this.settings = settings;
        this.http = http;
        this.authorization = "Basic " + Base64.getEncoder().encodeToString(
                (settings.accountSid() + ":" + settings.authToken()).getBytes(StandardCharsets.UTF_8));
    }

    TwilioSettings settings() {
        return settings;
    }

    /** Creates a resource ({@code Messages}, {@code Calls}) and returns Twilio's JSON representation of it. */
    JsonNode create(String resource, Map<String, String> form) throws DeliveryException {
        HttpRequest.Builder request = HttpRequest.newBuilder(settings.resource(resource))
                .header("Authorization", authorization)
                .header("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(formEncode(form), StandardCharsets.UTF_8));
        HttpResponse<String> response = http.send(request);
        if (HttpExchange.isSuccess(response.statusCode())) {
            JsonNode body = HttpExchange.parseObject(response.body());
            if (body == null || !body.path("sid").isTextual()) {
                throw new RetryableDeliveryException("twilio_bad_response", "Twilio answered "
                        + response.statusCode() + " without a sid" + HttpExchange.snippetSuffix(response.body()));
            }
            return body;
        }
        throw classify(response, resource);
    }

    private DeliveryException classify(HttpResponse<String> response, String resource) {
        JsonNode body = HttpExchange.parseObject(response.body());
        int status = response.statusCode();
        if (body == null || !body.path("code").isInt()) {
            return http.classifyStatus(response, "http", "Twilio refused to create " + resource);
        }
        int code = body.get("code").asInt();
        String text = "Twilio " + status + " error " + code + ": " + body.path("message").asText("")
                + (body.hasNonNull("more_info") ? " (" + body.get("more_info").asText() + ")" : "");
        String reason = "twilio_" + code;
        Duration retryAfter = http.retryAfter(response).orElse(null);
        if (PERMANENT_CODES.contains(code)) {
            return new PermanentDeliveryException(reason, text);
        }
        if (RETRYABLE_CODES.contains(code) || HttpExchange.isRetryableStatus(status)) {
            return new RetryableDeliveryException(reason, text, retryAfter, null);
        }
        return new PermanentDeliveryException(reason, text);
    }

    static String formEncode(Map<String, String> form) {
        StringJoiner j = new StringJoiner("&");
        form.forEach((k, v) -> j.add(URLEncoder.encode(k, StandardCharsets.UTF_8) + "="
                + URLEncoder.encode(v, StandardCharsets.UTF_8)));
        return j.toString();
    }
}
