package tocsin.query.promql;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tocsin.query.MetricSource;
import tocsin.query.Points;
import tocsin.query.QueryException;
import tocsin.query.QueryExecutionException;
import tocsin.query.QuerySyntaxException;
import tocsin.query.promql.Expr.Call;
import tocsin.query.promql.Value.RawMatrix;
import tocsin.query.promql.Value.Scalars;
import tocsin.query.promql.Value.Str;
import tocsin.query.promql.Value.Vectors;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The front door of PromQL: parse a query, evaluate it over a {@link MetricSource} at one time or over a range,
 * and list series, label names and label values, as Prometheus's HTTP API does ({@link PromApi} wraps this in that
 * API's parameters and JSON).
 *
 * <pre>{@code
 * PromqlEngine engine = PromqlEngine.over(source);
 * PromqlResult r = engine.rangeQuery("sum by (job) (rate(http_requests_total[5m]))", start, end, 15_000);
 * String body = r.toJson();
 * }</pre>
 *
 * <p>Semantics are Prometheus 3's, described where they are implemented: selection, lookback and staleness in
 * {@link Evaluator} and {@link SeriesReader}, operators in {@link BinaryOps}, aggregations in {@link Aggregations},
 * functions in {@link RangeFunctions} and {@link InstantFunctions}. Defaults: lookback delta 5 minutes, subquery step
 * 1 minute (Prometheus's default evaluation interval), at most 11,000 points per series in a range query.
 *
 * <p>Pure: no clock, every time comes in. Immutable and thread-safe when the source is; one engine serves all
 * requests.
 */
public final class PromqlEngine {
    private static final Logger log = LoggerFactory.getLogger(PromqlEngine.class);
    /** Prometheus's limit on the steps of a range query. */
    public static final int MAX_POINTS_PER_SERIES = 11_000;
    static final String TOO_MANY_POINTS = "exceeded maximum resolution of 11,000 points per timeseries. "
            + "Try decreasing the query resolution (?step=XX)";
    /** The whole of time, for listings without bounds; kept clear of overflow in window arithmetic. */
    static final long MIN_TIME = Long.MIN_VALUE / 4;
    static final long MAX_TIME = Long.MAX_VALUE / 4;

    private final MetricSource source;
    private final long lookbackMillis;
    private final long subqueryStepMillis;

    private PromqlEngine(MetricSource source, long lookbackMillis, long subqueryStepMillis) {
        this.source = Objects.requireNonNull(source, "source");
        this.lookbackMillis = lookbackMillis;
        this.subqueryStepMillis = subqueryStepMillis;
    }

    /** An engine reading from this source with Prometheus's defaults. */
    public static PromqlEngine over(MetricSource source) {
        return new PromqlEngine(source, Duration.ofMinutes(5).toMillis(), Duration.ofMinutes(1).toMillis());
    }

    /** The same engine with another lookback delta (Prometheus's {@code --query.lookback-delta}). */
    public PromqlEngine withLookbackDelta(Duration lookback) {
        if (lookback.isNegative() || lookback.isZero()) {
            throw new IllegalArgumentException("lookback delta must be positive, was " + lookback);
        }
        return new PromqlEngine(source, lookback.toMillis(), subqueryStepMillis);
    }

    /** The same engine with another step for subqueries that give none ({@code x[1h:]}). */
    public PromqlEngine withDefaultSubqueryStep(Duration step) {
        if (step.isNegative() || step.isZero()) {
            throw new IllegalArgumentException("subquery step must be positive, was " + step);
        }
        return new PromqlEngine(source, lookbackMillis, step.toMillis());
    }

    /**
     * Parses a query without evaluating it.
     *
     * @throws QueryException a {@link QuerySyntaxException} worded as Prometheus words it
     *                        ({@code 1:5: parse error: unexpected end of input}), or an
     *                        {@link tocsin.query.UnsupportedQueryException} for a Prometheus function Tocsin lacks
     */
    public static void validate(String query) {
        Parser.parse(query);
    }

    /**
     * Evaluates a query at one time, as {@code /api/v1/query}.
     *
     * @return a vector, a scalar, a string, or a matrix when the query is a range vector ({@code foo[5m]})
     * @throws QueryException when the query does not parse or cannot be evaluated (many-to-many matching,
     *                        duplicate label sets: a {@link tocsin.query.QueryExecutionException})
     */
    public PromqlResult instantQuery(String query, long timeMillis) {
        Expr e = Parser.parse(query);
        Evaluator ev = new Evaluator(new SeriesReader(source), Grid.instant(timeMillis), timeMillis, timeMillis,
                lookbackMillis, subqueryStepMillis);
        Value v = evaluate(ev, e);
        PromqlResult r = switch (v) {
            case Scalars s -> new PromqlResult.Scalar(timeMillis, s.values()[0]);
            case Str s -> new PromqlResult.Text(timeMillis, s.value());
            case RawMatrix m -> matrix(m);
            case Vectors vs -> vector(e, vs, timeMillis);
        };
        log.debug("instant query {} at {}: {}", query, timeMillis, r.resultType());
        return r;
    }

    /**
     * Evaluates a query at {@code start}, {@code start + step}, ... up to {@code end}, as {@code /api/v1/query_range}.
     *
     * @return a matrix sorted by labels; a scalar query is one series without labels
     * @throws QueryException           when the query does not parse, is a range vector or a string (Prometheus's
     *                                  {@code invalid expression type "range vector" for range query, ...}), or
     *                                  cannot be evaluated
     * @throws IllegalArgumentException when {@code end < start}, {@code step <= 0}, or the range has more than
     *                                  {@link #MAX_POINTS_PER_SERIES} steps
     */
    public PromqlResult.Matrix rangeQuery(String query, long startMillis, long endMillis, long stepMillis) {
        checkRange(startMillis, endMillis, stepMillis);
        Expr e = Parser.parse(query);
        if (e.type() != Expr.Type.VECTOR && e.type() != Expr.Type.SCALAR) {
            throw QuerySyntaxException.worded("invalid expression type \"" + e.type().words
                    + "\" for range query, must be Scalar or instant Vector", 1);
        }
        Grid grid = new Grid(startMillis, endMillis, stepMillis);
        Evaluator ev = new Evaluator(new SeriesReader(source), grid, startMillis, endMillis, lookbackMillis,
                subqueryStepMillis);
        Value v = evaluate(ev, e);
        List<PromqlResult.Series> out = new ArrayList<>();
        if (v instanceof Scalars s) {
            long[] ts = new long[grid.size()];
            for (int i = 0; i < ts.length; i++) {
                ts[i] = grid.time(i);
            }
            out.add(new PromqlResult.Series(Labels.EMPTY, Points.of(ts, s.values())));
        } else {
            List<StepSeries> series = new ArrayList<>(((Vectors) v).series());
            series.sort(Comparator.comparing(s -> s.labels));
            for (StepSeries s : series) {
                RawSeries raw = s.toRaw(grid);
                out.add(new PromqlResult.Series(s.labels, Points.of(raw.timestamps(), raw.values())));
            }
        }
        log.debug("range query {} over [{}, {}] step {}: {} series", query, startMillis, endMillis, stepMillis,
                out.size());
        return new PromqlResult.Matrix(out);
    }

    /** Evaluation recurses along the tree; a chain of thousands of operators is refused rather than crashing. */
    private static Value evaluate(Evaluator ev, Expr e) {
        try {
            return ev.eval(e);
        } catch (StackOverflowError overflow) {
            throw new QueryExecutionException("query is nested too deeply to evaluate");
        }
    }

    static void checkRange(long startMillis, long endMillis, long stepMillis) {
        if (endMillis < startMillis) {
            throw new IllegalArgumentException("end timestamp must not be before start time");
        }
        if (stepMillis <= 0) {
            throw new IllegalArgumentException(
                    "zero or negative query resolution step widths are not accepted. Try a positive integer");
        }
        if ((endMillis - startMillis) / stepMillis > MAX_POINTS_PER_SERIES) {
            throw new IllegalArgumentException(TOO_MANY_POINTS);
        }
    }

    /**
     * The label sets of the series any of the selectors select with samples in {@code [start, end]}, sorted and
     * without duplicates, as {@code /api/v1/series}.
     *
     * @throws QueryException when a selector does not parse
     */
    public List<Labels> series(List<String> selectors, long startMillis, long endMillis) {
        TreeSet<Labels> out = new TreeSet<>();
        SeriesReader reader = new SeriesReader(source);
        for (String s : selectors) {
            out.addAll(reader.labels(Parser.parseSelector(s).matchers(), startMillis, endMillis));
        }
        return List.copyOf(out);
    }

    /**
     * The label names on the series selected (every series when there is no selector) with samples in
     * {@code [start, end]}, sorted, {@code __name__} included, as {@code /api/v1/labels}.
     */
    public List<String> labelNames(List<String> selectors, long startMillis, long endMillis) {
        Set<String> out = new TreeSet<>();
        for (Labels l : selected(selectors, startMillis, endMillis)) {
            for (int i = 0; i < l.size(); i++) {
                out.add(l.name(i));
            }
        }
        return List.copyOf(out);
    }

    /** The values of a label on the series selected (every series when there is no selector), sorted. */
    public List<String> labelValues(String name, List<String> selectors, long startMillis, long endMillis) {
        if (selectors.isEmpty() && name.equals(Labels.METRIC_NAME)) {
            return List.copyOf(new TreeSet<>(source.metricNames(startMillis, endMillis)));
        }
        Set<String> out = new TreeSet<>();
        for (Labels l : selected(selectors, startMillis, endMillis)) {
            String v = l.get(name);
            if (!v.isEmpty()) {
                out.add(v);
            }
        }
        return List.copyOf(out);
    }

    private List<Labels> selected(List<String> selectors, long startMillis, long endMillis) {
        if (!selectors.isEmpty()) {
            return series(selectors, startMillis, endMillis);
        }
        SeriesReader reader = new SeriesReader(source);
        List<Labels> out = new ArrayList<>();
        List<LabelMatcher> any = List.of(LabelMatcher.of(LabelMatcher.Type.RE, Labels.METRIC_NAME, ".+"));
        out.addAll(reader.labels(any, startMillis, endMillis));
        return out;
    }

    private static PromqlResult.Matrix matrix(RawMatrix m) {
        TreeMap<Labels, PromqlResult.Series> sorted = new TreeMap<>();
        for (RawSeries s : m.series()) {
            sorted.put(s.labels(), new PromqlResult.Series(s.labels(),
                    Points.of(s.timestamps(), s.values())));
        }
        return new PromqlResult.Matrix(List.copyOf(sorted.values()));
    }

    /**
     * An instant vector in Prometheus's order: by labels, but by value when the query's outermost operation orders
     * it ({@code sort}, {@code sort_desc}, {@code topk}, {@code bottomk}), NaN last.
     */
    private static PromqlResult.Vector vector(Expr e, Vectors v, long t) {
        List<PromqlResult.Sample> out = new ArrayList<>();
        for (StepSeries s : v.series()) {
            if (s.present[0]) {
                out.add(new PromqlResult.Sample(s.labels, t, s.values[0]));
            }
        }
        Comparator<PromqlResult.Sample> byLabels = Comparator.comparing(PromqlResult.Sample::metric);
        Expr outer = Expr.unwrap(e);
        Boolean ascending = null;
        if (outer instanceof Call c && (c.function() == Function.SORT || c.function() == Function.SORT_DESC)) {
            ascending = c.function() == Function.SORT;
        } else if (outer instanceof Expr.Aggregate a && (a.op() == Expr.AggOp.TOPK || a.op() == Expr.AggOp.BOTTOMK)) {
            ascending = a.op() == Expr.AggOp.BOTTOMK;
        }
        if (ascending == null) {
            out.sort(byLabels);
        } else {
            boolean top = !ascending;
            out.sort(((Comparator<PromqlResult.Sample>) (a, b) -> Aggregations.rank(a.value(), b.value(), top))
                    .thenComparing(byLabels));
        }
        return new PromqlResult.Vector(out);
    }

}
