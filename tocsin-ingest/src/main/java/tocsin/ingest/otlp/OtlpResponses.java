package tocsin.ingest.otlp;

import com.fasterxml.jackson.core.JsonGenerator;
import com.google.protobuf.CodedOutputStream;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsPartialSuccess;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import tocsin.core.metric.Rejection;
import tocsin.ingest.IngestResult;
import tocsin.ingest.JsonParsing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * The bodies an OTLP/HTTP server answers with, in both encodings; the response must use the request's
 * {@code Content-Type} (OTLP specification, "OTLP/HTTP Response").
 *
 * <ul>
 *   <li>200: an {@code ExportMetricsServiceResponse}. Fully accepted: empty, {@code partial_success} unset, as the
 *       specification requires. Otherwise {@code partial_success} with {@code rejected_data_points} and a
 *       human-readable {@code error_message}; a message with zero rejected is a warning, which the specification
 *       allows too. Clients must not retry either.</li>
 *   <li>4xx and 5xx: a {@code google.rpc.Status} with a developer-facing message ({@link #status}); 400 for a
 *       malformed body, which clients must not retry.</li>
 * </ul>
 *
 * <p>Thread-safe (stateless).
 */
public final class OtlpResponses {
    public static final String PROTOBUF = "application/x-protobuf";
    public static final String JSON = "application/json";
    /** {@code google.rpc.Code.INVALID_ARGUMENT}, the code for a 400. */
    public static final int INVALID_ARGUMENT = 3;
    /** Rejections an {@link #errorMessage(IngestResult)} names before it only counts the rest. */
    public static final int NAMED_REJECTIONS = 10;

    private OtlpResponses() {
    }

    /** A protobuf {@code ExportMetricsServiceResponse}. */
    public static byte[] metricsResponse(int rejected, String message) {
        ExportMetricsServiceResponse.Builder b = ExportMetricsServiceResponse.newBuilder();
        if (rejected > 0 || hasText(message)) {
            b.setPartialSuccess(ExportMetricsPartialSuccess.newBuilder()
                    .setRejectedDataPoints(Math.max(0, rejected))
                    .setErrorMessage(hasText(message) ? message : ""));
        }
        return b.build().toByteArray();
    }

    /** The same response in OTLP/JSON: {@code {}}, or {@code {"partialSuccess":{"rejectedDataPoints":"3",...}}}. */
    public static byte[] metricsResponseJson(int rejected, String message) {
        return json(g -> {
            g.writeStartObject();
            if (rejected > 0 || hasText(message)) {
                g.writeObjectFieldStart("partialSuccess");
                if (rejected > 0) {
                    g.writeStringField("rejectedDataPoints", Integer.toString(rejected));  // int64: a string
                }
                if (hasText(message)) {
                    g.writeStringField("errorMessage", message);
                }
                g.writeEndObject();
            }
            g.writeEndObject();
        });
    }

    /**
     * The {@code error_message} for a result: which data points were rejected and why, the first
     * {@value #NAMED_REJECTIONS} by name ({@code 2 data points rejected or stored in part: <item>: <reason>; ...});
     * null when nothing was rejected.
     */
    public static String errorMessage(IngestResult result) {
        if (result.complete()) {
            return null;
        }
        int n = result.rejectedItems();
        StringBuilder b = new StringBuilder().append(n).append(n == 1 ? " data point" : " data points")
                .append(" rejected or stored in part: ");
        List<Rejection> listed = result.rejections();
        int named = Math.min(NAMED_REJECTIONS, listed.size());
        for (int i = 0; i < named; i++) {
            b.append(i == 0 ? "" : "; ").append(listed.get(i));
        }
        if (n > named) {
            b.append(named == 0 ? "" : "; ").append("and ").append(n - named).append(" more");
        }
        return b.toString();
    }

    /** A protobuf {@code google.rpc.Status} for a 4xx or 5xx body ({@code code} 0 is left out). */
    public static byte[] status(int code, String message) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            CodedOutputStream out = CodedOutputStream.newInstance(bytes);
            if (code != 0) {
                out.writeInt32(1, code);
            }
            if (hasText(message)) {
                out.writeString(2, message);
            }
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** The same status in JSON: {@code {"code":3,"message":"..."}}. */
    public static byte[] statusJson(int code, String message) {
        return json(g -> {
            g.writeStartObject();
            if (code != 0) {
                g.writeNumberField("code", code);
            }
            if (hasText(message)) {
                g.writeStringField("message", message);
            }
            g.writeEndObject();
        });
    }

    private static boolean hasText(String s) {
        return s != null && !s.isEmpty();
    }

    @FunctionalInterface
    private interface JsonWriter {
        void write(JsonGenerator g) throws IOException;
    }

    private static byte[] json(JsonWriter writer) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (JsonGenerator g = JsonParsing.FACTORY.createGenerator(bytes)) {
            writer.write(g);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }
}
