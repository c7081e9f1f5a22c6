package tocsin.server.http;

import tocsin.core.access.Scope;

/**
 * What a route demands of its caller.
 *
 * @param scope         the scope needed, or null for a public route
 * @param queryKey      whether {@code ?api_key=} is accepted (intake routes only: keys in URLs end up in logs)
 * @param sessionAllowed whether a UI login session cookie counts as a credential
 */
public record Access(Scope scope, boolean queryKey, boolean sessionAllowed) {

    /** No credentials needed: {@code /health}, and routes that carry their own proof. */
    public static final Access PUBLIC = new Access(null, false, false);

    /** An API route: keys in headers, or a UI session. */
    public static Access scope(Scope scope) {
        return new Access(scope, false, true);
    }

    /** A data intake route (Datadog, OTLP, remote write): keys in headers or as {@code api_key} query parameter. */
    public static Access intake() {
        return new Access(Scope.INGEST, true, false);
    }

    public boolean isPublic() {
        return scope == null;
    }
}
