package tocsin.server.pagerduty;

import com.fasterxml.jackson.databind.JsonNode;
import tocsin.server.http.ApiProblem;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Reads a PagerDuty request object field by field, collecting every problem before failing, with each error naming
 * the field by its path ({@code schedule.schedule_layers[0].rotation_turn_length_seconds: must be positive}).
 *
 * <p>Real clients (Terraform's provider, the Go and Python SDKs) send explicit JSON {@code null}s for unset fields
 * and placeholder values; a {@code null} reads as absent everywhere here. Not thread-safe: one per request.
 */
public final class PdFields {
    private final JsonNode node;
    private final String path;
    private final List<String> errors;

    private PdFields(JsonNode node, String path, List<String> errors) {
        this.node = node;
        this.path = path;
        this.errors = errors;
    }

    /**
     * The wrapped object of a request body, {@code {"user": {...}}}; a 400 when the wrapper is missing or not an
     * object.
     */
    public static PdFields root(JsonNode body, String wrapper) {
        JsonNode inner = body == null ? null : body.get(wrapper);
        if (inner == null || !inner.isObject()) {
            throw ApiProblem.badRequest("Invalid Input Provided",
                    List.of(wrapper + ": is required (the request body is {\"" + wrapper + "\": {...}})"));
        }
        return new PdFields(inner, wrapper, new ArrayList<>());
    }

    /**
     * A request body that is itself the object, not wrapped ({@code {"role": "manager"}}); fields are named without a
     * prefix. A 400 when the body is not a JSON object.
     */
    public static PdFields unwrapped(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw ApiProblem.badRequest("Invalid Input Provided", List.of("body: must be a JSON object"));
        }
        return new PdFields(body, "", new ArrayList<>());
    }

    /** Fields of an object not wrapped (e.g. one element of a list), sharing this reader's error list. */
    public PdFields nested(JsonNode inner, String innerPath) {
        return new PdFields(inner, innerPath, errors);
    }

    /** The sub-object at {@code field}, if present and an object; a type error otherwise. */
    public Optional<PdFields> object(String field) {
        JsonNode v = value(field);
        if (v == null) {
            return Optional.empty();
        }
        if (!v.isObject()) {
            typeError(field, "an object", v);
            return Optional.empty();
        }
        return Optional.of(new PdFields(v, at(field), errors));
    }

    /** The elements of the array at {@code field} (empty when absent); a type error when not an array. */
    public List<PdFields> objects(String field) {
        JsonNode v = value(field);
        List<PdFields> out = new ArrayList<>();
        if (v == null) {
            return out;
        }
        if (!v.isArray()) {
            typeError(field, "an array", v);
            return out;
        }
        for (int i = 0; i < v.size(); i++) {
            JsonNode e = v.get(i);
            String p = at(field) + "[" + i + "]";
            if (!e.isObject()) {
                errors.add(p + ": must be an object, got " + kind(e));
            } else {
                out.add(new PdFields(e, p, errors));
            }
        }
        return out;
    }

    /** An array of strings; empty when absent. */
    public List<String> texts(String field) {
        JsonNode v = value(field);
        List<String> out = new ArrayList<>();
        if (v == null) {
            return out;
        }
        if (!v.isArray()) {
            typeError(field, "an array of strings", v);
            return out;
        }
        for (int i = 0; i < v.size(); i++) {
            if (!v.get(i).isTextual()) {
                errors.add(at(field) + "[" + i + "]: must be a string, got " + kind(v.get(i)));
            } else {
                out.add(v.get(i).asText());
            }
        }
        return out;
    }

    /** A required, non-blank string of at most {@code maxLength} characters; null (with an error) otherwise. */
    public String text(String field, int maxLength) {
        Optional<String> v = optText(field, maxLength);
        if (v.isEmpty() && !hasError(field)) {
            errors.add(at(field) + ": is required");
        }
        return v.orElse(null);
    }

    /** An optional string; blank reads as absent. */
    public Optional<String> optText(String field, int maxLength) {
        JsonNode v = value(field);
        if (v == null) {
            return Optional.empty();
        }
        if (!v.isTextual()) {
            typeError(field, "a string", v);
            return Optional.empty();
        }
        String s = v.asText().strip();
        if (s.isEmpty()) {
            return Optional.empty();
        }
        if (s.length() > maxLength) {
            errors.add(at(field) + ": is longer than " + maxLength + " characters");
            return Optional.empty();
        }
        return Optional.of(s);
    }

    /** An optional string from a fixed set (compared case-insensitively, returned lower-case). */
    public Optional<String> optEnum(String field, Set<String> allowed) {
        Optional<String> v = optText(field, 100).map(s -> s.toLowerCase(Locale.ROOT));
        if (v.isPresent() && !allowed.contains(v.get())) {
            errors.add(at(field) + ": must be one of " + String.join(", ", new java.util.TreeSet<>(allowed))
                    + ", got '" + v.get() + "'");
            return Optional.empty();
        }
        return v;
    }

    /** An optional integer within [min, max]; numeric strings are accepted, as PagerDuty accepts them. */
    public Optional<Long> optLong(String field, long min, long max) {
        JsonNode v = value(field);
        if (v == null) {
            return Optional.empty();
        }
        long n;
        if (v.isIntegralNumber() && v.canConvertToLong()) {
            n = v.asLong();
        } else if (v.isTextual() && v.asText().strip().matches("-?\\d{1,18}")) {
            n = Long.parseLong(v.asText().strip());
        } else if (v.isNumber() && v.asDouble() == Math.rint(v.asDouble()) && Math.abs(v.asDouble()) < 1e15) {
            n = (long) v.asDouble();
        } else {
            typeError(field, "an integer", v);
            return Optional.empty();
        }
        if (n < min || n > max) {
            errors.add(at(field) + ": must be between " + min + " and " + max + ", got " + n);
            return Optional.empty();
        }
        return Optional.of(n);
    }

    /** An optional boolean; "true"/"false" strings are accepted. */
    public Optional<Boolean> optBool(String field) {
        JsonNode v = value(field);
        if (v == null) {
            return Optional.empty();
        }
        if (v.isBoolean()) {
            return Optional.of(v.asBoolean());
        }
        if (v.isTextual() && (v.asText().equalsIgnoreCase("true") || v.asText().equalsIgnoreCase("false"))) {
            return Optional.of(Boolean.parseBoolean(v.asText()));
        }
        typeError(field, "a boolean", v);
        return Optional.empty();
    }

    /** An optional ISO 8601 time; local forms read in {@code zone}. */
    public Optional<Instant> optInstant(String field, ZoneId zone) {
        Optional<String> v = optText(field, 64);
        if (v.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(PdQuery.parseInstant(at(field), v.get(), zone));
        } catch (ApiProblem e) {
            errors.add(at(field) + ": must be an ISO 8601 date-time, got '" + v.get() + "'");
            return Optional.empty();
        }
    }

    /** An optional IANA time zone. */
    public Optional<ZoneId> optZone(String field) {
        Optional<String> v = optText(field, 64);
        if (v.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(ZoneId.of(v.get()));
        } catch (DateTimeException e) {
            errors.add(at(field) + ": unknown time zone '" + v.get() + "'");
            return Optional.empty();
        }
    }

    /** The id of a reference object at {@code field} ({@code {"id":"P123","type":"user_reference"}}). */
    public Optional<String> optRefId(String field) {
        return object(field).flatMap(ref -> ref.optText("id", 64));
    }

    /** The ids of an array of reference objects. */
    public List<String> refIds(String field) {
        List<String> out = new ArrayList<>();
        for (PdFields ref : objects(field)) {
            String id = ref.text("id", 64);
            if (id != null) {
                out.add(id);
            }
        }
        return out;
    }

    /** Whether the field is in the object at all, even as an explicit {@code null} (which clears it on update). */
    public boolean present(String field) {
        return node.has(field);
    }

    /** Whether the field is present and not null. */
    public boolean has(String field) {
        return value(field) != null;
    }

    /** The raw JSON at {@code field}, null when absent or null. */
    public JsonNode raw(String field) {
        return value(field);
    }

    /** Records a problem with a field of this object. */
    public void error(String field, String problem) {
        errors.add(at(field) + ": " + problem);
    }

    /** The path of a field of this object, for messages. */
    public String at(String field) {
        return path.isEmpty() ? field : path + "." + field;
    }

    /** Throws PagerDuty's 400 "Invalid Input Provided" with every problem, if there are any. */
    public void throwIfInvalid() {
        if (!errors.isEmpty()) {
            throw ApiProblem.badRequest("Invalid Input Provided", errors);
        }
    }

    public List<String> errors() {
        return List.copyOf(errors);
    }

    /** Whether a problem with {@code field} of this object has been recorded. */
    public boolean hasErrorOn(String field) {
        return hasError(field);
    }

    private boolean hasError(String field) {
        String p = at(field) + ":";
        return errors.stream().anyMatch(e -> e.startsWith(p));
    }

    private JsonNode value(String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() || v.isMissingNode() ? null : v;
    }

    private void typeError(String field, String expected, JsonNode v) {
        errors.add(at(field) + ": must be " + expected + ", got " + kind(v));
    }

    private static String kind(JsonNode v) {
        return v.getNodeType().name().toLowerCase(Locale.ROOT);
    }
}
