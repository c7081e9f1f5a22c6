package tocsin.ingest.datadog;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import tocsin.core.metric.Rejection;
import tocsin.ingest.DatadogNames;
import tocsin.ingest.IngestException;
import tocsin.ingest.IngestLimits;
import tocsin.ingest.IngestResult;
import tocsin.ingest.JsonParsing;
import tocsin.ingest.MalformedPayloadException;
import tocsin.ingest.RejectionText;
import tocsin.ingest.ServiceCheck;
import tocsin.ingest.TimeWindow;

import java.io.IOException;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;

import static tocsin.ingest.JsonParsing.expected;
import static tocsin.ingest.JsonParsing.isNumber;
import static tocsin.ingest.datadog.JsonReading.INVALID_TIME;

/**
 * Decodes Datadog's {@code POST /api/v1/check_run} body, a JSON array of
 * {@code {"check","host_name","status":0..3,"timestamp","message","tags":[...]}}, as the Datadog Agent sends it.
 *
 * <p>{@code check} and {@code status} are required; a missing or zero {@code timestamp} means now; tags are
 * normalised per {@link DatadogNames} and checked against the {@link IngestLimits}; the check name must be
 * non-empty and within the name limit but is kept as sent. Items are named by their array index
 * ({@code [3].status}).
 *
 * <p>Thread-safe (stateless); each call allocates its own state.
 */
public final class CheckRunDecoder {
    private CheckRunDecoder() {
    }

    /**
     * Decodes one body, already stripped of its HTTP content encoding. An empty body yields nothing.
     *
     * @throws MalformedPayloadException when the body is not a JSON array; the message gives line and column
     */
    public static CheckRunResult decode(byte[] json, InstantSource clock, IngestLimits limits)
            throws IngestException {
        TimeWindow window = limits.window(clock.millis());
        List<ServiceCheck> checks = new ArrayList<>();
        List<Rejection> rejections = new ArrayList<>();
        JsonParsing.read(json, p -> {
            JsonToken t = p.nextToken();
            if (t == null) {
                return null;
            }
            if (t != JsonToken.START_ARRAY) {
                throw JsonParsing.malformed(p, "expected an array of check runs, got " + JsonParsing.describe(p));
            }
            int i = 0;
            while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
                readCheck(p, t, i++, window, limits, checks, rejections);
            }
            if (p.nextToken() != null) {
                throw JsonParsing.malformed(p, "unexpected content after the top-level array");
            }
            return null;
        });
        return new CheckRunResult(checks, rejections);
    }

    private static void readCheck(JsonParser p, JsonToken t, int i, TimeWindow window, IngestLimits limits,
                                  List<ServiceCheck> checks, List<Rejection> rejections) throws IOException {
        String item = "[" + i + "]";
        if (t != JsonToken.START_OBJECT) {
            reject(rejections, item, expected("an object", p));
            p.skipChildren();
            return;
        }
        String problemField = null;
        String problem = null;
        String name = null;
        String host = "";
        String message = "";
        ServiceCheck.Status status = null;
        long millis = 0;
        String shownTime = null;
        List<String> tags = new ArrayList<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            t = p.nextToken();
            String why = null;
            switch (field) {
                case "check" -> {
                    if (t == JsonToken.VALUE_STRING) {
                        name = p.getText();
                    } else {
                        why = expected("a string", p);
                    }
                }
                case "host_name" -> {
                    if (t == JsonToken.VALUE_STRING) {
                        host = p.getText();
                    } else if (t != JsonToken.VALUE_NULL) {
                        why = expected("a string", p);
                    }
                }
                case "message" -> {
                    if (t == JsonToken.VALUE_STRING) {
                        message = p.getText();
                    } else if (t != JsonToken.VALUE_NULL) {
                        why = expected("a string", p);
                    }
                }
                case "status" -> {
                    if (t == JsonToken.VALUE_NUMBER_INT && ServiceCheck.Status.ofCode(p.getLongValue()) != null) {
                        status = ServiceCheck.Status.ofCode(p.getLongValue());
                    } else {
                        why = expected("0 (ok), 1 (warning), 2 (critical) or 3 (unknown)", p);
                    }
                }
                case "timestamp" -> {
                    if (isNumber(t)) {
                        millis = JsonReading.secondsToMillis(p);
                        shownTime = p.getText();
                    } else if (t != JsonToken.VALUE_NULL) {
                        why = expected("a number", p);
                    }
                }
                case "tags" -> {
                    if (t == JsonToken.START_ARRAY) {
                        int k = 0;
                        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
                            if (t == JsonToken.VALUE_STRING) {
                                String tag = DatadogNames.normalizeTag(p.getText());
                                if (tag.codePointCount(0, tag.length()) > limits.maxTagLength() && problem == null) {
                                    problemField = "tags[" + k + "]";
                                    problem = RejectionText.quote(tag) + " is longer than the limit of "
                                            + limits.maxTagLength() + " characters";
                                } else if (!tag.isEmpty()) {
                                    tags.add(tag);
                                }
                            } else if (problem == null) {
                                problemField = "tags[" + k + "]";
                                problem = expected("a string", p);
                                p.skipChildren();
                            } else {
                                p.skipChildren();
                            }
                            k++;
                        }
                    } else if (t != JsonToken.VALUE_NULL) {
                        why = expected("an array of strings", p);
                    }
                }
                default -> {
                }
            }
            if (why != null && problem == null) {
                problemField = field;
                problem = why;
            }
            p.skipChildren();
        }
        if (problem == null) {
            if (name == null || name.isEmpty()) {
                problemField = "check";
                problem = name == null ? "is required" : "must not be empty";
            } else if (name.codePointCount(0, name.length()) > limits.maxNameLength()) {
                problemField = "check";
                problem = RejectionText.quote(name) + " is longer than the limit of " + limits.maxNameLength()
                        + " characters";
            } else if (status == null) {
                problemField = "status";
                problem = "is required";
            } else if (tags.stream().distinct().count() > limits.maxTagsPerSeries()) {
                problemField = "tags";
                problem = "has more than " + limits.maxTagsPerSeries() + " distinct tags";
            } else if (shownTime != null && millis != 0
                    && (millis == INVALID_TIME || !window.contains(millis))) {
                problemField = "timestamp";
                problem = JsonReading.timeProblem(millis, shownTime, window);
            }
        }
        if (problem != null) {
            reject(rejections, item + "." + problemField, problem);
            return;
        }
        Instant at = Instant.ofEpochMilli(millis == 0 ? window.nowMillis() : millis);
        checks.add(new ServiceCheck(name, status, host, tags, at, message));
    }

    private static void reject(List<Rejection> rejections, String item, String reason) {
        if (rejections.size() < IngestResult.MAX_LISTED_REJECTIONS) {
            rejections.add(new Rejection(item, reason));
        }
    }
}
