package tocsin.ingest;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.core.json.JsonReadFeature;

import java.io.IOException;

/**
 * The streaming JSON parser every JSON decoder uses, and how its tokens and failures are put into words. Decoders
 * walk the tokens themselves (no object mapping), so that one bad item becomes a rejection instead of failing the
 * body, and nothing is allocated for fields they skip.
 *
 * <p>Thread-safe (stateless; the factory is immutable).
 */
public final class JsonParsing {
    /**
     * NaN and Infinity literals are read as numbers so that they become per-item rejections rather than failing the
     * whole payload; doubles are parsed with Jackson's exact fast parser; nesting is capped well below anything an
     * intake body needs (an OTLP attribute holding arrays of maps of arrays included).
     */
    public static final JsonFactory FACTORY = JsonFactory.builder()
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER)
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(64).build())
            .build();

    private JsonParsing() {
    }

    /** Reads a whole body from a fresh parser. */
    @FunctionalInterface
    public interface BodyReader<T> {
        T read(JsonParser p) throws IOException, MalformedPayloadException;
    }

    /**
     * Runs {@code reader} over {@code json}, turning Jackson's failures into a {@link MalformedPayloadException}
     * that names the line and column where the body broke.
     */
    public static <T> T read(byte[] json, BodyReader<T> reader) throws MalformedPayloadException {
        try (JsonParser p = FACTORY.createParser(json)) {
            return reader.read(p);
        } catch (StreamReadException e) {
            throw malformed(e);
        } catch (IOException e) {
            throw new MalformedPayloadException("unreadable JSON: " + e.getMessage(), e);
        }
    }

    /** The current token as a reason shows it: {@code "abc"}, {@code 12}, {@code null}, {@code an object}. */
    public static String describe(JsonParser p) throws IOException {
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
    public static String expected(String what, JsonParser p) throws IOException {
        return "expected " + what + ", got " + describe(p);
    }

    public static boolean isNumber(JsonToken t) {
        return t == JsonToken.VALUE_NUMBER_INT || t == JsonToken.VALUE_NUMBER_FLOAT;
    }

    /** A Jackson syntax error as the sender should read it: where, and what. */
    public static MalformedPayloadException malformed(StreamReadException e) {
        JsonLocation at = e.getLocation();
        String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
        String why = String.valueOf(e.getOriginalMessage()).replaceAll("\\[Source: [^;\\]]*; ", "[");
        return new MalformedPayloadException("malformed JSON" + where + ": " + why, e);
    }

    /** Well-formed JSON of the wrong shape, at the current token. */
    public static MalformedPayloadException malformed(JsonParser p, String what) {
        JsonLocation at = p.currentTokenLocation();
        return new MalformedPayloadException("unexpected JSON at line " + at.getLineNr() + ", column "
                + at.getColumnNr() + ": " + what);
    }
}
