/**
 * Datadog's metric query language, answered as {@code GET /api/v1/query} answers it. Front door: {@link
 * tocsin.query.datadog.DatadogQueryEngine}.
 *
 * <h2>Language</h2>
 * {@code space_agg:metric{scope} by {keys}} with the modifiers {@code .rollup(agg[, seconds])}, {@code .as_count()},
 * {@code .as_rate()}, {@code .fill(null|zero|linear|last[, limit])} and {@code .weighted()} (accepted, no effect);
 * scopes in the symbolic syntax ({@code env:prod,!host:a}, wildcards {@code host:web-*}) or the boolean one
 * ({@code AND}, {@code OR}, {@code NOT}, {@code IN}, {@code NOT IN}, parentheses; never mixed, as Datadog refuses);
 * {@code + - * /} between queries and numbers with parentheses; the functions of {@link tocsin.query.datadog.Function};
 * several comma-separated queries, each answering with its own {@code query_index}. Distribution metrics are read from
 * their sketches ({@link tocsin.query.datadog.DistributionReader}): percentiles ({@code p50}, {@code p95},
 * {@code p99.9}, any {@code pNN}) and {@code count}, {@code sum}, {@code avg}, {@code min}, {@code max}, merged across
 * the series of a group and the buckets of a rollup interval; {@code count:} and {@code pNN:} on other metrics answer
 * {@link tocsin.query.UnsupportedQueryException}. Datadog functions Tocsin lacks ({@code anomalies},
 * {@code forecast}, ...) answer the same way.
 *
 * <h2>Evaluation, and where each rule comes from</h2>
 * <ul>
 *   <li>Buckets and the default rollup interval: {@link tocsin.query.datadog.Grid}, {@link
 *       tocsin.query.datadog.RollupIntervals} (Datadog's Rollup page, its API-interval table; a response Datadog
 *       recorded in its Java client's test cassettes for the bucket alignment).</li>
 *   <li>Time aggregation, {@code as_count}/{@code as_rate} per metric kind, interpolation and space aggregation:
 *       {@link tocsin.query.datadog.MetricReader} (the Metric Type Modifiers page, Interpolation and the Fill
 *       Modifier, the Rollup page).</li>
 *   <li>Arithmetic and null alignment: {@link tocsin.query.datadog.Arithmetic} (Interpolation page on
 *       {@code default_zero}: counts and rates queried as_count/as_rate "are always aligned as 0").</li>
 *   <li>Functions, applied after time and space aggregation: {@link tocsin.query.datadog.SeriesFunctions}.</li>
 *   <li>The response's descriptive fields: {@link tocsin.query.datadog.SeriesText}; the JSON: {@link
 *       tocsin.query.datadog.QueryResponse}.</li>
 * </ul>
 */
package tocsin.query.datadog;
