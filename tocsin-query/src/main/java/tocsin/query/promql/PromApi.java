package tocsin.query.promql;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tocsin.query.MetricSource;
import tocsin.query.QueryExecutionException;
import tocsin.query.QuerySyntaxException;
import tocsin.query.UnsupportedQueryException;
import tocsin.query.promql.ApiParams.BadParameter;

import java.time.InstantSource;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Prometheus's HTTP API ({@code /api/v1/query}, {@code query_range}, {@code series}, {@code labels},
 * {@code label/<name>/values}) as plain calls, so that the server's routes only map HTTP to them: each method takes
 * the request's parameters as the strings Prometheus accepts (GET query string or POST form, which is what Grafana
 * sends; {@code null} or empty for an absent one; {@code match[]} repeated) and returns the status and the JSON body
 * Prometheus would, errors included:
 *
 * <pre>{@code
 * {"status":"error","errorType":"bad_data",
 *  "error":"invalid parameter \"query\": 1:9: parse error: unexpected end of input"}
 * }</pre>
 *
 * <p>The {@code timeout}, {@code stats} and {@code lookback_delta} parameters are not taken: queries run to the end.
 * The clock only supplies {@code time} when a query gives none. Thread-safe when the source is.
 */
public final class PromApi {
    private static final Logger log = LoggerFactory.getLogger(PromApi.class);

    private final PromqlEngine engine;
    private final InstantSource clock;

    private PromApi(PromqlEngine engine, InstantSource clock) {
        this.engine = Objects.requireNonNull(engine, "engine");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    public static PromApi over(MetricSource source, InstantSource clock) {
        return new PromApi(PromqlEngine.over(source), clock);
    }

    public static PromApi over(PromqlEngine engine, InstantSource clock) {
        return new PromApi(engine, clock);
    }

    /** {@code /api/v1/query?query=&time=}: {@code time} defaults to now. */
    public ApiResponse query(String query, String time) {
        return answer(() -> {
            long t = isBlank(time) ? clock.millis() : param("time", () -> ApiParams.time(time));
            return ApiResponse.ok(engine.instantQuery(parsed(query), t).toJson());
        });
    }

    /** {@code /api/v1/query_range?query=&start=&end=&step=}. */
    public ApiResponse queryRange(String query, String start, String end, String step) {
        return answer(() -> {
            long s = param("start", () -> ApiParams.time(nonNull(start)));
            long e = param("end", () -> ApiParams.time(nonNull(end)));
            if (e < s) {
                throw new InvalidParameter("end", "end timestamp must not be before start time");
            }
            long st = param("step", () -> ApiParams.duration(nonNull(step)));
            if (st <= 0) {
                throw new InvalidParameter("step",
                        "zero or negative query resolution step widths are not accepted. Try a positive integer");
            }
            if ((e - s) / st > PromqlEngine.MAX_POINTS_PER_SERIES) {
                return ApiResponse.badData(PromqlEngine.TOO_MANY_POINTS);
            }
            String q = parsed(query);
            try {
                return ApiResponse.ok(engine.rangeQuery(q, s, e, st).toJson());
            } catch (QuerySyntaxException ex) {
                throw new InvalidParameter("query", ex.getMessage());
            }
        });
    }

    /** {@code /api/v1/series?match[]=&start=&end=&limit=}: at least one {@code match[]}. */
    public ApiResponse series(List<String> match, String start, String end, String limit) {
        return answer(() -> {
            if (match == null || match.isEmpty()) {
                return ApiResponse.badData("no match[] parameter provided");
            }
            long s = listingTime("start", start, PromqlEngine.MIN_TIME);
            long e = listingTime("end", end, PromqlEngine.MAX_TIME);
            int max = param("limit", () -> ApiParams.limit(limit));
            List<Labels> out;
            try {
                out = engine.series(match, s, e);
            } catch (QuerySyntaxException ex) {
                throw new InvalidParameter("match[]", ex.getMessage());
            }
            boolean truncated = max > 0 && out.size() > max;
            return ApiResponse.ok(PromJson.series(truncated ? out.subList(0, max) : out, truncated));
        });
    }

    /** {@code /api/v1/labels?match[]=&start=&end=&limit=}. */
    public ApiResponse labels(List<String> match, String start, String end, String limit) {
        return answer(() -> {
            long s = listingTime("start", start, PromqlEngine.MIN_TIME);
            long e = listingTime("end", end, PromqlEngine.MAX_TIME);
            int max = param("limit", () -> ApiParams.limit(limit));
            List<String> out = engine.labelNames(match == null ? List.of() : match, s, e);
            return strings(out, max);
        });
    }

    /** {@code /api/v1/label/<name>/values?match[]=&start=&end=&limit=}. */
    public ApiResponse labelValues(String name, List<String> match, String start, String end, String limit) {
        return answer(() -> {
            if (name == null || !Parser.isLabelName(name)) {
                return ApiResponse.badData("invalid label name: " + GoFormat.quote(name == null ? "" : name));
            }
            long s = listingTime("start", start, PromqlEngine.MIN_TIME);
            long e = listingTime("end", end, PromqlEngine.MAX_TIME);
            int max = param("limit", () -> ApiParams.limit(limit));
            List<String> out = engine.labelValues(name, match == null ? List.of() : match, s, e);
            return strings(out, max);
        });
    }

    private static ApiResponse strings(List<String> out, int max) {
        boolean truncated = max > 0 && out.size() > max;
        return ApiResponse.ok(PromJson.strings(truncated ? out.subList(0, max) : out, truncated));
    }

    /** A parameter error, answered as Prometheus's {@code invalid parameter "<name>": <problem>}. */
    private static final class InvalidParameter extends RuntimeException {
        InvalidParameter(String parameter, String problem) {
            super("invalid parameter " + GoFormat.quote(parameter) + ": " + problem, null, false, false);
        }
    }

    private static <T> T param(String name, Supplier<T> read) {
        try {
            return read.get();
        } catch (BadParameter e) {
            throw new InvalidParameter(name, e.getMessage());
        }
    }

    /** Prometheus words listing-time errors twice over: {@code invalid parameter "start": Invalid time value ...}. */
    private static long listingTime(String name, String value, long absent) {
        if (isBlank(value)) {
            return absent;
        }
        try {
            return ApiParams.time(value);
        } catch (BadParameter e) {
            throw new InvalidParameter(name, "Invalid time value for '" + name + "': " + e.getMessage());
        }
    }

    private static String parsed(String query) {
        String q = query == null ? "" : query;
        try {
            PromqlEngine.validate(q);
        } catch (QuerySyntaxException | UnsupportedQueryException e) {
            throw new InvalidParameter("query", e.getMessage());
        }
        return q;
    }

    private static ApiResponse answer(Supplier<ApiResponse> call) {
        try {
            return call.get();
        } catch (InvalidParameter e) {
            return ApiResponse.badData(e.getMessage());
        } catch (QuerySyntaxException | UnsupportedQueryException | IllegalArgumentException e) {
            return ApiResponse.badData(e.getMessage());
        } catch (QueryExecutionException e) {
            return ApiResponse.execution(e.getMessage());
        } catch (RuntimeException e) {
            log.error("Prometheus API call failed", e);
            return ApiResponse.internal("internal error evaluating the request; the server log has the cause");
        }
    }

    private static boolean isBlank(String s) {
        return s == null || s.isEmpty();
    }

    private static String nonNull(String s) {
        return s == null ? "" : s;
    }
}
