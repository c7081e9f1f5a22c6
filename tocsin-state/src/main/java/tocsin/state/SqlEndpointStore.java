package tocsin.state;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;

import tocsin.core.Ids;
import tocsin.notify.Target;
import tocsin.notify.subscription.Endpoint;
import tocsin.notify.subscription.EndpointStore;

/**
 * {@link EndpointStore} on the {@code event_endpoint} table of migration V006. Lists are stored as comma-separated
 * text (event types and ids contain no commas) and custom headers as a JSON array. Thread-safe: no state besides the
 * pool.
 */
final class SqlEndpointStore implements EndpointStore {

    static final String COLUMNS = "id, kind, channel, name, address, secret, custom_headers, events, scope_type, "
            + "scope_ids, schema_id, config, active, temporarily_disabled, consecutive_failures, last_error, "
            + "created_at";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Jdbc jdbc;
    private final InstantSource clock;

    SqlEndpointStore(Jdbc jdbc, InstantSource clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    @Override
    public Endpoint create(Endpoint e) {
        Instant now = clock.instant();
        Endpoint stored = e.stored(Ids.newObjectId(), now);
        jdbc.update("create an event endpoint", "INSERT INTO event_endpoint (" + COLUMNS + ", updated_at) VALUES "
                        + "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", stored.id(), stored.kind().wireName(),
                channel(stored.channel()), stored.name(), stored.address(), stored.secret().orElse(null),
                headers(stored.customHeaders()), String.join(",", stored.events()), stored.scope().type().wireName(),
                String.join(",", stored.scope().ids()), stored.schemaId(), stored.config(), stored.active(),
                stored.temporarilyDisabled(), 0, null, now.toEpochMilli(), now.toEpochMilli());
        return stored;
    }

    @Override
    public Optional<Endpoint> update(Endpoint e) {
        long now = clock.millis();
        return jdbc.transaction("update an event endpoint", c -> {
            if (Jdbc.update(c, "UPDATE event_endpoint SET channel = ?, name = ?, address = ?, secret = ?, "
                            + "custom_headers = ?, events = ?, scope_type = ?, scope_ids = ?, schema_id = ?, config = ?, "
                            + "active = ?, updated_at = ? WHERE id = ? AND kind = ?", channel(e.channel()), e.name(),
                    e.address(), e.secret().orElse(null), headers(e.customHeaders()), String.join(",", e.events()),
                    e.scope().type().wireName(), String.join(",", e.scope().ids()), e.schemaId(), e.config(),
                    e.active(), now, e.id(), e.kind().wireName()) == 0) {
                return Optional.empty();
            }
            if (!e.active()) {
                cancelPending(c, e.id(), now);
            }
            return read(c, e.id());
        });
    }

    @Override
    public Optional<Endpoint> endpoint(String id) {
        return jdbc.run("read an event endpoint", c -> read(c, id));
    }

    @Override
    public List<Endpoint> endpoints(Endpoint.Kind kind) {
        return jdbc.query("list event endpoints", "SELECT " + COLUMNS + " FROM event_endpoint WHERE kind = ? "
                + "ORDER BY created_at, id", SqlEndpointStore::endpoint, kind.wireName());
    }

    @Override
    public boolean delete(String id) {
        return jdbc.transaction("delete an event endpoint", c -> {
            Jdbc.update(c, "DELETE FROM event_delivery WHERE endpoint_id = ?", id);
            return Jdbc.update(c, "DELETE FROM event_endpoint WHERE id = ?", id) == 1;
        });
    }

    @Override
    public Optional<Endpoint> enable(String id) {
        return jdbc.transaction("enable an event endpoint", c -> {
            if (Jdbc.update(c, "UPDATE event_endpoint SET temporarily_disabled = ?, consecutive_failures = 0, "
                    + "updated_at = ? WHERE id = ?", false, clock.millis(), id) == 0) {
                return Optional.empty();
            }
            return read(c, id);
        });
    }

    static Optional<Endpoint> read(Connection c, String id) throws SQLException {
        return Jdbc.one(c, "SELECT " + COLUMNS + " FROM event_endpoint WHERE id = ?", SqlEndpointStore::endpoint, id);
    }

    /** Cancels the endpoint's deliveries that wait for a first or a next attempt. */
    static void cancelPending(Connection c, String endpointId, long now) throws SQLException {
        Jdbc.update(c, "UPDATE event_delivery SET state = 'cancelled', updated_at = ? WHERE endpoint_id = ? AND "
                + "state = 'pending'", now, endpointId);
    }

    static Endpoint endpoint(ResultSet rs) throws SQLException {
        Endpoint.Kind kind = Endpoint.Kind.valueOf(rs.getString(2).toUpperCase(Locale.ROOT));
        Target.Kind channel = Target.Kind.valueOf(rs.getString(3).toUpperCase(Locale.ROOT));
        String id = rs.getString(1);
        Endpoint.Scope.Type scopeType = Endpoint.Scope.Type.parse(rs.getString(9)).orElseThrow(() ->
                new SQLException("event endpoint " + id + " has an unknown scope type"));
        return new Endpoint(id, kind, channel, rs.getString(4), rs.getString(5),
                Optional.ofNullable(rs.getString(6)), headers(rs.getString(7)), list(rs.getString(8)),
                new Endpoint.Scope(scopeType, List.copyOf(list(rs.getString(10)))), rs.getString(11),
                rs.getString(12), rs.getBoolean(13), rs.getBoolean(14), rs.getInt(15),
                Optional.ofNullable(rs.getString(16)), Instant.ofEpochMilli(rs.getLong(17)));
    }

    private static Set<String> list(String text) {
        Set<String> out = new LinkedHashSet<>();
        if (text != null && !text.isEmpty()) {
            out.addAll(Arrays.asList(text.split(",")));
        }
        return out;
    }

    private static String channel(Target.Kind kind) {
        return kind.name().toLowerCase(Locale.ROOT);
    }

    private static String headers(List<Endpoint.Header> headers) {
        ArrayNode array = JSON.createArrayNode();
        headers.forEach(h -> array.addObject().put("name", h.name()).put("value", h.value()));
        return array.toString();
    }

    private static List<Endpoint.Header> headers(String json) throws SQLException {
        try {
            List<Endpoint.Header> out = new ArrayList<>();
            for (JsonNode h : JSON.readTree(json)) {
                out.add(new Endpoint.Header(h.path("name").asText(), h.path("value").asText()));
            }
            return out;
        } catch (JsonProcessingException e) {
            throw new SQLException("event_endpoint.custom_headers is not a JSON array", e);
        }
    }
}
