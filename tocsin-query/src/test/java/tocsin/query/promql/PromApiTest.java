package tocsin.query.promql;

import org.junit.jupiter.api.Test;
import tocsin.query.MetricSource;
import tocsin.query.Points;
import tocsin.query.SourceSeries;
import tocsin.query.TagFilter;

import java.time.Instant;
import java.time.InstantSource;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The HTTP API as Grafana uses it: parameters as strings in, status and exact JSON out. */
class PromApiTest {
    private static final long T0 = PromFixture.T0;

    private final PromFixture data = new PromFixture()
            .every("up{job=\"api\",instance=\"a\"}", 0, 15, 1, 1, 1, 1, 1)
            .every("up{job=\"db\",instance=\"b\"}", 0, 15, 0, 0, 0, 0, 0)
            .every("http_requests_total{job=\"api\",code=\"200\"}", 0, 15, 0, 15, 30, 45, 60);
    private final PromApi api = PromApi.over(data.source, InstantSource.fixed(Instant.ofEpochMilli(T0 + 60_000)));

    private static String seconds(long offsetSeconds) {
        return Long.toString(T0 / 1000 + offsetSeconds);
    }

    @Test
    void instantQueryAtAGivenTime() {
        ApiResponse r = api.query("up{job=\"api\"}", seconds(30));
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":["
                + "{\"metric\":{\"__name__\":\"up\",\"instance\":\"a\",\"job\":\"api\"},\"value\":[" + seconds(30)
                + ",\"1\"]}]}}");
    }

    @Test
    void instantQueryTimesAsRfc3339OrFractionalSecondsOrNow() {
        String rfc = Instant.ofEpochMilli(T0 + 30_500).toString();
        assertThat(api.query("up{job=\"db\"}", rfc).body()).contains("\"value\":[" + seconds(30) + ".500,\"0\"]");
        assertThat(api.query("up{job=\"db\"}", seconds(30) + ".5").body())
                .contains("\"value\":[" + seconds(30) + ".500,\"0\"]");
        assertThat(api.query("up{job=\"db\"}", "2023-11-14T23:00:30+01:00").body())
                .contains("\"value\":[" + seconds(30) + ",\"0\"]");
        assertThat(api.query("time()", null).body()).isEqualTo("{\"status\":\"success\",\"data\":{\"resultType\":"
                + "\"scalar\",\"result\":[" + seconds(60) + ",\"" + seconds(60) + "\"]}}");
    }

    @Test
    void rangeQueryAsGrafanaSendsIt() {
        // At 30s and 45s the window reaches back before the first sample (0 at 0s), and the counter's zero point
        // stops the extrapolation there: 30/60, 45/60. At 60s: 45 over 45s, extrapolated 15s back, 60/45 × 45/60.
        ApiResponse r = api.queryRange("sum by (job) (rate(http_requests_total[1m]))", seconds(30), seconds(60),
                "15s");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":["
                + "{\"metric\":{\"job\":\"api\"},\"values\":[[" + seconds(30) + ",\"0.5\"],[" + seconds(45)
                + ",\"0.75\"],[" + seconds(60) + ",\"0.9999999999999999\"]]}]}}");
        assertThat(api.queryRange("up", seconds(0), seconds(60), "15").body())
                .isEqualTo(api.queryRange("up", seconds(0), seconds(60), "15s").body());
        assertThat(api.queryRange("up", Instant.ofEpochMilli(T0).toString(), Instant.ofEpochMilli(T0 + 60_000)
                .toString(), "30").body()).contains("\"resultType\":\"matrix\"");
    }

    @Test
    void badParametersAreBadData() {
        assertBadData(api.query("up", "yesterday"),
                "invalid parameter \"time\": cannot parse \"yesterday\" to a valid timestamp");
        assertBadData(api.query("sum(up", null), "invalid parameter \"query\": 1:7: parse error: unclosed left parenthesis");
        assertBadData(api.query("", null), "invalid parameter \"query\": 1:1: parse error: no expression found in input");
        assertBadData(api.query("holt_winters(up[5m], 0.1, 0.1)", null),
                "invalid parameter \"query\": function \"holt_winters\" is not supported by Tocsin yet");
        assertBadData(api.queryRange("up", "x", seconds(60), "15s"),
                "invalid parameter \"start\": cannot parse \"x\" to a valid timestamp");
        assertBadData(api.queryRange("up", seconds(0), null, "15s"),
                "invalid parameter \"end\": cannot parse \"\" to a valid timestamp");
        assertBadData(api.queryRange("up", seconds(60), seconds(0), "15s"),
                "invalid parameter \"end\": end timestamp must not be before start time");
        assertBadData(api.queryRange("up", seconds(0), seconds(60), "fast"),
                "invalid parameter \"step\": cannot parse \"fast\" to a valid duration");
        assertBadData(api.queryRange("up", seconds(0), seconds(60), "0"),
                "invalid parameter \"step\": zero or negative query resolution step widths are not accepted. "
                        + "Try a positive integer");
        assertBadData(api.queryRange("up", seconds(0), seconds(11_001), "1s"),
                "exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution "
                        + "(?step=XX)");
        assertBadData(api.queryRange("up[5m]", seconds(0), seconds(60), "15s"),
                "invalid parameter \"query\": invalid expression type \"range vector\" for range query, must be "
                        + "Scalar or instant Vector");
        assertBadData(api.series(List.of(), null, null, null), "no match[] parameter provided");
        assertBadData(api.series(List.of("up{"), null, null, null),
                "invalid parameter \"match[]\": 1:4: parse error: unexpected end of input inside braces");
        assertBadData(api.series(List.of("{job=~\".*\"}"), null, null, null),
                "invalid parameter \"match[]\": 1:1: parse error: vector selector must contain at least one "
                        + "non-empty matcher");
        assertBadData(api.series(List.of("up"), "soon", null, null),
                "invalid parameter \"start\": Invalid time value for 'start': cannot parse \"soon\" to a valid timestamp");
        assertBadData(api.labels(List.of(), null, null, "many"),
                "invalid parameter \"limit\": cannot parse \"many\" to a valid limit");
        assertBadData(api.labelValues("", List.of(), null, null, null), "invalid label name: \"\"");
    }

    private static void assertBadData(ApiResponse r, String error) {
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.body()).isEqualTo(PromJson.error("bad_data", error));
    }

    @Test
    void evaluationErrorsAreExecutionErrors() {
        ApiResponse r = api.query("up + on() up", seconds(30));
        assertThat(r.status()).isEqualTo(422);
        assertThat(r.body()).startsWith("{\"status\":\"error\",\"errorType\":\"execution\",\"error\":\"found duplicate "
                + "series for the match group {} on the right hand-side of the operation");
    }

    @Test
    void storeFailuresAreInternalWithoutDetails() {
        MetricSource broken = new MetricSource() {
            @Override
            public List<SourceSeries> select(String metric, TagFilter filter, long fromMillis, long toMillis) {
                throw new IllegalStateException("disk on fire at /var/lib/secret");
            }

            @Override
            public Points read(SourceSeries series, long fromMillis, long toMillis) {
                return Points.EMPTY;
            }
        };
        ApiResponse r = PromApi.over(broken, InstantSource.fixed(Instant.ofEpochMilli(T0))).query("up", null);
        assertThat(r.status()).isEqualTo(500);
        assertThat(r.body()).contains("\"errorType\":\"internal\"").doesNotContain("secret");
    }

    @Test
    void seriesLabelsAndValues() {
        assertThat(api.series(List.of("up", "{__name__=\"up\", job=\"api\"}"), seconds(0), seconds(60), null).body())
                .isEqualTo("{\"status\":\"success\",\"data\":[{\"__name__\":\"up\",\"instance\":\"a\",\"job\":\"api\"},"
                        + "{\"__name__\":\"up\",\"instance\":\"b\",\"job\":\"db\"}]}");
        assertThat(api.series(List.of("up"), seconds(0), seconds(60), "1").body())
                .isEqualTo("{\"status\":\"success\",\"data\":[{\"__name__\":\"up\",\"instance\":\"a\",\"job\":\"api\"}],"
                        + "\"warnings\":[\"results truncated due to limit\"]}");
        assertThat(api.series(List.of("up"), seconds(1000), seconds(2000), null).body())
                .isEqualTo("{\"status\":\"success\",\"data\":[]}");
        assertThat(api.labels(null, null, null, null).body())
                .isEqualTo("{\"status\":\"success\",\"data\":[\"__name__\",\"code\",\"instance\",\"job\"]}");
        assertThat(api.labels(List.of("up"), null, null, null).body())
                .isEqualTo("{\"status\":\"success\",\"data\":[\"__name__\",\"instance\",\"job\"]}");
        assertThat(api.labelValues("__name__", null, null, null, null).body())
                .isEqualTo("{\"status\":\"success\",\"data\":[\"http_requests_total\",\"up\"]}");
        assertThat(api.labelValues("job", List.of(), seconds(0), seconds(60), null).body())
                .isEqualTo("{\"status\":\"success\",\"data\":[\"api\",\"db\"]}");
        assertThat(api.labelValues("job", List.of("http_requests_total"), null, null, null).body())
                .isEqualTo("{\"status\":\"success\",\"data\":[\"api\"]}");
        assertThat(api.labelValues("job", List.of(), null, null, "1").body())
                .isEqualTo("{\"status\":\"success\",\"data\":[\"api\"],\"warnings\":[\"results truncated due to limit\"]}");
        assertThat(api.labelValues("nope", List.of(), null, null, null).body())
                .isEqualTo("{\"status\":\"success\",\"data\":[]}");
    }

    @Test
    void parameterParsing() {
        assertThat(ApiParams.time("1435781451.781")).isEqualTo(1435781451781L);
        assertThat(ApiParams.time("1435781451")).isEqualTo(1435781451000L);
        assertThat(ApiParams.time("1.435781451781e9")).isEqualTo(1435781451781L);
        assertThat(ApiParams.time("2015-07-01T20:10:51.781Z")).isEqualTo(1435781451781L);
        assertThat(ApiParams.time("2015-07-01T20:10:51.781123456Z")).isEqualTo(1435781451781L);
        assertThat(ApiParams.duration("15s")).isEqualTo(15_000);
        assertThat(ApiParams.duration("1m30s")).isEqualTo(90_000);
        assertThat(ApiParams.duration("0.25")).isEqualTo(250);
        assertThat(ApiParams.duration("1h")).isEqualTo(3_600_000);
    }
}
