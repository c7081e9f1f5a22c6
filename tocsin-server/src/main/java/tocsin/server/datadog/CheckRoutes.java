package tocsin.server.datadog;

import tocsin.core.metric.MetricBatch;
import tocsin.ingest.IngestLimits;
import tocsin.ingest.IngestResult;
import tocsin.ingest.ServiceCheck;
import tocsin.ingest.datadog.CheckRunDecoder;
import tocsin.ingest.datadog.CheckRunResult;
import tocsin.ingest.datadog.DistributionPointsDecoder;
import tocsin.ingest.datadog.DistributionResult;
import tocsin.ingest.datadog.SketchPayloadDecoder;
import tocsin.server.http.Access;
import tocsin.server.http.Dialect;
import tocsin.server.http.Exchange;
import tocsin.server.http.RouteTable;
import tocsin.server.intake.MetricIntake;
import tocsin.server.intake.ServiceCheckSeries;

import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Datadog's {@code POST /api/v1/check_run} (service checks, stored as {@link ServiceCheckSeries}) and
 * {@code POST /api/v1/distribution_points} (each point stored as the sketch of its values; no summary series, as
 * Datadog), and the Datadog Agent's {@code POST /api/beta/sketches} (protobuf {@code SketchPayload}, its sketches
 * converted to Tocsin's). All answer 202 {@code {"status":"ok"}} once durable.
 */
public final class CheckRoutes {
    static final long MAX_DECODED = 62_914_560;

    private final MetricIntake intake;
    private final InstantSource clock;
    private final IngestLimits limits = IngestLimits.datadog();

    public CheckRoutes(MetricIntake intake, InstantSource clock) {
        this.intake = intake;
        this.clock = clock;
    }

    public void register(RouteTable routes) {
        routes.family(Dialect.DATADOG)
                .post("/api/v1/check_run", Access.intake(), MAX_DECODED, this::checkRun)
                .post("/api/v1/distribution_points", Access.intake(), MAX_DECODED, this::distributionPoints)
                .post("/api/beta/sketches", Access.intake(), MAX_DECODED, this::agentSketches);
    }

    private void checkRun(Exchange ex) {
        byte[] body = ex.body();
        CheckRunResult decoded = MetricIntake.decode(() -> CheckRunDecoder.decode(body, clock, limits));
        MetricBatch batch = new MetricBatch(decoded.checks().size());
        for (ServiceCheck check : decoded.checks()) {
            ServiceCheckSeries.add(batch, check);
        }
        respond(ex, intake.store("datadog_check_run", new IngestResult(batch, decoded.rejections()),
                ex.principal()));
    }

    private void distributionPoints(Exchange ex) {
        byte[] body = ex.body();
        DistributionResult decoded = MetricIntake.decode(() -> DistributionPointsDecoder.decode(body, clock, limits));
        respond(ex, intake.storeSketches("datadog_distribution_points", decoded.sketches(), decoded.rejections(),
                decoded.rejectedItems()));
    }

    /** The Datadog Agent's distributions: a protobuf {@code SketchPayload} of its own sketches. */
    private void agentSketches(Exchange ex) {
        byte[] body = ex.body();
        DistributionResult decoded = MetricIntake.decode(() -> SketchPayloadDecoder.decode(body, clock, limits));
        respond(ex, intake.storeSketches("datadog_sketches", decoded.sketches(), decoded.rejections(),
                decoded.rejectedItems()));
    }

    private static void respond(Exchange ex, MetricIntake.Outcome outcome) {
        outcome.requireSomethingAccepted();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", "ok");
        if (outcome.rejected() > 0) {
            body.put("errors", outcome.messages());
        }
        ex.json(202, body);
    }
}
