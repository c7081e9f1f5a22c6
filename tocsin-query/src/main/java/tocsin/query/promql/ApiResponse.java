package tocsin.query.promql;

import java.util.Objects;

/**
 * What an HTTP layer sends back for a Prometheus API call: the status code and the JSON body, always
 * {@code application/json}. Statuses as Prometheus's: 200; 400 for {@code bad_data}; 422 for {@code execution}
 * (the query cannot be evaluated over this data); 500 for {@code internal}.
 */
public record ApiResponse(int status, String body) {
    public static final String CONTENT_TYPE = "application/json";

    public ApiResponse {
        Objects.requireNonNull(body, "body");
    }

    static ApiResponse ok(String body) {
        return new ApiResponse(200, body);
    }

    static ApiResponse badData(String message) {
        return new ApiResponse(400, PromJson.error("bad_data", message));
    }

    static ApiResponse execution(String message) {
        return new ApiResponse(422, PromJson.error("execution", message));
    }

    static ApiResponse internal(String message) {
        return new ApiResponse(500, PromJson.error("internal", message));
    }
}
