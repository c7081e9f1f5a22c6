package tocsin.server.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.ThreadLocalRandom;

/**
 * The one place failures become responses. An {@link ApiProblem} is rendered in the route's dialect; anything else
 * is a bug or an outage: it is logged once, with an id, and the client gets a 500 carrying only that id, never a
 * stack trace or exception text. Thread-safe.
 */
public final class ErrorMapper {
    private static final Logger LOG = LoggerFactory.getLogger(ErrorMapper.class);
    private final ObjectMapper json;

    public ErrorMapper(ObjectMapper json) {
        this.json = json;
    }

    /** Writes the problem unless the response is already on its way. */
    public void write(ServerResponse response, Dialect dialect, ApiProblem problem, String path) {
        if (response.isSent()) {
            return;
        }
        byte[] body;
        try {
            body = json.writeValueAsBytes(dialect.render(json, problem, path));
        } catch (JsonProcessingException e) {
            body = "{}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        }
        response.status(problem.status());
        response.header(HeaderNames.CONTENT_TYPE, dialect.errorContentType());
        if (problem.status() == 401) {
            response.header(HeaderNames.WWW_AUTHENTICATE, "Bearer realm=\"tocsin\"");
        }
        if (problem.closeConnection()) {
            // The rest of an oversized body is not read; the connection cannot be reused.
            response.header(HeaderNames.CONNECTION, "close");
        }
        response.send(body);
    }

    /** Maps an unexpected failure: logged here, once; the client sees an opaque id. */
    public void writeUnexpected(ServerResponse response, Dialect dialect, Throwable error, String method, String path) {
        String id = Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xFFFF_FFFF_FFFFL);
        LOG.error("Internal error {} on {} {}", id, method, path, error);
        write(response, dialect, new ApiProblem(ApiProblem.Kind.INTERNAL,
                "Internal error (reference " + id + "); the server log has the details"), path);
    }
}
