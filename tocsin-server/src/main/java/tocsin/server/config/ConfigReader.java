package tocsin.server.config;

import com.fasterxml.jackson.databind.JsonNode;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads one mapping of the YAML config while collecting problems instead of stopping at the first, so an operator
 * sees everything wrong with a file at once. Every value can be overridden from the environment: the value at
 * {@code notify.email.smtp_host} is taken from {@code TOCSIN_NOTIFY_EMAIL_SMTP_HOST} when that is set.
 *
 * <p>Keys the reader never asked for are reported as unknown by {@link #finish()}. Not thread-safe; used once at
 * startup.
 */
final class ConfigReader {
    private static final Pattern BYTES = Pattern.compile("(\\d+)\\s*([kmg]i?b?|b)?", Pattern.CASE_INSENSITIVE);

    private final JsonNode node;
    private final String path;
    private final Map<String, String> env;
    private final List<String> problems;
    private final Set<String> known = new LinkedHashSet<>();

    ConfigReader(JsonNode node, String path, Map<String, String> env, List<String> problems) {
        this.node = node;
        this.path = path;
        this.env = env;
        this.problems = problems;
        if (node != null && !node.isNull() && !node.isObject()) {
            problems.add(where() + "must be a mapping of keys to values, got " + describe(node));
        }
    }

    String path() {
        return path;
    }

    /** The mapping as parsed, for sections in another module's own shape (a monitor in Datadog's JSON). */
    JsonNode node() {
        return node;
    }

    /** Whether the file has {@code key} here, even with an empty or null value. */
    boolean has(String key) {
        return node != null && node.isObject() && node.has(key);
    }

    void problem(String key, String message) {
        problems.add(qualified(key) + ": " + message);
    }

    /** A nested mapping, present in the file or implied by an environment override below it. */
    Optional<ConfigReader> section(String key) {
        known.add(key);
        JsonNode child = child(key);
        boolean fromEnv = env.keySet().stream().anyMatch(k -> k.startsWith(envName(key) + "_"));
        if ((child == null || child.isNull()) && !fromEnv) {
            return Optional.empty();
        }
        return Optional.of(new ConfigReader(child, qualified(key), env, problems));
    }

    Optional<String> string(String key) {
        known.add(key);
        String fromEnv = env.get(envName(key));
        if (fromEnv != null) {
            return Optional.of(fromEnv);
        }
        JsonNode v = child(key);
        if (v == null || v.isNull()) {
            return Optional.empty();
        }
        if (!v.isValueNode()) {
            problem(key, "must be a single value, got " + describe(v));
            return Optional.empty();
        }
        return Optional.of(v.asText());
    }

    String requiredString(String key) {
        Optional<String> v = string(key);
        if (v.isEmpty() || v.get().isBlank()) {
            problem(key, "is required");
            return null;
        }
        return v.get();
    }

    /** A string that must match {@code pattern}; {@code expected} describes it for the error message. */
    String matching(String key, boolean required, Pattern pattern, String expected) {
        String v = required ? requiredString(key) : string(key).orElse(null);
        if (v != null && !pattern.matcher(v).matches()) {
            problem(key, "must be " + expected + ", got '" + v + "'");
            return null;
        }
        return v;
    }

    int integer(String key, int min, int max, int dflt) {
        known.add(key);
        String fromEnv = env.get(envName(key));
        JsonNode v = child(key);
        String text;
        if (fromEnv != null) {
            text = fromEnv.trim();
        } else if (v == null || v.isNull()) {
            return dflt;
        } else if (v.isIntegralNumber() || (v.isTextual() && !v.asText().isBlank())) {
            text = v.asText().trim();
        } else {
            problem(key, "must be an integer between " + min + " and " + max + ", got " + describe(v));
            return dflt;
        }
        try {
            long value = Long.parseLong(text);
            if (value < min || value > max) {
                problem(key, "must be between " + min + " and " + max + ", got " + value);
                return dflt;
            }
            return (int) value;
        } catch (NumberFormatException e) {
            problem(key, "must be an integer between " + min + " and " + max + ", got '" + text + "'");
            return dflt;
        }
    }

    boolean bool(String key, boolean dflt) {
        known.add(key);
        String fromEnv = env.get(envName(key));
        JsonNode v = child(key);
        if (fromEnv == null && (v == null || v.isNull())) {
            return dflt;
        }
        if (fromEnv == null && v.isBoolean()) {
            return v.booleanValue();
        }
        String text = (fromEnv != null ? fromEnv : v.isTextual() ? v.asText() : "").trim().toLowerCase(Locale.ROOT);
        return switch (text) {
            case "true", "yes", "on", "1" -> true;
            case "false", "no", "off", "0" -> false;
            default -> {
                problem(key, "must be true or false, got " + (fromEnv != null ? "'" + fromEnv + "'" : describe(v)));
                yield dflt;
            }
        };
    }

    /** A size in bytes: a plain number or with a unit (64MiB, 512KB, 1g). */
    long bytes(String key, long min, long max, long dflt) {
        Optional<String> v = string(key);
        if (v.isEmpty()) {
            return dflt;
        }
        Matcher m = BYTES.matcher(v.get().trim());
        if (!m.matches()) {
            problem(key, "must be a size such as 16777216, 16MiB or 512KiB, got '" + v.get() + "'");
            return dflt;
        }
        long n;
        try {
            n = Long.parseLong(m.group(1));
        } catch (NumberFormatException e) {
            problem(key, "is too large: '" + v.get() + "'");
            return dflt;
        }
        String unit = m.group(2) == null ? "b" : m.group(2).toLowerCase(Locale.ROOT);
        long mult = switch (unit.charAt(0)) {
            case 'k' -> 1L << 10;
            case 'm' -> 1L << 20;
            case 'g' -> 1L << 30;
            default -> 1;
        };
        if (n > max / mult || n * mult < min) {
            problem(key, "must be between " + min + " and " + max + " bytes, got '" + v.get() + "'");
            return dflt;
        }
        return n * mult;
    }

    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d|w)", Pattern.CASE_INSENSITIVE);

    /** A duration such as 500ms, 10s, 5m, 12h, 15d, 2w. */
    java.time.Duration duration(String key, java.time.Duration min, java.time.Duration max, java.time.Duration dflt) {
        Optional<String> v = string(key);
        if (v.isEmpty()) {
            return dflt;
        }
        Matcher m = DURATION.matcher(v.get().trim());
        if (!m.matches()) {
            problem(key, "must be a duration such as 30s, 5m, 12h or 15d, got '" + v.get() + "'");
            return dflt;
        }
        long n;
        try {
            n = Long.parseLong(m.group(1));
        } catch (NumberFormatException e) {
            problem(key, "is too large: '" + v.get() + "'");
            return dflt;
        }
        java.time.Duration d;
        try {
            d = switch (m.group(2).toLowerCase(Locale.ROOT)) {
                case "ms" -> java.time.Duration.ofMillis(n);
                case "s" -> java.time.Duration.ofSeconds(n);
                case "m" -> java.time.Duration.ofMinutes(n);
                case "h" -> java.time.Duration.ofHours(n);
                case "d" -> java.time.Duration.ofDays(n);
                default -> java.time.Duration.ofDays(Math.multiplyExact(n, 7));
            };
        } catch (ArithmeticException e) {
            problem(key, "is too large: '" + v.get() + "'");
            return dflt;
        }
        if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
            problem(key, "must be between " + min + " and " + max + ", got '" + v.get() + "'");
            return dflt;
        }
        return d;
    }

    /** An absolute http(s) URL, without a trailing slash. */
    String url(String key, String dflt) {
        Optional<String> v = string(key);
        if (v.isEmpty() || v.get().isBlank()) {
            return dflt;
        }
        String s = v.get().trim();
        try {
            URI uri = new URI(s);
            if (uri.getScheme() == null || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))
                    || uri.getHost() == null) {
                problem(key, "must be an absolute http:// or https:// URL, got '" + s + "'");
                return dflt;
            }
        } catch (URISyntaxException e) {
            problem(key, "must be an absolute http:// or https:// URL, got '" + s + "'");
            return dflt;
        }
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }

    /** A list of mappings ({@code scrape: [{job: ...}, ...]}); each element reports problems as {@code key[i]}. */
    List<ConfigReader> sections(String key) {
        known.add(key);
        JsonNode v = child(key);
        List<ConfigReader> out = new ArrayList<>();
        if (v == null || v.isNull()) {
            return out;
        }
        if (!v.isArray()) {
            problem(key, "must be a list, got " + describe(v));
            return out;
        }
        for (int i = 0; i < v.size(); i++) {
            JsonNode e = v.get(i);
            if (!e.isObject()) {
                problem(key + "[" + i + "]", "must be a mapping, got " + describe(e));
                continue;
            }
            out.add(new ConfigReader(e, qualified(key) + "[" + i + "]", Map.of(), problems));
        }
        return out;
    }

    /** A list of strings; a single string counts as a list of one. */
    List<String> strings(String key) {
        known.add(key);
        JsonNode v = child(key);
        List<String> out = new ArrayList<>();
        if (v == null || v.isNull()) {
            return out;
        }
        if (v.isValueNode()) {
            out.add(v.asText());
            return out;
        }
        if (!v.isArray()) {
            problem(key, "must be a list of strings, got " + describe(v));
            return out;
        }
        for (int i = 0; i < v.size(); i++) {
            if (!v.get(i).isValueNode() || v.get(i).isNull()) {
                problem(key + "[" + i + "]", "must be a string, got " + describe(v.get(i)));
            } else {
                out.add(v.get(i).asText());
            }
        }
        return out;
    }

    /** A mapping of strings to strings ({@code labels: {env: prod}}), in file order. */
    Map<String, String> stringMap(String key) {
        known.add(key);
        JsonNode v = child(key);
        Map<String, String> out = new java.util.LinkedHashMap<>();
        if (v == null || v.isNull()) {
            return out;
        }
        if (!v.isObject()) {
            problem(key, "must be a mapping of names to values, got " + describe(v));
            return out;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().isValueNode() || e.getValue().isNull()) {
                problem(key + "." + e.getKey(), "must be a single value, got " + describe(e.getValue()));
            } else {
                out.put(e.getKey(), e.getValue().asText());
            }
        }
        return out;
    }

    /** Reports keys present in the file that nobody asked for. Call after reading everything. */
    void finish() {
        if (node == null || !node.isObject()) {
            return;
        }
        List<String> unknown = new ArrayList<>();
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!known.contains(k)) {
                unknown.add(k);
            }
        }
        for (String k : unknown) {
            problems.add(qualified(k) + ": unknown key" + (known.isEmpty() ? " (this section takes no keys)"
                    : "; expected one of " + String.join(", ", known)));
        }
    }

    private JsonNode child(String key) {
        return node != null && node.isObject() ? node.get(key) : null;
    }

    private String qualified(String key) {
        return path.isEmpty() || key.isEmpty() ? path + key : path + "." + key;
    }

    private String where() {
        return path.isEmpty() ? "" : path + ": ";
    }

    String envName(String key) {
        return "TOCSIN_" + qualified(key).replace('.', '_').replace('-', '_').toUpperCase(Locale.ROOT);
    }

    private static String describe(JsonNode v) {
        if (v.isObject()) {
            return "a mapping";
        }
        if (v.isArray()) {
            return "a list";
        }
        if (v.isTextual()) {
            return "'" + v.asText() + "'";
        }
        return v.toString();
    }
}
