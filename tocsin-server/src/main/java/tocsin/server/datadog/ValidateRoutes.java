package tocsin.server.datadog;

import tocsin.server.http.Access;
import tocsin.server.http.Dialect;
import tocsin.server.http.Exchange;
import tocsin.server.http.RouteTable;

import java.util.Map;

/**
 * Datadog's {@code GET /api/v1/validate}: agents and SDKs call it to check their API key. Any valid key with the ingest scope passes (Datadog API keys are intake keys)
 * ({@code {"valid":true}}); an unknown key gets Datadog's 403 {@code {"errors":["Forbidden..."]}}.
 */
public final class ValidateRoutes {

    public void register(RouteTable routes) {
        routes.family(Dialect.DATADOG).get("/api/v1/validate", Access.intake(), this::validate);
    }

    private void validate(Exchange ex) {
        ex.json(200, Map.of("valid", true));
    }
}
