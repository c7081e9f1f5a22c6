package tocsin.server;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Prometheus-compatible read API as Grafana uses it: instant and range queries (GET and form POST), series,
 * labels and label values, answered in Prometheus's JSON; bad queries in Prometheus's error shape.
 */
class PrometheusApiIT {
    static TestServer tocsin;
    static long t0;

    @BeforeAll
    static void load() throws Exception {
        tocsin = TestServer.start();
        t0 = (System.currentTimeMillis() / 1000 - 300) * 1000;
        // a counter growing by 10 every 15 s on two instances, written as Prometheus would
        for (int i = 0; i < 20; i++) {
            TestServer.Reply r = RemoteWriteIT.writeTo(tocsin, RemoteWriteIT.writeRequest(List.of(
                    new String[]{"__name__", "api_requests_total", "instance", "a", "job", "api"},
                    new String[]{"__name__", "api_requests_total", "instance", "b", "job", "api"}), 10.0 * i,
                    t0 + i * 15_000L));
            assertThat(r.status()).as(r.body()).isEqualTo(204);
        }
    }

    @AfterAll
    static void stop() {
        tocsin.close();
    }

    static JsonNode get(String pathAndQuery) {
        TestServer.Reply r = tocsin.get(pathAndQuery, "Authorization", "Bearer " + TestServer.ADMIN_KEY);
        assertThat(r.header("Content-Type")).startsWith("application/json");
        return r.json();
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    @Test
    void instantQueriesComputeRatesAsPrometheusDoes() {
        double at = (t0 + 19 * 15_000L) / 1000.0;
        JsonNode r = get("/prometheus/api/v1/query?query=" + enc("sum(rate(api_requests_total{job=\"api\"}[1m]))")
                + "&time=" + at);
        assertThat(r.get("status").asText()).isEqualTo("success");
        assertThat(r.at("/data/resultType").asText()).isEqualTo("vector");
        // 10 per 15 s on each of two instances
        assertThat(Double.parseDouble(r.at("/data/result/0/value/1").asText())).isCloseTo(2 * 10 / 15.0,
                org.assertj.core.data.Offset.offset(1e-9));
    }

    @Test
    void rangeQueriesByFormPostAsGrafanaSendsThem() {
        String form = "query=" + enc("sum by (instance) (api_requests_total)") + "&start=" + (t0 / 1000)
                + "&end=" + (t0 / 1000 + 285) + "&step=15";
        TestServer.Reply r = tocsin.send(tocsin.request("/prometheus/api/v1/query_range")
                .header("Authorization", "Bearer " + TestServer.ADMIN_KEY)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build());
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode result = r.json().at("/data/result");
        assertThat(r.json().at("/data/resultType").asText()).isEqualTo("matrix");
        assertThat(result).hasSize(2);
        assertThat(result.get(0).at("/metric/instance").asText()).isEqualTo("a");
        assertThat(result.get(0).get("values")).hasSize(20);
        assertThat(result.get(0).get("values").get(19).get(1).asText()).isEqualTo("190");
    }

    @Test
    void grafanaWithBasicAuthPostsItsSeriesAndLabelLookupsAsForms() {
        // Grafana's Prometheus data source with "Basic auth": any user, the API key as the password
        String basic = "Basic " + java.util.Base64.getEncoder().encodeToString(("grafana:" + TestServer.ADMIN_KEY)
                .getBytes(java.nio.charset.StandardCharsets.UTF_8));
        long start = t0 / 1000 - 60;
        long end = t0 / 1000 + 600;
        for (String[] call : new String[][]{
                {"/prometheus/api/v1/series", "match%5B%5D=" + enc("api_requests_total") + "&start=" + start
                        + "&end=" + end, "api_requests_total"},
                {"/prometheus/api/v1/labels", "start=" + start + "&end=" + end, "instance"}}) {
            TestServer.Reply r = tocsin.send(tocsin.request(call[0]).header("Authorization", basic)
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(call[1])).build());
            assertThat(r.status()).as(call[0] + ": " + r.body()).isEqualTo(200);
            assertThat(r.json().get("status").asText()).isEqualTo("success");
            assertThat(r.json().get("data").toString()).contains(call[2]);
        }
        String wrong = "Basic " + java.util.Base64.getEncoder().encodeToString("grafana:not-a-key".getBytes(
                java.nio.charset.StandardCharsets.UTF_8));
        TestServer.Reply refused = tocsin.send(tocsin.request("/prometheus/api/v1/labels").header("Authorization", wrong)
                .GET().build());
        assertThat(refused.status()).isIn(401, 403);
        assertThat(refused.json().get("status").asText()).isEqualTo("error");
    }

    @Test
    void seriesLabelsAndValues() {
        long start = t0 / 1000 - 60;
        long end = t0 / 1000 + 600;
        JsonNode series = get("/prometheus/api/v1/series?match%5B%5D=" + enc("api_requests_total") + "&start=" + start + "&end=" + end);
        assertThat(series.get("data")).hasSize(2);
        assertThat(series.at("/data/0/__name__").asText()).isEqualTo("api_requests_total");
        assertThat(get("/prometheus/api/v1/labels?start=" + start + "&end=" + end).get("data").toString())
                .contains("__name__", "instance", "job");
        assertThat(get("/prometheus/api/v1/label/instance/values?start=" + start + "&end=" + end).get("data").toString())
                .isEqualTo("[\"a\",\"b\"]");
        assertThat(get("/prometheus/api/v1/label/__name__/values?start=" + start + "&end=" + end).get("data").toString())
                .contains("api_requests_total");
    }

    @Test
    void whatGrafanaAsksBesidesQueriesIsAnsweredNot404() {
        assertThat(get("/prometheus/api/v1/metadata").get("data").isObject()).isTrue();
        assertThat(get("/prometheus/api/v1/query_exemplars?query=" + enc("api_requests_total")).get("data").isArray())
                .isTrue();
        assertThat(get("/prometheus/api/v1/rules").at("/data/groups").isArray()).isTrue();
        assertThat(get("/prometheus/api/v1/alerts").at("/data/alerts").isArray()).isTrue();
        assertThat(get("/prometheus/api/v1/status/buildinfo").at("/data/version").asText()).isNotEmpty();
    }

    @Test
    void badQueriesAreAnsweredInPrometheusErrorShape() {
        TestServer.Reply r = tocsin.get("/prometheus/api/v1/query?query=" + enc("sum(rate(x[5m])"), "Authorization",
                "Bearer " + TestServer.ADMIN_KEY);
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().get("status").asText()).isEqualTo("error");
        assertThat(r.json().get("errorType").asText()).isEqualTo("bad_data");
        assertThat(r.json().get("error").asText()).contains("parse error");
        assertThat(tocsin.get("/prometheus/api/v1/query?query=up").status()).isEqualTo(401);
    }
}
