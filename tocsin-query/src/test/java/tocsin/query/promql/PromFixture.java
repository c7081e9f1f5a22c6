package tocsin.query.promql;

import tocsin.core.metric.MetricKind;
import tocsin.core.metric.SeriesKey;
import tocsin.query.InMemoryMetricSource;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Test data in Prometheus notation on an hour-aligned base time: {@code put("up{job=\"api\"}", 0, 1, 15, 1)} writes
 * points at T0+0s and T0+15s. Labels become {@code key:value} tags, as the intake stores them.
 */
final class PromFixture {
    static final long T0 = 1_699_999_200_000L;

    final InMemoryMetricSource source = new InMemoryMetricSource();
    final PromqlEngine engine = PromqlEngine.over(source);

    static SeriesKey key(String series) {
        int open = series.indexOf('{');
        if (open < 0) {
            return SeriesKey.of(series);
        }
        String name = series.substring(0, open);
        List<String> tags = new ArrayList<>();
        for (String kv : series.substring(open + 1, series.length() - 1).split(",")) {
            if (kv.isBlank()) {
                continue;
            }
            int eq = kv.indexOf('=');
            tags.add(kv.substring(0, eq).trim() + ":" + kv.substring(eq + 2, kv.length() - 1));
        }
        return SeriesKey.of(name, tags);
    }

    /** Points as (seconds after T0, value) pairs. */
    PromFixture put(String series, double... secondsAndValues) {
        for (int i = 0; i < secondsAndValues.length; i += 2) {
            source.add(key(series), MetricKind.GAUGE, T0 + Math.round(secondsAndValues[i] * 1000),
                    secondsAndValues[i + 1]);
        }
        return this;
    }

    /** A point every {@code every} seconds from {@code from} on, with these values. */
    PromFixture every(String series, double from, double every, double... values) {
        for (int i = 0; i < values.length; i++) {
            put(series, from + i * every, values[i]);
        }
        return this;
    }

    PromqlResult at(String query, double seconds) {
        return engine.instantQuery(query, T0 + Math.round(seconds * 1000));
    }

    /** The instant vector of a query as {labels → value}. */
    Map<String, Double> vector(String query, double seconds) {
        PromqlResult r = at(query, seconds);
        if (!(r instanceof PromqlResult.Vector v)) {
            throw new AssertionError("expected a vector, got " + r);
        }
        Map<String, Double> out = new LinkedHashMap<>();
        for (PromqlResult.Sample s : v.samples()) {
            out.put(s.metric().toString(), s.value());
        }
        return out;
    }

    /** The single value of an instant query. */
    double one(String query, double seconds) {
        Map<String, Double> v = vector(query, seconds);
        if (v.size() != 1) {
            throw new AssertionError("expected one element, got " + v);
        }
        return v.values().iterator().next();
    }

    PromqlResult.Matrix range(String query, double fromSeconds, double toSeconds, double stepSeconds) {
        return engine.rangeQuery(query, T0 + Math.round(fromSeconds * 1000), T0 + Math.round(toSeconds * 1000),
                Math.round(stepSeconds * 1000));
    }

    /** One series of a range result as {seconds after T0 → value}. */
    static Map<Long, Double> points(PromqlResult.Series s) {
        Map<Long, Double> out = new LinkedHashMap<>();
        for (int i = 0; i < s.points().size(); i++) {
            out.put((s.points().timestamp(i) - T0) / 1000, s.points().value(i));
        }
        return out;
    }
}
