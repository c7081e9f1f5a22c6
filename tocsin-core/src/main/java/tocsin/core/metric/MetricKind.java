package tocsin.core.metric;

/**
 * What a series' values mean, which decides how they aggregate over time and across series.
 *
 * <ul>
 *   <li>{@link #GAUGE}: a level at an instant (Datadog gauge, Prometheus gauge, OTLP gauge).</li>
 *   <li>{@link #COUNT}: the number of events in the interval ending at the timestamp (Datadog count, DogStatsD
 *       counters after aggregation, OTLP delta sums). Sums over time.</li>
 *   <li>{@link #RATE}: events per second over the interval (Datadog rate).</li>
 *   <li>{@link #COUNTER}: a cumulative, monotonic total that may reset to zero (Prometheus counter, OTLP cumulative
 *       monotonic sum); queries take its rate or increase.</li>
 * </ul>
 */
public enum MetricKind {
    GAUGE, COUNT, RATE, COUNTER
}
