package tocsin.query.datadog;

import tocsin.core.metric.MetricKind;
import tocsin.core.metric.SeriesKey;
import tocsin.query.InMemoryMetricSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Test data on an hour-aligned base time: {@code put("cpu{host:a}", GAUGE, 0, 1.0, 10, 3.0)} writes points at T0+0s
 * and T0+10s. A one-hour query from T0 has Datadog's default 20 s buckets.
 */
final class Fixture {
    static final long T0 = 1_699_999_200_000L;
    static final long HOUR = 3_600_000L;

    final InMemoryMetricSource source = new InMemoryMetricSource();
    final DatadogQueryEngine engine = DatadogQueryEngine.over(source);

    static SeriesKey key(String series) {
        int open = series.indexOf('{');
        String name = series.substring(0, open);
        String tags = series.substring(open + 1, series.length() - 1);
        return tags.isEmpty() ? SeriesKey.of(name) : SeriesKey.of(name, tags.split(","));
    }

    /** Points as (seconds after T0, value) pairs. */
    Fixture put(String series, MetricKind kind, double... secondsAndValues) {
        for (int i = 0; i < secondsAndValues.length; i += 2) {
            source.add(key(series), kind, T0 + Math.round(secondsAndValues[i] * 1000), secondsAndValues[i + 1]);
        }
        return this;
    }

    Fixture gauge(String series, double... secondsAndValues) {
        return put(series, MetricKind.GAUGE, secondsAndValues);
    }

    /** The query over the hour after T0, evaluated a day later. */
    QueryResponse hour(String query) {
        return engine.query(query, T0, T0 + HOUR, T0 + 24 * HOUR);
    }

    /** The single series of the query over the hour after T0. */
    QuerySeries one(String query) {
        QueryResponse r = hour(query);
        if (r.series().size() != 1) {
            throw new AssertionError("expected one series, got " + r.series());
        }
        return r.series().getFirst();
    }

    static List<Double> values(QuerySeries s) {
        List<Double> out = new ArrayList<>();
        for (int i = 0; i < s.length(); i++) {
            out.add(s.value(i));
        }
        return out;
    }

    static List<Double> list(Double... values) {
        return Arrays.asList(values);
    }

    /** Seconds after T0 of each point. */
    static List<Long> seconds(QuerySeries s) {
        List<Long> out = new ArrayList<>();
        for (int i = 0; i < s.length(); i++) {
            out.add((s.timestamp(i) - T0) / 1000);
        }
        return out;
    }
}
