package tocsin.server.access;

import com.fasterxml.jackson.databind.JsonNode;
import tocsin.core.access.AccessStore;
import tocsin.core.access.ApiKey;
import tocsin.core.access.Scope;
import tocsin.server.auth.Authenticator;
import tocsin.server.http.Access;
import tocsin.server.http.ApiProblem;
import tocsin.server.http.Dialect;
import tocsin.server.http.Exchange;
import tocsin.server.http.RouteTable;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * API keys: {@code /api/tocsin/keys}. Admin scope only. The secret appears in exactly one response: the one that
 * created the key. A key may have its own cardinality limit, {@code max_series} (set at creation or by
 * {@code PATCH}; null for the server's {@code metrics.max_series_per_key}); {@code active_series} is how many series
 * in memory its requests created, what the limit counts.
 */
public final class KeyRoutes {
    private final AccessStore store;
    private final Authenticator authenticator;
    private final java.util.function.Supplier<Map<String, Integer>> seriesByKey;

    /** @param seriesByKey series in memory per key id that created any (the metric store's count) */
    public KeyRoutes(AccessStore store, Authenticator authenticator,
                     java.util.function.Supplier<Map<String, Integer>> seriesByKey) {
        this.store = store;
        this.authenticator = authenticator;
        this.seriesByKey = seriesByKey;
    }

    public void register(RouteTable routes) {
        routes.family(Dialect.TOCSIN)
                .get("/api/tocsin/keys", Access.scope(Scope.ADMIN), this::list)
                .post("/api/tocsin/keys", Access.scope(Scope.ADMIN), 64 * 1024, this::create)
                .get("/api/tocsin/keys/{id}", Access.scope(Scope.ADMIN), this::get)
                .route(io.helidon.http.Method.PATCH, "/api/tocsin/keys/{id}", Access.scope(Scope.ADMIN), 64 * 1024,
                        this::patch)
                .delete("/api/tocsin/keys/{id}", Access.scope(Scope.ADMIN), this::revoke);
    }

    private void list(Exchange ex) {
        boolean includeRevoked = ex.query("include_revoked").map(Boolean::parseBoolean).orElse(false);
        List<Map<String, Object>> keys = new ArrayList<>();
        Map<String, Integer> series = seriesByKey.get();
        for (ApiKey k : store.listKeys()) {
            if (includeRevoked || k.active()) {
                keys.add(render(k, series));
            }
        }
        ex.json(200, Map.of("keys", keys));
    }

    private void get(Exchange ex) {
        ApiKey key = store.findKey(ex.pathParam("id"))
                .orElseThrow(() -> ApiProblem.notFound("No key with id " + ex.pathParam("id")));
        ex.json(200, Map.of("key", render(key, seriesByKey.get())));
    }

    private void create(Exchange ex) {
        JsonNode body = ex.jsonBody();
        List<String> errors = new ArrayList<>();
        String name = text(body, "name", errors);
        EnumSet<Scope> scopes = scopes(body.get("scopes"), errors);
        Long maxSeries = maxSeries(body, errors);
        if (!errors.isEmpty()) {
            throw ApiProblem.badRequest("Invalid key", errors);
        }
        AccessStore.CreatedKey created;
        try {
            created = store.createKey(name, scopes, ex.principal().name(), null, maxSeries);
        } catch (IllegalArgumentException e) {
            throw ApiProblem.badRequest("Invalid key", List.of(e.getMessage()));
        }
        authenticator.invalidate();
        Map<String, Object> out = render(created.key(), Map.of());
        out.put("secret", created.secret());
        ex.response().header("Location", "/api/tocsin/keys/" + created.key().id());
        ex.json(201, Map.of("key", out));
    }

    /** Changes what may change of a key: {@code max_series} (null: back to the server's default). */
    private void patch(Exchange ex) {
        JsonNode body = ex.jsonBody();
        if (!body.isObject()) {
            throw ApiProblem.invalidField("body", "must be a JSON object such as {\"max_series\": 10000}");
        }
        List<String> errors = new ArrayList<>();
        body.fieldNames().forEachRemaining(f -> {
            if (!f.equals("max_series")) {
                errors.add(f + ": cannot be changed (only max_series can; revoke the key and create another)");
            }
        });
        if (!body.has("max_series")) {
            errors.add("max_series: is required");
        }
        Long maxSeries = maxSeries(body, errors);
        if (!errors.isEmpty()) {
            throw ApiProblem.badRequest("Invalid key change", errors);
        }
        ApiKey key;
        try {
            key = store.setKeyMaxSeries(ex.pathParam("id"), maxSeries)
                    .orElseThrow(() -> ApiProblem.notFound("No active key with id " + ex.pathParam("id")));
        } catch (IllegalArgumentException e) {
            throw ApiProblem.badRequest("Invalid key change", List.of(e.getMessage()));
        }
        authenticator.invalidate();
        ex.json(200, Map.of("key", render(key, seriesByKey.get())));
    }

    /** An optional {@code max_series}: a whole number from 1, or null. */
    private static Long maxSeries(JsonNode body, List<String> errors) {
        JsonNode v = body.get("max_series");
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isIntegralNumber() || !v.canConvertToLong() || v.asLong() < 1 || v.asLong() > Integer.MAX_VALUE) {
            errors.add("max_series: must be a whole number from 1 to " + Integer.MAX_VALUE + ", or null for the "
                    + "server's default (metrics.max_series_per_key); got " + v);
            return null;
        }
        return v.asLong();
    }

    private void revoke(Exchange ex) {
        String id = ex.pathParam("id");
        if (!store.revokeKey(id)) {
            throw ApiProblem.notFound("No active key with id " + id);
        }
        authenticator.invalidate();
        ex.noContent();
    }

    static String text(JsonNode body, String field, List<String> errors) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            errors.add(field + ": is required");
            return null;
        }
        if (!v.isTextual()) {
            errors.add(field + ": must be a string, got " + v.getNodeType().name().toLowerCase(java.util.Locale.ROOT));
            return null;
        }
        return v.asText();
    }

    static EnumSet<Scope> scopes(JsonNode v, List<String> errors) {
        EnumSet<Scope> scopes = EnumSet.noneOf(Scope.class);
        if (v == null || v.isNull()) {
            errors.add("scopes: is required (a list of ingest, read, write, admin)");
            return scopes;
        }
        if (!v.isArray()) {
            errors.add("scopes: must be a list of ingest, read, write, admin");
            return scopes;
        }
        for (int i = 0; i < v.size(); i++) {
            JsonNode s = v.get(i);
            var parsed = s.isTextual() ? Scope.parse(s.asText()) : java.util.Optional.<Scope>empty();
            if (parsed.isEmpty()) {
                errors.add("scopes[" + i + "]: unknown scope " + s + "; expected ingest, read, write or admin");
            } else {
                scopes.add(parsed.get());
            }
        }
        if (v.isEmpty()) {
            errors.add("scopes: at least one of ingest, read, write, admin");
        }
        return scopes;
    }

    static Map<String, Object> render(ApiKey k, Map<String, Integer> seriesByKey) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", k.id());
        m.put("name", k.name());
        m.put("hint", k.hint());
        m.put("scopes", k.scopes().stream().sorted().map(Scope::wireName).toList());
        m.put("created_at", k.createdAt().toString());
        m.put("created_by", k.createdBy());
        m.put("revoked_at", k.revokedAt() == null ? null : k.revokedAt().toString());
        m.put("max_series", k.maxSeries());
        m.put("active_series", seriesByKey.getOrDefault(k.id(), 0));
        return m;
    }
}
