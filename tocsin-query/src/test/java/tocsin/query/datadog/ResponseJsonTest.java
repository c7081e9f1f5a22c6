package tocsin.query.datadog;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tocsin.core.metric.MetricKind;
import tocsin.query.InMemoryMetricSource;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class ResponseJsonTest {

    @ParameterizedTest
    @CsvSource({
            "1623846300000, 1623846300000.0",
            "94.31900300343831, 94.31900300343831",
            "0.1, 0.1",
            "1, 1.0",
            "-2.5, -2.5",
            "0.0001, 0.0001",
            "0.00001, 1e-05",
            "0.000015, 1.5e-05",
            "1e16, 1e+16",
            "123456789012345678, 1.2345678901234568e+17",
            "9999999999999998, 9999999999999998.0",
            "2494386918.6666665, 2494386918.6666665",
            "-0.0, -0.0",
    })
    void numbersAreWrittenAsPythonWritesFloats(double value, String json) {
        StringBuilder sb = new StringBuilder();
        ResponseJson.number(sb, value);
        assertThat(sb).hasToString(json);
    }

    @Test
    void stringsAreEscaped() {
        StringBuilder sb = new StringBuilder();
        ResponseJson.string(sb, "a\"b\\c\nd\u0001é");
        assertThat(sb).hasToString("\"a\\\"b\\\\c\\nd\\u0001é\"");
    }

    @Test
    void wholeResponseInDatadogsShape() throws IOException {
        InMemoryMetricSource source = new InMemoryMetricSource();
        String series = "redis.mem.peak{app_feature:shared,shared_resource_id:rc_long_redis}";
        source.add(Fixture.key(series), MetricKind.GAUGE, 1_721_083_886_000L, 2494386918.6666665);
        source.add(Fixture.key(series), MetricKind.GAUGE, 1_721_083_887_000L, 2494386918.6666665);
        String json = DatadogQueryEngine.over(source).query(
                "avg:redis.mem.peak{app_feature:shared} by {shared_resource_id}.rollup(5)",
                1_721_083_881_000L, 1_721_083_896_000L, 1_721_083_896_000L).toJson();
        assertThat(json).isEqualTo(resource("testdata/query-response-redis.json").strip());
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = ResponseJsonTest.class.getClassLoader().getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
