package tocsin.server;

import com.datadog.api.client.ApiException;
import com.datadog.api.client.v2.api.MetricsApi;
import com.datadog.api.client.v2.model.MetricIntakeType;
import com.datadog.api.client.v2.model.MetricPayload;
import com.datadog.api.client.v2.model.MetricPoint;
import com.datadog.api.client.v2.model.MetricSeries;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A cardinality limit per API key: a key's requests may create at most its {@code max_series} series (else the
 * server's {@code metrics.max_series_per_key}); past it new series are refused in each intake's dialect, naming the
 * key, while its existing series, other keys and the server carry on. The count survives a restart. Real clients:
 * Prometheus remote write as Prometheus sends it, and Datadog's Java API client.
 */
class SeriesLimitPerKeyIT {
    private Path dir;
    private TestServer tocsin;

    private static final UnaryOperator<ServerConfig> DEFAULT_PER_KEY_8 = c -> new ServerConfig(c.dataDir(),
            c.httpAddr(), c.statsdAddr(), c.syslogAddr(), c.publicUrl(), c.databaseUrl(), c.bootstrapApiKey(),
            c.bootstrapAdminPassword(), c.config().withMetrics(c.config().metrics().withMaxSeriesPerKey(8)),
            c.clock());

    @BeforeEach
    void start() throws Exception {
        dir = Files.createTempDirectory("tocsin-it-");
        tocsin = TestServer.startOn(dir, DEFAULT_PER_KEY_8);
    }

    @AfterEach
    void stop() {
        tocsin.close();
        TestServer.deleteRecursively(dir);
    }

    private JsonNode createKey(String json) {
        TestServer.Reply r = tocsin.adminPost("/api/tocsin/keys", json);
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r.json().get("key");
    }

    private JsonNode key(String id) {
        return tocsin.adminGet("/api/tocsin/keys/" + id).json().get("key");
    }

    private TestServer.Reply patch(String id, String json) {
        return tocsin.send(tocsin.request("/api/tocsin/keys/" + id).header("Authorization", "Bearer "
                + TestServer.ADMIN_KEY).header("Content-Type", "application/json")
                .method("PATCH", HttpRequest.BodyPublishers.ofString(json)).build());
    }

    private static byte[] builds(int from, int to, long ts) throws Exception {
        List<String[]> series = new ArrayList<>();
        for (int i = from; i < to; i++) {
            series.add(new String[]{"__name__", "ci_build_seconds", "build_id", "b" + i});
        }
        return RemoteWriteIT.writeRequest(series, 1.5, ts);
    }

    @Test
    void aKeyPastItsLimitGetsNewSeriesRefusedNamingItWhileOthersAndTheServerCarryOn() throws Exception {
        JsonNode ci = createKey("{\"name\":\"ci\",\"scopes\":[\"ingest\"],\"max_series\":5}");
        JsonNode agent = createKey("{\"name\":\"agent\",\"scopes\":[\"ingest\"]}");
        assertThat(ci.get("max_series").asLong()).isEqualTo(5);
        assertThat(agent.get("max_series").isNull()).isTrue();
        long ts = System.currentTimeMillis() - 5_000;

        // remote write: 400 (a Prometheus would otherwise resend the batch for ever), naming the key
        TestServer.Reply r = RemoteWriteIT.writeTo(tocsin, builds(0, 8, ts), ci.get("secret").asText());
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.body()).contains("series limit of 5 for API key 'ci' reached").contains("max_series");
        // its existing series still take points
        assertThat(RemoteWriteIT.writeTo(tocsin, builds(0, 5, ts + 1000), ci.get("secret").asText()).status())
                .isEqualTo(204);
        long now = System.currentTimeMillis() / 1000;
        JsonNode stored = tocsin.get("/api/v1/query?from=" + (now - 600) + "&to=" + (now + 60)
                + "&query=sum:ci_build_seconds%7B*%7D%20by%20%7Bbuild_id%7D", "DD-API-KEY", TestServer.ADMIN_KEY).json();
        assertThat(stored.get("series")).as(stored.toString()).hasSize(5); // b0..b4, and not the refused b5..b7
        assertThat(key(ci.get("id").asText()).get("active_series").asInt()).isEqualTo(5);

        // the Datadog API: 429 in Datadog's dialect; another key, under the server's default of 8, is not held up
        MetricsApi asCi = new MetricsApi(DatadogClients.forServer(tocsin, ci.get("secret").asText()));
        assertThatThrownBy(() -> asCi.submitMetrics(payload("ci.jobs", 3, ts / 1000)))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.getCode()).isEqualTo(429);
                    assertThat(e.getResponseBody()).startsWith("{\"errors\":[")
                            .contains("series limit of 5 for API key 'ci' reached");
                });
        MetricsApi asAgent = new MetricsApi(DatadogClients.forServer(tocsin, agent.get("secret").asText()));
        assertThat(asAgent.submitMetrics(payload("agent.cpu", 8, ts / 1000)).getErrors()).isNullOrEmpty();
        assertThatThrownBy(() -> asAgent.submitMetrics(payload("agent.mem", 1, ts / 1000)))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.getResponseBody())
                        .contains("series limit of 8 for API key 'agent' reached"));
        assertThat(tocsin.get("/health").status()).isEqualTo(200);
        assertThat(tocsin.adminGet("/metrics").body())
                .contains("tocsin_tsdb_head_series_by_key{key_id=\"" + ci.get("id").asText()
                        + "\",key_name=\"ci\"} 5.0");

        // raising the key's limit lets it create more at once
        TestServer.Reply raised = patch(ci.get("id").asText(), "{\"max_series\":10}");
        assertThat(raised.status()).as(raised.body()).isEqualTo(200);
        assertThat(raised.json().get("key").get("max_series").asLong()).isEqualTo(10);
        assertThat(RemoteWriteIT.writeTo(tocsin, builds(5, 8, ts), ci.get("secret").asText()).status())
                .isEqualTo(204);
        assertThat(key(ci.get("id").asText()).get("active_series").asInt()).isEqualTo(8);
    }

    @Test
    void theCountSurvivesARestart() throws Exception {
        JsonNode ci = createKey("{\"name\":\"ci\",\"scopes\":[\"ingest\"],\"max_series\":3}");
        long ts = System.currentTimeMillis() - 5_000;
        assertThat(RemoteWriteIT.writeTo(tocsin, builds(0, 3, ts), ci.get("secret").asText()).status())
                .isEqualTo(204);
        tocsin.close();
        tocsin = TestServer.startOn(dir, DEFAULT_PER_KEY_8);
        assertThat(key(ci.get("id").asText()).get("active_series").asInt()).isEqualTo(3);
        TestServer.Reply r = RemoteWriteIT.writeTo(tocsin, builds(3, 4, ts), ci.get("secret").asText());
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.body()).contains("series limit of 3 for API key 'ci' reached");
    }

    @Test
    void badLimitsAreRefusedNamingTheField() {
        JsonNode ci = createKey("{\"name\":\"ci\",\"scopes\":[\"ingest\"]}");
        for (String bad : List.of("{\"max_series\":0}", "{\"max_series\":\"lots\"}", "{\"max_series\":1.5}",
                "{\"max_series\":99999999999}")) {
            TestServer.Reply r = patch(ci.get("id").asText(), bad);
            assertThat(r.status()).as(bad).isEqualTo(400);
            assertThat(r.body()).as(bad).contains("max_series: must be a whole number from 1 to 2147483647");
        }
        TestServer.Reply other = patch(ci.get("id").asText(), "{\"name\":\"renamed\",\"max_series\":5}");
        assertThat(other.status()).isEqualTo(400);
        assertThat(other.body()).contains("name: cannot be changed");
        assertThat(patch(ci.get("id").asText(), "[1]").status()).isEqualTo(400);
        assertThat(patch("no-such-key", "{\"max_series\":5}").status()).isEqualTo(404);
        TestServer.Reply create = tocsin.adminPost("/api/tocsin/keys",
                "{\"name\":\"x\",\"scopes\":[\"ingest\"],\"max_series\":-1}");
        assertThat(create.status()).isEqualTo(400);
        assertThat(create.body()).contains("max_series: must be a whole number");
        // back to the server's default
        TestServer.Reply reset = patch(ci.get("id").asText(), "{\"max_series\":null}");
        assertThat(reset.status()).isEqualTo(200);
        assertThat(reset.json().get("key").get("max_series").isNull()).isTrue();
    }

    private static MetricPayload payload(String metric, int series, long ts) {
        List<MetricSeries> out = new ArrayList<>();
        for (int i = 0; i < series; i++) {
            out.add(new MetricSeries().metric(metric).type(MetricIntakeType.GAUGE).tags(List.of("shard:" + i))
                    .points(List.of(new MetricPoint().timestamp(ts).value(1.0))));
        }
        return new MetricPayload().series(out);
    }
}
