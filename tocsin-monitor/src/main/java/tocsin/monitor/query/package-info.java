/**
 * Datadog's monitor query grammar: metric and query alerts (with {@code change} and {@code pct_change}), service
 * checks and composites; parse errors carry the column and what was expected.
 */
package tocsin.monitor.query;
