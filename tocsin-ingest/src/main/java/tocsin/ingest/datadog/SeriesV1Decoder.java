package tocsin.ingest.datadog;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamReadException;
import tocsin.core.metric.MetricKind;
import tocsin.ingest.IngestException;
import tocsin.ingest.IngestLimits;
import tocsin.ingest.IngestResult;
import tocsin.ingest.MalformedPayloadException;
import tocsin.ingest.RejectionText;

import java.io.IOException;
import java.time.InstantSource;

import static tocsin.ingest.datadog.JsonReading.INVALID_TIME;
import static tocsin.ingest.datadog.JsonReading.expected;
import static tocsin.ingest.datadog.JsonReading.isNumber;

/**
 * Decodes Datadog's {@code POST /api/v1/series} body:
 * {@code {"series":[{"metric","points":[[ts,value],...],"type","interval","host","tags":[...],"device"}]}}.
 *
 * <ul>
 *   <li>Timestamps are Unix seconds, as integers or decimals, exponent notation included ({@code 1.795509758E9},
 *       which is what Datadog's Java API client sends); fractions are kept to the millisecond.</li>
 *   <li>{@code type} is {@code gauge}, {@code count}, {@code rate}, or empty or absent for gauge. Rate values are
 *       per second and stored as {@link MetricKind#RATE}; count values are the events in the series' interval and
 *       stored as {@link MetricKind#COUNT}. {@code interval} itself is not stored.</li>
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
    private final IngestResult.Builder out;

    private SeriesV1Decoder(SeriesAssembler asm, IngestResult.Builder out) {
        this.asm = asm;
        this.out = out;
    }

    /**
     * Decodes one body, already stripped of its HTTP content encoding.
     *
     * @throws MalformedPayloadException when the body is not JSON of that shape; the message gives line and column
     */
    public static IngestResult decode(byte[] json, InstantSource clock, IngestLimits limits) throws IngestException {
        IngestResult.Builder out = IngestResult.builder(Math.max(16, json.length / 40));
        SeriesAssembler asm = new SeriesAssembler(limits, limits.window(clock.millis()), out, "series");
        SeriesV1Decoder d = new SeriesV1Decoder(asm, out);
        try (JsonParser p = JsonReading.FACTORY.createParser(json)) {
            if (!JsonReading.readArrayField(p, "series", d::readSeries)) {
                return IngestResult.empty();
            }
        } catch (StreamReadException e) {
            throw JsonReading.malformed(e);
        } catch (IOException e) {
            throw new MalformedPayloadException("unreadable JSON: " + e.getMessage(), e);
        }
        return out.build();
    }

    private void readSeries(JsonParser p, int index) throws IOException {
        if (p.currentToken() != JsonToken.START_OBJECT) {
            out.reject("series[" + index + "]", expected("an object", p));
            p.skipChildren();
            return;
        }
        asm.begin(index);
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken t = p.nextToken();
            switch (field) {
                case "metric" -> {
                    if (t == JsonToken.VALUE_STRING) {
                        asm.keys().name(p.getText(), "metric");
                    } else {
                        asm.seriesProblem("metric", expected("a string", p));
                        p.skipChildren();
                    }
                }
                case "points" -> readPoints(p, t);
                case "type" -> readType(p, t);
                case "host" -> prefixedTag(p, t, "host");
                case "device" -> prefixedTag(p, t, "device");
                case "tags" -> readTags(p, t, asm);
                default -> p.skipChildren();
            }
        }
        asm.end();
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
            case "", "gauge" -> asm.kind(MetricKind.GAUGE);
            case "count" -> asm.kind(MetricKind.COUNT);
            case "rate" -> asm.kind(MetricKind.RATE);
            default -> asm.seriesProblem("type", "unknown metric type " + RejectionText.quote(p.getText())
                    + "; expected \"gauge\", \"count\" or \"rate\"");
        }
    }

    private void prefixedTag(JsonParser p, JsonToken t, String field) throws IOException {
        if (t == JsonToken.VALUE_STRING) {
            String v = p.getText();
            if (!v.isEmpty()) {
                asm.keys().tag(field + ":" + v, field, -1);
            }
        } else if (t != JsonToken.VALUE_NULL) {
            asm.seriesProblem(field, expected("a string", p));
            p.skipChildren();
        }
    }

    static void readTags(JsonParser p, JsonToken t, SeriesAssembler asm) throws IOException {
        if (t == JsonToken.VALUE_NULL) {
            return;
        }
        if (t != JsonToken.START_ARRAY) {
            asm.seriesProblem("tags", expected("an array of strings", p));
            p.skipChildren();
            return;
        }
        int k = 0;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            if (t == JsonToken.VALUE_STRING) {
                asm.keys().tag(p.getText(), "tags", k);
            } else {
                asm.seriesProblem("tags[" + k + "]", expected("a string", p));
                p.skipChildren();
            }
            k++;
        }
    }

    private void readPoints(JsonParser p, JsonToken t) throws IOException {
        if (t == JsonToken.VALUE_NULL) {
            return;
        }
        if (t != JsonToken.START_ARRAY) {
            asm.seriesProblem("points", expected("an array of [timestamp, value]", p));
            p.skipChildren();
            return;
        }
        int j = 0;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            readPoint(p, t, j++);
        }
    }

    /** One {@code [timestamp, value]}; the parser ends on its closing bracket. */
    private void readPoint(JsonParser p, JsonToken t, int j) throws IOException {
        if (t != JsonToken.START_ARRAY) {
            problem("points[" + j + "]", () -> expected("[timestamp, value]", p));
            p.skipChildren();
            return;
        }
        boolean bad = false;
        t = p.nextToken();
        if (t == JsonToken.END_ARRAY) {
            problem("points[" + j + "]", () -> "expected [timestamp, value], got an empty array");
            return;
        }
        long millis = INVALID_TIME;
        if (isNumber(t)) {
            millis = JsonReading.secondsToMillis(p);
            if (millis == INVALID_TIME || !asm.window().contains(millis)) {
                long m = millis;
                problem("points[" + j + "]", () -> JsonReading.timeProblem(m, p.getText(), asm.window()));
                bad = true;
            }
        } else {
            problem("points[" + j + "][0]", () -> expected("a number", p));
            p.skipChildren();
            bad = true;
        }
        t = p.nextToken();
        if (t == JsonToken.END_ARRAY) {
            if (!bad) {
                problem("points[" + j + "]", () -> "expected [timestamp, value], got only a timestamp");
            }
            return;
        }
        double value = 0;
        if (isNumber(t)) {
            value = p.getDoubleValue();
            if (!bad && !Double.isFinite(value)) {
                problem("points[" + j + "]", () -> "value " + p.getText() + " is not a finite number");
                bad = true;
            }
        } else {
            if (!bad) {
                problem("points[" + j + "][1]", () -> expected("a number", p));
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
            problem("points[" + j + "]", () -> "expected [timestamp, value], got " + n + " elements");
            bad = true;
        }
        if (!bad) {
            asm.point(millis, value);
        }
    }

    private void problem(String item, ReasonSupplier reason) throws IOException {
        if (asm.listsPointProblems()) {
            asm.pointProblem(item, reason.get());
        } else {
            asm.countPointProblem();
        }
    }

    /** Builds a reason only when it will be listed. */
    @FunctionalInterface
    interface ReasonSupplier {
        String get() throws IOException;
    }
}
