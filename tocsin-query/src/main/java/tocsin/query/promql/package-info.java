/**
 * PromQL and Prometheus's HTTP query API, so that Grafana (or anything speaking Prometheus) can use Tocsin as a
 * Prometheus data source. Front doors: {@link tocsin.query.promql.PromqlEngine} (parse, evaluate, list series and
 * labels over a {@link tocsin.query.MetricSource}) and {@link tocsin.query.promql.PromApi} (the same behind
 * {@code /api/v1/query}, {@code query_range}, {@code series}, {@code labels}, {@code label/<name>/values}: parameters
 * in, status and JSON body out).
 *
 * <h2>Data model</h2>
 * A stored series ({@link tocsin.core.metric.SeriesKey}) is read as Prometheus labels: its name is {@code __name__},
 * each {@code key:value} tag the label {@code key="value"}; bare tags are not labels and a key with several values
 * reads as its first (see {@link tocsin.query.promql.Labels#of(tocsin.core.metric.SeriesKey)}). Values are read as
 * stored, whatever the series' kind: a Datadog count's points are per-interval counts, so {@code sum_over_time} and
 * not {@code rate} suits them.
 *
 * <h2>Language</h2>
 * Everything of Prometheus 3's float PromQL except what is listed below: number (decimal, hex, octal, {@code Inf},
 * {@code NaN}), string and duration literals; selectors with {@code = != =~ !~}, Prometheus 3's quoted names
 * ({@code {"service.name"="x"}}); ranges, subqueries, {@code offset} (negative too), {@code @} with
 * {@code start()}/{@code end()}; every binary operator with {@code bool}, {@code on}/{@code ignoring},
 * {@code group_left}/{@code group_right}; the aggregations {@code sum avg min max count group stddev stdvar topk
 * bottomk quantile count_values} with {@code by}/{@code without} before or after; the functions of
 * {@link tocsin.query.promql.Function}. Parse errors are worded as Prometheus's, with line and column
 * ({@code 1:12: parse error: unexpected <by>}).
 *
 * <h2>Semantics, and where each rule is written</h2>
 * <ul>
 *   <li>Steps, lookback (5 minutes, left-open window), staleness markers, {@code @}/{@code offset}, subquery
 *       alignment: {@link tocsin.query.promql.Evaluator}, {@link tocsin.query.promql.SeriesReader}.</li>
 *   <li>{@code rate}/{@code increase}/{@code delta} extrapolation and counter resets, the {@code *_over_time}
 *       family: {@link tocsin.query.promql.RangeFunctions}.</li>
 *   <li>Vector matching and its errors: {@link tocsin.query.promql.BinaryOps}. Aggregations:
 *       {@link tocsin.query.promql.Aggregations}. {@code histogram_quantile}, label functions:
 *       {@link tocsin.query.promql.InstantFunctions}.</li>
 *   <li>Output: {@link tocsin.query.promql.PromJson} (values as Go formats them, {@code "NaN"}, {@code "+Inf"}).</li>
 * </ul>
 *
 * <h2>Differences from Prometheus</h2>
 * <ul>
 *   <li>Regular expressions run on {@link java.util.regex}, not RE2: see {@link tocsin.query.promql.LabelMatcher}.</li>
 *   <li>No native histograms, so none of their functions; {@code holt_winters}/{@code double_exponential_smoothing},
 *       {@code sort_by_label}, {@code info}, {@code mad_over_time}, {@code limitk}/{@code limit_ratio} and the
 *       experimental duration arithmetic are refused as unsupported.</li>
 *   <li>No query timeout, statistics, warnings or info annotations; the 50-million-sample limit counts samples read,
 *       not samples held.</li>
 *   <li>Queries nested thousands of levels deep are refused instead of evaluated.</li>
 *   <li>An instant vector is ordered by labels (by value under an outermost {@code sort}, {@code sort_desc},
 *       {@code topk}, {@code bottomk}); Prometheus leaves the order unspecified.</li>
 *   <li>Selectors without an equality on {@code __name__} walk {@link tocsin.query.MetricSource#metricNames}, which
 *       sources must implement for them to find anything.</li>
 * </ul>
 */
package tocsin.query.promql;
