package tocsin.query.datadog;

import java.util.List;
import java.util.Objects;

/**
 * The answer to {@code GET /api/v1/query}, in Datadog's v1 shape. {@link #toJson()} renders it exactly as Datadog
 * does: {@code status}, {@code res_type}, {@code resp_version}, {@code query}, {@code from_date}, {@code to_date},
 * {@code group_by}, {@code message}, {@code series} and the empty {@code times}/{@code values} arrays Datadog sends
 * along; each series with {@code metric}, {@code display_name}, {@code pointlist} ({@code [[ms, value-or-null], ...]}
 * with timestamps as floats), {@code scope}, {@code expression}, {@code tag_set}, {@code aggr}, {@code interval}
 * (seconds), {@code length}, {@code start}, {@code end}, {@code unit} ({@code [null, null]}: Tocsin keeps no unit
 * metadata yet), {@code query_index} and an empty {@code attributes} object. Immutable and thread-safe.
 *
 * @param query         the query as requested
 * @param fromDateMillis the requested start, Unix milliseconds
 * @param toDateMillis   the requested end, Unix milliseconds
 * @param groupBy        the tag keys the queries group by, in order of appearance
 * @param series         the series, query by query
 */
public record QueryResponse(String query, long fromDateMillis, long toDateMillis, List<String> groupBy,
                            List<QuerySeries> series) {

    public QueryResponse {
        Objects.requireNonNull(query, "query");
        groupBy = List.copyOf(groupBy);
        series = List.copyOf(series);
    }

    /** {@code status}: always {@code ok}; failures are exceptions, not responses. */
    public String status() {
        return "ok";
    }

    /** {@code res_type}. */
    public String resType() {
        return "time_series";
    }

    /** {@code resp_version}. */
    public int respVersion() {
        return 1;
    }

    /** {@code message}: empty on success, as Datadog sends it. */
    public String message() {
        return "";
    }

    /** The response body as Datadog's v1 JSON. */
    public String toJson() {
        return ResponseJson.write(this);
    }
}
