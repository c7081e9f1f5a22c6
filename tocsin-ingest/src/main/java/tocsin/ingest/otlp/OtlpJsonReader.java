package tocsin.ingest.otlp;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumDescriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import tocsin.ingest.JsonParsing;
import tocsin.ingest.MalformedPayloadException;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.Deque;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Reads OTLP/JSON into the protobuf message it encodes, so that one mapping serves both encodings. Driven by the
 * messages' descriptors, so it reads every OTLP message alike (a logs or traces request too). OTLP/JSON is
 * protobuf's JSON mapping with OTLP's deviations (OTLP specification, "JSON Protobuf Encoding"):
 * <ul>
 *   <li>keys are the lowerCamelCase field names; the proto names ({@code time_unix_nano}) are accepted too, as the
 *       OpenTelemetry Collector and VictoriaMetrics accept them, though senders must not use them;</li>
 *   <li>64-bit integers come as decimal strings or as numbers; doubles as numbers or as the strings {@code "NaN"},
 *       {@code "Infinity"}, {@code "-Infinity"} (or a number in a string);</li>
 *   <li>enum values come as integers, as OTLP requires, or as names, as protobuf's mapping allows; unknown numbers
 *       are kept, as protobuf keeps them;</li>
 *   <li>{@code trace_id} and {@code span_id} (exemplars, spans, logs) are hex, any other bytes base64;</li>
 *   <li>unknown fields are ignored, as receivers must; {@code null} is the field's default.</li>
 * </ul>
 *
 * <p>A value of the wrong type (a string where an object belongs, {@code true} for a timestamp) makes the body
 * malformed, as it does for protobuf's own parsers and the Collector: the message names the line, the column and
 * the field ({@code resourceMetrics[0].scopeMetrics[0].metrics[1].gauge.dataPoints[0].timeUnixNano}).
 *
 * <p>Not thread-safe: one per body. The field tables it caches are shared safely.
 */
final class OtlpJsonReader {
    private static final BigInteger MAX_UINT64 = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);
    /** Per message type, its fields by JSON name and by proto name. */
    private static final Map<Descriptor, Map<String, FieldDescriptor>> FIELDS = new ConcurrentHashMap<>();

    private final JsonParser p;

    private OtlpJsonReader(JsonParser p) {
        this.p = p;
    }

    /** The request in {@code json}; an empty body is an empty request. */
    static ExportMetricsServiceRequest readMetrics(byte[] json) throws MalformedPayloadException {
        ExportMetricsServiceRequest.Builder b = ExportMetricsServiceRequest.newBuilder();
        JsonParsing.read(json, p -> new OtlpJsonReader(p).body(b));
        return b.build();
    }

    private Void body(Message.Builder b) throws IOException, MalformedPayloadException {
        JsonToken t = p.nextToken();
        if (t == null) {
            return null;
        }
        if (t != JsonToken.START_OBJECT) {
            throw wrong("an " + b.getDescriptorForType().getName() + " object");
        }
        message(b);
        if (p.nextToken() != null) {
            throw JsonParsing.malformed(p, "unexpected content after the top-level object");
        }
        return null;
    }

    /** Reads the object whose start is the current token into {@code b}; null leaves {@code b} as it is. */
    private void message(Message.Builder b) throws IOException, MalformedPayloadException {
        JsonToken t = p.currentToken();
        if (t == JsonToken.VALUE_NULL) {
            return;
        }
        if (t != JsonToken.START_OBJECT) {
            throw wrong("an object");
        }
        Map<String, FieldDescriptor> fields = FIELDS.computeIfAbsent(b.getDescriptorForType(),
                OtlpJsonReader::fieldsByName);
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            FieldDescriptor f = fields.get(p.currentName());
            t = p.nextToken();
            if (f == null || f.isMapField()) {
                p.skipChildren();
            } else if (f.isRepeated()) {
                if (t == JsonToken.VALUE_NULL) {
                    continue;
                }
                if (t != JsonToken.START_ARRAY) {
                    throw wrong("an array");
                }
                while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
                    if (t == JsonToken.VALUE_NULL) {
                        throw wrong("an array element other than null");
                    }
                    b.addRepeatedField(f, value(b, f));
                }
            } else if (t != JsonToken.VALUE_NULL) {
                b.setField(f, value(b, f));
            }
        }
    }

    private static Map<String, FieldDescriptor> fieldsByName(Descriptor type) {
        Map<String, FieldDescriptor> byName = new java.util.HashMap<>();
        for (FieldDescriptor f : type.getFields()) {
            byName.put(f.getName(), f);
            byName.put(f.getJsonName(), f);
        }
        return Map.copyOf(byName);
    }

    /** The value at the current token, as the field's type. */
    private Object value(Message.Builder b, FieldDescriptor f) throws IOException, MalformedPayloadException {
        return switch (f.getType()) {
            case DOUBLE -> float64();
            case FLOAT -> (float) float64();
            case INT64, SINT64, SFIXED64 -> int64(false);
            case UINT64, FIXED64 -> int64(true);
            case INT32, SINT32, SFIXED32 -> int32(false);
            case UINT32, FIXED32 -> int32(true);
            case BOOL -> bool();
            case STRING -> string();
            case BYTES -> f.getName().equals("trace_id") || f.getName().equals("span_id") ? hex() : base64();
            case ENUM -> enumValue(f.getEnumType());
            case MESSAGE, GROUP -> {
                Message.Builder child = b.newBuilderForField(f);
                message(child);
                yield child.build();
            }
        };
    }

    // ---- scalars ----

    private String string() throws IOException, MalformedPayloadException {
        if (p.currentToken() != JsonToken.VALUE_STRING) {
            throw wrong("a string");
        }
        return p.getText();
    }

    private boolean bool() throws IOException, MalformedPayloadException {
        return switch (p.currentToken()) {
            case VALUE_TRUE -> true;
            case VALUE_FALSE -> false;
            default -> throw wrong("true or false");
        };
    }

    /**
     * A 64-bit integer, as a number or a decimal string; {@code unsigned} for {@code fixed64} and {@code uint64}
     * (returned as the same bits in a long).
     */
    private long int64(boolean unsigned) throws IOException, MalformedPayloadException {
        String what = unsigned ? "an unsigned 64-bit integer" : "a 64-bit integer";
        BigInteger v = integer(what);
        BigInteger min = unsigned ? BigInteger.ZERO : BigInteger.valueOf(Long.MIN_VALUE);
        BigInteger max = unsigned ? MAX_UINT64 : BigInteger.valueOf(Long.MAX_VALUE);
        if (v.compareTo(min) < 0 || v.compareTo(max) > 0) {
            throw wrong(what);
        }
        return v.longValue();
    }

    private int int32(boolean unsigned) throws IOException, MalformedPayloadException {
        String what = unsigned ? "an unsigned 32-bit integer" : "a 32-bit integer";
        BigInteger v = integer(what);
        long min = unsigned ? 0 : Integer.MIN_VALUE;
        long max = unsigned ? 0xffff_ffffL : Integer.MAX_VALUE;
        if (v.bitLength() > 33 || v.longValue() < min || v.longValue() > max) {
            throw wrong(what);
        }
        return (int) v.longValue();
    }

    /** An integral number, or a string holding one ({@code "12"}, {@code "1e3"}). */
    private BigInteger integer(String what) throws IOException, MalformedPayloadException {
        JsonToken t = p.currentToken();
        if (t == JsonToken.VALUE_NUMBER_INT) {
            return p.getBigIntegerValue();
        }
        if (t == JsonToken.VALUE_STRING || t == JsonToken.VALUE_NUMBER_FLOAT) {
            String text = p.getText();
            if (isDecimal(text) && text.length() <= 40) {
                try {
                    return new BigDecimal(text).toBigIntegerExact();
                } catch (ArithmeticException | NumberFormatException e) {
                    // not an integer: reported below
                }
            }
        }
        throw wrong(what + " (a number or a decimal string)");
    }

    /** A double: a number, or a string with a number, {@code "NaN"}, {@code "Infinity"} or {@code "-Infinity"}. */
    private double float64() throws IOException, MalformedPayloadException {
        JsonToken t = p.currentToken();
        if (t == JsonToken.VALUE_NUMBER_INT || t == JsonToken.VALUE_NUMBER_FLOAT) {
            return p.getDoubleValue();
        }
        if (t == JsonToken.VALUE_STRING) {
            String s = p.getText();
            switch (s) {
                case "NaN" -> {
                    return Double.NaN;
                }
                case "Infinity" -> {
                    return Double.POSITIVE_INFINITY;
                }
                case "-Infinity" -> {
                    return Double.NEGATIVE_INFINITY;
                }
                default -> {
                    if (isDecimal(s)) {
                        try {
                            return Double.parseDouble(s);
                        } catch (NumberFormatException e) {
                            // reported below
                        }
                    }
                }
            }
        }
        throw wrong("a number (or \"NaN\", \"Infinity\", \"-Infinity\")");
    }

    /** Only JSON number characters: {@link Double#parseDouble} alone would take {@code " 1f"} and hex. */
    private static boolean isDecimal(String s) {
        if (s.isEmpty() || s.length() > 400) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if ((c < '0' || c > '9') && c != '-' && c != '+' && c != '.' && c != 'e' && c != 'E') {
                return false;
            }
        }
        return true;
    }

    /** An enum's number (unknown numbers are kept, as protobuf keeps them) or its name. */
    private EnumValueDescriptor enumValue(EnumDescriptor type) throws IOException, MalformedPayloadException {
        if (p.currentToken() == JsonToken.VALUE_STRING) {
            EnumValueDescriptor v = type.findValueByName(p.getText());
            if (v == null) {
                throw wrong("a " + type.getName() + " number or name");
            }
            return v;
        }
        return type.findValueByNumberCreatingIfUnknown(int32(false));
    }

    private ByteString base64() throws IOException, MalformedPayloadException {
        try {
            return ByteString.copyFrom(Base64.getDecoder().decode(string().replace('-', '+').replace('_', '/')));
        } catch (IllegalArgumentException e) {
            throw wrong("base64 bytes");
        }
    }

    private ByteString hex() throws IOException, MalformedPayloadException {
        try {
            return ByteString.copyFrom(HexFormat.of().parseHex(string()));
        } catch (IllegalArgumentException e) {
            throw wrong("hex bytes");
        }
    }

    // ---- errors ----

    /** The body is well-formed JSON with a value of the wrong type at the current token. */
    private MalformedPayloadException wrong(String expected) throws IOException {
        return JsonParsing.malformed(p, path() + ": " + JsonParsing.expected(expected, p));
    }

    /** Where the current token is, in the item notation of rejections: {@code resourceMetrics[0].resource}. */
    private String path() {
        Deque<String> parts = new ArrayDeque<>();
        for (JsonStreamContext c = p.getParsingContext(); c != null && !c.inRoot(); c = c.getParent()) {
            if (c.inArray() && c.hasCurrentIndex()) {
                parts.push("[" + c.getCurrentIndex() + "]");
            } else if (c.inObject() && c.hasCurrentName()) {
                parts.push("." + c.getCurrentName());
            }
        }
        String path = String.join("", parts);
        return path.startsWith(".") ? path.substring(1) : path.isEmpty() ? "the body" : path;
    }
}
