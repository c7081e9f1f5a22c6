package tocsin.server;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code POST /api/tocsin/admin/tsdb/flush} on the real server: points sent through the Datadog intake are in
 * on-disk blocks when it answers, still queryable, the store takes newer points afterwards and refuses older ones
 * as already in blocks; a key without admin scope is refused.
 */
class TsdbFlushIT {
    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static TestServer.Reply submit(long seconds, double value) {
        return server.postJson("/api/v2/series", """
                {"series": [{"metric": "it.flush", "type": 3, "points": [{"timestamp": %d, "value": %s}],
                  "tags": ["env:test"]}]}""".formatted(seconds, value), "DD-API-KEY", TestServer.ADMIN_KEY);
    }

    @Test
    void flushWritesBlocksAndTheStoreGoesOn() {
        long now = System.currentTimeMillis() / 1000;
        long base = now - Math.floorMod(now, 60) - 480; // one point per minute, each in its own 60 s bucket
        for (int i = 0; i < 5; i++) {
            assertThat(submit(base + 60L * i + 1, i).status()).isEqualTo(202);
        }
        String reader = server.createKey("read", "write");
        TestServer.Reply refused = server.postJson("/api/tocsin/admin/tsdb/flush", "", "Authorization",
                "Bearer " + reader);
        assertThat(refused.status()).as(refused.body()).isEqualTo(403);

        TestServer.Reply flushed = server.adminPost("/api/tocsin/admin/tsdb/flush", "");
        assertThat(flushed.status()).as(flushed.body()).isEqualTo(200);
        assertThat(flushed.json().path("flushed").asBoolean()).isTrue();
        assertThat(flushed.json().path("errors")).isEmpty();
        assertThat(flushed.json().path("blocks").asInt()).isPositive();
        assertThat(server.queryValues("sum:it.flush{env:test}.rollup(max, 60)")).containsExactly(0.0, 1.0, 2.0, 3.0,
                4.0);

        assertThat(submit(base + 60 * 6 + 1, 9).status()).as("newer than everything flushed").isEqualTo(202);
        TestServer.Reply old = submit(base + 1, 7);
        assertThat(old.body()).as("at a time already in blocks").contains("too old");
        assertThat(server.queryValues("sum:it.flush{env:test}.rollup(max, 60)")).containsExactly(0.0, 1.0, 2.0, 3.0,
                4.0, 9.0);
    }
}
