package tocsin.ingest.datadog;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import tocsin.ingest.JsonParsing;
import tocsin.ingest.MalformedPayloadException;
import tocsin.ingest.TimeWindow;

import java.io.IOException;

/**
 * What the Datadog JSON bodies share beyond {@link JsonParsing}: Unix-seconds timestamps and the
 * {@code {"series": [...]}} envelope.
 */
final class JsonReading {
    /** A timestamp that cannot be a Unix time in milliseconds. */
    static final long INVALID_TIME = Long.MIN_VALUE;
    private static final long MAX_SECONDS = Long.MAX_VALUE / 1000 - 1;

    private JsonReading() {
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
    static String timeProblem(long millis, String shown, TimeWindow window) {
        if (millis == INVALID_TIME) {
            return "timestamp " + shown + " is not a Unix time in seconds";
        }
        String why = window.problem(millis, shown);
        if (millis / 1000 > 100_000_000_000L) {
            why += " (timestamps are in seconds, not milliseconds)";
        }
        return why;
    }

    /** Reads one element of an array; the element's first token is current, and is its last when done. */
    @FunctionalInterface
    interface ElementReader {
        void read(JsonParser p, int index) throws IOException;
    }

    /**
     * Reads a whole {@code {"<arrayField>": [ ... ], ...}} body, handing each array element to {@code reader} and
     * skipping other fields. Returns false for an empty body (the Datadog Agent sends one as a keep-alive).
     *
     * @throws MalformedPayloadException when the body is not JSON, or its top level is not an object holding that
     *                                   array
     */
    static boolean readArrayBody(byte[] json, String arrayField, ElementReader reader)
            throws MalformedPayloadException {
        return JsonParsing.read(json, p -> readArrayField(p, arrayField, reader));
    }

    private static boolean readArrayField(JsonParser p, String arrayField, ElementReader reader)
            throws IOException, MalformedPayloadException {
        JsonToken t = p.nextToken();
        if (t == null) {
            return false;
        }
        if (t != JsonToken.START_OBJECT) {
            throw JsonParsing.malformed(p, "expected an object {\"" + arrayField + "\": [...]}, got "
                    + JsonParsing.describe(p));
        }
        boolean found = false;
        int index = 0;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            t = p.nextToken();
            if (arrayField.equals(field)) {
                if (t != JsonToken.START_ARRAY) {
                    throw JsonParsing.malformed(p, "\"" + arrayField + "\" must be an array, got "
                            + JsonParsing.describe(p));
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
            throw JsonParsing.malformed(p, "unexpected content after the top-level object");
        }
        if (!found) {
            throw new MalformedPayloadException("the JSON object has no \"" + arrayField + "\" array");
        }
        return true;
    }
}
