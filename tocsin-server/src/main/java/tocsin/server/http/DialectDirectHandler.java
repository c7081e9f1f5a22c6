package tocsin.server.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.helidon.http.DirectHandler;
import io.helidon.http.HeaderNames;
import io.helidon.http.ServerResponseHeaders;
import io.helidon.http.Status;
import io.helidon.webserver.http.DirectHandlers;

import java.nio.charset.StandardCharsets;

/**
 * Renders the errors that Helidon raises itself, before any route runs (malformed request lines or headers, an
 * unsupported {@code Content-Encoding}), in the dialect of the path, so that clients see the same error shapes for
 * protocol-level failures as for everything else. 5xx carry no detail. Thread-safe.
 */
public final class DialectDirectHandler implements DirectHandler {
    private final ObjectMapper json;
    private final java.util.Set<String> supported;

    /**
     * @param supported the content codings the server decodes (Helidon rejects the others before routing)
     */
    public DialectDirectHandler(ObjectMapper json, java.util.Set<String> supported) {
        this.json = json;
        java.util.Set<String> s = new java.util.HashSet<>(supported);
        s.add("identity");
        this.supported = java.util.Set.copyOf(s);
    }

    private boolean unsupportedEncoding(TransportRequest request) {
        if (request.headers() == null || !request.headers().contains(HeaderNames.CONTENT_ENCODING)) {
            return false;
        }
        for (String coding : request.headers().get(HeaderNames.CONTENT_ENCODING).get().split(",")) {
            if (!supported.contains(coding.trim().toLowerCase(java.util.Locale.ROOT))) {
                return true;
            }
        }
        return false;
    }

    /** This handler for every event type. */
    public DirectHandlers asHandlers() {
        DirectHandlers.Builder b = DirectHandlers.builder();
        for (EventType t : EventType.values()) {
            b.addHandler(t, this);
        }
        return b.build();
    }

    @Override
    public TransportResponse handle(TransportRequest request, EventType eventType, Status status,
                                    ServerResponseHeaders headers, String message) {
        String path = request.path() == null ? "/" : request.path();
        Dialect dialect = Dialect.forPath(path.isEmpty() ? "/" : path);
        ApiProblem problem = status.code() == 400 && unsupportedEncoding(request)
                ? new ApiProblem(ApiProblem.Kind.UNSUPPORTED_MEDIA_TYPE, "Unsupported Content-Encoding '"
                        + request.headers().get(HeaderNames.CONTENT_ENCODING).get() + "'; supported: "
                        + String.join(", ", new java.util.TreeSet<>(supported)))
                : toProblem(status.code(), message);
        byte[] body;
        try {
            body = json.writeValueAsBytes(dialect.render(json, problem, path));
        } catch (JsonProcessingException e) {
            body = "{}".getBytes(StandardCharsets.UTF_8);
        }
        return TransportResponse.builder()
                .status(Status.create(problem.status()))
                .headers(headers)
                .header(HeaderNames.CONTENT_TYPE, dialect.errorContentType())
                .entity(body)
                .build();
    }

    static ApiProblem toProblem(int status, String message) {
        String m = message == null || message.isBlank() ? Dialect.title(status) : message;
        for (ApiProblem.Kind k : ApiProblem.Kind.values()) {
            if (k.status() == status) {
                return new ApiProblem(k, status >= 500 ? "Internal error" : m);
            }
        }
        return new ApiProblem(status >= 500 ? ApiProblem.Kind.INTERNAL : ApiProblem.Kind.BAD_REQUEST,
                status >= 500 ? "Internal error" : m);
    }
}
