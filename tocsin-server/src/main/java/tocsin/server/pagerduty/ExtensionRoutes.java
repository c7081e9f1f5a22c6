package tocsin.server.pagerduty;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import tocsin.core.access.Scope;
import tocsin.notify.Target;
import tocsin.notify.subscription.Endpoint;
import tocsin.notify.subscription.EndpointStore;
import tocsin.notify.subscription.EventTypes;
import tocsin.oncall.paging.PagingConfigStore;
import tocsin.server.http.Access;
import tocsin.server.http.ApiProblem;
import tocsin.server.http.Dialect;
import tocsin.server.http.Exchange;
import tocsin.server.http.RouteTable;

/**
 * Per-service chat notifications in PagerDuty's dialect: {@code /extension_schemas} (the chat integrations Tocsin
 * has) and {@code /extensions} (list with {@code extension_object_id}, {@code extension_schema_id} and
 * {@code query}; create, get, update, delete; {@code POST /{id}/enable}). An extension posts the lifecycle events of
 * its services' incidents ({@link EventTypes#CHAT_EVENTS}) through the same durable pipeline as webhook
 * subscriptions:
 * <ul>
 *   <li>{@value #SLACK}: Slack's Web API with the server's bot token ({@code notify.slack.bot_token}); the channel
 *       is {@code config.channel} ({@code C0123ABC}); one message per incident, with Acknowledge and Resolve buttons,
 *       updated in place ({@code chat.update}) as the incident moves on;</li>
 *   <li>{@value #SLACK_WEBHOOK}: a Slack incoming webhook at {@code endpoint_url}; one message per event;</li>
 *   <li>{@value #TEAMS}: a Microsoft Teams Workflows (or legacy incoming) webhook at {@code endpoint_url}; one
 *       Adaptive Card per event.</li>
 * </ul>
 * Thread-safe.
 */
public final class ExtensionRoutes {
    static final String SLACK = "PTSLACK";
    static final String SLACK_WEBHOOK = "PTSLKWH";
    static final String TEAMS = "PTTEAMS";
    private static final Pattern CHANNEL = Pattern.compile("[A-Z0-9]{2,32}");
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One chat integration: a PagerDuty extension schema. */
    private record Schema(String id, String key, String label, String description, Target.Kind channel) {
    }

    private static final List<Schema> SCHEMAS = List.of(
            new Schema(SLACK, "tocsin_slack_web_api", "Slack", "Posts each incident to a Slack channel through "
                    + "the Web API (config.channel) and updates the message as the incident is acknowledged or "
                    + "resolved", Target.Kind.SLACK),
            new Schema(SLACK_WEBHOOK, "slack_incoming_webhook", "Slack incoming webhook", "Posts incident events "
                    + "to a Slack incoming webhook (endpoint_url)", Target.Kind.SLACK_WEBHOOK),
            new Schema(TEAMS, "microsoft_teams_workflows", "Microsoft Teams", "Posts incident events as Adaptive "
                    + "Cards to a Teams Workflows webhook (endpoint_url)", Target.Kind.TEAMS));

    private final EndpointStore store;
    private final PagingConfigStore config;
    private final PdRefs refs;
    private final boolean slackConfigured;

    /** @param slackConfigured whether {@code notify.slack} has a bot token, which the Slack schema needs */
    public ExtensionRoutes(EndpointStore store, PagingConfigStore config, PdRefs refs, boolean slackConfigured) {
        this.store = store;
        this.config = config;
        this.refs = refs;
        this.slackConfigured = slackConfigured;
    }

    public void register(RouteTable routes) {
        routes.family(Dialect.PAGERDUTY_REST)
                .get("/extension_schemas", Access.scope(Scope.READ),
                        ex -> ex.json(200, PdPaging.of(ex).page("extension_schemas",
                                SCHEMAS.stream().map(this::render).toList())))
                .get("/extension_schemas/{id}", Access.scope(Scope.READ),
                        ex -> ex.json(200, Map.of("extension_schema", render(schema(ex.pathParam("id")).orElseThrow(
                                () -> ApiProblem.notFound("Extension schema " + ex.pathParam("id") + " not found"))))))
                .get("/extensions", Access.scope(Scope.READ), this::list)
                .post("/extensions", Access.scope(Scope.WRITE), this::create)
                .get("/extensions/{id}", Access.scope(Scope.READ), this::get)
                .put("/extensions/{id}", Access.scope(Scope.WRITE), this::update)
                .delete("/extensions/{id}", Access.scope(Scope.WRITE), this::delete)
                .post("/extensions/{id}/enable", Access.scope(Scope.WRITE), this::enable);
    }

    private void list(Exchange ex) {
        Optional<String> object = ex.query("extension_object_id");
        Optional<String> schema = ex.query("extension_schema_id");
        String query = ex.query("query").orElse("").toLowerCase(java.util.Locale.ROOT);
        ex.json(200, PdPaging.of(ex).page("extensions", store.endpoints(Endpoint.Kind.EXTENSION).stream()
                .filter(e -> object.isEmpty() || e.scope().ids().contains(object.get()))
                .filter(e -> schema.isEmpty() || schema.get().equals(e.schemaId()))
                .filter(e -> e.name().toLowerCase(java.util.Locale.ROOT).contains(query))
                .map(this::render).toList()));
    }

    private void get(Exchange ex) {
        ex.json(200, Map.of("extension", render(find(ex))));
    }

    private void create(Exchange ex) {
        Endpoint e = parse(PdFields.root(ex.jsonBody(), "extension"), null);
        ex.json(201, Map.of("extension", render(store.create(e))));
    }

    private void update(Exchange ex) {
        Endpoint base = find(ex);
        Endpoint e = parse(PdFields.root(ex.jsonBody(), "extension"), base);
        ex.json(200, Map.of("extension", render(store.update(e).orElseThrow(() ->
                ApiProblem.notFound("Extension " + base.id() + " not found")))));
    }

    private void delete(Exchange ex) {
        store.delete(find(ex).id());
        ex.noContent();
    }

    private void enable(Exchange ex) {
        Endpoint e = find(ex);
        ex.json(200, Map.of("extension", render(store.enable(e.id()).orElse(e))));
    }

    private Endpoint find(Exchange ex) {
        return EndpointFields.find(store, Endpoint.Kind.EXTENSION, ex.pathParam("id"), "Extension");
    }

    private static Optional<Schema> schema(String id) {
        return SCHEMAS.stream().filter(s -> s.id().equals(id)).findFirst();
    }

    /** The extension a create ({@code base} null) or an update asks for; a 400 naming every bad field. */
    private Endpoint parse(PdFields f, Endpoint base) {
        String name = base != null && !f.has("name") ? base.name() : f.text("name", 255);
        Optional<String> schemaId = f.optRefId("extension_schema");
        if (schemaId.isEmpty() && base == null && !f.hasErrorOn("extension_schema")) {
            f.error("extension_schema", "is required: {\"id\": \"" + SLACK + "\", \"type\": "
                    + "\"extension_schema_reference\"}; see GET /extension_schemas");
        }
        Schema schema = schemaId.or(() -> Optional.ofNullable(base).map(Endpoint::schemaId)).flatMap(
                ExtensionRoutes::schema).orElse(null);
        if (schemaId.isPresent() && schema == null) {
            f.error("extension_schema.id", "no extension schema '" + schemaId.get() + "'; see GET "
                    + "/extension_schemas");
        }
        List<String> services = f.has("extension_objects") ? f.refIds("extension_objects")
                : base == null ? List.of() : base.scope().ids();
        if (services.isEmpty() && !f.hasErrorOn("extension_objects")) {
            f.error("extension_objects", "is required: the services whose incidents it posts");
        }
        EndpointFields.requireServices(f, "extension_objects", services, config);
        JsonNode configNode = f.has("config") ? f.raw("config") : null;
        if (configNode != null && !configNode.isObject()) {
            f.error("config", "must be an object");
            configNode = null;
        }
        String configText = configNode != null ? configNode.toString() : base == null ? "{}" : base.config();
        String address = null;
        if (schema != null && schema.channel() == Target.Kind.SLACK) {
            address = slackChannel(f, configText);
        } else if (schema != null) {
            address = f.has("endpoint_url") || base == null
                    ? EndpointFields.url(f, "endpoint_url").map(Object::toString).orElse(null) : base.address();
        }
        f.throwIfInvalid();
        return new Endpoint(base == null ? null : base.id(), Endpoint.Kind.EXTENSION, schema.channel(), name, address,
                Optional.empty(), List.of(), EventTypes.CHAT_EVENTS,
                new Endpoint.Scope(Endpoint.Scope.Type.SERVICE, services), schema.id(), configText, true,
                base != null && base.temporarilyDisabled(), 0, Optional.empty(),
                base == null ? null : base.createdAt());
    }

    private String slackChannel(PdFields f, String configText) {
        if (!slackConfigured) {
            f.error("extension_schema", "Slack's Web API needs notify.slack.bot_token in Tocsin's configuration; "
                    + "use the Slack incoming webhook schema (" + SLACK_WEBHOOK + ") without one");
            return null;
        }
        String channel;
        try {
            channel = JSON.readTree(configText).path("channel").asText("");
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            channel = "";
        }
        if (!CHANNEL.matcher(channel).matches()) {
            f.error("config.channel", "must be a Slack channel id such as C0123ABC, got '" + channel + "'");
            return null;
        }
        return channel;
    }

    private Map<String, Object> render(Schema s) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", s.id());
        out.put("type", "extension_schema");
        out.put("summary", s.label());
        out.put("self", refs.self("extension_schemas", s.id()));
        out.put("html_url", null);
        out.put("key", s.key());
        out.put("label", s.label());
        out.put("description", s.description());
        out.put("send_types", List.of("trigger", "acknowledge", "resolve"));
        out.put("url", null);
        out.put("icon_url", null);
        out.put("logo_url", null);
        out.put("guide_url", null);
        return out;
    }

    private Map<String, Object> render(Endpoint e) {
        Map<String, Object> out = refs.object("extension", "extensions", e.id(), e.name());
        out.put("name", e.name());
        out.put("endpoint_url", e.channel() == Target.Kind.SLACK ? null : e.address());
        Schema schema = schema(e.schemaId()).orElse(null);
        out.put("extension_schema", refs.ref("extension_schema", "extension_schemas", e.schemaId(),
                schema == null ? e.schemaId() : schema.label()));
        out.put("extension_objects", EndpointFields.serviceRefs(refs, config, e.scope().ids()));
        try {
            out.put("config", JSON.readTree(e.config() == null ? "{}" : e.config()));
        } catch (com.fasterxml.jackson.core.JsonProcessingException ex) {
            out.put("config", Map.of());
        }
        out.put("temporarily_disabled", e.temporarilyDisabled());
        return out;
    }
}
