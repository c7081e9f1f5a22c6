package tocsin.server.datadog;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.http.Method;
import tocsin.core.access.Scope;
import tocsin.monitor.Monitor;
import tocsin.monitor.MonitorService;
import tocsin.monitor.downtime.Downtime;
import tocsin.monitor.downtime.DowntimeService;
import tocsin.monitor.json.DowntimeV1Json;
import tocsin.server.http.Access;
import tocsin.server.http.ApiProblem;
import tocsin.server.http.Dialect;
import tocsin.server.http.Exchange;
import tocsin.server.http.RouteTable;

import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Datadog's v1 downtime API on the same downtimes as v2 ({@link tocsin.monitor.downtime.V1Downtime} has the
 * mapping): {@code /api/v1/downtime} list ({@code current_only}) and create, get, update ({@code PUT}) and cancel
 * ({@code DELETE}, 204) by v1 integer id, {@code POST /api/v1/downtime/cancel/by_scope}, and
 * {@code GET /api/v1/monitor/{monitor_id}/downtimes}. Parse, validate, call {@link DowntimeService}, map.
 */
public final class DowntimeV1Routes {
    private final DowntimeService downtimes;
    private final MonitorService monitors;
    private final InstantSource clock;

    public DowntimeV1Routes(DowntimeService downtimes, MonitorService monitors, InstantSource clock) {
        this.downtimes = downtimes;
        this.monitors = monitors;
        this.clock = clock;
    }

    public void register(RouteTable routes) {
        Access read = Access.scope(Scope.READ);
        Access write = Access.scope(Scope.WRITE);
        routes.family(Dialect.DATADOG)
                .get("/api/v1/downtime", read, this::list)
                .post("/api/v1/downtime", write, DowntimeRoutes.MAX_BODY, this::create)
                .post("/api/v1/downtime/cancel/by_scope", write, DowntimeRoutes.MAX_BODY, this::cancelByScope)
                .get("/api/v1/downtime/{downtime_id}", read, this::get)
                .route(Method.PUT, "/api/v1/downtime/{downtime_id}", write, DowntimeRoutes.MAX_BODY, this::update)
                .delete("/api/v1/downtime/{downtime_id}", write, this::cancel)
                .get("/api/v1/monitor/{monitor_id}/downtimes", read, this::forMonitor);
    }

    private void create(Exchange ex) {
        Instant now = clock.instant();
        Downtime d = read(ex.jsonBody(), null, now);
        ex.json(200, DowntimeV1Json.write(downtimes.create(d), now));
    }

    private void get(Exchange ex) {
        ex.json(200, DowntimeV1Json.write(existing(ex), clock.instant()));
    }

    private void update(Exchange ex) {
        Downtime current = existing(ex);
        Instant now = clock.instant();
        JsonNode body = ex.jsonBody();
        JsonNode bodyId = body.path("id");
        if (bodyId.isIntegralNumber() && bodyId.longValue() != current.v1Id()) {
            throw ApiProblem.invalidField("id", bodyId.asText() + " does not match the downtime in the path ("
                    + current.v1Id() + ")");
        }
        Downtime updated = downtimes.update(read(body, current, now))
                .orElseThrow(() -> notFound(Long.toString(current.v1Id())));
        ex.json(200, DowntimeV1Json.write(updated, now));
    }

    private void cancel(Exchange ex) {
        downtimes.cancel(existing(ex).id());
        ex.noContent();
    }

    private void list(Exchange ex) {
        String currentOnly = ex.query("current_only").orElse("false");
        if (!currentOnly.equals("true") && !currentOnly.equals("false")) {
            throw ApiProblem.invalidField("current_only", "must be true or false, got '" + currentOnly + "'");
        }
        String withCreator = ex.query("with_creator").orElse("false");
        if (!withCreator.equals("true") && !withCreator.equals("false")) {
            throw ApiProblem.invalidField("with_creator", "must be true or false, got '" + withCreator + "'");
        }
        Instant now = clock.instant();
        ex.json(200, array(downtimes.list(false).stream()
                .filter(d -> currentOnly.equals("false") || d.activeAt(now).isPresent()).toList(), now));
    }

    private void cancelByScope(Exchange ex) {
        JsonNode body = ex.jsonBody();
        JsonNode scope = body.path("scope");
        if (!body.isObject() || scope.isMissingNode() || scope.isNull()) {
            throw ApiProblem.invalidField("scope", "is required: tags such as \"env:dev,env:prod\"");
        }
        if (!scope.isTextual()) {
            throw ApiProblem.invalidField("scope", "must be a string of comma-separated tags, got "
                    + scope.getNodeType().name().toLowerCase(java.util.Locale.ROOT));
        }
        Set<String> tags = new LinkedHashSet<>();
        Arrays.stream(scope.textValue().split(",", -1)).map(String::trim).forEach(tags::add);
        if (tags.contains("")) {
            throw ApiProblem.invalidField("scope", "must be comma-separated tags such as \"env:dev,env:prod\", got '"
                    + scope.textValue() + "'");
        }
        List<Downtime> canceled = downtimes.cancelByV1Scope(tags);
        if (canceled.isEmpty()) {
            throw ApiProblem.notFound("No downtimes found for scope " + scope.textValue());
        }
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        ArrayNode ids = out.putArray("cancelled_ids");
        canceled.forEach(d -> ids.add(d.v1Id()));
        ex.json(200, out);
    }

    /** The downtimes naming a monitor that are not canceled or ended, as Datadog lists a monitor's downtimes. */
    private void forMonitor(Exchange ex) {
        long id = positive(ex, "monitor_id");
        Monitor m = monitors.store().find(id)
                .orElseThrow(() -> ApiProblem.notFound("Monitor not found: " + id));
        Instant now = clock.instant();
        ex.json(200, array(downtimes.list(true).stream().filter(d -> d.appliesTo(m)).toList(), now));
    }

    private static ArrayNode array(List<Downtime> list, Instant now) {
        ArrayNode out = JsonNodeFactory.instance.arrayNode();
        list.forEach(d -> out.add(DowntimeV1Json.write(d, now)));
        return out;
    }

    private static Downtime read(JsonNode body, Downtime current, Instant now) {
        List<String> errors = new ArrayList<>();
        Downtime d = DowntimeV1Json.read(body, current, now, errors);
        if (!errors.isEmpty()) {
            throw ApiProblem.badRequest("Invalid downtime", errors);
        }
        return d;
    }

    private Downtime existing(Exchange ex) {
        long id = positive(ex, "downtime_id");
        return downtimes.findByV1Id(id).orElseThrow(() -> notFound(Long.toString(id)));
    }

    private static long positive(Exchange ex, String param) {
        String raw = ex.pathParam(param);
        try {
            long id = Long.parseLong(raw);
            if (id < 1) {
                throw new NumberFormatException();
            }
            return id;
        } catch (NumberFormatException e) {
            throw ApiProblem.invalidField(param, "must be a positive integer, got '" + raw + "'");
        }
    }

    private static ApiProblem notFound(String id) {
        return ApiProblem.notFound("Downtime not found: " + id);
    }
}
