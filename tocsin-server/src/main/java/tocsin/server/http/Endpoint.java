package tocsin.server.http;

/** One route's handler: parse, validate, call a service, map the result. */
@FunctionalInterface
public interface Endpoint {
    void handle(Exchange exchange) throws Exception;
}
