package tocsin.query.datadog;

import org.junit.jupiter.api.Test;
import tocsin.query.TagFilter;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class SingleMetricTest {

    @Test
    void oneMetricQueryIsASelector() {
        MetricSelector s = DatadogQueryEngine.parse("sum:http.requests{env:prod} by {host,az}.as_count()")
                .singleMetric().orElseThrow();

        assertThat(s.spaceAggregator()).isEqualTo("sum");
        assertThat(s.metric()).isEqualTo("http.requests");
        assertThat(s.filter()).isEqualTo(new TagFilter.Tag("env:prod"));
        assertThat(s.groupBy()).isEqualTo(List.of("host", "az"));
        assertThat(s.asCount()).isTrue();
    }

    @Test
    void aggregatorDefaultsToAvgAndParenthesesAreSeenThrough() {
        MetricSelector s = DatadogQueryEngine.parse("(system.load.1{*})").singleMetric().orElseThrow();

        assertThat(s.spaceAggregator()).isEqualTo("avg");
        assertThat(s.groupBy()).isEmpty();
    }

    @Test
    void arithmeticFunctionsRollupsAndSeveralQueriesAreNot() {
        for (String q : List.of("a{*} + b{*}", "abs(a{*})", "a{*}.rollup(max, 60)", "a{*}, b{*}", "a{*}.as_rate()",
                "a{*}.fill(zero)")) {
            assertThat(DatadogQueryEngine.parse(q).singleMetric()).as(q).isEmpty();
        }
    }
}
