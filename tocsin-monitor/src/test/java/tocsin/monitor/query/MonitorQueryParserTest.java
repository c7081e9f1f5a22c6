package tocsin.monitor.query;

import org.junit.jupiter.api.Test;
import tocsin.monitor.query.MetricAlertQuery.Change;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MonitorQueryParserTest {

    @Test
    void readsAMetricAlert() {
        MetricAlertQuery q = MonitorQueryParser.metricAlert("avg(last_5m):avg:system.cpu.user{env:prod} by {host} > 80");

        assertThat(q.change()).isEqualTo(Change.NONE);
        assertThat(q.aggregator()).isEqualTo(TimeAggregator.of(TimeAggregator.Kind.AVG));
        assertThat(q.window().millis()).isEqualTo(300_000);
        assertThat(q.metric()).isEqualTo("avg:system.cpu.user{env:prod} by {host}");
        assertThat(q.comparator()).isEqualTo(Comparator.GT);
        assertThat(q.threshold()).isEqualTo(80);
        assertThat(q.parsedMetric().groupBy()).containsExactly("host");
    }

    @Test
    void readsPercentilesChangesAndEveryComparator() {
        assertThat(MonitorQueryParser.metricAlert("percentile(p95)(last_1h):p95:latency{*} >= 0.25").aggregator())
                .isEqualTo(new TimeAggregator(TimeAggregator.Kind.PERCENTILE, 95));
        MetricAlertQuery c = MonitorQueryParser.metricAlert("pct_change(avg(last_5m),last_1h):sum:req{*} <= -50");
        assertThat(c.change()).isEqualTo(Change.PCT_CHANGE);
        assertThat(c.shift()).isEqualTo(new Window(1, 'h'));
        assertThat(c.threshold()).isEqualTo(-50);
        assertThat(MonitorQueryParser.metricAlert("min(last_1w):a{*}<3").comparator()).isEqualTo(Comparator.LT);
        assertThat(MonitorQueryParser.metricAlert("max(last_2d):a{*} + b{*} > 1e3").threshold()).isEqualTo(1000);
    }

    @Test
    void errorsNameTheColumnAndWhatWasExpected() {
        assertError("avg(last_5m):avg:cpu{*} by {host}", "expected a comparator (>, >=, < or <=) and a threshold",
                34);
        assertError("avg(last_5m):avg:cpu{*} > ", "expected a threshold number after >", 27);
        assertError("avg(last_5x):cpu{*} > 1", "expected a window such as last_5m", 5);
        assertError("avg(last_2w):cpu{*} > 1", "the window must be between last_1m and last_1w", 5);
        assertError("mean(last_5m):cpu{*} > 1", "unknown time aggregator 'mean'", 1);
        assertError("avg(last_5m) cpu{*} > 1", "expected ':' and the metric query", 14);
        assertError("avg(last_5m):avg:cpu{env:prod > 1", "at column 31", 31);
        assertError("avg(last_5m): > 1", "expected a metric query", 14);
        assertError("avg(last_5m):cpu{*} > 1 and more", "expected end of query after the threshold", 25);
        assertError("change(avg(last_5m)):cpu{*} > 1", "expected ',' and the change window", 20);
        assertError("", "empty query", 1);
    }

    @Test
    void metricPartErrorsKeepColumnsOfTheWholeQuery() {
        assertThatThrownBy(() -> MonitorQueryParser.metricAlert("avg(last_5m):bogus_fn(cpu{*}) > 1"))
                .isInstanceOfSatisfying(MonitorQueryException.class, e -> {
                    assertThat(e.column()).isEqualTo(14);
                    assertThat(e.getMessage()).contains("unknown function 'bogus_fn'").contains("column 14");
                });
    }

    @Test
    void readsServiceChecks() {
        ServiceCheckQuery q = MonitorQueryParser.serviceCheck(
                "\"http.can_connect\".over(\"env:prod\",\"role:web\").exclude(\"host:b\").by(\"host\").last(3)"
                        + ".count_by_status()");

        assertThat(q).isEqualTo(new ServiceCheckQuery("http.can_connect", List.of("env:prod", "role:web"),
                List.of("host:b"), List.of("host"), 3));
        assertThat(MonitorQueryParser.serviceCheck("\"x\".over(\"*\").count_by_status()").last()).isEqualTo(1);
    }

    @Test
    void serviceCheckErrors() {
        assertThatThrownBy(() -> MonitorQueryParser.serviceCheck("check.over(\"*\").count_by_status()"))
                .hasMessageContaining("expected the check name in double quotes").hasMessageContaining("column 1");
        assertThatThrownBy(() -> MonitorQueryParser.serviceCheck("\"c\".over(\"*\").last(0).count_by_status()"))
                .hasMessageContaining("between 1 and 100").hasMessageContaining("column 20");
        assertThatThrownBy(() -> MonitorQueryParser.serviceCheck("\"c\".over(\"*\").last(2)"))
                .hasMessageContaining("expected .count_by_status()");
        assertThatThrownBy(() -> MonitorQueryParser.serviceCheck("\"c\".by(\"host\").count_by_status()"))
                .hasMessageContaining("expected .over(...)");
        assertThatThrownBy(() -> MonitorQueryParser.serviceCheck("\"c\".over(\"*\").frob().count_by_status()"))
                .hasMessageContaining("unknown method '.frob'");
        assertThatThrownBy(() -> MonitorQueryParser.serviceCheck("\"c\".over(\"*\".count_by_status()"))
                .hasMessageContaining("expected ',' or ')'");
    }

    @Test
    void readsComposites() {
        CompositeQuery q = MonitorQueryParser.composite("123 && (456 || !789)");

        assertThat(q.ids()).containsExactly(123L, 456L, 789L);
        assertThat(q.toString()).isEqualTo("123 && (456 || !789)");
        assertThat(q.eval(id -> id == 123)).isTrue();
        assertThat(q.eval(id -> id == 123 || id == 789)).isFalse();
        assertThat(MonitorQueryParser.composite("1 || 2 && 3").toString()).isEqualTo("1 || 2 && 3");
        assertThat(MonitorQueryParser.composite("(1 || 2) && 3").toString()).isEqualTo("(1 || 2) && 3");
    }

    @Test
    void compositeErrors() {
        assertError(() -> MonitorQueryParser.composite("1 && "), "expected a monitor id, '!' or '('", 6);
        assertError(() -> MonitorQueryParser.composite("1 && (2"), "expected ')' or an operator", 8);
        assertError(() -> MonitorQueryParser.composite("1 2"), "expected '&&', '||' or end of query", 3);
        assertError(() -> MonitorQueryParser.composite("0 || 1"), "monitor ids are positive", 1);
        assertError(() -> MonitorQueryParser.composite("a && 1"), "expected a monitor id", 1);
    }

    private static void assertError(String query, String message, int column) {
        assertError(() -> MonitorQueryParser.metricAlert(query), message, column);
    }

    private static void assertError(Runnable parse, String message, int column) {
        assertThatThrownBy(parse::run).isInstanceOfSatisfying(MonitorQueryException.class, e -> {
            assertThat(e.getMessage()).contains(message);
            assertThat(e.column()).as(e.getMessage()).isEqualTo(column);
        });
    }
}
