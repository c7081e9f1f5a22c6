package tocsin.query.datadog;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tocsin.query.MetricSource;
import tocsin.query.QueryException;
import tocsin.query.datadog.Expr.MetricQuery;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The front door of Datadog's metric query language: parse a query, evaluate it over a {@link MetricSource}, answer
 * in the shape of Datadog's {@code GET /api/v1/query}.
 *
 * <pre>{@code
 * DatadogQueryEngine engine = DatadogQueryEngine.over(source);
 * QueryResponse r = engine.query("sum:requests{env:prod} by {host}.as_count()", from, to, now);
 * String body = r.toJson();
 * }</pre>
 *
 * <p>Each comma-separated query is evaluated on its own grid of time buckets: the interval is the default rollup for
 * the range (see {@link RollupIntervals}) or the coarsest interval its {@code .rollup()} calls ask for, and the grid
 * holds the interval-aligned bucket starts in {@code [from, min(to, now)]}. The semantics of every step, with their
 * sources in Datadog's documentation, are written on {@link MetricReader} (reading, time and space aggregation,
 * interpolation), {@link Arithmetic}, {@link SeriesFunctions} and {@link SeriesText} (the descriptive fields).
 *
 * <p>Pure: no clock reads, {@code now} comes in. Thread-safe when the source is; one engine serves all requests.
 */
public final class DatadogQueryEngine {
    private static final Logger log = LoggerFactory.getLogger(DatadogQueryEngine.class);

    private final Evaluator evaluator;

    private DatadogQueryEngine(MetricSource source) {
        this.evaluator = new Evaluator(Objects.requireNonNull(source, "source"));
    }

    /** An engine reading from this source. */
    public static DatadogQueryEngine over(MetricSource source) {
        return new DatadogQueryEngine(source);
    }

    /**
     * Parses and validates a query without reading data, as Datadog's monitor validation does.
     *
     * @throws QueryException naming the column and what was expected, or the unsupported feature
     */
    public static DatadogQuery parse(String query) {
        return DatadogQuery.parse(query);
    }

    /**
     * Parses and evaluates a query.
     *
     * @param fromMillis the range's start, Unix milliseconds ({@code from} seconds × 1000)
     * @param toMillis   the range's end, Unix milliseconds, inclusive
     * @param nowMillis  the current time: no bucket after it is evaluated
     * @throws QueryException when the query is invalid or uses something Tocsin does not evaluate yet
     * @throws IllegalArgumentException when {@code fromMillis > toMillis}
     */
    public QueryResponse query(String query, long fromMillis, long toMillis, long nowMillis) {
        return evaluate(parse(query), fromMillis, toMillis, nowMillis);
    }

    /** Evaluates a parsed query; see {@link #query}. */
    public QueryResponse evaluate(DatadogQuery query, long fromMillis, long toMillis, long nowMillis) {
        if (fromMillis > toMillis) {
            throw new IllegalArgumentException("from " + fromMillis + " is after to " + toMillis);
        }
        long until = Math.min(toMillis, nowMillis);
        SeriesText text = new SeriesText(query.text());
        List<QuerySeries> out = new ArrayList<>();
        List<Expr> expressions = query.expressions();
        for (int index = 0; index < expressions.size(); index++) {
            Expr e = expressions.get(index);
            long interval = intervalSeconds(e, toMillis - fromMillis);
            Grid grid = Grid.covering(fromMillis, until, interval);
            Value v = evaluator.eval(e, new Evaluator.Context(grid, until, 0));
            if (!(v instanceof Value.SeriesSet set)) {
                continue;
            }
            for (Series s : set.series()) {
                QuerySeries qs = describe(text, e, s, grid, index);
                if (qs != null) {
                    out.add(qs);
                }
            }
        }
        log.debug("query {} over [{}, {}]: {} series", query.text(), fromMillis, toMillis, out.size());
        return new QueryResponse(query.text(), fromMillis, toMillis, query.groupBy(), out);
    }

    /** The interval for a whole expression: the coarsest of its leaves', each default or as its rollup asks. */
    static long intervalSeconds(Expr e, long rangeMillis) {
        long interval = 0;
        for (MetricQuery leaf : Expr.leaves(e)) {
            long s = leaf.rollup() != null && leaf.rollup().seconds() > 0
                    ? RollupIntervals.customSeconds(leaf.rollup().seconds(), rangeMillis)
                    : RollupIntervals.defaultSeconds(rangeMillis);
            interval = Math.max(interval, s);
        }
        return interval;
    }

    /** The response series, trimmed to its first and last values; null when it has none. */
    private static QuerySeries describe(SeriesText text, Expr e, Series s, Grid grid, int index) {
        double[] v = s.values();
        int first = 0;
        while (first < v.length && Double.isNaN(v[first])) {
            first++;
        }
        if (first == v.length) {
            return null;
        }
        int last = v.length - 1;
        while (Double.isNaN(v[last])) {
            last--;
        }
        int n = last - first + 1;
        long[] ts = new long[n];
        double[] vs = new double[n];
        for (int i = 0; i < n; i++) {
            ts[i] = grid.timestamp(first + i);
            vs[i] = v[first + i];
        }
        String metric = text.metric(e);
        return new QuerySeries(metric, metric, text.expression(e, s), text.scope(e, s), s.tags(), SeriesText.aggr(e),
                grid.intervalSeconds(), index, ts, vs);
    }
}
