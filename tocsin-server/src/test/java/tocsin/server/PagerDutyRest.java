package tocsin.server;

import java.net.http.HttpRequest;
import java.time.Instant;
import java.time.InstantSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A test server spoken to as PagerDuty's REST clients speak: {@code Authorization: Token token=...},
 * {@code Accept: application/vnd.pagerduty+json;version=2}, {@code From:}, JSON bodies. Close it to stop the server.
 */
record PagerDutyRest(TestServer tocsin) implements AutoCloseable {

    /** A server on the embedded database whose clock stands still at {@code now}. */
    static PagerDutyRest startAt(Instant now) {
        return startAt(now, null);
    }

    /** A server whose clock stands still at {@code now}, on PostgreSQL at {@code databaseUrl} unless it is null. */
    static PagerDutyRest startAt(Instant now, String databaseUrl) {
        return new PagerDutyRest(TestServer.start(c -> new ServerConfig(c.dataDir(), c.httpAddr(), c.statsdAddr(),
                c.syslogAddr(), c.publicUrl(), databaseUrl, c.bootstrapApiKey(), c.bootstrapAdminPassword(),
                c.config(), InstantSource.fixed(now)), r -> {
        }));
    }

    TestServer.Reply send(String method, String path, String body) {
        return send(method, path, body, TestServer.ADMIN_KEY);
    }

    TestServer.Reply send(String method, String path, String body, String key) {
        HttpRequest.Builder b = tocsin.request(path)
                .header("Authorization", "Token token=" + key)
                .header("Accept", "application/vnd.pagerduty+json;version=2")
                .header("From", "admin@example.com");
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body));
        return tocsin.send(b.build());
    }

    /** Creates a {@code limited_user} through {@code POST /users} and returns its id. */
    String createUser(String name, String email, String zone) {
        TestServer.Reply r = send("POST", "/users", """
                {"user": {"type": "user", "name": "%s", "email": "%s", "time_zone": "%s", "role": "limited_user",
                          "color": "green", "job_title": null, "description": null}}""".formatted(name, email, zone));
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        return r.json().at("/user/id").asText();
    }

    @Override
    public void close() {
        tocsin.close();
    }
}
