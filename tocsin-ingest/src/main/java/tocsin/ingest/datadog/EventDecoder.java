package tocsin.ingest.datadog;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import tocsin.core.event.Event;
import tocsin.ingest.DatadogNames;
import tocsin.ingest.IngestLimits;
import tocsin.ingest.JsonParsing;
import tocsin.ingest.MalformedPayloadException;
import tocsin.ingest.RejectionText;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static tocsin.ingest.JsonParsing.expected;

/**
 * Decodes Datadog's {@code POST /api/v1/events} body ({@code EventCreateRequest}): one JSON object with
 * {@code title} and {@code text} (both required), and optionally {@code date_happened} (Unix seconds; now when
 * absent), {@code priority} ({@code normal}, {@code low}), {@code alert_type} (Datadog's seven), {@code host},
 * {@code aggregation_key}, {@code source_type_name} and {@code tags}.
 *
 * <p>As Datadog does: a text longer than {@value #MAX_TEXT} characters is kept to its first {@value #MAX_TEXT}; an
 * event may be at most {@code 18 h} in the past and {@code 2 h} in the future. Tags are normalised per
 * {@link DatadogNames} and kept within the {@link IngestLimits}. Fields Tocsin does not keep ({@code device_name},
 * {@code related_event_id}) are read and ignored; unknown fields are ignored, as Datadog's API does. Every problem is
 * reported with its field's name. Thread-safe (stateless).
 */
public final class EventDecoder {
    /** What Datadog shows of an event's text. */
    public static final int MAX_TEXT = 4000;
    /** Longer titles are refused (Datadog's v2 events take 100; v1 does not say). */
    public static final int MAX_TITLE = 1000;
    static final Duration MAX_PAST = Duration.ofHours(18);
    static final Duration MAX_FUTURE = Duration.ofHours(2);

    /** The event, or the problems that kept it from being one ({@code field: reason}), never both. */
    public record Result(Event event, List<String> errors) {
    }

    private EventDecoder() {
    }

    /**
     * @throws MalformedPayloadException when the body is not one JSON object; the message gives line and column
     */
    public static Result decode(byte[] json, InstantSource clock, IngestLimits limits)
            throws MalformedPayloadException {
        return JsonParsing.read(json, p -> {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw JsonParsing.malformed(p, "expected an event object, got " + JsonParsing.describe(p));
            }
            Result r = readEvent(p, clock, limits);
            if (p.nextToken() != null) {
                throw JsonParsing.malformed(p, "unexpected content after the event object");
            }
            return r;
        });
    }

    private static Result readEvent(JsonParser p, InstantSource clock, IngestLimits limits) throws IOException {
        List<String> errors = new ArrayList<>();
        String title = null;
        String text = null;
        boolean titleGiven = false; // a title of the wrong type was given: it has its own error, not "required"
        boolean textGiven = false;
        long now = clock.millis();
        long at = now;
        String host = "";
        String aggregationKey = "";
        String source = "";
        Event.Priority priority = Event.Priority.NORMAL;
        Event.AlertType alertType = Event.AlertType.INFO;
        List<String> tags = new ArrayList<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken t = p.nextToken();
            switch (field) {
                case "title" -> {
                    titleGiven = true;
                    title = string(p, t, field, errors, true);
                }
                case "text" -> {
                    textGiven = true;
                    text = string(p, t, field, errors, true);
                }
                case "host" -> host = orEmpty(string(p, t, field, errors, false));
                case "aggregation_key" -> aggregationKey = orEmpty(string(p, t, field, errors, false));
                case "source_type_name" -> source = orEmpty(string(p, t, field, errors, false));
                case "date_happened" -> {
                    if (t == JsonToken.VALUE_NUMBER_INT) {
                        long seconds = p.getLongValue();
                        if (seconds <= 0 || seconds > Long.MAX_VALUE / 1000) {
                            errors.add(field + ": " + p.getText() + " is not a positive number of Unix seconds");
                        } else {
                            at = seconds * 1000;
                        }
                    } else if (t != JsonToken.VALUE_NULL) {
                        errors.add(field + ": " + expected("an integer number of Unix seconds", p));
                    }
                }
                case "priority" -> {
                    String v = string(p, t, field, errors, false);
                    if (v != null) {
                        switch (v.toLowerCase(Locale.ROOT)) {
                            case "normal" -> priority = Event.Priority.NORMAL;
                            case "low" -> priority = Event.Priority.LOW;
                            default -> errors.add(field + ": " + RejectionText.quote(v) + " is not normal or low");
                        }
                    }
                }
                case "alert_type" -> {
                    String v = string(p, t, field, errors, false);
                    if (v != null) {
                        try {
                            alertType = Event.AlertType.valueOf(v.toUpperCase(Locale.ROOT));
                        } catch (IllegalArgumentException e) {
                            errors.add(field + ": " + RejectionText.quote(v) + " is not one of error, warning, info, "
                                    + "success, user_update, recommendation, snapshot");
                        }
                    }
                }
                case "tags" -> readTags(p, t, limits, tags, errors);
                default -> p.skipChildren(); // device_name, related_event_id and fields Tocsin does not keep
            }
        }
        if (!titleGiven) {
            errors.add("title: required");
        } else if (title != null && title.isBlank()) {
            errors.add("title: must not be empty");
        } else if (title != null && title.codePointCount(0, title.length()) > MAX_TITLE) {
            errors.add("title: longer than the limit of " + MAX_TITLE + " characters");
        }
        if (!textGiven) {
            errors.add("text: required");
        }
        if (at < now - MAX_PAST.toMillis() || at > now + MAX_FUTURE.toMillis()) {
            errors.add("date_happened: " + at / 1000 + " is outside what is accepted: at most 18 hours in the past "
                    + "and 2 hours in the future (now is " + now / 1000 + ")");
        }
        if (!errors.isEmpty()) {
            return new Result(null, List.copyOf(errors));
        }
        if (text.codePointCount(0, text.length()) > MAX_TEXT) {
            text = text.substring(0, text.offsetByCodePoints(0, MAX_TEXT));
        }
        return new Result(new Event(title, text, Instant.ofEpochMilli(at), host, aggregationKey, priority, source,
                alertType, tags), List.of());
    }

    private static String string(JsonParser p, JsonToken t, String field, List<String> errors, boolean required)
            throws IOException {
        if (t == JsonToken.VALUE_STRING) {
            return p.getText();
        }
        if (t == JsonToken.VALUE_NULL && !required) {
            return null;
        }
        errors.add(field + ": " + expected("a string", p));
        p.skipChildren();
        return null;
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }

    private static void readTags(JsonParser p, JsonToken t, IngestLimits limits, List<String> tags,
                                 List<String> errors) throws IOException {
        if (t == JsonToken.VALUE_NULL) {
            return;
        }
        if (t != JsonToken.START_ARRAY) {
            errors.add("tags: " + expected("an array of strings", p));
            p.skipChildren();
            return;
        }
        int k = 0;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            String field = "tags[" + k++ + "]";
            if (t != JsonToken.VALUE_STRING) {
                errors.add(field + ": " + expected("a string", p));
                p.skipChildren();
                continue;
            }
            String tag = DatadogNames.normalizeTag(p.getText());
            if (tag.codePointCount(0, tag.length()) > limits.maxTagLength()) {
                errors.add(field + ": " + RejectionText.quote(tag) + " is longer than the limit of "
                        + limits.maxTagLength() + " characters");
            } else if (!tag.isEmpty() && !tags.contains(tag)) {
                tags.add(tag);
            }
        }
        if (tags.size() > limits.maxTagsPerSeries()) {
            errors.add("tags: " + tags.size() + " tags, more than the limit of " + limits.maxTagsPerSeries());
        }
    }
}
