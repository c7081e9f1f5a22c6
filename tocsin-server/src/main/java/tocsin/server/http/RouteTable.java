package tocsin.server.http;

import io.helidon.http.Method;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import tocsin.core.access.Principal;
import tocsin.server.auth.Authenticator;

/**
 * Registers routes on the HTTP server, wrapping each handler in the same sequence: authenticate against the route's
 * {@link Access}, run the handler, map failures through the {@link ErrorMapper} in the route family's
 * {@link Dialect}, and report the outcome to the {@link RequestObserver}. Used during startup only.
 */
public final class RouteTable {
    private final HttpRouting.Builder routing;
    private final HttpContext context;
    private final Authenticator authenticator;
    private final ErrorMapper errors;
    private final RequestObserver observer;

    public RouteTable(HttpRouting.Builder routing, HttpContext context, Authenticator authenticator,
                      ErrorMapper errors, RequestObserver observer) {
        this.routing = routing;
        this.context = context;
        this.authenticator = authenticator;
        this.errors = errors;
        this.observer = observer;
    }

    public HttpContext context() {
        return context;
    }

    /** A view that registers routes of one family. */
    public Family family(Dialect dialect) {
        return new Family(dialect);
    }

    /** Routes of one API family, sharing a dialect. */
    public final class Family {
        private final Dialect dialect;

        private Family(Dialect dialect) {
            this.dialect = dialect;
        }

        public Family get(String path, Access access, Endpoint endpoint) {
            return route(Method.GET, path, access, context.maxBodyBytes(), endpoint);
        }

        public Family post(String path, Access access, Endpoint endpoint) {
            return route(Method.POST, path, access, context.maxBodyBytes(), endpoint);
        }

        public Family post(String path, Access access, long bodyLimit, Endpoint endpoint) {
            return route(Method.POST, path, access, bodyLimit, endpoint);
        }

        public Family put(String path, Access access, Endpoint endpoint) {
            return route(Method.PUT, path, access, context.maxBodyBytes(), endpoint);
        }

        public Family delete(String path, Access access, Endpoint endpoint) {
            return route(Method.DELETE, path, access, context.maxBodyBytes(), endpoint);
        }

        public Family route(Method method, String path, Access access, long bodyLimit, Endpoint endpoint) {
            long limit = Math.min(bodyLimit, context.maxBodyBytes());
            routing.route(method, path, (req, res) -> serve(dialect, path, access, limit, endpoint, req, res));
            return this;
        }
    }

    /** Answers everything no route matched: 404 in the dialect the path suggests. */
    public void fallback() {
        routing.any((req, res) -> {
            long start = System.nanoTime();
            String path = req.path().path();
            Dialect d = Dialect.forPath(path);
            errors.write(res, d, ApiProblem.notFound("No route for " + req.prologue().method().text() + " " + path),
                    path);
            observer.finished(d, req.prologue().method().text(), "unmatched", res.status().code(),
                    System.nanoTime() - start);
        });
    }

    private void serve(Dialect dialect, String pattern, Access access, long limit, Endpoint endpoint,
                       ServerRequest req, ServerResponse res) {
        long start = System.nanoTime();
        String method = req.prologue().method().text();
        String path = req.path().path();
        try {
            Principal principal = access.isPublic() ? null : authenticator.authenticate(req, access, dialect);
            endpoint.handle(new Exchange(req, res, context, principal, limit));
        } catch (ApiProblem p) {
            errors.write(res, dialect, p, path);
        } catch (Exception | Error e) {
            if (e instanceof VirtualMachineError vme && !(e instanceof OutOfMemoryError)) {
                throw vme;
            }
            errors.writeUnexpected(res, dialect, e, method, path);
        } finally {
            observer.finished(dialect, method, pattern, res.status().code(), System.nanoTime() - start);
        }
    }
}
