package tocsin.server.datadog;

import tocsin.ingest.IngestLimits;
import tocsin.ingest.IngestResult;
import tocsin.ingest.SeriesKeyCache;
import tocsin.ingest.datadog.SeriesV1Decoder;
import tocsin.ingest.datadog.SeriesV2Decoder;
import tocsin.server.http.Access;
import tocsin.server.http.Dialect;
import tocsin.server.http.Exchange;
import tocsin.server.http.RouteTable;
import tocsin.server.intake.MetricIntake;

import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Datadog metric intake: {@code POST /api/v1/series} and {@code POST /api/v2/series} (JSON, and the protobuf
 * {@code MetricPayload} the Datadog Agent sends).
 *
 * <p>Answers as Datadog does: 202 with {@code {"status":"ok"}} (v1) or {@code {"errors":[]}} (v2) once the points
 * are durable. Tocsin also lists what it refused ({@code errors}) so that senders can see partial acceptance; a
 * payload of which nothing could be used is a 400, and one refused only by the cardinality limit a 429. Size limits
 * are Datadog's, a 413 past either: v1 3.2 MB as sent and 62 MiB after decompression, v2 500 KB (512,000 bytes) as
 * sent and 5 MiB after decompression. (The Datadog Agent splits its payloads to fit.)
 */
public final class SeriesRoutes {
    static final long V1_MAX_DECODED = 62_914_560;
    static final long V2_MAX_DECODED = 5_242_880;
    static final long V1_MAX_SENT = 3_200_000;
    static final long V2_MAX_SENT = 512_000;

    private final MetricIntake intake;
    private final InstantSource clock;
    private final IngestLimits limits = IngestLimits.datadog();

    private final SeriesKeyCache keys;

    /** @param keys the series keys remembered across requests, for every format (see {@link SeriesKeyCache}) */
    public SeriesRoutes(MetricIntake intake, InstantSource clock, SeriesKeyCache keys) {
        this.intake = intake;
        this.clock = clock;
        this.keys = keys;
    }

    public void register(RouteTable routes) {
        routes.family(Dialect.DATADOG)
                .post("/api/v1/series", Access.intake(), V1_MAX_DECODED, this::v1)
                .post("/api/v2/series", Access.intake(), V2_MAX_DECODED, this::v2);
    }

    private void v1(Exchange ex) {
        byte[] body = ex.body(V1_MAX_SENT);
        IngestResult decoded = MetricIntake.decode(() -> SeriesV1Decoder.decode(body, clock, limits, keys));
        respond(ex, "datadog_v1", decoded, true);
    }

    private void v2(Exchange ex) {
        byte[] body = ex.body(V2_MAX_SENT);
        String type = ex.header("Content-Type").orElse("application/json").toLowerCase(Locale.ROOT);
        IngestResult decoded = type.contains("protobuf")
                ? MetricIntake.decode(() -> SeriesV2Decoder.decodeProtobuf(body, clock, limits, keys))
                : MetricIntake.decode(() -> SeriesV2Decoder.decodeJson(body, clock, limits, keys));
        respond(ex, "datadog_v2", decoded, false);
    }

    private void respond(Exchange ex, String protocol, IngestResult decoded, boolean v1) {
        MetricIntake.Outcome outcome = intake.store(protocol, decoded, ex.principal());
        outcome.requireSomethingAccepted();
        Map<String, Object> body = new LinkedHashMap<>();
        if (v1) {
            body.put("status", "ok");
            if (outcome.rejected() > 0) {
                body.put("errors", outcome.messages());
            }
        } else {
            body.put("errors", outcome.messages());
        }
        ex.json(202, body);
    }
}
