package tocsin.notify.http;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An {@code application/x-www-form-urlencoded} body, as Twilio and Slack post their callbacks: names and values
 * percent-decoded as UTF-8, {@code +} as space, repeated names kept in order. Stateless.
 */
public final class FormBody {

    /** More fields than any provider callback carries (Twilio's richest sends about 40). */
    public static final int MAX_FIELDS = 256;

    private FormBody() {
    }

    /**
     * The fields of {@code body}; empty for an empty body.
     *
     * @throws IllegalArgumentException for broken percent-encoding or more than {@link #MAX_FIELDS} fields, naming
     *                                  the problem for a 400 answer
     */
    public static Map<String, List<String>> parse(String body) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        if (body == null || body.isEmpty()) {
            return out;
        }
        String[] pairs = body.split("&", MAX_FIELDS + 2);
        if (pairs.length > MAX_FIELDS) {
            throw new IllegalArgumentException("body: more than " + MAX_FIELDS + " form fields");
        }
        for (String pair : pairs) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = decode(eq < 0 ? pair : pair.substring(0, eq));
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
            out.computeIfAbsent(name, k -> new ArrayList<>(1)).add(value);
        }
        return out;
    }

    /** The first value of {@code name}, or null. */
    public static String first(Map<String, List<String>> form, String name) {
        List<String> values = form.get(name);
        return values == null || values.isEmpty() ? null : values.getFirst();
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("body: malformed form encoding near '"
                    + (s.length() > 32 ? s.substring(0, 32) + "…" : s) + "'");
        }
    }
}
