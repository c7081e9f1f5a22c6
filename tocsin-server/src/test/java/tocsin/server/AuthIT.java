package tocsin.server;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpRequest;

import static org.assertj.core.api.Assertions.assertThat;

/** Credentials in every form the contract lists, scopes, keys and users through the API, UI sessions. */
class AuthIT {
    static TestServer tocsin;

    @BeforeAll
    static void start() {
        tocsin = TestServer.start();
    }

    @AfterAll
    static void stop() {
        tocsin.close();
    }

    @Test
    void everyHeaderFormIsAccepted() {
        String key = tocsin.createKey("read", "ingest");
        assertThat(tocsin.get("/api/tocsin/session", "DD-API-KEY", key).status()).isEqualTo(200);
        assertThat(tocsin.get("/api/tocsin/session", "DD-APPLICATION-KEY", key).status()).isEqualTo(200);
        assertThat(tocsin.get("/api/tocsin/session", "Authorization", "Token token=" + key).status()).isEqualTo(200);
        assertThat(tocsin.get("/api/tocsin/session", "Authorization", "Token token=\"" + key + "\"").status()).isEqualTo(200);
        assertThat(tocsin.get("/api/tocsin/session", "Authorization", "Bearer " + key).status()).isEqualTo(200);
        // The api_key query parameter is for intake routes only: keys in URLs end up in logs.
        assertThat(tocsin.get("/api/v1/validate?api_key=" + key).status()).isEqualTo(200);
        assertThat(tocsin.get("/api/tocsin/session?api_key=" + key).status()).isEqualTo(401);
    }

    @Test
    void datadogValidateSpeaksDatadog() {
        String key = tocsin.createKey("ingest");
        TestServer.Reply ok = tocsin.get("/api/v1/validate", "DD-API-KEY", key);
        assertThat(ok.status()).isEqualTo(200);
        assertThat(ok.json().get("valid").asBoolean()).isTrue();

        TestServer.Reply wrong = tocsin.get("/api/v1/validate", "DD-API-KEY", "0123456789abcdef0123456789abcdef");
        assertThat(wrong.status()).isEqualTo(403);
        assertThat(wrong.json().get("errors").get(0).asText()).startsWith("Forbidden");

        TestServer.Reply none = tocsin.get("/api/v1/validate");
        assertThat(none.status()).isEqualTo(401);
        assertThat(none.json().has("errors")).isTrue();
    }

    @Test
    void missingWrongAndUnderScopedCredentialsAreRefusedInTheRouteDialect() {
        TestServer.Reply none = tocsin.get("/api/tocsin/keys");
        assertThat(none.status()).isEqualTo(401);
        assertThat(none.header("WWW-Authenticate")).contains("Bearer");
        assertThat(none.json().get("detail").asText()).contains("Credentials required");

        TestServer.Reply wrong = tocsin.get("/api/tocsin/keys", "Authorization", "Bearer not-a-real-key-at-all");
        assertThat(wrong.status()).isEqualTo(401);

        String reader = tocsin.createKey("read");
        TestServer.Reply scoped = tocsin.get("/api/tocsin/keys", "Authorization", "Bearer " + reader);
        assertThat(scoped.status()).isEqualTo(403);
        assertThat(scoped.json().get("detail").asText()).contains("'admin' scope");
    }

    @Test
    void keysAreCreatedListedAndRevokedAndRevocationIsImmediate() {
        TestServer.Reply created = tocsin.adminPost("/api/tocsin/keys", "{\"name\":\"ci\",\"scopes\":[\"ingest\",\"read\"]}");
        assertThat(created.status()).isEqualTo(201);
        String id = created.json().at("/key/id").asText();
        String secret = created.json().at("/key/secret").asText();
        assertThat(secret).matches("[0-9a-f]{32}");
        assertThat(created.header("Location")).isEqualTo("/api/tocsin/keys/" + id);

        TestServer.Reply list = tocsin.adminGet("/api/tocsin/keys");
        assertThat(list.body()).contains(id).doesNotContain(secret);

        assertThat(tocsin.get("/api/tocsin/session", "Authorization", "Bearer " + secret).status()).isEqualTo(200);
        HttpRequest revoke = tocsin.request("/api/tocsin/keys/" + id)
                .header("Authorization", "Bearer " + TestServer.ADMIN_KEY).DELETE().build();
        assertThat(tocsin.send(revoke).status()).isEqualTo(204);
        assertThat(tocsin.get("/api/tocsin/session", "Authorization", "Bearer " + secret).status()).isEqualTo(401);
        assertThat(tocsin.send(revoke).status()).isEqualTo(404);
    }

    @Test
    void invalidKeyRequestsNameTheField() {
        TestServer.Reply r = tocsin.adminPost("/api/tocsin/keys", "{\"name\":7,\"scopes\":[\"root\"]}");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().get("errors").toString()).contains("name: must be a string").contains("scopes[0]: unknown scope");
        TestServer.Reply empty = tocsin.adminPost("/api/tocsin/keys", "{\"name\":\"x\",\"scopes\":[]}");
        assertThat(empty.json().get("errors").toString()).contains("scopes: at least one");
    }

    @Test
    void usersLogInWithSessionsAndLogOut() {
        TestServer.Reply created = tocsin.adminPost("/api/tocsin/users",
                "{\"email\":\"Alice@Example.com\",\"name\":\"Alice\",\"role\":\"responder\",\"time_zone\":\"Europe/Berlin\",\"password\":\"s3cret-passw0rd\"}");
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        assertThat(created.json().at("/user/email").asText()).isEqualTo("alice@example.com");

        TestServer.Reply dup = tocsin.adminPost("/api/tocsin/users",
                "{\"email\":\"alice@example.com\",\"name\":\"Alice again\"}");
        assertThat(dup.status()).isEqualTo(409);

        TestServer.Reply bad = tocsin.postJson("/api/tocsin/session", "{\"email\":\"alice@example.com\",\"password\":\"nope\"}");
        assertThat(bad.status()).isEqualTo(401);

        TestServer.Reply login = tocsin.postJson("/api/tocsin/session",
                "{\"email\":\"alice@example.com\",\"password\":\"s3cret-passw0rd\"}");
        assertThat(login.status()).isEqualTo(201);
        String setCookie = login.header("Set-Cookie");
        assertThat(setCookie).contains("HttpOnly", "SameSite=Strict");
        String cookie = setCookie.substring(0, setCookie.indexOf(';'));

        TestServer.Reply me = tocsin.get("/api/tocsin/session", "Cookie", cookie);
        assertThat(me.status()).isEqualTo(200);
        assertThat(me.json().at("/session/name").asText()).isEqualTo("alice@example.com");
        // A responder may read, but not manage keys.
        assertThat(tocsin.get("/api/tocsin/keys", "Cookie", cookie).status()).isEqualTo(403);

        HttpRequest logout = tocsin.request("/api/tocsin/session").header("Cookie", cookie).DELETE().build();
        assertThat(tocsin.send(logout).status()).isEqualTo(204);
        assertThat(tocsin.get("/api/tocsin/session", "Cookie", cookie).status()).isEqualTo(401);
    }

    @Test
    void repeatedFailedLoginsAreThrottled() {
        tocsin.adminPost("/api/tocsin/users", "{\"email\":\"mallory-target@example.com\",\"name\":\"T\",\"password\":\"right-password-1\"}");
        for (int i = 0; i < 5; i++) {
            assertThat(tocsin.postJson("/api/tocsin/session",
                    "{\"email\":\"mallory-target@example.com\",\"password\":\"guess-" + i + "\"}").status()).isEqualTo(401);
        }
        TestServer.Reply locked = tocsin.postJson("/api/tocsin/session",
                "{\"email\":\"mallory-target@example.com\",\"password\":\"right-password-1\"}");
        assertThat(locked.status()).isEqualTo(429);
        assertThat(locked.header("Retry-After")).isNotNull();
        // API keys are unaffected
        assertThat(tocsin.adminGet("/api/tocsin/users").status()).isEqualTo(200);
    }

    @Test
    void theBootstrapOwnerCanLogIn() {
        TestServer.Reply login = tocsin.postJson("/api/tocsin/session",
                "{\"email\":\"admin@localhost\",\"password\":\"" + TestServer.ADMIN_PASSWORD + "\"}");
        assertThat(login.status()).isEqualTo(201);
        assertThat(login.json().at("/session/scopes").toString()).contains("admin");
    }
}
