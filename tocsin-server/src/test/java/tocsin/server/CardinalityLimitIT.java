package tocsin.server;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** One key creating series without end meets a clear limit; the server stays healthy and known series keep flowing. */
class CardinalityLimitIT {

    static String series(int from, int to, long ts) {
        StringBuilder sb = new StringBuilder("{\"series\":[");
        for (int i = from; i < to; i++) {
            sb.append(i == from ? "" : ",").append("{\"metric\":\"it.card\",\"type\":3,\"points\":[{\"timestamp\":")
                    .append(ts).append(",\"value\":").append(i).append("}],\"tags\":[\"id:").append(i).append("\"]}");
        }
        return sb.append("]}").toString();
    }

    @Test
    void newSeriesBeyondTheLimitAreRefusedWhileKnownOnesKeepFlowing() {
        try (TestServer tocsin = TestServer.start(c -> new ServerConfig(c.dataDir(), c.httpAddr(), null, null, null,
                null, c.bootstrapApiKey(), c.bootstrapAdminPassword(),
                c.config().withMetrics(c.config().metrics().withSeriesLimits(10, 0)), c.clock()), r -> {
        })) {
            long ts = System.currentTimeMillis() / 1000 - 30;
            TestServer.Reply first = tocsin.postJson("/api/v2/series", series(0, 15, ts), "DD-API-KEY", TestServer.ADMIN_KEY);
            assertThat(first.status()).isEqualTo(202);
            assertThat(first.json().get("errors")).hasSize(5);
            assertThat(first.json().get("errors").get(0).asText()).contains("series limit of 10");

            TestServer.Reply onlyNew = tocsin.postJson("/api/v2/series", series(100, 110, ts), "DD-API-KEY",
                    TestServer.ADMIN_KEY);
            assertThat(onlyNew.status()).isEqualTo(429);
            assertThat(onlyNew.json().get("errors").get(0).asText()).contains("series limit");

            TestServer.Reply known = tocsin.postJson("/api/v2/series", series(0, 10, ts + 15), "DD-API-KEY",
                    TestServer.ADMIN_KEY);
            assertThat(known.status()).isEqualTo(202);
            assertThat(known.json().get("errors")).isEmpty();
            assertThat(tocsin.get("/health").status()).isEqualTo(200);

            String metrics = tocsin.get("/metrics", "DD-API-KEY", TestServer.ADMIN_KEY).body();
            assertThat(metrics).contains("tocsin_ingest_rejections_total{cause=\"limit\",protocol=\"datadog_v2\"} 15.0")
                    .contains("tocsin_tsdb_head_series 10.0").contains("tocsin_tsdb_sketch_head_series 0.0");
        }
    }

    @Test
    void remoteWriteAnswersTheLimitWithA400ThatPrometheusDoesNotResend() throws Exception {
        try (TestServer tocsin = TestServer.start(c -> new ServerConfig(c.dataDir(), c.httpAddr(), null, null, null,
                null, c.bootstrapApiKey(), c.bootstrapAdminPassword(),
                c.config().withMetrics(c.config().metrics().withSeriesLimits(10, 0)), c.clock()), r -> {
        })) {
            long ms = System.currentTimeMillis() - 30_000;
            java.util.List<String[]> fifteen = new java.util.ArrayList<>();
            for (int i = 0; i < 15; i++) {
                fifteen.add(new String[]{"__name__", "rw_card", "id", Integer.toString(i)});
            }
            TestServer.Reply over = RemoteWriteIT.writeTo(tocsin, RemoteWriteIT.writeRequest(fifteen, 1, ms));
            assertThat(over.status()).isEqualTo(400);
            assertThat(over.body()).contains("10 samples stored, 5 refused").contains("series limit of 10");

            TestServer.Reply known = RemoteWriteIT.writeTo(tocsin, RemoteWriteIT.writeRequest(fifteen.subList(0, 10),
                    2, ms + 15_000));
            assertThat(known.status()).isEqualTo(204);
            assertThat(tocsin.get("/health").status()).isEqualTo(200);
        }
    }

    @Test
    void oneRunawayMetricMeetsItsOwnLimitAndOtherMetricsStillCreateSeries() {
        try (TestServer tocsin = TestServer.start(c -> new ServerConfig(c.dataDir(), c.httpAddr(), null, null, null,
                null, c.bootstrapApiKey(), c.bootstrapAdminPassword(),
                c.config().withMetrics(c.config().metrics().withSeriesLimits(1000, 5)), c.clock()), r -> {
        })) {
            long ts = System.currentTimeMillis() / 1000 - 30;
            TestServer.Reply runaway = tocsin.postJson("/api/v2/series", series(0, 8, ts), "DD-API-KEY",
                    TestServer.ADMIN_KEY);
            assertThat(runaway.status()).isEqualTo(202);
            assertThat(runaway.json().get("errors")).hasSize(3);
            assertThat(runaway.json().get("errors").get(0).asText())
                    .contains("series limit per metric of 5 reached for it.card");

            String other = "{\"series\":[{\"metric\":\"it.other\",\"type\":3,\"points\":[{\"timestamp\":" + ts
                    + ",\"value\":1}],\"tags\":[\"id:1\"]}]}";
            TestServer.Reply ok = tocsin.postJson("/api/v2/series", other, "DD-API-KEY", TestServer.ADMIN_KEY);
            assertThat(ok.status()).isEqualTo(202);
            assertThat(ok.json().get("errors")).isEmpty();
        }
    }
}
