package tocsin.ingest.datadog;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.WireFormat;
import tocsin.core.metric.MetricKind;
import tocsin.ingest.IngestException;
import tocsin.ingest.IngestLimits;
import tocsin.ingest.IngestResult;
import tocsin.ingest.MalformedPayloadException;
import tocsin.ingest.SeriesKeyCache;

import java.io.IOException;
import java.time.InstantSource;

import static tocsin.ingest.JsonParsing.expected;
import static tocsin.ingest.JsonParsing.isNumber;
import static tocsin.ingest.datadog.JsonReading.INVALID_TIME;

/**
 * Decodes Datadog's {@code POST /api/v2/series} body, in both encodings:
 *
 * <ul>
 *   <li>JSON ({@code application/json}, what the Datadog API clients send):
 *       {@code {"series":[{"metric","type":0..3,"points":[{"timestamp","value"}],"resources":[{"name","type"}],
 *       "tags","unit","interval","source_type_name","metadata"}]}};</li>
 *   <li>protobuf ({@code application/x-protobuf}, what the Datadog Agent sends): {@code MetricPayload} from
 *       DataDog/agent-payload {@code proto/metrics/agent_payload.proto}, decoded by hand with
 *       {@link CodedInputStream}; unknown fields are skipped.</li>
 * </ul>
 *
 * <p>Semantics are the same in both. {@code type} is the integer enum 0 unspecified, 1 count, 2 rate, 3 gauge;
 * unspecified is stored as a gauge, like v1's empty type. A resource {@code {type: host, name: h}} becomes the tag
 * {@code host:h}; any other resource {@code {type: t, name: n}} becomes the tag {@code t:n} (the Agent turns its
 * {@code dd.internal.resource:t:n} tags into such resources). Timestamps are Unix seconds. An explicit
 * {@code type}, {@code interval} (seconds, 0 for none) and {@code unit} are declared as the metric's metadata;
 * {@code source_type_name} and {@code metadata} are not kept. Names and tags are normalised per
 * {@link tocsin.ingest.DatadogNames}.
 *
 * <p>Thread-safe (stateless); each call allocates its own state.
 */
public final class SeriesV2Decoder {
    // MetricPayload field tags: (field number << 3) | wire type
    private static final int PAYLOAD_SERIES = tag(1, WireFormat.WIRETYPE_LENGTH_DELIMITED);
    private static final int SERIES_RESOURCES = tag(1, WireFormat.WIRETYPE_LENGTH_DELIMITED);
    private static final int SERIES_METRIC = tag(2, WireFormat.WIRETYPE_LENGTH_DELIMITED);
    private static final int SERIES_TAGS = tag(3, WireFormat.WIRETYPE_LENGTH_DELIMITED);
    private static final int SERIES_POINTS = tag(4, WireFormat.WIRETYPE_LENGTH_DELIMITED);
    private static final int SERIES_TYPE = tag(5, WireFormat.WIRETYPE_VARINT);
    private static final int SERIES_UNIT = tag(6, WireFormat.WIRETYPE_LENGTH_DELIMITED);
    private static final int SERIES_INTERVAL = tag(8, WireFormat.WIRETYPE_VARINT);
    private static final int RESOURCE_TYPE = tag(1, WireFormat.WIRETYPE_LENGTH_DELIMITED);
    private static final int RESOURCE_NAME = tag(2, WireFormat.WIRETYPE_LENGTH_DELIMITED);
    private static final int POINT_VALUE = tag(1, WireFormat.WIRETYPE_FIXED64);
    private static final int POINT_TIMESTAMP = tag(2, WireFormat.WIRETYPE_VARINT);

    private final SeriesAssembler asm;
    private final SeriesReader.FieldReader fieldReader = this::readField;
    private final JsonReading.ElementReader pointReader = this::readPoint;
    private final JsonReading.ElementReader resourceReader = this::readResource;

    private SeriesV2Decoder(SeriesAssembler asm) {
        this.asm = asm;
    }

    /**
     * Decodes a JSON body, already stripped of its HTTP content encoding.
     *
     * @throws MalformedPayloadException when the body is not JSON of that shape; the message gives line and column
     */
    public static IngestResult decodeJson(byte[] json, InstantSource clock, IngestLimits limits)
            throws IngestException {
        return decodeJson(json, clock, limits, SeriesKeyCache.NONE);
    }

    /**
     * As {@link #decodeJson(byte[], InstantSource, IngestLimits)}, remembering series keys across requests in
     * {@code cache} (one per server for Datadog series, used with the same limits every time).
     */
    public static IngestResult decodeJson(byte[] json, InstantSource clock, IngestLimits limits,
                                          SeriesKeyCache cache) throws IngestException {
        SeriesAssembler asm = new SeriesAssembler(limits, limits.window(clock.millis()),
                IngestResult.builder(Math.max(16, json.length / 60)), "series", cache);
        return asm.readBody(json, new SeriesV2Decoder(asm)::readSeries);
    }

    /**
     * Decodes a protobuf {@code MetricPayload}, already stripped of its HTTP content encoding. An empty body is an
     * empty payload (the Agent sends one as a keep-alive).
     *
     * @throws MalformedPayloadException when the body is not a {@code MetricPayload}; the message gives the byte
     *                                   offset where decoding broke
     */
    public static IngestResult decodeProtobuf(byte[] body, InstantSource clock, IngestLimits limits)
            throws IngestException {
        return decodeProtobuf(body, clock, limits, SeriesKeyCache.NONE);
    }

    /**
     * As {@link #decodeProtobuf(byte[], InstantSource, IngestLimits)}, remembering series keys across requests in
     * {@code cache} (what the Datadog Agent sends: the same metric name, tags and host for a series every flush).
     */
    public static IngestResult decodeProtobuf(byte[] body, InstantSource clock, IngestLimits limits,
                                              SeriesKeyCache cache) throws IngestException {
        IngestResult.Builder out = IngestResult.builder(Math.max(16, body.length / 40));
        SeriesAssembler asm = new SeriesAssembler(limits, limits.window(clock.millis()), out, "series", cache);
        SeriesV2Decoder d = new SeriesV2Decoder(asm);
        CodedInputStream in = CodedInputStream.newInstance(body);
        try {
            int index = 0;
            int t;
            while ((t = in.readTag()) != 0) {
                if (t == PAYLOAD_SERIES) {
                    int limit = in.pushLimit(in.readRawVarint32());
                    d.readSeries(in, index++);
                    in.popLimit(limit);
                } else if (!in.skipField(t)) {
                    throw new InvalidProtocolBufferException("unexpected end-group tag");
                }
            }
        } catch (InvalidProtocolBufferException e) {
            throw new MalformedPayloadException("malformed protobuf MetricPayload at byte " + in.getTotalBytesRead()
                    + ": " + e.getMessage(), e);
        } catch (IOException e) {
            throw new MalformedPayloadException("unreadable protobuf MetricPayload: " + e.getMessage(), e);
        } finally {
            asm.keys().countCacheLookups();
        }
        return out.build();
    }

    // ---- JSON ----

    private void readSeries(JsonParser p, int index) throws IOException {
        if (asm.readSeries(p, index, fieldReader)) {
            asm.end();
        }
    }

    private void readField(JsonParser p, String field, JsonToken t) throws IOException {
        switch (field) {
            case "points" -> asm.readArray(p, t, "points", "an array of {\"timestamp\", \"value\"}",
                    pointReader);
            case "type" -> {
                if (t == JsonToken.VALUE_NUMBER_INT) {
                    type(p.getLongValue());
                } else if (t != JsonToken.VALUE_NULL) {
                    asm.seriesProblem("type", expected("an integer 0 to 3", p));
                    p.skipChildren();
                }
            }
            case "resources" -> asm.readArray(p, t, "resources", "an array of {\"name\", \"type\"}",
                    resourceReader);
            case "interval" -> asm.readInterval(p, t);
            case "unit" -> asm.readUnit(p, t);
            default -> p.skipChildren();
        }
    }

    private void type(long t) {
        MetricKind kind = kindOf(t);
        if (t == 0) {
            return; // unspecified: a gauge, declared as nothing
        }
        if (kind == null) {
            asm.seriesProblem("type", "unknown metric type " + t + "; expected 0 (unspecified), 1 (count), "
                    + "2 (rate) or 3 (gauge)");
        } else {
            asm.kind(kind);
        }
    }

    static MetricKind kindOf(long type) {
        return switch ((int) Math.max(-1, Math.min(type, 4))) {
            case 0, 3 -> MetricKind.GAUGE;
            case 1 -> MetricKind.COUNT;
            case 2 -> MetricKind.RATE;
            default -> null;
        };
    }

    private void readResource(JsonParser p, int k) throws IOException {
        if (p.currentToken() != JsonToken.START_OBJECT) {
            asm.seriesProblem("resources[" + k + "]", expected("an object {\"name\", \"type\"}", p));
            p.skipChildren();
            return;
        }
        String name = null;
        String type = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken v = p.nextToken();
            if ((field.equals("name") || field.equals("type")) && v != JsonToken.VALUE_STRING
                    && v != JsonToken.VALUE_NULL) {
                asm.seriesProblem("resources[" + k + "]." + field, expected("a string", p));
                p.skipChildren();
            } else if (field.equals("name")) {
                name = p.getValueAsString();
            } else if (field.equals("type")) {
                type = p.getValueAsString();
            } else {
                p.skipChildren();
            }
        }
        resource(type, name, k);
    }

    private void resource(String type, String name, int k) {
        if (type == null || name == null || type.isEmpty() || name.isEmpty()) {
            return;
        }
        asm.keys().tag(type + ":" + name, "resources", k);
    }

    private void readPoint(JsonParser p, int j) throws IOException {
        JsonToken t = p.currentToken();
        if (t != JsonToken.START_OBJECT) {
            asm.pointProblem("points[" + j + "]", () -> expected("an object {\"timestamp\", \"value\"}", p));
            p.skipChildren();
            return;
        }
        boolean bad = false;
        boolean hasTime = false;
        boolean hasValue = false;
        long millis = 0;
        double value = 0;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            t = p.nextToken();
            if (field.equals("timestamp")) {
                hasTime = true;
                if (!isNumber(t)) {
                    if (!bad) {
                        asm.pointProblem("points[" + j + "].timestamp", () -> expected("a number", p));
                        bad = true;
                    }
                    p.skipChildren();
                    continue;
                }
                millis = JsonReading.secondsToMillis(p);
                if (!bad && (millis == INVALID_TIME || !asm.window().contains(millis))) {
                    long m = millis;
                    asm.pointProblem("points[" + j + "]", () -> JsonReading.timeProblem(m, p.getText(), asm.window()));
                    bad = true;
                }
            } else if (field.equals("value")) {
                hasValue = true;
                if (!isNumber(t)) {
                    if (!bad) {
                        asm.pointProblem("points[" + j + "].value", () -> expected("a number", p));
                        bad = true;
                    }
                    p.skipChildren();
                    continue;
                }
                value = p.getDoubleValue();
                if (!bad && !Double.isFinite(value)) {
                    asm.pointProblem("points[" + j + "]", () -> "value " + p.getText() + " is not a finite number");
                    bad = true;
                }
            } else {
                p.skipChildren();
            }
        }
        if (!bad && (!hasTime || !hasValue)) {
            String missing = hasTime ? "value" : "timestamp";
            asm.pointProblem("points[" + j + "]", () -> "missing \"" + missing + "\"");
            bad = true;
        }
        if (!bad) {
            asm.point(millis, value);
        }
    }

    // ---- protobuf ----

    private void readSeries(CodedInputStream in, int index) throws IOException {
        asm.begin(index);
        int resource = 0;
        int tagIndex = 0;
        int point = 0;
        int t;
        while ((t = in.readTag()) != 0) {
            if (t == SERIES_METRIC) {
                asm.keys().name(in.readString(), "metric");
            } else if (t == SERIES_TAGS) {
                asm.keys().tag(in.readString(), "tags", tagIndex++);
            } else if (t == SERIES_POINTS) {
                int limit = in.pushLimit(in.readRawVarint32());
                readPoint(in, point++);
                in.popLimit(limit);
            } else if (t == SERIES_TYPE) {
                type(in.readInt64());
            } else if (t == SERIES_INTERVAL) {
                asm.interval(in.readInt64());
            } else if (t == SERIES_UNIT) {
                asm.unit(in.readString());
            } else if (t == SERIES_RESOURCES) {
                int limit = in.pushLimit(in.readRawVarint32());
                readResource(in, resource++);
                in.popLimit(limit);
            } else if (!in.skipField(t)) {
                throw new InvalidProtocolBufferException("unexpected end-group tag");
            }
        }
        asm.end();
    }

    private void readResource(CodedInputStream in, int k) throws IOException {
        String type = "";
        String name = "";
        int t;
        while ((t = in.readTag()) != 0) {
            if (t == RESOURCE_TYPE) {
                type = in.readString();
            } else if (t == RESOURCE_NAME) {
                name = in.readString();
            } else if (!in.skipField(t)) {
                throw new InvalidProtocolBufferException("unexpected end-group tag");
            }
        }
        resource(type, name, k);
    }

    private void readPoint(CodedInputStream in, int j) throws IOException {
        long seconds = 0;
        double value = 0;
        int t;
        while ((t = in.readTag()) != 0) {
            if (t == POINT_VALUE) {
                value = in.readDouble();
            } else if (t == POINT_TIMESTAMP) {
                seconds = in.readInt64();
            } else if (!in.skipField(t)) {
                throw new InvalidProtocolBufferException("unexpected end-group tag");
            }
        }
        long millis = Math.abs(seconds) < Long.MAX_VALUE / 1000 ? seconds * 1000 : INVALID_TIME;
        if (millis == INVALID_TIME || !asm.window().contains(millis)) {
            long m = millis;
            long s = seconds;
            asm.pointProblem("points[" + j + "]", () -> JsonReading.timeProblem(m, Long.toString(s), asm.window()));
        } else if (!Double.isFinite(value)) {
            double v = value;
            asm.pointProblem("points[" + j + "]", () -> "value " + v + " is not a finite number");
        } else {
            asm.point(millis, value);
        }
    }

    private static int tag(int field, int wireType) {
        return (field << 3) | wireType;
    }
}
