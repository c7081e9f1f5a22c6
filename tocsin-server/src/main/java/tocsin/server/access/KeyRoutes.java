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
 * created the key.
 */
public final class KeyRoutes {
    private final AccessStore store;
    private final Authenticator authenticator;

    public KeyRoutes(AccessStore store, Authenticator authenticator) {
        this.store = store;
        this.authenticator = authenticator;
    }

    public void register(RouteTable routes) {
        routes.family(Dialect.TOCSIN)
                .get("/api/tocsin/keys", Access.scope(Scope.ADMIN), this::list)
                .post("/api/tocsin/keys", Access.scope(Scope.ADMIN), 64 * 1024, this::create)
                .get("/api/tocsin/keys/{id}", Access.scope(Scope.ADMIN), this::get)
                .delete("/api/tocsin/keys/{id}", Access.scope(Scope.ADMIN), this::revoke);
    }

    private void list(Exchange ex) {
        boolean includeRevoked = ex.query("include_revoked").map(Boolean::parseBoolean).orElse(false);
        List<Map<String, Object>> keys = new ArrayList<>();
        for (ApiKey k : store.listKeys()) {
            if (includeRevoked || k.active()) {
                keys.add(render(k));
            }
        }
        ex.json(200, Map.of("keys", keys));
    }

    private void get(Exchange ex) {
        ApiKey key = store.findKey(ex.pathParam("id"))
                .orElseThrow(() -> ApiProblem.notFound("No key with id " + ex.pathParam("id")));
        ex.json(200, Map.of("key", render(key)));
    }

    private void create(Exchange ex) {
        JsonNode body = ex.jsonBody();
        List<String> errors = new ArrayList<>();
        String name = text(body, "name", errors);
        EnumSet<Scope> scopes = scopes(body.get("scopes"), errors);
        if (!errors.isEmpty()) {
            throw ApiProblem.badRequest("Invalid key", errors);
        }
        AccessStore.CreatedKey created;
        try {
            created = store.createKey(name, scopes, ex.principal().name(), null);
        } catch (IllegalArgumentException e) {
            throw ApiProblem.badRequest("Invalid key", List.of(e.getMessage()));
        }
        authenticator.invalidate();
        Map<String, Object> out = render(created.key());
        out.put("secret", created.secret());
        ex.response().header("Location", "/api/tocsin/keys/" + created.key().id());
        ex.json(201, Map.of("key", out));
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

    static Map<String, Object> render(ApiKey k) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", k.id());
        m.put("name", k.name());
        m.put("hint", k.hint());
        m.put("scopes", k.scopes().stream().sorted().map(Scope::wireName).toList());
        m.put("created_at", k.createdAt().toString());
        m.put("created_by", k.createdBy());
        m.put("revoked_at", k.revokedAt() == null ? null : k.revokedAt().toString());
        return m;
    }
}
