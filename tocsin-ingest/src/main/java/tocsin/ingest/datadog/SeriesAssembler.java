package tocsin.ingest.datadog;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import tocsin.core.metric.MetricKind;
import tocsin.core.metric.MetricMetadata;
import tocsin.core.metric.SeriesKey;
import tocsin.ingest.IngestLimits;
import tocsin.ingest.IngestResult;
import tocsin.ingest.MalformedPayloadException;
import tocsin.ingest.SeriesKeyCache;
import tocsin.ingest.TimeWindow;

import java.io.IOException;
import java.util.Arrays;

import static tocsin.ingest.JsonParsing.expected;

/**
 * A {@link SeriesReader} for series of single-value points (Datadog series v1 and v2): the points wait in primitive
 * arrays (no boxing) until the series' name, tags and type are known, then go out under one shared
 * {@link SeriesKey}. What the series declares about its metric (an explicit {@code type}, a count's or rate's
 * {@code interval}, a {@code unit}) goes out with an accepted series, for the metadata store
 * ({@link IngestResult#declared()}).
 *
 * <p>Not thread-safe: one per request.
 */
final class SeriesAssembler extends SeriesReader {
    /** The longest {@code interval} a series may declare: a day, as Datadog's metadata API allows. */
    static final int MAX_INTERVAL_SECONDS = 86_400;
    private MetricKind kind;
    private String declaredType;
    private long interval;
    private String unit;
    private long[] timestamps = new long[64];
    private double[] values = new double[64];
    private int points;

    SeriesAssembler(IngestLimits limits, TimeWindow window, IngestResult.Builder out, String arrayName,
                    SeriesKeyCache cache) {
        super(limits, window, out, arrayName, cache);
    }

    @Override
    void begin(int seriesIndex) {
        super.begin(seriesIndex);
        kind = MetricKind.GAUGE;
        declaredType = null;
        interval = 0;
        unit = null;
        points = 0;
    }

    /** The series' kind, from its explicit {@code type} (declared as metadata). */
    void kind(MetricKind k) {
        kind = k;
        declaredType = switch (k) {
            case COUNT -> "count";
            case RATE -> "rate";
            default -> "gauge";
        };
    }

    /**
     * The series' {@code interval} in seconds: how long one point of a count or rate covers. 0 (the protobuf
     * default, and the Agent's for gauges) means none; past a day, or negative, it is refused, named.
     */
    void interval(long seconds) {
        interval(seconds, Long.toString(seconds));
    }

    private void interval(double seconds, String shown) {
        if (seconds < 0 || seconds > MAX_INTERVAL_SECONDS) {
            seriesProblem("interval", "interval " + shown + " is not a whole number of seconds from 0 to "
                    + MAX_INTERVAL_SECONDS);
        } else {
            interval = (long) seconds;
        }
    }

    /** Reads a JSON {@code interval}: a whole number of seconds, or null. */
    void readInterval(JsonParser p, JsonToken t) throws IOException {
        if (t == JsonToken.VALUE_NULL) {
            return;
        }
        if ((t == JsonToken.VALUE_NUMBER_INT || t == JsonToken.VALUE_NUMBER_FLOAT)
                && p.getDoubleValue() == Math.rint(p.getDoubleValue())) {
            interval(p.getDoubleValue(), p.getText());
            return;
        }
        seriesProblem("interval", expected("a whole number of seconds", p));
        p.skipChildren();
    }

    /** Reads a JSON {@code unit}: a string, or null. */
    void readUnit(JsonParser p, JsonToken t) throws IOException {
        if (t == JsonToken.VALUE_STRING) {
            unit(p.getText());
        } else if (t != JsonToken.VALUE_NULL) {
            seriesProblem("unit", expected("a string", p));
            p.skipChildren();
        }
    }

    /**
     * The series' {@code unit}; empty means none. A unit that is not a unit name is not declared (the points are
     * kept: a label for graphs is no reason to lose them).
     */
    void unit(String u) {
        unit = u == null || !MetricMetadata.isUnitName(u) ? null : u;
    }

    void point(long timestampMillis, double value) {
        if (points == timestamps.length) {
            timestamps = Arrays.copyOf(timestamps, points * 2);
            values = Arrays.copyOf(values, points * 2);
        }
        timestamps[points] = timestampMillis;
        values[points] = value;
        points++;
    }

    /**
     * Reads a whole {@code {"series": [...]}} body, each element with {@code series}, and returns what the request
     * yielded.
     */
    IngestResult readBody(byte[] json, JsonReading.ElementReader series) throws MalformedPayloadException {
        try {
            return JsonReading.readArrayBody(json, "series", series) ? out.build() : IngestResult.empty();
        } finally {
            keys().countCacheLookups();
        }
    }

    /** Emits the series' accepted points and its rejections. */
    void end() {
        SeriesKey key = endKey(null);
        if (key == null) {
            return;
        }
        Object hint = keys().hint();
        for (int i = 0; i < points; i++) {
            out.add(key, kind, timestamps[i], values[i], hint);
        }
        if (points > 0 && (declaredType != null || unit != null)) {
            // an interval means something only for what sums over time
            boolean summed = kind == MetricKind.COUNT || kind == MetricKind.RATE;
            out.declare(key.name(), new MetricMetadata(declaredType, summed && interval > 0 ? (int) interval : null,
                    unit, null, null, null, null));
        }
    }
}
