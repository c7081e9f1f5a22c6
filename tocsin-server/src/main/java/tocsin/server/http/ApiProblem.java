package tocsin.server.http;

import java.util.List;
import java.util.Objects;

/**
 * A request that cannot be served, with everything each API dialect needs to say why. Thrown by handlers and by the
 * request plumbing; turned into a response by {@link ErrorMapper} in the dialect of the route it arrived on.
 *
 * <p>{@code errors} holds the per-field details ({@code "scopes: unknown scope 'root'"}); {@code message} is the
 * one-line summary. Neither ever contains a stack trace or an internal class name.
 */
public final class ApiProblem extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Coarse kinds; each dialect maps them to its own codes. */
    public enum Kind {
        BAD_REQUEST(400), UNAUTHORIZED(401), FORBIDDEN(403), NOT_FOUND(404), METHOD_NOT_ALLOWED(405), CONFLICT(409),
        PAYLOAD_TOO_LARGE(413), UNSUPPORTED_MEDIA_TYPE(415), UNPROCESSABLE(422), TOO_MANY_REQUESTS(429),
        INTERNAL(500), UNAVAILABLE(503);

        final int status;

        Kind(int status) {
            this.status = status;
        }

        public int status() {
            return status;
        }
    }

    private final Kind kind;
    private final List<String> errors;
    private final boolean closeConnection;

    public ApiProblem(Kind kind, String message, List<String> errors) {
        this(kind, message, errors, false);
    }

    private ApiProblem(Kind kind, String message, List<String> errors, boolean closeConnection) {
        super(Objects.requireNonNull(message, "message"), null, false, false);
        this.kind = Objects.requireNonNull(kind, "kind");
        this.errors = List.copyOf(errors);
        this.closeConnection = closeConnection;
    }

    /** True when part of the request is still unread, so the connection cannot carry another request. */
    public boolean closeConnection() {
        return closeConnection;
    }

    public ApiProblem(Kind kind, String message) {
        this(kind, message, List.of());
    }

    public Kind kind() {
        return kind;
    }

    public int status() {
        return kind.status;
    }

    /** Field-level details; empty when the message says it all. */
    public List<String> errors() {
        return errors;
    }

    public static ApiProblem badRequest(String message, List<String> errors) {
        return new ApiProblem(Kind.BAD_REQUEST, message, errors);
    }

    /** A single invalid field: {@code field: problem}. */
    public static ApiProblem invalidField(String field, String problem) {
        return new ApiProblem(Kind.BAD_REQUEST, "Invalid input", List.of(field + ": " + problem));
    }

    public static ApiProblem unauthorized(String message) {
        return new ApiProblem(Kind.UNAUTHORIZED, message);
    }

    public static ApiProblem forbidden(String message) {
        return new ApiProblem(Kind.FORBIDDEN, message);
    }

    public static ApiProblem notFound(String message) {
        return new ApiProblem(Kind.NOT_FOUND, message);
    }

    /**
     * @param unreadRemains whether the rest of the body was left unread (the connection must then close)
     */
    /** A 413 for a body longer than {@code limitBytes} as sent, before any decompression. */
    public static ApiProblem tooLargeAsSent(long limitBytes, boolean unreadRemains) {
        return new ApiProblem(Kind.PAYLOAD_TOO_LARGE, "Request body is larger than the limit of " + limitBytes
                + " bytes as sent (a compressed body counts its compressed size)", List.of(), unreadRemains);
    }

    public static ApiProblem tooLarge(long limitBytes, boolean unreadRemains) {
        return new ApiProblem(Kind.PAYLOAD_TOO_LARGE,
                "Request body is larger than the limit of " + limitBytes + " bytes (after decompression)", List.of(),
                unreadRemains);
    }
}
