package tocsin.server.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import tocsin.monitor.DeclaredMonitor;
import tocsin.monitor.MonitorDefinition;
import tocsin.monitor.MonitorValidator;
import tocsin.monitor.json.MonitorJson;
import tocsin.monitor.template.HandleResolver;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Reads the {@code monitors:} section: a list of monitors in Datadog's JSON shape written as YAML ({@code name},
 * {@code type}, {@code query}, {@code message}, {@code tags}, {@code priority}, {@code options}), each with an
 * optional {@code key:} that reconciliation matches it on (the name when absent). The fields are read by the API's
 * own {@link MonitorJson} and checked by {@link MonitorValidator#offline}, so a monitor the file accepts is one the
 * API accepts, and every problem is reported with its path ({@code monitors[2].query: ...}). Whether the handles
 * name existing services and channels, and composites existing monitors, is checked at startup, when the state is
 * open. Stateless.
 */
final class MonitorsConfig {
    /** A key: letters, digits and {@code _ . : / -}, as a Terraform resource address or a file path might be. */
    private static final Pattern KEY = Pattern.compile("[A-Za-z0-9](?:[A-Za-z0-9_.:/-]{0,198}[A-Za-z0-9_])?");

    private MonitorsConfig() {
    }

    /** Empty when the file has no {@code monitors:} key. */
    static Optional<List<DeclaredMonitor>> read(ConfigReader top) {
        boolean present = top.has("monitors");
        List<ConfigReader> entries = top.sections("monitors");
        if (!present) {
            return Optional.empty();
        }
        MonitorValidator validator = MonitorValidator.offline(HandleResolver.wellFormed());
        List<DeclaredMonitor> out = new ArrayList<>();
        Map<String, String> seen = new HashMap<>();
        for (ConfigReader r : entries) {
            String key = r.matching("key", false, KEY, "a key of letters, digits and _ . : / - (at most 200)");
            ObjectNode fields = ((ObjectNode) r.node()).deepCopy();
            fields.remove("key");
            List<String> errors = new ArrayList<>();
            MonitorDefinition d = MonitorJson.read(fields, null, errors);
            if (d != null) {
                MonitorValidator.Result v = validator.validate(d, 0);
                errors.addAll(v.errors());
                d = v.definition();
            }
            errors.forEach(e -> addProblem(r, e));
            String name = d != null ? d.name() : fields.path("name").asText(null);
            if (key == null && (r.has("key") || name == null)) {
                continue;
            }
            String stored = DeclaredMonitor.keyOf(key, name);
            String previous = seen.putIfAbsent(stored, r.path());
            if (previous != null) {
                if (key != null) {
                    r.problem("key", "'" + key + "' is already the key of " + previous);
                } else {
                    r.problem("name", "'" + name + "' is already the name of " + previous + "; monitors without "
                            + "a key: are matched by name, so give one of them a key:");
                }
            } else if (d != null && errors.isEmpty()) {
                out.add(new DeclaredMonitor(stored, r.path(), d));
            }
        }
        return Optional.of(out);
    }

    /** {@code query: unexpected ...} becomes {@code monitors[2].query: unexpected ...}. */
    private static void addProblem(ConfigReader r, String error) {
        int colon = error.indexOf(": ");
        if (colon > 0) {
            r.problem(error.substring(0, colon), error.substring(colon + 2));
        } else {
            r.problem("", error);
        }
    }
}
