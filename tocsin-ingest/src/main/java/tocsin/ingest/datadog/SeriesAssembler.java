package tocsin.ingest.datadog;

import tocsin.core.metric.MetricKind;
import tocsin.core.metric.SeriesKey;
import tocsin.ingest.IngestLimits;
import tocsin.ingest.IngestResult;
import tocsin.ingest.MalformedPayloadException;
import tocsin.ingest.SeriesKeyCache;
import tocsin.ingest.TimeWindow;

import java.util.Arrays;

/**
 * A {@link SeriesReader} for series of single-value points (Datadog series v1 and v2): the points wait in primitive
 * arrays (no boxing) until the series' name, tags and type are known, then go out under one shared
 * {@link SeriesKey}.
 *
 * <p>Not thread-safe: one per request.
 */
final class SeriesAssembler extends SeriesReader {
    private MetricKind kind;
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
        points = 0;
    }

    void kind(MetricKind k) {
        kind = k;
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
    }
}
