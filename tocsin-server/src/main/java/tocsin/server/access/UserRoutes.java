package tocsin.server.access;

import com.fasterxml.jackson.databind.JsonNode;
import tocsin.core.access.AccessStore;
import tocsin.core.access.Role;
import tocsin.core.access.Scope;
import tocsin.core.access.User;
import tocsin.server.http.Access;
import tocsin.server.http.ApiProblem;
import tocsin.server.http.Dialect;
import tocsin.server.http.Exchange;
import tocsin.server.http.RouteTable;

import java.time.DateTimeException;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Accounts: {@code /api/tocsin/users}. Listing needs read scope; creating users and setting other people's
 * passwords needs admin. (The PagerDuty-compatible {@code /users} API builds on the same store.)
 */
public final class UserRoutes {
    private final AccessStore store;

    public UserRoutes(AccessStore store) {
        this.store = store;
    }

    public void register(RouteTable routes) {
        routes.family(Dialect.TOCSIN)
                .get("/api/tocsin/users", Access.scope(Scope.READ), this::list)
                .post("/api/tocsin/users", Access.scope(Scope.ADMIN), 64 * 1024, this::create)
                .get("/api/tocsin/users/{id}", Access.scope(Scope.READ), this::get)
                .put("/api/tocsin/users/{id}/password", Access.scope(Scope.ADMIN), this::setPassword);
    }

    private void list(Exchange ex) {
        ex.json(200, Map.of("users", store.listUsers().stream().map(UserRoutes::render).toList()));
    }

    private void get(Exchange ex) {
        User u = store.findUser(ex.pathParam("id"))
                .orElseThrow(() -> ApiProblem.notFound("No user with id " + ex.pathParam("id")));
        ex.json(200, Map.of("user", render(u)));
    }

    private void create(Exchange ex) {
        JsonNode body = ex.jsonBody();
        List<String> errors = new ArrayList<>();
        String email = KeyRoutes.text(body, "email", errors);
        String name = KeyRoutes.text(body, "name", errors);
        Role role = Role.RESPONDER;
        if (body.hasNonNull("role")) {
            role = Role.parse(body.get("role").asText()).orElse(null);
            if (role == null || !body.get("role").isTextual()) {
                errors.add("role: must be one of owner, admin, manager, responder, observer");
            }
        }
        ZoneId zone = ZoneOffset.UTC;
        if (body.hasNonNull("time_zone")) {
            try {
                zone = ZoneId.of(body.get("time_zone").asText());
            } catch (DateTimeException e) {
                errors.add("time_zone: unknown zone '" + body.get("time_zone").asText() + "'");
            }
        }
        char[] password = body.hasNonNull("password") ? body.get("password").asText().toCharArray() : null;
        if (role == Role.OWNER && ex.principal() != null) {
            errors.add("role: there is one owner; it is created with the data dir");
        }
        if (!errors.isEmpty()) {
            throw ApiProblem.badRequest("Invalid user", errors);
        }
        User created;
        try {
            created = store.createUser(new AccessStore.NewUser(email, name, role, zone, password));
        } catch (IllegalArgumentException e) {
            boolean taken = e.getMessage() != null && e.getMessage().contains("already in use");
            throw new ApiProblem(taken ? ApiProblem.Kind.CONFLICT : ApiProblem.Kind.BAD_REQUEST, "Invalid user",
                    List.of(e.getMessage()));
        }
        ex.response().header("Location", "/api/tocsin/users/" + created.id());
        ex.json(201, Map.of("user", render(created)));
    }

    private void setPassword(Exchange ex) {
        JsonNode body = ex.jsonBody();
        List<String> errors = new ArrayList<>();
        String password = KeyRoutes.text(body, "password", errors);
        if (!errors.isEmpty()) {
            throw ApiProblem.badRequest("Invalid password", errors);
        }
        try {
            if (!store.setPassword(ex.pathParam("id"), password.toCharArray())) {
                throw ApiProblem.notFound("No user with id " + ex.pathParam("id"));
            }
        } catch (IllegalArgumentException e) {
            throw ApiProblem.badRequest("Invalid password", List.of(e.getMessage()));
        }
        ex.noContent();
    }

    static Map<String, Object> render(User u) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", u.id());
        m.put("type", "user");
        m.put("email", u.email());
        m.put("name", u.name());
        m.put("role", u.role().wireName());
        m.put("time_zone", u.timeZone().getId());
        m.put("created_at", u.createdAt().toString());
        m.put("can_log_in", u.hasPassword());
        return m;
    }
}
