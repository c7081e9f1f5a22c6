package tocsin.monitor.json;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Reads typed fields out of a JSON object, collecting one error per bad field ({@code options.thresholds.warning:
 * must be a number}) instead of stopping at the first. An explicit JSON null reads as absent, as Datadog's clients
 * send nulls for unset fields. Not thread-safe: one per document.
 */
final class FieldReader {
    private final List<String> errors;

    FieldReader(List<String> errors) {
        this.errors = errors;
    }

    List<String> errors() {
        return errors;
    }

    void error(String path, String problem) {
        errors.add(path + ": " + problem);
    }

    /** Reports every field of {@code object} that is neither known nor tolerated. */
    void unknownFields(JsonNode object, String prefix, Set<String> known, Set<String> tolerated) {
        object.fieldNames().forEachRemaining(f -> {
            if (!known.contains(f) && !tolerated.contains(f)) {
                error(prefix + f, "unknown field");
            }
        });
    }

    Optional<JsonNode> present(JsonNode object, String field) {
        JsonNode v = object.get(field);
        return v == null || v.isNull() ? Optional.empty() : Optional.of(v);
    }

    Optional<String> string(JsonNode object, String field, String path, int maxLength) {
        Optional<JsonNode> v = present(object, field);
        if (v.isEmpty()) {
            return Optional.empty();
        }
        if (!v.get().isTextual()) {
            error(path, "must be a string, got " + kind(v.get()));
            return Optional.empty();
        }
        String s = v.get().textValue();
        if (s.length() > maxLength) {
            error(path, "must be at most " + maxLength + " characters, got " + s.length());
            return Optional.empty();
        }
        return Optional.of(s);
    }

    Optional<Double> number(JsonNode object, String field, String path) {
        Optional<JsonNode> v = present(object, field);
        if (v.isEmpty()) {
            return Optional.empty();
        }
        if (!v.get().isNumber() || !Double.isFinite(v.get().doubleValue())) {
            error(path, "must be a number, got " + kind(v.get()));
            return Optional.empty();
        }
        return Optional.of(v.get().doubleValue());
    }

    Optional<Long> integer(JsonNode object, String field, String path, long min, long max) {
        Optional<JsonNode> v = present(object, field);
        if (v.isEmpty()) {
            return Optional.empty();
        }
        JsonNode n = v.get();
        if (!n.isIntegralNumber() && !(n.isNumber() && n.doubleValue() == Math.rint(n.doubleValue()))) {
            error(path, "must be an integer, got " + kind(n));
            return Optional.empty();
        }
        if (!n.canConvertToLong() || n.longValue() < min || n.longValue() > max) {
            error(path, "must be between " + min + " and " + max + ", got " + n.asText());
            return Optional.empty();
        }
        return Optional.of(n.longValue());
    }

    Optional<Boolean> bool(JsonNode object, String field, String path) {
        Optional<JsonNode> v = present(object, field);
        if (v.isEmpty()) {
            return Optional.empty();
        }
        if (!v.get().isBoolean()) {
            error(path, "must be true or false, got " + kind(v.get()));
            return Optional.empty();
        }
        return Optional.of(v.get().booleanValue());
    }

    Optional<List<String>> strings(JsonNode object, String field, String path, int maxItems, int maxLength) {
        Optional<JsonNode> v = present(object, field);
        if (v.isEmpty()) {
            return Optional.empty();
        }
        if (!v.get().isArray()) {
            error(path, "must be an array of strings, got " + kind(v.get()));
            return Optional.empty();
        }
        if (v.get().size() > maxItems) {
            error(path, "must have at most " + maxItems + " items, got " + v.get().size());
            return Optional.empty();
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < v.get().size(); i++) {
            JsonNode item = v.get().get(i);
            if (!item.isTextual()) {
                error(path + "[" + i + "]", "must be a string, got " + kind(item));
            } else if (item.textValue().length() > maxLength) {
                error(path + "[" + i + "]", "must be at most " + maxLength + " characters");
            } else {
                out.add(item.textValue());
            }
        }
        return Optional.of(out);
    }

    Optional<JsonNode> object(JsonNode object, String field, String path) {
        Optional<JsonNode> v = present(object, field);
        if (v.isPresent() && !v.get().isObject()) {
            error(path, "must be an object, got " + kind(v.get()));
            return Optional.empty();
        }
        return v;
    }

    static String kind(JsonNode n) {
        return switch (n.getNodeType()) {
            case ARRAY -> "an array";
            case OBJECT -> "an object";
            case STRING -> "a string";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            case NULL -> "null";
            default -> n.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
        };
    }
}
