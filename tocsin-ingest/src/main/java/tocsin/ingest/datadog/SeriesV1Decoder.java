package tocsin.ingest.datadog;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import tocsin.core.metric.MetricKind;
import tocsin.ingest.IngestException;
import tocsin.ingest.IngestLimits;
import tocsin.ingest.IngestResult;
import tocsin.ingest.MalformedPayloadException;
import tocsin.ingest.RejectionText;
import tocsin.ingest.SeriesKeyCache;

import java.io.IOException;
import java.time.InstantSource;

import static tocsin.ingest.JsonParsing.expected;
import static tocsin.ingest.JsonParsing.isNumber;
import static tocsin.ingest.datadog.JsonReading.INVALID_TIME;

/**
 * Decodes Datadog's {@code POST /api/v1/series} body:
 * {@code {"series":[{"metric","points":[[ts,value],...],"type","interval","host","tags":[...],"device"}]}}.
 *
 * <ul>
 *   <li>Timestamps are Unix seconds, as integers or decimals, exponent notation included ({@code 1.795509758E9},
 *       which is what Datadog's Java API client sends); fractions are kept to the millisecond.</li>
 *   <li>{@code type} is {@code gauge}, {@code count}, {@code rate}, or empty or absent for gauge. Rate values are
 *       per second and stored as {@link MetricKind#RATE}; count values are the events in the series' interval and
 *       stored as {@link MetricKind#COUNT}. An explicit {@code type} and a count's or rate's {@code interval}
 *       (seconds) are declared as the metric's metadata, which {@code .as_count()} and {@code .as_rate()} read.</li>
 *   <li>{@code host} becomes the tag {@code host:<host>} and {@code device} the tag {@code device:<device>}
 *       (empty values are ignored, as the Agent sends {@code "host":""} when it has none).</li>
 *   <li>Names and tags are normalised per {@link tocsin.ingest.DatadogNames}; other fields
 *       ({@code source_type_name}, ...) are ignored.</li>
 * </ul>
 *
 * <p>Thread-safe (stateless); each call allocates its own state.
 */
public final class SeriesV1Decoder {
    private final SeriesAssembler asm;
    private final SeriesReader.FieldReader fieldReader = this::readField;
    private final JsonReading.ElementReader pointReader = this::readPoint;

    private SeriesV1Decoder(SeriesAssembler asm) {
        this.asm = asm;
    }

    /**
     * Decodes one body, already stripped of its HTTP content encoding.
     *
     * @throws MalformedPayloadException when the body is not JSON of that shape; the message gives line and column
     */
    public static IngestResult decode(byte[] json, InstantSource clock, IngestLimits limits) throws IngestException {
        return decode(json, clock, limits, SeriesKeyCache.NONE);
    }

    /**
     * As {@link #decode(byte[], InstantSource, IngestLimits)}, remembering series keys across requests in
     * {@code cache} (one per server for Datadog series, used with the same limits every time).
     */
    public static IngestResult decode(byte[] json, InstantSource clock, IngestLimits limits, SeriesKeyCache cache)
            throws IngestException {
        SeriesAssembler asm = new SeriesAssembler(limits, limits.window(clock.millis()),
                IngestResult.builder(Math.max(16, json.length / 40)), "series", cache);
        return asm.readBody(json, new SeriesV1Decoder(asm)::readSeries);
    }

    private void readSeries(JsonParser p, int index) throws IOException {
        if (asm.readSeries(p, index, fieldReader)) {
            asm.end();
        }
    }

    private void readField(JsonParser p, String field, JsonToken t) throws IOException {
        switch (field) {
            case "points" -> asm.readArray(p, t, "points", "an array of [timestamp, value]", pointReader);
            case "type" -> readType(p, t);
            case "interval" -> asm.readInterval(p, t);
            case "host", "device" -> asm.readPrefixedTag(p, t, field);
            default -> p.skipChildren();
        }
    }

    private void readType(JsonParser p, JsonToken t) throws IOException {
        if (t == JsonToken.VALUE_NULL) {
            return;
        }
        if (t != JsonToken.VALUE_STRING) {
            asm.seriesProblem("type", expected("\"gauge\", \"count\" or \"rate\"", p));
            p.skipChildren();
            return;
        }
        switch (p.getText()) {
            case "" -> {
            }
            case "gauge" -> asm.kind(MetricKind.GAUGE);
            case "count" -> asm.kind(MetricKind.COUNT);
            case "rate" -> asm.kind(MetricKind.RATE);
            default -> asm.seriesProblem("type", "unknown metric type " + RejectionText.quote(p.getText())
                    + "; expected \"gauge\", \"count\" or \"rate\"");
        }
    }

    /** One {@code [timestamp, value]}; the parser ends on its closing bracket. */
    private void readPoint(JsonParser p, int j) throws IOException {
        JsonToken t = p.currentToken();
        if (t != JsonToken.START_ARRAY) {
            asm.pointProblem("points[" + j + "]", () -> expected("[timestamp, value]", p));
            p.skipChildren();
            return;
        }
        boolean bad = false;
        t = p.nextToken();
        if (t == JsonToken.END_ARRAY) {
            asm.pointProblem("points[" + j + "]", () -> "expected [timestamp, value], got an empty array");
            return;
        }
        long millis = INVALID_TIME;
        if (isNumber(t)) {
            millis = JsonReading.secondsToMillis(p);
            if (millis == INVALID_TIME || !asm.window().contains(millis)) {
                long m = millis;
                asm.pointProblem("points[" + j + "]", () -> JsonReading.timeProblem(m, p.getText(), asm.window()));
                bad = true;
            }
        } else {
            asm.pointProblem("points[" + j + "][0]", () -> expected("a number", p));
            p.skipChildren();
            bad = true;
        }
        t = p.nextToken();
        if (t == JsonToken.END_ARRAY) {
            if (!bad) {
                asm.pointProblem("points[" + j + "]", () -> "expected [timestamp, value], got only a timestamp");
            }
            return;
        }
        double value = 0;
        if (isNumber(t)) {
            value = p.getDoubleValue();
            if (!bad && !Double.isFinite(value)) {
                asm.pointProblem("points[" + j + "]", () -> "value " + p.getText() + " is not a finite number");
                bad = true;
            }
        } else {
            if (!bad) {
                asm.pointProblem("points[" + j + "][1]", () -> expected("a number", p));
                bad = true;
            }
            p.skipChildren();
        }
        int extra = 0;
        while (p.nextToken() != JsonToken.END_ARRAY) {
            p.skipChildren();
            extra++;
        }
        if (extra > 0 && !bad) {
            int n = 2 + extra;
            asm.pointProblem("points[" + j + "]", () -> "expected [timestamp, value], got " + n + " elements");
            bad = true;
        }
        if (!bad) {
            asm.point(millis, value);
        }
    }
}
