package tocsin.server.http;

/** Told about every finished request, for the server's own metrics. Implementations are thread-safe. */
@FunctionalInterface
public interface RequestObserver {
    /**
     * @param dialect route family
     * @param method  HTTP method
     * @param route   the route pattern (bounded cardinality), or "unmatched"
     * @param status  response status
     * @param nanos   time spent serving
     */
    void finished(Dialect dialect, String method, String route, int status, long nanos);
}
