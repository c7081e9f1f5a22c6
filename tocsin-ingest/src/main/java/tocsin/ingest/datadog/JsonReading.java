package tocsin.ingest.datadog;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import tocsin.ingest.MalformedPayloadException;
import tocsin.ingest.RejectionText;

import java.io.IOException;

/** Streaming-JSON plumbing shared by the Datadog decoders. */
final class JsonReading {
    /** A timestamp that cannot be a Unix time in milliseconds. */
    static final long INVALID_TIME = Long.MIN_VALUE;
    private static final long MAX_SECONDS = Long.MAX_VALUE / 1000 - 1;

    /**
     * Thread-safe and reusable. NaN and Infinity literals are read as numbers so that they become per-point
     * rejections rather than failing the whole payload; doubles are parsed with Jackson's exact fast parser;
     * nesting is capped well below anything a Datadog body needs.
     */
    static final JsonFactory FACTORY = JsonFactory.builder()
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER)
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(64).build())
            .build();

    private JsonReading() {
    }

    /** The current token as a reason shows it: {@code "abc"}, {@code 12}, {@code null}, {@code an object}. */
    static String describe(JsonParser p) throws IOException {
        JsonToken t = p.currentToken();
        if (t == null) {
            return "nothing";
        }
        return switch (t) {
            case VALUE_STRING -> RejectionText.quote(p.getText());
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> p.getText();
            case VALUE_TRUE -> "true";
            case VALUE_FALSE -> "false";
            case VALUE_NULL -> "null";
            case START_OBJECT -> "an object";
            case START_ARRAY -> "an array";
            default -> t.asString() == null ? t.name() : t.asString();
        };
    }

    /** {@code expected a number, got "abc"}; call before skipping the value. */
    static String expected(String what, JsonParser p) throws IOException {
        return "expected " + what + ", got " + describe(p);
    }

    static boolean isNumber(JsonToken t) {
        return t == JsonToken.VALUE_NUMBER_INT || t == JsonToken.VALUE_NUMBER_FLOAT;
    }

    /**
     * The number at the current token, read as Unix seconds (integer, decimal or exponent notation), in
     * milliseconds; {@link #INVALID_TIME} when it cannot be one.
     */
    static long secondsToMillis(JsonParser p) throws IOException {
        switch (p.getNumberType()) {
            case INT, LONG -> {
                long s = p.getLongValue();
                return s > MAX_SECONDS || s < -MAX_SECONDS ? INVALID_TIME : s * 1000;
            }
            case BIG_INTEGER -> {
                return INVALID_TIME;
            }
            default -> {
                double d = p.getDoubleValue();
                return Double.isFinite(d) && Math.abs(d) <= MAX_SECONDS ? Math.round(d * 1000.0) : INVALID_TIME;
            }
        }
    }

    /**
     * Why a timestamp is refused, with a hint when it looks like milliseconds or microseconds sent where seconds
     * are expected.
     */
    static String timeProblem(long millis, String shown, tocsin.ingest.TimeWindow window) {
        if (millis == INVALID_TIME) {
            return "timestamp " + shown + " is not a Unix time in seconds";
        }
        String why = window.problem(millis, shown);
        if (millis / 1000 > 100_000_000_000L) {
            why += " (timestamps are in seconds, not milliseconds)";
        }
        return why;
    }

    /** Reads one element of the payload's array; the element's first token is current. */
    @FunctionalInterface
    interface ElementReader {
        void read(JsonParser p, int index) throws IOException;
    }

    /**
     * Walks {@code {"<arrayField>": [ ... ], ...}}, handing each array element to {@code reader} and skipping other
     * fields. Returns false for an empty body (the Datadog Agent sends one as a keep-alive).
     *
     * @throws MalformedPayloadException when the top level is not an object holding that array
     */
    static boolean readArrayField(JsonParser p, String arrayField, ElementReader reader)
            throws IOException, MalformedPayloadException {
        JsonToken t = p.nextToken();
        if (t == null) {
            return false;
        }
        if (t != JsonToken.START_OBJECT) {
            throw malformed(p, "expected an object {\"" + arrayField + "\": [...]}, got " + describe(p));
        }
        boolean found = false;
        int index = 0;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            t = p.nextToken();
            if (arrayField.equals(field)) {
                if (t != JsonToken.START_ARRAY) {
                    throw malformed(p, "\"" + arrayField + "\" must be an array, got " + describe(p));
                }
                found = true;
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    reader.read(p, index++);
                }
            } else {
                p.skipChildren();
            }
        }
        if (p.nextToken() != null) {
            throw malformed(p, "unexpected content after the top-level object");
        }
        if (!found) {
            throw new MalformedPayloadException("the JSON object has no \"" + arrayField + "\" array");
        }
        return true;
    }

    static MalformedPayloadException malformed(StreamReadException e) {
        JsonLocation at = e.getLocation();
        String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
        String why = String.valueOf(e.getOriginalMessage()).replaceAll("\\[Source: [^;\\]]*; ", "[");
        return new MalformedPayloadException("malformed JSON" + where + ": " + why, e);
    }

    static MalformedPayloadException malformed(JsonParser p, String what) {
        JsonLocation at = p.currentTokenLocation();
        return new MalformedPayloadException("unexpected JSON at line " + at.getLineNr() + ", column "
                + at.getColumnNr() + ": " + what);
    }
}
