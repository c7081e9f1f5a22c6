package tocsin.server.http;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import tocsin.core.access.Principal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * One request and its response, with the plumbing every handler needs: the authenticated caller, the body read
 * within limits and decoded, JSON in and out. Confined to the thread serving the request.
 */
public final class Exchange {
    private final ServerRequest request;
    private final ServerResponse response;
    private final HttpContext context;
    private final Principal principal;
    private final long bodyLimit;

    Exchange(ServerRequest request, ServerResponse response, HttpContext context, Principal principal, long bodyLimit) {
        this.request = request;
        this.response = response;
        this.context = context;
        this.principal = principal;
        this.bodyLimit = bodyLimit;
    }

    public ServerRequest request() {
        return request;
    }

    public ServerResponse response() {
        return response;
    }

    /** The authenticated caller; null only on public routes. */
    public Principal principal() {
        return principal;
    }

    public String pathParam(String name) {
        return request.path().pathParameters().get(name);
    }

    public Optional<String> query(String name) {
        return request.query().first(name).asOptional();
    }

    public Optional<String> header(String name) {
        return request.headers().first(HeaderNames.create(name));
    }

    /** The decoded body, at most the route's limit. */
    public byte[] body() {
        return body(java.util.Set.of());
    }

    /** The body with its transport codings undone, but {@code protocolCodings} left for the route's decoder. */
    public byte[] body(java.util.Set<String> protocolCodings) {
        return body(protocolCodings, Long.MAX_VALUE);
    }

    /**
     * The body with its transport codings undone, refused with a 413 past {@code wireLimit} bytes as sent (before
     * decompression) as well as past the route's limit after it.
     */
    public byte[] body(long wireLimit) {
        return body(java.util.Set.of(), wireLimit);
    }

    private byte[] body(java.util.Set<String> protocolCodings, long wireLimit) {
        return context.bodyReader().read(request.content().inputStream(),
                request.headers().first(HeaderNames.CONTENT_ENCODING).orElse(null), bodyLimit, protocolCodings,
                request.headers().contentLength().orElse(-1), wireLimit);
    }

    /** The route's body limit (after decompression). */
    public long bodyLimit() {
        return bodyLimit;
    }

    /** The body as a JSON tree; a 400 naming line and column when it is not JSON. */
    public JsonNode jsonBody() {
        byte[] body = body();
        if (body.length == 0) {
            throw ApiProblem.invalidField("body", "a JSON body is required");
        }
        return parseJson(context.json(), body);
    }

    /** Parses JSON, turning syntax errors into a 400 that says where the document broke. */
    public static JsonNode parseJson(ObjectMapper json, byte[] body) {
        try {
            JsonNode node = json.readTree(body);
            if (node == null || node.isMissingNode()) {
                throw ApiProblem.invalidField("body", "a JSON body is required");
            }
            return node;
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
            throw ApiProblem.badRequest("Malformed JSON" + where,
                    java.util.List.of("body: malformed JSON" + where + ": " + e.getOriginalMessage()));
        } catch (IOException e) {
            throw ApiProblem.invalidField("body", "unreadable: " + e.getMessage());
        }
    }

    /** Sends a JSON document. */
    public void json(int status, Object body) {
        try {
            byte[] bytes = context.json().writeValueAsBytes(body);
            response.status(status);
            response.header(HeaderNames.CONTENT_TYPE, "application/json");
            response.send(bytes);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("response not serializable", e);
        }
    }

    /** Sends plain text. */
    public void text(int status, String contentType, String body) {
        response.status(status);
        response.header(HeaderNames.CONTENT_TYPE, contentType);
        response.send(body.getBytes(StandardCharsets.UTF_8));
    }

    public void noContent() {
        response.status(204);
        response.send();
    }

    public HttpContext context() {
        return context;
    }
}
