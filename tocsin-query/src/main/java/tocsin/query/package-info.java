/**
 * Metric queries over a store the caller provides.
 *
 * <p>This package owns the consumer side of the store boundary: {@link tocsin.query.MetricSource} is the small,
 * query-shaped interface that the server implements over the TSDB (an adapter), and {@link
 * tocsin.query.InMemoryMetricSource} implements it in memory for tests and for modules that evaluate queries without
 * a store. {@link tocsin.query.TagFilter} is the scope of a query as a tree a store can turn into index lookups.
 *
 * <p>Query languages live in sub-packages: {@code tocsin.query.datadog} is Datadog's metric query language, front
 * door {@link tocsin.query.datadog.DatadogQueryEngine}; {@code tocsin.query.promql} is PromQL and Prometheus's HTTP
 * query API, front doors {@link tocsin.query.promql.PromqlEngine} and {@link tocsin.query.promql.PromApi}. Every
 * language reports a bad query as a {@link tocsin.query.QueryException}.
 */
package tocsin.query;
