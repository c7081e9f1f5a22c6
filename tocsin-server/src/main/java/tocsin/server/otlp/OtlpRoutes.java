package tocsin.server.otlp;

import tocsin.ingest.IngestLimits;
import tocsin.ingest.IngestResult;
import tocsin.ingest.otlp.OtlpMetricsDecoder;
import tocsin.ingest.otlp.OtlpResponses;
import tocsin.server.http.Access;
import tocsin.server.http.ApiProblem;
import tocsin.server.http.Dialect;
import tocsin.server.http.Exchange;
import tocsin.server.intake.MetricIntake;
import tocsin.server.http.RouteTable;

import java.time.InstantSource;
import java.util.Locale;

/**
 * OpenTelemetry metrics over OTLP/HTTP: {@code POST /v1/metrics}, protobuf or JSON by {@code Content-Type}, gzip
 * bodies (the body reader undoes them, chunked or not). Answers as the OTLP specification says: 200 with an
 * {@code ExportMetricsServiceResponse} in the request's encoding, carrying {@code partial_success} when some data
 * points were refused; 400 with a {@code google.rpc.Status} for a body that cannot be read.
 */
public final class OtlpRoutes {
    static final long MAX_BODY = 64L << 20;

    private final MetricIntake intake;
    private final InstantSource clock;
    private final IngestLimits limits = IngestLimits.prometheus();

    public OtlpRoutes(MetricIntake intake, InstantSource clock) {
        this.intake = intake;
        this.clock = clock;
    }

    public void register(RouteTable routes) {
        routes.family(Dialect.OTLP).post("/v1/metrics", Access.intake(), MAX_BODY, this::metrics);
    }

    private void metrics(Exchange ex) {
        String type = ex.header("Content-Type").orElse("").toLowerCase(Locale.ROOT);
        boolean json = type.startsWith("application/json");
        if (!json && !type.startsWith("application/x-protobuf")) {
            throw new ApiProblem(ApiProblem.Kind.UNSUPPORTED_MEDIA_TYPE,
                    "Content-Type must be application/x-protobuf or application/json, got '" + type + "'");
        }
        byte[] body = ex.body();
        IngestResult decoded = MetricIntake.decode(() -> json ? OtlpMetricsDecoder.decodeJson(body, clock, limits)
                : OtlpMetricsDecoder.decodeProtobuf(body, clock, limits));
        MetricIntake.Outcome outcome = intake.store("otlp", decoded, ex.principal());
        String message = outcome.rejected() == 0 ? null
                : outcome.rejected() + " data points rejected: " + String.join("; ", outcome.messages()
                .subList(0, Math.min(OtlpResponses.NAMED_REJECTIONS, outcome.messages().size())));
        ex.response().status(200);
        ex.response().header("Content-Type", json ? OtlpResponses.JSON : OtlpResponses.PROTOBUF);
        ex.response().send(json ? OtlpResponses.metricsResponseJson(outcome.rejected(), message)
                : OtlpResponses.metricsResponse(outcome.rejected(), message));
    }
}
