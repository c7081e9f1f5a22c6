package tocsin.ingest.datadog;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import tocsin.core.metric.SeriesKey;
import tocsin.core.metric.Sketch;
import tocsin.core.metric.SketchBatch;
import tocsin.ingest.IngestException;
import tocsin.ingest.IngestLimits;
import tocsin.ingest.IngestResult;
import tocsin.ingest.MalformedPayloadException;

import java.io.IOException;
import java.time.InstantSource;
import java.util.Arrays;

import static tocsin.ingest.JsonParsing.expected;
import static tocsin.ingest.JsonParsing.isNumber;
import static tocsin.ingest.datadog.JsonReading.INVALID_TIME;

/**
 * Decodes Datadog's {@code POST /api/v1/distribution_points} body:
 * {@code {"series":[{"metric","points":[[ts,[v1,v2,...]],...],"tags":[...],"host","type":"distribution"}]}}.
 *
 * <p>Each accepted point becomes one {@link Sketch} of its values at its timestamp, in a {@link SketchBatch}: a
 * distribution is stored as sketches only, as Datadog does; no {@code .count/.sum/...} summary series are written
 * (queries answer {@code count:}, {@code sum:}, {@code avg:}, {@code min:}, {@code max:} and percentiles from the
 * sketches). {@code host} becomes the tag {@code host:<host>}; names and tags are normalised per
 * {@link tocsin.ingest.DatadogNames}; a point is refused whole when any of its values is not a finite number, when it
 * has no values, or more than {@value #MAX_VALUES_PER_POINT}.
 *
 * <p>Thread-safe (stateless); each call allocates its own state.
 */
public final class DistributionPointsDecoder {
    /** Values one point may carry (Tocsin's limit; the body limit bounds a request anyway). */
    public static final int MAX_VALUES_PER_POINT = 100_000;

    private final IngestResult.Builder out;
    private final SeriesReader series;
    private final SketchBatch sketches = new SketchBatch();
    private final SeriesReader.FieldReader fieldReader = this::readField;
    private final JsonReading.ElementReader pointReader = this::readPoint;

    // the points of the series being read: point i has counts[i] values from values[starts[i]]
    private long[] timestamps = new long[16];
    private int[] starts = new int[16];
    private int[] counts = new int[16];
    private int points;
    private double[] values = new double[256];
    private int valueCount;

    private DistributionPointsDecoder(IngestLimits limits, long nowMillis, IngestResult.Builder out) {
        this.out = out;
        this.series = new SeriesReader(limits, limits.window(nowMillis), out, "series");
    }

    /**
     * Decodes one body, already stripped of its HTTP content encoding.
     *
     * @throws MalformedPayloadException when the body is not JSON of that shape; the message gives line and column
     */
    public static DistributionResult decode(byte[] json, InstantSource clock, IngestLimits limits)
            throws IngestException {
        IngestResult.Builder out = IngestResult.builder(0);
        DistributionPointsDecoder d = new DistributionPointsDecoder(limits, clock.millis(), out);
        if (!JsonReading.readArrayBody(json, "series", d::readSeries)) {
            return DistributionResult.EMPTY;
        }
        IngestResult rejections = out.build();
        return new DistributionResult(d.sketches, rejections.rejections(), rejections.rejectedItems());
    }

    private void readSeries(JsonParser p, int index) throws IOException {
        points = 0;
        valueCount = 0;
        if (series.readSeries(p, index, fieldReader)) {
            end();
        }
    }

    private void readField(JsonParser p, String field, JsonToken t) throws IOException {
        switch (field) {
            case "points" -> series.readArray(p, t, "points", "an array of [timestamp, [values]]", pointReader);
            case "host" -> series.readPrefixedTag(p, t, "host");
            default -> p.skipChildren();
        }
    }

    private void readPoint(JsonParser p, int j) throws IOException {
        JsonToken t = p.currentToken();
        String item = "points[" + j + "]";
        if (t != JsonToken.START_ARRAY) {
            pointProblem(item, expected("[timestamp, [values]]", p));
            p.skipChildren();
            return;
        }
        t = p.nextToken();
        if (t == JsonToken.END_ARRAY) {
            pointProblem(item, "expected [timestamp, [values]], got an empty array");
            return;
        }
        String problem = null;
        String problemItem = item;
        long millis = INVALID_TIME;
        if (isNumber(t)) {
            millis = JsonReading.secondsToMillis(p);
            if (millis == INVALID_TIME || !series.window().contains(millis)) {
                problem = JsonReading.timeProblem(millis, p.getText(), series.window());
            }
        } else {
            problem = expected("a number", p);
            problemItem = item + "[0]";
            p.skipChildren();
        }
        int start = valueCount;
        t = p.nextToken();
        if (t == JsonToken.END_ARRAY) {
            pointProblem(problemItem, problem != null ? problem : "expected [timestamp, [values]], got no values");
            return;
        }
        if (t != JsonToken.START_ARRAY) {
            if (problem == null) {
                problem = expected("an array of numbers", p);
                problemItem = item + "[1]";
            }
            p.skipChildren();
        } else {
            int k = 0;
            while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
                if (isNumber(t) && Double.isFinite(p.getDoubleValue())) {
                    if (k < MAX_VALUES_PER_POINT) {
                        value(p.getDoubleValue());
                    }
                } else if (problem == null) {
                    problem = isNumber(t) ? "value " + p.getText() + " is not a finite number"
                            : expected("a number", p);
                    problemItem = item + "[1][" + k + "]";
                    p.skipChildren();
                } else {
                    p.skipChildren();
                }
                k++;
            }
            if (k == 0 && problem == null) {
                problem = "no values";
                problemItem = item + "[1]";
            }
            if (k > MAX_VALUES_PER_POINT && problem == null) {
                problem = k + " values; at most " + MAX_VALUES_PER_POINT + " per point";
                problemItem = item + "[1]";
            }
        }
        int extra = 0;
        while (p.nextToken() != JsonToken.END_ARRAY) {
            p.skipChildren();
            extra++;
        }
        if (extra > 0 && problem == null) {
            problem = "expected [timestamp, [values]], got " + (2 + extra) + " elements";
        }
        if (problem == null) {
            double sum = 0;
            for (int k = start; k < valueCount; k++) {
                sum += values[k];
            }
            if (!Double.isFinite(sum)) {
                problem = "the sum of the values is not a finite number";
                problemItem = item + "[1]";
            }
        }
        if (problem != null) {
            valueCount = start;
            pointProblem(problemItem, problem);
            return;
        }
        if (points == timestamps.length) {
            timestamps = Arrays.copyOf(timestamps, points * 2);
            starts = Arrays.copyOf(starts, points * 2);
            counts = Arrays.copyOf(counts, points * 2);
        }
        timestamps[points] = millis;
        starts[points] = start;
        counts[points] = valueCount - start;
        points++;
    }

    private void value(double v) {
        if (valueCount == values.length) {
            values = Arrays.copyOf(values, valueCount * 2);
        }
        values[valueCount++] = v;
    }

    private void pointProblem(String item, String reason) throws IOException {
        series.pointProblem(item, () -> reason);
    }

    private void end() {
        SeriesKey key = series.endKey(null);
        if (key == null || points == 0) {
            return;
        }
        for (int i = 0; i < points; i++) {
            Sketch.Builder b = Sketch.builder();
            for (int k = starts[i]; k < starts[i] + counts[i]; k++) {
                b.add(values[k]);
            }
            sketches.add(key, timestamps[i], b.build());
        }
    }
}
