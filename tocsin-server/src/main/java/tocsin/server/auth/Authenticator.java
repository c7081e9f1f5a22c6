package tocsin.server.auth;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import tocsin.core.access.AccessStore;
import tocsin.core.access.Principal;
import tocsin.core.access.Scope;
import tocsin.server.http.Access;
import tocsin.server.http.ApiProblem;
import tocsin.server.http.Dialect;

import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Finds out who is calling, from every credential form the contract accepts:
 *
 * <ol>
 *   <li>{@code DD-API-KEY} and {@code DD-APPLICATION-KEY} headers (Datadog clients send both; the caller gets the
 *       union of what the keys grant, and any invalid key fails the request, as Datadog does);</li>
 *   <li>{@code Authorization: Token token=KEY} (PagerDuty REST), {@code Authorization: Bearer KEY}, and
 *       {@code Authorization: Basic} with the key as the password (any user name; or as the user name with an empty
 *       password), as Grafana's Prometheus data source and curl's {@code -u} send it;</li>
 *   <li>{@code api_key} (and Datadog's {@code application_key}) query parameters, on intake routes only;</li>
 *   <li>the UI session cookie, on routes that allow it.</li>
 * </ol>
 *
 * <p>Key lookups are cached for a few seconds so that intake traffic does not query the database per request; the
 * cache is dropped whenever keys change on this node. Thread-safe.
 */
public final class Authenticator {
    public static final String SESSION_COOKIE = "tocsin_session";
    private static final Duration CACHE_TTL = Duration.ofSeconds(10);
    private static final int CACHE_MAX = 10_000;

    private record Cached(Optional<Principal> principal, long expiresAtMillis) {
    }

    private final AccessStore store;
    private final InstantSource clock;
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();

    public Authenticator(AccessStore store, InstantSource clock) {
        this.store = store;
        this.clock = clock;
    }

    /** Drops cached key lookups; call after creating or revoking keys. */
    public void invalidate() {
        cache.clear();
    }

    /**
     * The caller of {@code request}, checked against {@code access}.
     *
     * @throws ApiProblem 401 without credentials or with a wrong one, 403 when a valid credential lacks the scope
     */
    public Principal authenticate(ServerRequest request, Access access, Dialect dialect) {
        List<String> keys = new ArrayList<>(3);
        request.headers().first(HeaderNames.create("DD-API-KEY")).ifPresent(keys::add);
        request.headers().first(HeaderNames.create("DD-APPLICATION-KEY")).ifPresent(keys::add);
        request.headers().first(HeaderNames.AUTHORIZATION).ifPresent(h -> keys.add(fromAuthorization(h)));
        if (access.queryKey()) {
            request.query().first("api_key").asOptional().ifPresent(keys::add);
            request.query().first("application_key").asOptional().ifPresent(keys::add);
        }

        Principal principal = null;
        if (!keys.isEmpty()) {
            principal = authenticateKeys(keys, dialect);
        } else if (access.sessionAllowed()) {
            Optional<String> token = sessionCookie(request);
            if (token.isPresent()) {
                principal = store.authenticateSession(token.get()).orElseThrow(
                        () -> ApiProblem.unauthorized("Session expired or invalid; log in again"));
            }
        }
        if (principal == null) {
            throw ApiProblem.unauthorized("Credentials required: send an API key as DD-API-KEY, "
                    + "'Authorization: Token token=KEY', 'Authorization: Bearer KEY' or as the password of Basic "
                    + "authentication");
        }
        if (!principal.has(access.scope())) {
            throw ApiProblem.forbidden("This " + (principal.kind() == Principal.Kind.API_KEY ? "key" : "user")
                    + " lacks the '" + access.scope().wireName() + "' scope");
        }
        return principal;
    }

    private Principal authenticateKeys(List<String> keys, Dialect dialect) {
        Principal first = null;
        EnumSet<Scope> union = EnumSet.noneOf(Scope.class);
        for (String key : keys) {
            if (key.isBlank()) {
                continue;
            }
            Principal p = lookup(key.trim()).orElseThrow(() -> dialect == Dialect.DATADOG
                    // Datadog answers an unknown key with 403 Forbidden; its clients expect that.
                    ? ApiProblem.forbidden("Forbidden: invalid API key")
                    : ApiProblem.unauthorized("Invalid API key"));
            if (first == null) {
                first = p;
            }
            union.addAll(p.scopes());
        }
        if (first == null) {
            throw ApiProblem.unauthorized("Empty API key");
        }
        return new Principal(first.kind(), first.id(), first.name(), union, first.maxSeries());
    }

    private Optional<Principal> lookup(String secret) {
        long now = clock.millis();
        Cached c = cache.get(secret);
        if (c != null && c.expiresAtMillis > now) {
            return c.principal;
        }
        Optional<Principal> p = store.authenticateKey(secret);
        if (cache.size() >= CACHE_MAX) {
            cache.clear();
        }
        cache.put(secret, new Cached(p, now + CACHE_TTL.toMillis()));
        return p;
    }

    /**
     * Accepts {@code Token token=KEY}, {@code Token token="KEY"}, {@code Bearer KEY} and {@code Basic} of
     * {@code user:KEY} (or {@code KEY:}); anything else is the raw value, which matches no key.
     */
    static String fromAuthorization(String header) {
        String h = header.trim();
        int sp = h.indexOf(' ');
        if (sp < 0) {
            return h;
        }
        String scheme = h.substring(0, sp);
        String rest = h.substring(sp + 1).trim();
        if (scheme.equalsIgnoreCase("Token")) {
            if (rest.regionMatches(true, 0, "token=", 0, 6)) {
                rest = rest.substring(6).trim();
            }
            if (rest.length() >= 2 && rest.startsWith("\"") && rest.endsWith("\"")) {
                rest = rest.substring(1, rest.length() - 1);
            }
            return rest;
        }
        if (scheme.equalsIgnoreCase("Bearer")) {
            return rest;
        }
        if (scheme.equalsIgnoreCase("Basic")) {
            try {
                String pair = new String(java.util.Base64.getDecoder().decode(rest),
                        java.nio.charset.StandardCharsets.UTF_8);
                int colon = pair.indexOf(':');
                if (colon < 0) {
                    return h;
                }
                String password = pair.substring(colon + 1);
                return password.isEmpty() ? pair.substring(0, colon) : password;
            } catch (IllegalArgumentException notBase64) {
                return h;
            }
        }
        return h;
    }

    /** The session token from the request's cookies, if any. */
    public static Optional<String> sessionCookie(ServerRequest request) {
        for (String header : request.headers().all(HeaderNames.COOKIE, List::of)) {
            for (String part : header.split(";")) {
                String p = part.trim();
                if (p.startsWith(SESSION_COOKIE + "=")) {
                    String v = p.substring(SESSION_COOKIE.length() + 1);
                    if (!v.isEmpty()) {
                        return Optional.of(v);
                    }
                }
            }
        }
        return Optional.empty();
    }
}
