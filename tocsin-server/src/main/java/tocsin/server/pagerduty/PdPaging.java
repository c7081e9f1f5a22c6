package tocsin.server.pagerduty;

import tocsin.server.http.ApiProblem;
import tocsin.server.http.Exchange;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * PagerDuty's classic pagination: {@code ?limit=&offset=&total=}, answered with {@code limit}, {@code offset},
 * {@code more} and {@code total} (null unless {@code total=true} was asked for, as PagerDuty does). Limits above
 * {@link #MAX_LIMIT} are clamped, not refused, as PagerDuty clamps them; negative or non-numeric values are a 400
 * naming the parameter. Immutable.
 *
 * @param limit  page size, 1..{@link #MAX_LIMIT}
 * @param offset items to skip, ≥ 0
 * @param total  whether the caller asked for the total count
 */
public record PdPaging(int limit, int offset, boolean total) {
    public static final int DEFAULT_LIMIT = 25;
    public static final int MAX_LIMIT = 100;

    /** Reads the paging parameters of a list request. */
    public static PdPaging of(Exchange ex) {
        int limit = intParam(ex, "limit", DEFAULT_LIMIT);
        int offset = intParam(ex, "offset", 0);
        if (limit < 1) {
            limit = DEFAULT_LIMIT;
        }
        boolean total = ex.query("total").map(v -> v.equalsIgnoreCase("true")).orElse(false);
        return new PdPaging(Math.min(limit, MAX_LIMIT), offset, total);
    }

    private static int intParam(Exchange ex, String name, int dflt) {
        String raw = ex.query(name).orElse("").trim();
        if (raw.isEmpty()) {
            return dflt;
        }
        try {
            int v = Integer.parseInt(raw);
            if (v < 0) {
                throw ApiProblem.invalidField(name, "must be a non-negative integer, got " + raw);
            }
            return v;
        } catch (NumberFormatException e) {
            throw ApiProblem.invalidField(name, "must be a non-negative integer, got '" + raw + "'");
        }
    }

    /** One page of an in-memory list, in the list's order. */
    public <T> Map<String, Object> page(String collection, List<T> all) {
        int from = Math.min(offset, all.size());
        int to = Math.min(all.size(), from + limit);
        return envelope(collection, all.subList(from, to), all.size() > to, all.size());
    }

    /**
     * The envelope for a page fetched by the caller (typically with {@code limit + 1} rows to learn {@code more}).
     *
     * @param totalCount the full count, or a negative value when it is unknown (then {@code total} stays null)
     */
    public Map<String, Object> envelope(String collection, List<?> items, boolean more, long totalCount) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put(collection, items);
        out.put("limit", limit);
        out.put("offset", offset);
        out.put("more", more);
        out.put("total", total && totalCount >= 0 ? totalCount : null);
        return out;
    }
}
