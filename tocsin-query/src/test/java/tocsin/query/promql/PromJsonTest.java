package tocsin.query.promql;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tocsin.query.Points;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The exact bytes of Prometheus's API bodies. */
class PromJsonTest {

    @ParameterizedTest
    @CsvSource({
            "1, 1", "0.1, 0.1", "-2.5, -2.5", "123456789012, 123456789012", "0.000001, 0.000001",
            "1e-7, 1e-07", "1.5e-10, 1.5e-10", "1e20, 100000000000000000000", "1e21, 1e+21",
            "-1.25e22, -1.25e+22", "0.30000000000000004, 0.30000000000000004",
    })
    void valuesAreWrittenAsGoWritesThem(double v, String expected) {
        assertThat(GoFormat.value(v)).isEqualTo(expected);
    }

    @Test
    void specialValues() {
        assertThat(GoFormat.value(Double.NaN)).isEqualTo("NaN");
        assertThat(GoFormat.value(Double.POSITIVE_INFINITY)).isEqualTo("+Inf");
        assertThat(GoFormat.value(Double.NEGATIVE_INFINITY)).isEqualTo("-Inf");
        assertThat(GoFormat.value(0.0)).isEqualTo("0");
        assertThat(GoFormat.value(-0.0)).isEqualTo("-0");
        assertThat(GoFormat.plain(1e21)).isEqualTo("1000000000000000000000");
    }

    @ParameterizedTest
    @CsvSource({"1435781451781, 1435781451.781", "1435781451500, 1435781451.500", "1435781451050, 1435781451.050",
            "1435781451000, 1435781451", "-1500, -1.500", "0, 0"})
    void timestampsAreSecondsWithMilliseconds(long millis, String expected) {
        StringBuilder sb = new StringBuilder();
        GoFormat.seconds(sb, millis);
        assertThat(sb).hasToString(expected);
    }

    @Test
    void vector() {
        PromqlResult r = new PromqlResult.Vector(List.of(
                new PromqlResult.Sample(Labels.of("__name__", "up", "job", "prometheus", "instance", "localhost:9090"),
                        1435781451781L, 1),
                new PromqlResult.Sample(Labels.EMPTY, 1435781451781L, Double.NaN)));
        assertThat(r.toJson()).isEqualTo("{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":["
                + "{\"metric\":{\"__name__\":\"up\",\"instance\":\"localhost:9090\",\"job\":\"prometheus\"},"
                + "\"value\":[1435781451.781,\"1\"]},"
                + "{\"metric\":{},\"value\":[1435781451.781,\"NaN\"]}]}}");
    }

    @Test
    void matrix() {
        PromqlResult r = new PromqlResult.Matrix(List.of(new PromqlResult.Series(Labels.of("job", "node"),
                Points.of(new long[] {1435781430781L, 1435781445781L}, new double[] {1, Double.POSITIVE_INFINITY}))));
        assertThat(r.toJson()).isEqualTo("{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":["
                + "{\"metric\":{\"job\":\"node\"},\"values\":[[1435781430.781,\"1\"],[1435781445.781,\"+Inf\"]]}]}}");
        assertThat(new PromqlResult.Matrix(List.of()).toJson())
                .isEqualTo("{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":[]}}");
    }

    @Test
    void scalarAndString() {
        assertThat(new PromqlResult.Scalar(1435781451000L, -0.5).toJson())
                .isEqualTo("{\"status\":\"success\",\"data\":{\"resultType\":\"scalar\",\"result\":[1435781451,\"-0.5\"]}}");
        assertThat(new PromqlResult.Text(1435781451000L, "a\"b").toJson())
                .isEqualTo("{\"status\":\"success\",\"data\":{\"resultType\":\"string\",\"result\":[1435781451,\"a\\\"b\"]}}");
    }

    @Test
    void listingsAndErrors() {
        assertThat(PromJson.series(List.of(Labels.of("__name__", "up", "job", "api")), false))
                .isEqualTo("{\"status\":\"success\",\"data\":[{\"__name__\":\"up\",\"job\":\"api\"}]}");
        assertThat(PromJson.strings(List.of("__name__", "job"), true)).isEqualTo(
                "{\"status\":\"success\",\"data\":[\"__name__\",\"job\"],\"warnings\":[\"results truncated due to limit\"]}");
        assertThat(PromJson.error("bad_data", "1:1: parse error: unexpected \"}\""))
                .isEqualTo("{\"status\":\"error\",\"errorType\":\"bad_data\",\"error\":\"1:1: parse error: unexpected \\\"}\\\"\"}");
    }

    @Test
    void stringsAreEscapedAsGoDoes() {
        StringBuilder sb = new StringBuilder();
        PromJson.string(sb, "<a href=\"x\">&\n\t\u0001\\é");
        assertThat(sb).hasToString("\"\\u003ca href=\\\"x\\\"\\u003e\\u0026\\n\\t\\u0001\\\\é\"");
    }
}
