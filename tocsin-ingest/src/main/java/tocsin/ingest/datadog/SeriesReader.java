package tocsin.ingest.datadog;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import tocsin.core.metric.SeriesKey;
import tocsin.ingest.IngestLimits;
import tocsin.ingest.IngestResult;
import tocsin.ingest.SeriesKeyBuilder;
import tocsin.ingest.SeriesKeyCache;
import tocsin.ingest.TimeWindow;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import static tocsin.ingest.JsonParsing.expected;

/**
 * One Datadog series at a time, while its fields stream past in any order: the parts of its key, the first problem
 * that refuses it whole, and its point problems, held back until the series' fate is known (when the series as a
 * whole is refused, only that is reported). Also walks the JSON object of a series, reading the fields every
 * Datadog series body shares ({@code metric}, {@code tags}) and helping with the others ({@code host}-like string
 * fields, arrays).
 *
 * <p>Subclasses keep the points themselves: {@link SeriesAssembler} single values, the distribution decoder
 * lists of values.
 *
 * <p>Not thread-safe: one per request.
 */
class SeriesReader {
    final IngestResult.Builder out;
    private final SeriesKeyBuilder keys;
    private final TimeWindow window;
    private final String arrayName;
    private final JsonReading.ElementReader tagReader = this::readTag;

    private int index;
    private String seriesProblemField;
    private String seriesProblem;
    private final List<String> problemItems = new ArrayList<>();
    private final List<String> problemReasons = new ArrayList<>();
    private int uncountedProblems;

    SeriesReader(IngestLimits limits, TimeWindow window, IngestResult.Builder out, String arrayName) {
        this(limits, window, out, arrayName, SeriesKeyCache.NONE);
    }

    /** @param cache the keys of series seen in earlier requests (see {@link SeriesKeyBuilder}) */
    SeriesReader(IngestLimits limits, TimeWindow window, IngestResult.Builder out, String arrayName,
                 SeriesKeyCache cache) {
        this.out = out;
        this.keys = new SeriesKeyBuilder(limits, SeriesKeyBuilder.Rules.DATADOG, cache);
        this.window = window;
        this.arrayName = arrayName;
    }

    TimeWindow window() {
        return window;
    }

    SeriesKeyBuilder keys() {
        return keys;
    }

    void begin(int seriesIndex) {
        index = seriesIndex;
        keys.reset();
        seriesProblemField = null;
        seriesProblem = null;
        problemItems.clear();
        problemReasons.clear();
        uncountedProblems = 0;
    }

    /** Reads one field of a series object; its value's first token is current, and its last when done. */
    @FunctionalInterface
    interface FieldReader {
        void read(JsonParser p, String field, JsonToken value) throws IOException;
    }

    /**
     * Reads the series object whose first token is current: {@code metric} and {@code tags} here, every other
     * field with {@code fields}. Returns false when the element is not an object (it is rejected and skipped);
     * otherwise the caller ends the series.
     */
    boolean readSeries(JsonParser p, int seriesIndex, FieldReader fields) throws IOException {
        if (p.currentToken() != JsonToken.START_OBJECT) {
            out.reject(arrayName + "[" + seriesIndex + "]", expected("an object", p));
            p.skipChildren();
            return false;
        }
        begin(seriesIndex);
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken t = p.nextToken();
            switch (field) {
                case "metric" -> readName(p, t);
                case "tags" -> readArray(p, t, "tags", "an array of strings", tagReader);
                default -> fields.read(p, field, t);
            }
        }
        return true;
    }

    /** The series as a whole is refused; the first problem is the one reported. */
    void seriesProblem(String field, String reason) {
        if (seriesProblem == null) {
            seriesProblemField = field;
            seriesProblem = reason;
        }
    }

    /** Builds a reason only when it will be listed. */
    @FunctionalInterface
    interface ReasonSupplier {
        String get() throws IOException;
    }

    /**
     * One point is refused; {@code item} is relative to the series ({@code points[1]}). The reason is built only
     * while rejections are still listed by name; past that the point is only counted.
     */
    void pointProblem(String item, ReasonSupplier reason) throws IOException {
        if (out.rejectedItems() + problemItems.size() < IngestResult.MAX_LISTED_REJECTIONS) {
            problemItems.add(item);
            problemReasons.add(reason.get());
        } else {
            uncountedProblems++;
        }
    }

    /**
     * Ends the series: reports why it is refused as a whole, or else its held-back point problems, and returns the
     * key its points go under, or null when it is refused.
     *
     * @param summarySuffix when not null, the longest suffix the caller appends to the name; the name with it must
     *                      still be within the limit
     */
    SeriesKey endKey(String summarySuffix) {
        if (seriesProblem != null) {
            out.reject(item(seriesProblemField), seriesProblem);
            return null;
        }
        SeriesKey key = keys.build();
        if (key == null) {
            out.reject(item(keys.problemField()), keys.problem());
            return null;
        }
        if (summarySuffix != null) {
            String tooLong = keys.nameProblem(key.name() + summarySuffix);
            if (tooLong != null) {
                out.reject(item("metric"), "with its summary suffix, " + tooLong);
                return null;
            }
        }
        for (int i = 0; i < problemItems.size(); i++) {
            out.reject(item(problemItems.get(i)), problemReasons.get(i));
        }
        for (int i = 0; i < uncountedProblems; i++) {
            out.countRejection();
        }
        return key;
    }

    private String item(String field) {
        return arrayName + "[" + index + "]." + field;
    }

    // ---- JSON fields every Datadog series has ----

    private void readName(JsonParser p, JsonToken t) throws IOException {
        if (t == JsonToken.VALUE_STRING) {
            keys.name(p.getText(), "metric");
        } else {
            seriesProblem("metric", expected("a string", p));
            p.skipChildren();
        }
    }

    private void readTag(JsonParser p, int k) throws IOException {
        if (p.currentToken() == JsonToken.VALUE_STRING) {
            keys.tag(p.getText(), "tags", k);
        } else {
            seriesProblem("tags[" + k + "]", expected("a string", p));
            p.skipChildren();
        }
    }

    /**
     * A string field that becomes the tag {@code <field>:<value>} ({@code "host": "web-1"}); empty strings and
     * null are ignored, as the Agent sends {@code "host": ""} when it has none.
     */
    void readPrefixedTag(JsonParser p, JsonToken t, String field) throws IOException {
        if (t == JsonToken.VALUE_STRING) {
            String v = p.getText();
            if (!v.isEmpty()) {
                keys.tag(field + ":" + v, field, -1);
            }
        } else if (t != JsonToken.VALUE_NULL) {
            seriesProblem(field, expected("a string", p));
            p.skipChildren();
        }
    }

    /**
     * An array field of the series, each element handed to {@code element}; null is an absent field, anything else
     * but an array refuses the series ({@code expected <shape>, got ...}).
     */
    void readArray(JsonParser p, JsonToken t, String field, String shape, JsonReading.ElementReader element)
            throws IOException {
        if (t == JsonToken.VALUE_NULL) {
            return;
        }
        if (t != JsonToken.START_ARRAY) {
            seriesProblem(field, expected(shape, p));
            p.skipChildren();
            return;
        }
        int k = 0;
        while (p.nextToken() != JsonToken.END_ARRAY) {
            element.read(p, k++);
        }
    }
}
