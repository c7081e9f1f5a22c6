package tocsin.server.access;

import com.fasterxml.jackson.databind.JsonNode;
import tocsin.core.access.AccessStore;
import tocsin.core.access.Principal;
import tocsin.core.access.Scope;
import tocsin.server.auth.Authenticator;
import tocsin.server.auth.LoginThrottle;
import tocsin.server.http.Access;
import tocsin.server.http.ApiProblem;
import tocsin.server.http.Dialect;
import tocsin.server.http.Exchange;
import tocsin.server.http.RouteTable;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * UI login sessions: {@code POST /api/tocsin/session} logs in with e-mail and password and sets an HttpOnly,
 * SameSite=Strict cookie; {@code GET} says who is logged in; {@code DELETE} logs out. The login route is public:
 * the password is its proof.
 */
public final class SessionRoutes {
    static final Duration SESSION_TTL = Duration.ofHours(12);
    private final AccessStore store;
    private final boolean secureCookies;
    private final LoginThrottle throttle;

    public SessionRoutes(AccessStore store, String publicUrl, LoginThrottle throttle) {
        this.store = store;
        this.secureCookies = publicUrl.startsWith("https://");
        this.throttle = throttle;
    }

    public void register(RouteTable routes) {
        routes.family(Dialect.TOCSIN)
                .post("/api/tocsin/session", Access.PUBLIC, 16 * 1024, this::login)
                .get("/api/tocsin/session", Access.scope(Scope.READ), this::whoami)
                .delete("/api/tocsin/session", Access.PUBLIC, this::logout);
    }

    private void login(Exchange ex) {
        JsonNode body = ex.jsonBody();
        List<String> errors = new ArrayList<>();
        String email = KeyRoutes.text(body, "email", errors);
        String password = KeyRoutes.text(body, "password", errors);
        if (!errors.isEmpty()) {
            throw ApiProblem.badRequest("Invalid login", errors);
        }
        long wait = throttle.retryAfterSeconds(email);
        if (wait > 0) {
            ex.response().header("Retry-After", Long.toString(wait));
            throw new ApiProblem(ApiProblem.Kind.TOO_MANY_REQUESTS,
                    "Too many failed logins for this account; try again in " + wait + " s");
        }
        Principal p = store.authenticatePassword(email, password.toCharArray()).orElse(null);
        if (p == null) {
            throttle.failed(email);
            throw ApiProblem.unauthorized("Wrong e-mail or password");
        }
        throttle.succeeded(email);
        AccessStore.Session s = store.createSession(p.id(), SESSION_TTL);
        ex.response().header("Set-Cookie", Authenticator.SESSION_COOKIE + "=" + s.token()
                + "; Path=/; HttpOnly; SameSite=Strict; Max-Age=" + SESSION_TTL.toSeconds()
                + (secureCookies ? "; Secure" : ""));
        Map<String, Object> out = render(p);
        out.put("expires_at", s.expiresAt().toString());
        ex.json(201, Map.of("session", out));
    }

    private void whoami(Exchange ex) {
        ex.json(200, Map.of("session", render(ex.principal())));
    }

    private void logout(Exchange ex) {
        Authenticator.sessionCookie(ex.request()).ifPresent(store::deleteSession);
        ex.response().header("Set-Cookie", Authenticator.SESSION_COOKIE
                + "=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0" + (secureCookies ? "; Secure" : ""));
        ex.noContent();
    }

    private static Map<String, Object> render(Principal p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("kind", p.kind() == Principal.Kind.USER ? "user" : "api_key");
        m.put("id", p.id());
        m.put("name", p.name());
        m.put("scopes", p.scopes().stream().sorted().map(Scope::wireName).toList());
        return m;
    }
}
