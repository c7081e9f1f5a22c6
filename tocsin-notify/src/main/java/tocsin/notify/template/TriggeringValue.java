package tocsin.notify.template;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The triggering value notifications show, read from the incident's first alert's {@code custom_details}: for
 * incidents that monitors open, the {@code value} that crossed the threshold (as the monitor stored it, e.g.
 * {@code 3.5}); for Events API incidents, {@code value} when the sender set one, else the first few scalar details
 * as {@code name=value}. Numbers lose float noise ({@code 97.0} → {@code 97}, six significant digits). At most
 * {@value #MAX} characters; each template cuts further to its medium. Stateless.
 */
public final class TriggeringValue {

    static final int MAX = 64;
    static final int MAX_FIELDS = 3;
    private static final ObjectMapper JSON = new ObjectMapper();

    private TriggeringValue() {
    }

    /** The value in {@code customDetails} (JSON text as stored with the alert, or null). */
    public static Optional<String> of(String customDetails) {
        if (customDetails == null || customDetails.isBlank()) {
            return Optional.empty();
        }
        JsonNode details;
        try {
            details = JSON.readTree(customDetails);
        } catch (JsonProcessingException e) {
            return clean(customDetails);
        }
        if (details == null || details.isNull() || details.isMissingNode()) {
            return Optional.empty();
        }
        if (details.isValueNode()) {
            return clean(number(details.asText()));
        }
        if (!details.isObject()) {
            return Optional.empty();
        }
        if (details.has("value")) {
            JsonNode v = details.get("value");
            return v.isValueNode() ? clean(number(v.asText())) : Optional.empty();
        }
        List<String> fields = new ArrayList<>();
        for (Map.Entry<String, JsonNode> e : details.properties()) {
            if (e.getValue().isValueNode() && !e.getValue().isNull() && fields.size() < MAX_FIELDS) {
                fields.add(e.getKey() + "=" + number(e.getValue().asText()));
            }
        }
        return clean(String.join(", ", fields));
    }

    /** A decimal number without float noise; other text unchanged. */
    static String number(String text) {
        String t = text.strip();
        if (t.isEmpty() || t.length() > 40 || !t.matches("[-+]?[0-9]*\\.?[0-9]+([eE][-+]?[0-9]+)?")) {
            return text;
        }
        BigDecimal d = new BigDecimal(t).round(MathContext.DECIMAL64).round(new MathContext(6));
        if (d.abs().compareTo(BigDecimal.valueOf(1_000_000_000_000L)) >= 0) {
            return d.stripTrailingZeros().toString();
        }
        return d.stripTrailingZeros().toPlainString();
    }

    private static Optional<String> clean(String text) {
        String one = Wording.oneLine(text);
        return one.isEmpty() ? Optional.empty() : Optional.of(Wording.truncate(one, MAX));
    }
}
