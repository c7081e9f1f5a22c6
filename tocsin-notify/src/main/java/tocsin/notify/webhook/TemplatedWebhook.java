package tocsin.notify.webhook;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import tocsin.notify.Delivery;
import tocsin.notify.DeliveryException;
import tocsin.notify.http.HttpExchange;
import tocsin.notify.http.WebhookUrls;

import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Posts to a {@link NamedWebhook} the way Datadog's Webhooks integration does: the payload template with each
 * {@code $VARIABLE} replaced, as JSON or, with {@code encode_as: form}, as form fields (one per top-level key; nested
 * values as JSON text). Values are JSON-escaped in a JSON payload, so a message with quotes or newlines keeps the
 * document valid; a name that is not a known variable stays as written (the longest known prefix wins:
 * {@code $ALERT_IDS} is {@code $ALERT_ID} followed by {@code S}). Custom header values are substituted too, without
 * escaping.
 *
 * <p>Every request carries {@code X-Tocsin-Delivery} (the message's id: the same on every retry, receivers dedupe
 * on it) and, with a secret, {@code X-Tocsin-Signature} ({@link WebhookSignature}). 2xx is delivered; 408, 429 and
 * 5xx are retried; other statuses are permanent. Thread-safe.
 */
public final class TemplatedWebhook {
    /** Datadog's default payload, for webhooks configured without one. */
    public static final String DEFAULT_PAYLOAD = "{\"body\":\"$EVENT_MSG\",\"last_updated\":\"$LAST_UPDATED\","
            + "\"event_type\":\"$EVENT_TYPE\",\"title\":\"$EVENT_TITLE\",\"date\":\"$DATE\",\"id\":\"$ID\"}";
    /** The variables Tocsin fills in, without their {@code $}. */
    public static final Set<String> VARIABLES = Set.of("AGGREG_KEY", "ALERT_CYCLE_KEY", "ALERT_ID", "ALERT_METRIC",
            "ALERT_PRIORITY", "ALERT_QUERY", "ALERT_SCOPE", "ALERT_STATUS", "ALERT_TITLE", "ALERT_TRANSITION",
            "ALERT_TYPE", "DATE", "EMAIL", "EVENT_MSG", "EVENT_TITLE", "EVENT_TYPE", "HOSTNAME", "ID",
            "LAST_UPDATED", "LINK", "PRIORITY", "TAGS", "TEXT_ONLY_MSG", "USER", "USERNAME");

    private static final Pattern VARIABLE = Pattern.compile("\\$([A-Z][A-Z0-9_]*)");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpExchange http;
    private final InstantSource clock;

    public TemplatedWebhook(Duration timeout, InstantSource clock) {
        this.http = HttpExchange.create(timeout, clock);
        this.clock = clock;
    }

    /**
     * Sends one event.
     *
     * @param eventId   the message's idempotency id
     * @param variables values by name without {@code $}
     */
    public Delivery send(NamedWebhook hook, String eventId, Map<String, String> variables) throws DeliveryException {
        String payload = hook.payload() == null ? DEFAULT_PAYLOAD : hook.payload();
        String json = substitute(payload, variables, true);
        String body;
        String contentType;
        if (hook.encodeAsForm()) {
            body = form(json);
            contentType = "application/x-www-form-urlencoded";
        } else {
            body = json;
            contentType = "application/json; charset=utf-8";
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(WebhookUrls.require(hook.url().toString()))
                .header("Content-Type", contentType)
                .header("User-Agent", GenericWebhookChannel.USER_AGENT)
                .header("X-Tocsin-Delivery", eventId)
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        hook.headers().forEach((k, v) -> request.setHeader(k, substitute(v, variables, false)));
        if (hook.secret() != null) {
            request.setHeader(WebhookSignature.HEADER, WebhookSignature.header(hook.secret(), clock.instant(),
                    body.getBytes(StandardCharsets.UTF_8)));
        }
        HttpResponse<String> response = http.send(request);
        if (!HttpExchange.isSuccess(response.statusCode())) {
            throw http.classifyStatus(response, "http", "webhook '" + hook.name() + "' refused the event");
        }
        return new Delivery(eventId, "webhook " + response.statusCode());
    }

    /** Replaces the known {@code $VARIABLES} of {@code template}; JSON-escapes the values when {@code json}. */
    public static String substitute(String template, Map<String, String> variables, boolean json) {
        Matcher m = VARIABLE.matcher(template);
        StringBuilder out = new StringBuilder(template.length() + 64);
        int last = 0;
        while (m.find()) {
            String name = known(m.group(1));
            if (name == null) {
                continue;
            }
            out.append(template, last, m.start());
            String value = variables.getOrDefault(name, "");
            out.append(json ? escape(value) : value);
            last = m.start() + 1 + name.length();
        }
        return out.append(template, last, template.length()).toString();
    }

    /**
     * What is wrong with a payload template, for configuration checks: empty when it is a JSON document once its
     * variables are filled in (with sample values), else why not.
     */
    public static Optional<String> problem(String payload) {
        Map<String, String> samples = new java.util.HashMap<>();
        VARIABLES.forEach(v -> samples.put(v, "1"));
        try {
            JsonNode n = JSON.readTree(substitute(payload, samples, true));
            if (n == null || !n.isObject()) {
                return Optional.of("must be a JSON object with $VARIABLES in its values, such as "
                        + "{\"text\": \"$EVENT_MSG\"}");
            }
            return Optional.empty();
        } catch (JsonProcessingException e) {
            var loc = e.getLocation();
            return Optional.of("is not valid JSON once its variables are filled in" + (loc == null ? "" : " (line "
                    + loc.getLineNr() + ", column " + loc.getColumnNr() + ")") + ": " + e.getOriginalMessage()
                    .replaceAll("\\s*\\(start marker at \\[Source.*", "").replaceAll("\\s+", " ").strip());
        }
    }

    /** The {@code $NAMES} in a template that are not variables Tocsin fills in: they are sent as written. */
    public static List<String> unknownVariables(String template) {
        Set<String> out = new LinkedHashSet<>();
        Matcher m = VARIABLE.matcher(template);
        while (m.find()) {
            if (known(m.group(1)) == null) {
                out.add("$" + m.group(1));
            }
        }
        return new ArrayList<>(out);
    }

    /** The longest known variable that {@code word} starts with, or null. */
    private static String known(String word) {
        for (int end = word.length(); end > 0; end--) {
            String candidate = word.substring(0, end);
            if (VARIABLES.contains(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    private static String escape(String value) {
        String quoted = HttpExchange.json(JSON.getNodeFactory().textNode(value));
        return quoted.substring(1, quoted.length() - 1);
    }

    /** A JSON object as form fields: strings as they are, other values as JSON text. */
    private static String form(String json) throws DeliveryException {
        JsonNode n;
        try {
            n = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new tocsin.notify.PermanentDeliveryException("invalid_payload", "the payload is not JSON, so it "
                    + "cannot be encoded as a form: " + e.getOriginalMessage());
        }
        StringBuilder out = new StringBuilder();
        for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String v = e.getValue().isTextual() ? e.getValue().asText() : HttpExchange.json(e.getValue());
            out.append(out.isEmpty() ? "" : "&").append(URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8))
                    .append('=').append(URLEncoder.encode(v, StandardCharsets.UTF_8));
        }
        return out.toString();
    }
}
