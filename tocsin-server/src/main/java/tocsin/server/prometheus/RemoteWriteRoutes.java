package tocsin.server.prometheus;

import tocsin.ingest.IngestLimits;
import tocsin.ingest.IngestResult;
import tocsin.ingest.promwrite.RemoteWriteDecoder;
import tocsin.ingest.SeriesKeyCache;
import tocsin.server.http.Access;
import tocsin.server.http.ApiProblem;
import tocsin.server.http.Dialect;
import tocsin.server.http.Exchange;
import tocsin.server.http.RouteTable;
import tocsin.server.intake.MetricIntake;

import java.time.InstantSource;
import java.util.Set;

/**
 * Prometheus remote write 1.0: {@code POST /api/v1/write}, snappy-compressed protobuf {@code WriteRequest}.
 *
 * <p>Answers as Prometheus's own receiver does: 204 when every sample was stored; 400 with the reasons when some were
 * refused, the cardinality limit included (the others are stored: Prometheus does not resend a batch answered 400, so
 * nothing is duplicated); 5xx when the store could not persist the batch, which Prometheus retries. A limit is not
 * answered 429 here, as it is to Datadog's clients: a Prometheus with {@code retry_on_http_429} resends a 429 until
 * it is taken, and a batch holding a series over the limit never is, so its whole shard would stall behind it (Mimir
 * answers its series limits 400 for the same reason).
 */
public final class RemoteWriteRoutes {
    /** Prometheus sends at most a few MiB per request; this leaves ample room. */
    static final long MAX_BODY = 64L << 20;

    private final MetricIntake intake;
    private final InstantSource clock;
    private final IngestLimits limits = IngestLimits.prometheus();
    private final SeriesKeyCache seriesCache;

    /** @param seriesCache the series keys remembered across requests (see {@link SeriesKeyCache}) */
    public RemoteWriteRoutes(MetricIntake intake, InstantSource clock, SeriesKeyCache seriesCache) {
        this.intake = intake;
        this.clock = clock;
        this.seriesCache = seriesCache;
    }

    public void register(RouteTable routes) {
        routes.family(Dialect.PROMETHEUS).post("/api/v1/write", Access.intake(), MAX_BODY, this::write);
    }

    private void write(Exchange ex) {
        byte[] body = ex.body(Set.of("snappy"));
        IngestResult decoded = MetricIntake.decode(() -> RemoteWriteDecoder.decode(body, clock, limits,
                RemoteWriteDecoder.DEFAULT_MAX_DECOMPRESSED_BYTES, seriesCache));
        MetricIntake.Outcome outcome = intake.store("prometheus_remote_write", decoded, ex.principal());
        if (outcome.rejected() > 0) {
            throw new ApiProblem(ApiProblem.Kind.BAD_REQUEST, outcome.accepted() + " samples stored, "
                    + outcome.rejected() + " refused", outcome.messages());
        }
        ex.noContent();
    }
}
